"""core.deployed: which tables already have a ddbwizard trigger, and the answers it was
deployed from (a wizard offers check, update, logs and destroy from there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddbwizard.core import (
    Commands,
    UsageError,
    deployed_answers,
    deployed_outcome,
    deployed_triggers,
    load_answers,
    trigger_verdict,
)
from ddbwizard.core.aws.facade import Aws, make_session
from tests.check.kit import STACK, TABLE, deploy, make_table, recreate_table, write_answers
from tests.helpers.endpoint_run import client


def test_deployed_triggers_are_found_by_their_owner_tag_with_their_answers(
    moto_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_table(moto_endpoint)
    answers = write_answers(tmp_path, batch_size=7)
    deploy(capsys, moto_endpoint, answers)
    client(moto_endpoint, "cloudformation").create_stack(  # not ours: no owner tag
        StackName="someone-else",
        TemplateBody='{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}',
    )
    aws = Aws(make_session(None, None), moto_endpoint)
    found = deployed_triggers(aws)
    assert list(found) == [TABLE]
    (trigger,) = found[TABLE]
    assert (trigger.stack, trigger.status) == (STACK, "CREATE_COMPLETE")
    assert trigger.healthy_status
    made_from = deployed_answers(aws, STACK)
    assert made_from.mapping.batch_size == 7
    assert made_from.mapping == load_answers(answers).mapping
    shown = deployed_outcome(aws, trigger, made_from)  # what the Done step shows of it
    assert (shown.stack, shown.status) == (STACK, "CREATE_COMPLETE")
    assert shown.mapping is not None
    assert shown.mapping.state == "Enabled"
    assert shown.outputs["FunctionName"] == made_from.function_name
    commands = Commands(str(answers), ("--endpoint-url", moto_endpoint))
    assert trigger_verdict(aws, trigger, commands) == "OK"
    recreate_table(moto_endpoint)  # a new stream: the trigger reads the old one
    assert trigger_verdict(aws, trigger, commands) == "drift"
    with pytest.raises(UsageError, match="holds no ddbwizard answers"):
        deployed_answers(aws, "someone-else")
