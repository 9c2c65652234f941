"""The on-failure destination's choices: one set of choices, labels and rules for the TUI
and --plain (none, a queue the stack makes, the region's queues and topics, or a typed ARN)."""

from __future__ import annotations

from collections.abc import Sequence

from ddbwizard.core.model import limits
from ddbwizard.core.model.answers import Answers
from ddbwizard.core.model.questions import (
    BY_ID,
    CREATE_QUEUE,
    NO_DESTINATION,
    AnswerProblem,
    Choice,
)

TYPE_AN_ARN = "type an ARN"  # the choice that asks for an ARN typed in (never parsed)
DESTINATION_ARN_SHAPE = "arn:aws:sqs|sns:<region>:<account>:<name> or arn:aws:s3:::<bucket>"
_DESTINATION_KINDS = {"sqs": "SQS queue", "sns": "SNS topic", None: "S3 bucket"}


def destination_choices(answers: Answers, listed: Sequence[str] = ()) -> tuple[Choice, ...]:
    """The on-failure choices: none, a queue the stack makes, the region's queues and topics
    (`listed`), the ARN chosen before (typed, or from a file) and one to type any ARN.
    Each value is what the destination question parses, except TYPE_AN_ARN."""
    chosen = destination_choice(answers)
    known = [*listed, *([chosen] if chosen not in (NO_DESTINATION, CREATE_QUEUE, *listed) else [])]
    return (
        Choice(NO_DESTINATION, "No destination", "records that exhaust their retries are dropped"),
        Choice(
            CREATE_QUEUE,
            "Create a queue in the stack",
            "a new standard SQS queue, made and deleted with the stack",
        ),
        *(Choice(arn, arn, _destination_kind(arn)) for arn in known),
        Choice(
            TYPE_AN_ARN,
            "Type an ARN",
            "a standard SQS queue or SNS topic in this region, or an S3 bucket; any account",
        ),
    )


def destination_choice(answers: Answers) -> str:
    """The value of the choice that matches the answers' destination."""
    return BY_ID["mapping.on_failure"].as_text(answers.mapping.on_failure) or NO_DESTINATION


def typed_destination(raw: str) -> dict[str, str]:
    """An ARN typed for the on-failure destination, as the answers file holds it (the model
    checks it with the file's rule when it is applied)."""
    text = raw.strip()
    if not text:
        raise AnswerProblem(f"type the destination's ARN ({DESTINATION_ARN_SHAPE})")
    return {"arn": text}


def _destination_kind(arn: str) -> str:
    match = limits.DESTINATION_ARN_RE.fullmatch(arn)
    return "" if match is None else _DESTINATION_KINDS[match["service"]]
