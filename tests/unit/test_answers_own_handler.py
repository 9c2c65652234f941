"""function.handler go, function.code / entry and function.policy_statements in the answers model."""

from __future__ import annotations

from typing import Any

import pytest

from ddbwizard.core.errors import AnswersError
from ddbwizard.core.model.answers import Answers, answers_from_data, dump_answers, json_schema


def answers(**function: Any) -> Answers:
    return answers_from_data({"table": {"name": "orders"}, "function": function})


def problems(**function: Any) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        answers(**function)
    return list(caught.value.problems)


def statement(actions: list[str], resources: list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def test_the_go_echo_runs_on_provided_al2023() -> None:
    function = answers(handler="go", architecture="x86_64").function
    assert function.runtime == "provided.al2023"
    assert function.packaged
    assert function.go_entry == "."


def test_go_refuses_a_python_runtime_with_the_field_path() -> None:
    assert problems(handler="go", runtime="python3.13") == [
        "function.runtime: python3.13 cannot run the go handler; choose provided.al2023"
    ]


def test_own_code_takes_lambdas_usual_entry_or_one_of_the_handlers_shape() -> None:
    assert answers(code="src").function.code_entry == "lambda_function.lambda_handler"
    assert answers(code="src", handler="nodejs").function.code_entry == "index.handler"
    assert problems(code="src", entry="app") == [
        "function.entry: must be module.function (e.g. app.handler), got 'app'"
    ]
    assert problems(entry="app.handler") == [
        "function.entry: applies only with code: (the echo handlers have their own entry)"
    ]
    assert problems(handler="go", code="src", entry="../cmd") == [
        "function.entry: must be a folder inside code, got '../cmd'"
    ]
    own = answers(code="src", entry="pkg.app.handler").function
    assert own.packaged
    node = answers(handler="nodejs", code="src", entry="lib/app.handler").function
    assert node.entry == "lib/app.handler"
    assert answers(handler="go", code="src", entry="cmd/echo").function.go_entry == "cmd/echo"


def test_statements_are_kept_as_written_and_saved() -> None:
    made = answers(
        policy_statements=[
            statement(["xray:PutTraceSegments"], ["*"]),
            statement(["s3:GetObject"], ["arn:aws:s3:::bucket/*"]),
        ]
    )
    saved = dump_answers(made)
    assert "policy_statements:" in saved
    assert "Action:\n    - xray:PutTraceSegments" in saved
    assert "policy_statements" not in dump_answers(answers())


@pytest.mark.parametrize(
    ("actions", "resources", "expected"),
    [
        (
            ["*"],
            ["arn:aws:s3:::b"],
            "function.policy_statements[0].Action[0]: must be an IAM action like s3:GetObject "
            "(service:Action), got '*'",
        ),
        (
            ["s3:*"],
            ["arn:aws:s3:::b"],
            "function.policy_statements[0].Action[0]: name the actions the function needs, not "
            "every action: got 's3:*'",
        ),
        (
            ["s3:GetObject", "xray:PutTraceSegments"],
            ["*"],
            'function.policy_statements[0].Resource: "*" is allowed only for actions that have '
            "no resource type (such as xray:PutTraceSegments, cloudwatch:PutMetricData); "
            "s3:GetObject must name the ARNs they act on",
        ),
        (
            ["s3:GetObject"],
            ["bucket/*"],
            "function.policy_statements[0].Resource[0]: must be an ARN "
            "(arn:<partition>:<service>:...) or \"*\", got 'bucket/*'",
        ),
        ([], ["*"], "function.policy_statements[0].Action: must list at least one"),
    ],
)
def test_statements_are_linted_with_the_field_path(
    actions: list[str], resources: list[str], expected: str
) -> None:
    assert problems(policy_statements=[statement(actions, resources)]) == [expected]


def test_only_allow_statements() -> None:
    deny = {**statement(["s3:GetObject"], ["arn:aws:s3:::b/*"]), "Effect": "Deny"}
    assert problems(policy_statements=[deny]) == [
        "function.policy_statements[0].Effect: must be one of Allow, got 'Deny'"
    ]


def test_the_schema_describes_the_new_fields() -> None:
    schema = json_schema()
    function = schema["$defs"]["Function"]["properties"]
    assert set(function) >= {"code", "entry", "policy_statements"}
    assert "go" in function["handler"]["enum"]
    assert "provided.al2023" in function["runtime"]["enum"]
    assert schema["$defs"]["PolicyStatement"]["required"] == ["Action", "Resource"]
