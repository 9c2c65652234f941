"""AWS failures as domain errors: botocore exceptions turned into messages a user can act on.

`aws_errors(action, ...)` is the one place that translates; the facade in core.aws wraps
every call in it. Each class keeps the details a front end may want (action, resource).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ProxyConnectionError,
    ReadTimeoutError,
    SSLError,
    SSOError,
    TokenRetrievalError,
)

from ddbwizard.core.errors import EXIT_USAGE, AwsError, DdbWizardError, UsageError

NO_REGION = (
    "No AWS region: pass --region, set AWS_REGION (or AWS_DEFAULT_REGION), "
    "or add region to your profile"
)
NO_CREDENTIALS_HINT = (
    "Run `aws configure` (or `aws configure sso`), set AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY, or pass --profile."
)
# The end of both setup messages (no region, no credentials), in every front end.
NO_ACCOUNT_HINT = "No AWS account? `ddbwizard --local` works without one, on an embedded emulator."

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "RequestThrottled",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "BandwidthLimitExceeded",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "TransactionInProgressException",
    }
)
ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthorizationError",
        "AuthorizationErrorException",
        "Forbidden",
    }
)
CREDENTIALS_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "MissingAuthenticationToken",
        "IncompleteSignature",
        "RequestExpired",
        "InvalidAccessKeyId",
    }
)
NOT_FOUND_CODES = frozenset(
    {
        "ResourceNotFoundException",
        "ResourceNotFound",
        "NotFoundException",
        "NotFound",
        "NoSuchEntity",
        "TableNotFoundException",
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
    }
)
_DENIED_RE = re.compile(
    r"User: (?P<principal>\S+) is not authorized to perform: (?P<action>\S+)"
    r"(?: on resource: (?P<resource>\S+?))?(?:\s+(?P<reason>(?:because|with) .*?))?\.?$",
    re.DOTALL,
)


class AwsCallError(AwsError):
    """An AWS call failed for a reason without a class of its own; `code` is AWS's error code."""

    def __init__(
        self, message: str, hint: str | None = None, *, action: str = "", code: str = ""
    ) -> None:
        super().__init__(message, hint)
        self.action = action
        self.code = code


class AccessDenied(AwsCallError):
    """The caller's identity lacks a permission; `action` and `resource` name which."""

    def __init__(
        self, message: str, hint: str | None = None, *, action: str, resource: str = ""
    ) -> None:
        super().__init__(message, hint, action=action, code="AccessDenied")
        self.resource = resource


class ThrottledError(AwsCallError):
    """AWS kept throttling after botocore's standard retries gave up."""

    def __init__(self, message: str, *, action: str, code: str, attempts: int) -> None:
        super().__init__(message, None, action=action, code=code)
        self.attempts = attempts


class NotFound(AwsCallError):
    """A table, stream, function, queue... that does not exist (in this account and region)."""


class CredentialsError(AwsError):
    """No credentials, expired or invalid ones, or an SSO session to renew."""


class NoCredentials(CredentialsError):
    """No credentials at all: a setup problem like no region (exit 2), nothing reached AWS."""

    exit_code = EXIT_USAGE


class EndpointUnreachable(AwsError):
    """No network, a blocked or wrong endpoint, or a timeout."""

    def __init__(self, message: str, hint: str | None = None, *, endpoint_url: str = "") -> None:
        super().__init__(message, hint)
        self.endpoint_url = endpoint_url


class AwsConfigError(UsageError):
    """The local AWS configuration is unusable: no region, an unknown profile, a bad endpoint."""


class NoTables(UsageError):
    """The region has no DynamoDB tables: usually the wrong region, profile or account."""


def no_tables_error(region: str, account: str | None = None) -> NoTables:
    """The error a front end raises when ListTables comes back empty."""
    where = f"{region} (account {account})" if account else region
    return NoTables(
        f"No DynamoDB tables in {where}",
        "Check the region (--region, AWS_REGION) and the profile (--profile), or create a table.",
    )


def no_region_error() -> AwsConfigError:
    return AwsConfigError(NO_REGION, NO_ACCOUNT_HINT)


def unknown_profile_error(profile: str, known: list[str]) -> AwsConfigError:
    listed = ", ".join(sorted(known)) if known else "none (run `aws configure` to make one)"
    return AwsConfigError(
        f"AWS profile {profile!r} is not in your AWS config files",
        f"Known profiles: {listed}",
    )


def _login_hint(profile: str | None) -> str:
    flag = f" --profile {profile}" if profile else ""
    return f"run `aws sso login{flag}` and try again"


def translate(
    exc: Exception,
    action: str,
    *,
    resource: str = "",
    profile: str | None = None,
    max_attempts: int | None = None,
) -> DdbWizardError | None:
    """The domain error for a botocore exception raised by `action` ("dynamodb:UpdateTable").

    Returns None for exceptions that are not AWS failures (programming errors stay visible).
    """
    if isinstance(exc, ClientError):
        translated = _client_error(exc, action, resource, profile, max_attempts)
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        translated.refused = isinstance(status, int) and 400 <= status < 500
        return translated
    if isinstance(exc, BotoCoreError):
        return _botocore_error(exc, action, profile)
    return None


def _client_error(
    exc: ClientError, action: str, resource: str, profile: str | None, max_attempts: int | None
) -> DdbWizardError:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", "") or "")
    message = str(error.get("Message", "") or "").strip()
    if code in ACCESS_DENIED_CODES or "is not authorized to perform" in message:
        return _access_denied(message, action, resource)
    if code in THROTTLING_CODES:
        retries = exc.response.get("ResponseMetadata", {}).get("RetryAttempts")
        attempts = retries + 1 if isinstance(retries, int) else (max_attempts or 1)
        what = "limited" if code == "LimitExceededException" else "throttled"
        return ThrottledError(
            f"AWS {what} {action} after {attempts} attempt{'s' if attempts != 1 else ''} "
            f"({code}); try again in a minute",
            action=action,
            code=code,
            attempts=attempts,
        )
    if code in CREDENTIALS_CODES:
        if "expired" in code.lower() or "expired" in message.lower():
            return CredentialsError(
                f"Your AWS session token has expired ({action} was refused)",
                f"Get new credentials: {_login_hint(profile)}, or refresh your environment's keys.",
            )
        return CredentialsError(
            f"AWS did not accept your credentials for {action} ({code}: {message or 'no detail'})",
            "Check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the --profile you use.",
        )
    if code in NOT_FOUND_CODES:
        what = resource or "the resource"
        return NotFound(
            f"{action}: {what} was not found{': ' + message if message else ''}",
            action=action,
            code=code,
        )
    return AwsCallError(
        f"{action} failed: {code}{': ' + message if message else ''}", action=action, code=code
    )


def _access_denied(message: str, action: str, resource: str) -> AccessDenied:
    match = _DENIED_RE.search(message)
    denied_action = match["action"] if match else action
    denied_resource = (match["resource"] if match else None) or resource
    on = f" on {denied_resource}" if denied_resource else ""
    who = f" (as {match['principal']})" if match else ""
    reason = f": {match['reason']}" if match and match["reason"] else ""
    return AccessDenied(
        f"Access denied: {denied_action}{on}{who}{reason}",
        "Ask for this permission, or use a profile that has it (--profile).",
        action=denied_action,
        resource=denied_resource,
    )


_UNREACHABLE = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
    ProxyConnectionError,
    SSLError,
)


def _botocore_error(exc: BotoCoreError, action: str, profile: str | None) -> DdbWizardError:
    if isinstance(exc, NoRegionError):
        return no_region_error()
    if isinstance(exc, ProfileNotFound):
        return AwsConfigError(f"AWS profile {exc.kwargs.get('profile')!r} is not configured")
    if isinstance(exc, (SSOError, TokenRetrievalError)):
        who = f"profile {profile}" if profile else "your profile"
        return CredentialsError(
            f"The AWS SSO session for {who} has expired or was never started", _login_hint(profile)
        )
    if isinstance(exc, NoCredentialsError):
        return NoCredentials(
            "No AWS credentials found", f"{NO_CREDENTIALS_HINT}\n{NO_ACCOUNT_HINT}"
        )
    if isinstance(exc, (PartialCredentialsError, CredentialRetrievalError)):
        return CredentialsError(f"Your AWS credentials are incomplete: {exc}")
    if isinstance(exc, _UNREACHABLE):
        url = str(exc.kwargs.get("endpoint_url") or exc.kwargs.get("proxy_url") or "")
        kind = "timed out" if isinstance(exc, (ConnectTimeoutError, ReadTimeoutError)) else "failed"
        return EndpointUnreachable(
            f"Cannot reach {url or 'the AWS endpoint'} ({action} {kind})",
            "Check your network, VPN or proxy; to use another endpoint (an emulator), "
            "pass --endpoint-url.",
            endpoint_url=url,
        )
    if isinstance(exc, ParamValidationError):
        return AwsCallError(f"{action}: invalid request: {exc}", action=action)
    return AwsCallError(f"{action} failed: {exc}", action=action)


@contextmanager
def aws_errors(
    action: str,
    *,
    resource: str = "",
    profile: str | None = None,
    max_attempts: int | None = None,
) -> Iterator[None]:
    """Run a block of AWS calls, re-raising botocore failures as domain errors."""
    try:
        yield
    except (ClientError, BotoCoreError) as exc:
        translated = translate(
            exc, action, resource=resource, profile=profile, max_attempts=max_attempts
        )
        if translated is None:  # pragma: no cover - translate handles every botocore error
            raise
        raise translated from exc


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ClientError (or of the ClientError a domain error came from)."""
    if isinstance(exc, AwsCallError) and exc.code:
        return exc.code
    cause = exc if isinstance(exc, ClientError) else exc.__cause__
    if isinstance(cause, ClientError):
        return str(cause.response.get("Error", {}).get("Code", ""))
    return ""
