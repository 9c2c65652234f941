"""The opt-in `alarms:` section: CloudWatch alarms on the trigger's IteratorAge and Errors.

Limits are CloudWatch's (PutMetricAlarm: a period of 60 s or a multiple of it for Lambda's
standard-resolution metrics; at most one day of periods under an hour, seven days otherwise)
and ddbwizard's own where AWS has none (a threshold that could never be crossed is refused).
https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, model_validator

from ddbwizard.core.model import limits
from ddbwizard.core.model.fields import (
    Ranged,
    SafeStr,
    _partition_problem,
    _queue_or_topic_problem,
    _region_problem,
    _split_arn,
    field_error,
)
from ddbwizard.core.model.validation import shown

# IteratorAge is at most the stream's retention: a higher threshold never fires.
ITERATOR_AGE_SECONDS = limits.IntLimit(
    1, limits.STREAM_RETENTION_SECONDS, 300, "seconds (stream records live 24 hours)", unit="s"
)
ERRORS = limits.IntLimit(1, 1_000_000, 1, "errors in one period")
PERIOD_SECONDS = limits.IntLimit(60, 86_400, 60, "seconds, a multiple of 60", unit="s")
EVALUATION_PERIODS = limits.IntLimit(1, 1_440, 1, "periods")
SHORT_PERIOD_MAX_SPAN = 86_400  # periods under an hour: at most one day in all
MAX_SPAN = 604_800  # seven days
TOPIC_ARN_SHAPE = "arn:aws:sns:<region>:<account>:<topic>"


def _topic_arn(value: str) -> str:
    """A standard SNS topic ARN (CloudWatch alarm actions cannot publish to a FIFO topic)."""
    arn = _split_arn(value)
    if arn is None or arn.service != "sns":
        raise field_error(f"not an SNS topic ARN ({TOPIC_ARN_SHAPE}), got {shown(value)}")
    problem = _partition_problem(arn) or _region_problem(arn) or _queue_or_topic_problem(arn)
    if problem:
        raise field_error(problem)
    if arn.resource.endswith(limits.FIFO_SUFFIX):
        raise field_error(f"alarms can notify only a standard topic, not FIFO, got {shown(value)}")
    return value


TopicArn = Annotated[
    SafeStr,
    AfterValidator(_topic_arn),
    Field(description=f"a standard SNS topic in the stack's region ({TOPIC_ARN_SHAPE})"),
]


class Alarms(BaseModel):
    """Which alarms the stack holds: each threshold given makes one alarm."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    iterator_age_seconds: Annotated[StrictInt, Ranged(ITERATOR_AGE_SECONDS)] | None = Field(
        None, description="alarm when IteratorAge (Maximum) is above this many seconds"
    )
    errors: Annotated[StrictInt, Ranged(ERRORS)] | None = Field(
        None, description="alarm when the function's Errors (Sum) reach this many in a period"
    )
    period_seconds: Annotated[StrictInt, Ranged(PERIOD_SECONDS)] = PERIOD_SECONDS.default
    evaluation_periods: Annotated[StrictInt, Ranged(EVALUATION_PERIODS)] = (
        EVALUATION_PERIODS.default
    )
    topic_arn: TopicArn | None = None

    @model_validator(mode="after")
    def _periods(self) -> Alarms:
        if self.period_seconds % 60:
            raise field_error(
                f"must be a multiple of 60 (Lambda's metrics are per minute), got "
                f"{self.period_seconds}",
                "period_seconds",
            )
        span = self.period_seconds * self.evaluation_periods
        most = SHORT_PERIOD_MAX_SPAN if self.period_seconds < 3_600 else MAX_SPAN
        if span > most:
            raise field_error(
                f"period_seconds x evaluation_periods is {span} s; CloudWatch allows at most "
                f"{most} s ({'one day for periods under an hour' if most < MAX_SPAN else 'seven days'})",
                "evaluation_periods",
            )
        return self

    @property
    def any(self) -> bool:
        return self.iterator_age_seconds is not None or self.errors is not None

    @property
    def topic_region(self) -> str | None:
        arn = _split_arn(self.topic_arn or "")
        return None if arn is None else arn.region


def asks_nothing(data: Any) -> bool:
    """An alarms section with no threshold and no topic, its other fields at their defaults
    (what is left when a wizard's alarm answers are all cleared): it makes nothing."""
    if not isinstance(data, dict):
        return False
    defaults = {
        "period_seconds": PERIOD_SECONDS.default,
        "evaluation_periods": EVALUATION_PERIODS.default,
    }
    return all(key in defaults and value == defaults[key] for key, value in data.items())


def topic_region_problem(alarms: Alarms | None, region: str | None) -> str | None:
    """An alarm can notify only a topic of its own region (the stack's)."""
    topic = None if alarms is None else alarms.topic_region
    if topic is None or region is None or topic == region:
        return None
    return (
        f"alarms.topic_arn: the topic is in {topic}, but the stack goes to {region} (an "
        "alarm notifies only a topic of its own region)"
    )
