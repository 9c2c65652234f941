"""Domain errors: each carries the message a user needs and the exit code it maps to."""

from __future__ import annotations

from ddbwizard.core.text import redact

EXIT_OK = 0
EXIT_AWS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class DdbWizardError(Exception):
    """An error a user can act on; `str()` is the one- or two-line message to show."""

    exit_code = EXIT_AWS
    # True when AWS answered the call with a refusal (a 4xx): the call changed nothing. False
    # when its outcome is unknown (a 5xx, a timeout, a reset connection) or not an AWS answer.
    refused = False

    def __init__(self, message: str, hint: str | None = None) -> None:
        # An endpoint URL may carry credentials (http://KEY:SECRET@host): never shown.
        message, hint = redact(message), None if hint is None else redact(hint)
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class UsageError(DdbWizardError):
    """Bad flags or a bad answers file: nothing was sent to AWS."""

    exit_code = EXIT_USAGE


class AnswersError(UsageError):
    """An answers file (or an answer) that does not validate; one problem per line."""

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        head = f"{source}: " if source else ""
        body = problems[0] if len(problems) == 1 else "\n".join(f"  {p}" for p in problems)
        message = f"{head}{body}" if len(problems) == 1 else f"{head}invalid answers\n{body}"
        super().__init__(message)


class AwsError(DdbWizardError):
    """An AWS-side failure: access denied, throttled, a failed deploy."""

    exit_code = EXIT_AWS


class ConfirmationRequired(UsageError):
    """A non-interactive run reached a step that needs the user's consent."""


class Interrupted(DdbWizardError):
    """Ctrl-C, SIGTERM or SIGHUP; the message says what was changed so far."""

    exit_code = EXIT_INTERRUPTED
