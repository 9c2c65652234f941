"""The echo function's environment: what the template sets, and what Lambda adds (pure)."""

from __future__ import annotations

from ddbwizard.core.model.answers import Answers

# With LogFormat JSON, Lambda sets AWS_LAMBDA_LOG_LEVEL to the LoggingConfig's
# ApplicationLogLevel (the echo handlers read it to stay quiet at WARN and above).
# https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html
LOG_FORMAT = "JSON"


def function_environment(answers: Answers) -> dict[str, str]:
    """The Variables of the function's Environment in the template."""
    return {"REPORT_BATCH_ITEM_FAILURES": str(answers.mapping.report_batch_item_failures).lower()}


def lambda_environment(answers: Answers, region: str) -> dict[str, str]:
    """The variables Lambda itself sets for the deployed function (a local run plays them)."""
    function = answers.function
    return {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": answers.function_name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": answers.log_group_name,
        "AWS_LAMBDA_LOG_FORMAT": LOG_FORMAT,
        "AWS_LAMBDA_LOG_LEVEL": function.log_level,
        "TZ": ":UTC",
    }
