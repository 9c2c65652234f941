"""The emulator's start-up trims (local.trims, issue 15) answer as moto answers without them.

Each case asks the emulator (its own process, trimmed) and moto in this process
(`mock_aws`, untrimmed) the same thing; the trims change what moto reads at import, not
what it says, except the instance type offerings of regions the emulator does not serve.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from ddbwizard.local.demo import LOCAL_REGION, demo_item
from ddbwizard.local.emulator import LocalEmulator
from ddbwizard.local.poller import LocalPoller
from tests.aws.test_local import make_echo

GET_ORDERS: dict[str, Any] = {"get": {"responses": {"200": {"description": "ok"}}}}
VALID_API: dict[str, Any] = {
    "openapi": "3.0.0",
    "info": {"title": "orders", "description": "demo", "version": "1"},
    "paths": {"/orders": GET_ORDERS},
}
# An OpenAPI 3 document the validator refuses: a path without its leading slash.
INVALID_API: dict[str, Any] = {**VALID_API, "paths": {"orders": GET_ORDERS}}
Service = Literal["ec2", "apigateway"]


def _emulated(emulator: LocalEmulator, service: Service, region: str = LOCAL_REGION) -> Any:
    return emulator.session().client(
        service, endpoint_url=emulator.endpoint_url, region_name=region
    )


def _in_process(service: Service, region: str = LOCAL_REGION) -> Any:
    return boto3.client(
        service,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_the_region_lists_are_botocores(emulator: LocalEmulator) -> None:
    """Read from the endpoint data alone: the same regions as from EC2's whole model."""
    emulated = _emulated(emulator, "ec2").describe_regions(AllRegions=True)["Regions"]
    with mock_aws():
        moto = _in_process("ec2").describe_regions(AllRegions=True)["Regions"]
    assert sorted(r["RegionName"] for r in emulated) == sorted(r["RegionName"] for r in moto)
    assert {r["RegionName"] for r in emulated} >= set(
        boto3.session.Session().get_available_regions("ec2")
    )


def test_the_served_regions_instance_type_offerings_are_motos(emulator: LocalEmulator) -> None:
    """The emulator's region keeps every offering; another region has none (left unread)."""
    emulated = _emulated(emulator, "ec2").describe_instance_type_offerings(
        LocationType="availability-zone"
    )["InstanceTypeOfferings"]
    elsewhere = _emulated(emulator, "ec2", "eu-west-1").describe_instance_type_offerings()
    with mock_aws():
        moto = _in_process("ec2").describe_instance_type_offerings(
            LocationType="availability-zone"
        )["InstanceTypeOfferings"]
    assert emulated == moto
    assert len(emulated) > 100
    assert elsewhere["InstanceTypeOfferings"] == []


def _import_api(client: Any, document: dict[str, Any]) -> str:
    try:
        client.import_rest_api(failOnWarnings=True, body=json.dumps(document).encode())
    except ClientError as exc:
        return f"{exc.response['Error']['Code']}: {exc.response['Error']['Message']}"
    return "imported"


@pytest.mark.parametrize("document", [VALID_API, INVALID_API], ids=["valid", "invalid"])
def test_an_openapi_import_is_validated_as_moto_validates_it(
    emulator: LocalEmulator, document: dict[str, Any]
) -> None:
    """The validator loads on the first import that asks for it; its verdict is moto's."""
    emulated = _import_api(_emulated(emulator, "apigateway"), document)
    with mock_aws():
        moto = _import_api(_in_process("apigateway"), document)
    assert emulated == moto
    assert (emulated == "imported") == (document is VALID_API)


def test_a_tail_waiting_on_the_poller_wakes_when_records_are_delivered(
    emulator: LocalEmulator,
) -> None:
    """The log tail's pause under --local ends once a round has run the function."""
    aws = emulator.aws()
    make_echo(aws, StartingPosition="LATEST")
    poller = LocalPoller(aws)
    try:
        assert poller.poll_once() == 0
        assert poller.wait_delivery(0) is False  # a round that delivered nothing
        aws.put_item("orders", demo_item())
        assert poller.poll_once() == 1
        assert poller.wait_delivery(0) is True
        assert poller.wait_delivery(0) is False  # once per delivery
    finally:
        poller.stop()
