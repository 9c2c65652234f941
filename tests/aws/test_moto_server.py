"""The shared moto server fixture: a real HTTP endpoint, reset for every test."""

from __future__ import annotations

import pytest

from ddbwizard.core.aws.facade import Aws, make_session
from ddbwizard.core.model.answers import answers_from_data
from ddbwizard.core.report import RecordingReporter
from ddbwizard.core.stream import resolve_stream


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_starts_from_an_empty_server(moto_endpoint: str, run: int) -> None:
    aws = Aws(make_session(None, None), moto_endpoint)
    assert aws.list_table_names() == []
    aws.client("dynamodb").create_table(
        TableName=f"run-{run}",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def test_the_stream_step_over_http_needs_no_env_switch(
    moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The facade disables account-based endpoints itself when an endpoint URL is given.
    monkeypatch.delenv("AWS_ACCOUNT_ID_ENDPOINT_MODE")
    aws = Aws(make_session(None, None), moto_endpoint)
    aws.client("dynamodb").create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    answers = answers_from_data({"table": {"name": "orders"}})
    result = resolve_stream(aws, answers, RecordingReporter(), lambda _: True)
    assert result.enabled_now
    assert aws.stream_status(result.arn) == "ENABLED"
