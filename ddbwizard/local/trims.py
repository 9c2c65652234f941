"""What moto does at import that the emulator does not need, left undone or done once.

moto's CloudFormation imports some 30 services' models; before a first stack can be
described, the emulator's process spent ~0.8 s on them (`python -X importtime -c 'import
moto.cloudformation.urls'`), of which ~0.5 s went to work no `--local` run uses: region
lists read from whole service models, EC2's instance type offerings of every region, and an
OpenAPI validator. Each trim below is applied once, in the emulator's process only, before
moto imports what it trims (local.server's main).
"""

from __future__ import annotations

import functools
import importlib
import sys
import types
from typing import Any

from ddbwizard.local.demo import LOCAL_REGION

OFFERINGS = "ec2/resources/instance_type_offerings/"  # moto's: <location type>/<region>.json
OPENAPI = "openapi_spec_validator"
OPENAPI_ERRORS = f"{OPENAPI}.validation.exceptions"


def trim_moto() -> None:
    """Every trim; before moto's services are imported."""
    share_region_lists()
    offer_instance_types_in_one_region()
    defer_openapi_validator()


def share_region_lists() -> None:
    """moto lists a service's regions (in every partition) the first time an account uses
    the service, and its EC2 models list EC2's at import. boto3 answers each list from a new
    Session, which reads botocore's endpoint data again, and it loads the service's whole
    model only to read its endpoint prefix (EC2's: 0.2 s; IAM's, DynamoDB's, Lambda's ...
    as each first answers). In this process the lists come from one read of the endpoint
    data, by the service's name where that is its endpoint prefix (most services); from its
    model only where it is not (DynamoDB Streams: streams.dynamodb; CloudWatch: monitoring).
    """
    from boto3.session import Session

    def get_available_regions(
        self: Session,
        service_name: str,
        partition_name: str = "aws",
        allow_non_regional: bool = False,
    ) -> list[str]:
        return list(_regions(service_name, partition_name, allow_non_regional))

    def get_available_partitions(self: Session) -> list[str]:
        return list(_endpoints()[0].get_available_partitions())

    def get_available_services(self: Session) -> list[str]:
        return list(_services())

    Session.get_available_regions = get_available_regions  # type: ignore[method-assign]
    Session.get_available_partitions = get_available_partitions  # type: ignore[method-assign]
    Session.get_available_services = get_available_services  # type: ignore[method-assign]


@functools.cache
def _regions(service: str, partition: str, allow_non_regional: bool) -> tuple[str, ...]:
    resolver, named = _endpoints()
    if service in named:
        return tuple(resolver.get_available_endpoints(service, partition, allow_non_regional))
    # Its endpoint prefix is not its name (or it has none): botocore reads it in its model.
    return tuple(_botocore().get_available_regions(service, partition, allow_non_regional))


@functools.cache
def _endpoints() -> tuple[Any, frozenset[str]]:
    """botocore's endpoint data (endpoints.json, read once): its resolver, and the endpoint
    prefixes it knows in any partition."""
    from botocore.regions import EndpointResolver

    data = _botocore().get_data("endpoints")
    named = frozenset(name for partition in data["partitions"] for name in partition["services"])
    return EndpointResolver(data), named


@functools.cache
def _services() -> tuple[str, ...]:
    return tuple(_botocore().get_available_services())


@functools.cache
def _botocore() -> Any:
    """The one botocore session that reads the data (its loader caches what it reads)."""
    import botocore.session

    return botocore.session.get_session()


def offer_instance_types_in_one_region() -> None:
    """moto's EC2 models (its CloudFormation imports them) read the instance types offered
    in every region and zone at import: ~90 compressed files, 0.15 s before a first stack
    can be described. The emulator serves one region (LOCAL_REGION): the others' offerings
    are left unread. Called before moto's EC2 models are imported."""
    import moto.utilities.utils as moto_utils

    original = moto_utils.load_resource

    @functools.wraps(original)
    def load_resource(resource: str) -> Any:
        folder, _, name = resource.rpartition("/")
        if OFFERINGS in folder and name.split(".")[0] != LOCAL_REGION:
            return []
        return original(resource)

    moto_utils.load_resource = load_resource


def defer_openapi_validator() -> None:
    """moto's API Gateway models import openapi_spec_validator (0.13 s: jsonschema and the
    OpenAPI schemas) to check an imported OpenAPI document, which no `--local` run sends.
    The two names moto takes from it are stand-ins until then: `validate` imports the real
    validator on its first call and raises its errors as the stand-in error moto catches."""
    if OPENAPI in sys.modules:
        return
    package = types.ModuleType(OPENAPI)
    package.validate = _validate  # type: ignore[attr-defined]
    errors = types.ModuleType(OPENAPI_ERRORS)
    errors.OpenAPIValidationError = DeferredValidationError  # type: ignore[attr-defined]
    sys.modules[OPENAPI] = package
    sys.modules[f"{OPENAPI}.validation"] = types.ModuleType(f"{OPENAPI}.validation")
    sys.modules[OPENAPI_ERRORS] = errors


class DeferredValidationError(Exception):
    """Stands for openapi_spec_validator's OpenAPIValidationError (moto reads `message`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _validate(spec: Any, *args: Any, **kwargs: Any) -> None:
    real, real_errors = _real_validator()
    try:
        real.validate(spec, *args, **kwargs)
    except real_errors.OpenAPIValidationError as exc:
        raise DeferredValidationError(exc.message) from exc


@functools.cache
def _real_validator() -> tuple[Any, Any]:
    """The real package, in place of the stand-ins (which moto keeps: they delegate)."""
    for name in [name for name in sys.modules if name.split(".")[0] == OPENAPI]:
        del sys.modules[name]
    return importlib.import_module(OPENAPI), importlib.import_module(OPENAPI_ERRORS)
