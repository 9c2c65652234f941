"""Lambda event filtering for DynamoDB stream records: check a pattern, match records.

One matcher serves the answers file (`pattern_problem`, `pattern_warnings`), `--test-filters`
and the `--local` poller (`passes`), so all three agree with what Lambda does. Lambda's filter
rules use EventBridge's pattern syntax, and its page lists the operators it supports:
https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
EventBridge also has wildcard, cidr, anything-but with prefix/suffix/equals-ignore-case/wildcard
and prefix/suffix with equals-ignore-case; Lambda's list ("a summary of all the comparison
operators available for Lambda event filtering") has none of them, and EventBridge marks the
anything-but variants and wildcard as unsupported by Pipes, so Lambda's list is followed here:
they are refused by name.
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html

Patterns are plain JSON data; `matches` expects one that `pattern_problem` accepted.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from difflib import get_close_matches
from functools import partial
from typing import Any

from ddbwizard.core.model import limits
from ddbwizard.core.model.validation import shown

OR_KEY = "$or"
OPERATORS = ("anything-but", "equals-ignore-case", "exists", "numeric", "prefix", "suffix")
EVENTBRIDGE_ONLY = ("wildcard", "cidr")
NUMERIC_SHAPE = '[">", 0] or [">", 0, "<=", 5]'
IMAGES = ("NewImage", "OldImage")
ATTRIBUTE_SECTIONS = ("Keys", *IMAGES)  # dynamodb.<section>.<attribute>.<type>: DynamoDB JSON

_ABSENT = object()  # a field the record does not have
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_RANGE_STARTS, _RANGE_ENDS = (">", ">="), ("<", "<=")


# -- checking a pattern -------------------------------------------------------------------


def pattern_problem(pattern: Mapping[str, Any]) -> str | None:
    """Why Lambda would refuse `pattern`, as 'field.path: reason', or None when it is valid."""
    if not isinstance(pattern, Mapping) or not pattern:
        return "must be a non-empty JSON object, for example {eventName: [INSERT]}"
    return _object_problem(pattern, "")


def _object_problem(node: Mapping[str, Any], path: str) -> str | None:
    for key, child in node.items():
        problem = _field_problem(key, child, f"{path}.{key}" if path else key)
        if problem:
            return problem
    return None


def _field_problem(key: str, child: Any, where: str) -> str | None:
    """A field holds nested fields (an object), or the values it may match (an array)."""
    if key == OR_KEY:
        return _or_problem(child, where)
    if isinstance(child, dict):
        return (
            _object_problem(child, where) if child else f"{where}: an empty object matches nothing"
        )
    if not isinstance(child, list) or not child:
        return f"{where}: must be a non-empty array of values to match, got {shown(child)}"
    for rule in child:
        problem = _rule_problem(rule)
        if problem:
            return f"{where}: {problem}"
    return None


def _or_problem(branches: Any, where: str) -> str | None:
    # "Or (multiple fields)": "$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]
    # https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
    if not (
        isinstance(branches, list)
        and len(branches) >= 2
        and all(isinstance(branch, dict) and branch for branch in branches)
    ):
        return f'{where}: "$or" takes an array of at least two non-empty patterns, got {shown(branches)}'
    for index, branch in enumerate(branches):
        problem = _object_problem(branch, f"{where}[{index}]")
        if problem:
            return problem
    return None


def _rule_problem(rule: Any) -> str | None:
    """One value of a field's array: a JSON scalar to equal, or an operator object."""
    # Null, Empty, Equals (strings, numbers, booleans): "UserID": [null], "LastName": [""]
    # https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
    if rule is None or isinstance(rule, str | int | float):  # bool is an int
        return None
    if not isinstance(rule, dict):
        return (
            "a value to match must be a string, a number, true, false, null or an operator "
            f"object, got {shown(rule)}"
        )
    if len(rule) != 1:
        return f"an operator object holds exactly one operator, got {shown(rule)}"
    ((name, operand),) = rule.items()
    check = _OPERAND_PROBLEMS.get(name)
    return _unknown_operator(name) if check is None else check(operand)


def _unknown_operator(name: str) -> str:
    if name in EVENTBRIDGE_ONLY:
        return _eventbridge_only(f'"{name}"')
    close = get_close_matches(name, OPERATORS, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"Lambda takes {', '.join(OPERATORS)}"
    return f"unknown operator {shown(name)} ({hint})"


def _eventbridge_only(what: str) -> str:
    # https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
    return f"{what} is an EventBridge operator, not available in Lambda event filtering"


def _string_problem(name: str, operand: Any) -> str | None:
    return None if isinstance(operand, str) else f'"{name}" takes a string, got {shown(operand)}'


def _affix_problem(name: str, operand: Any) -> str | None:
    # Begins with: [{"prefix": "us-"}]; Ends with: [{"suffix": ".png"}]
    # https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
    if isinstance(operand, dict) and "equals-ignore-case" in operand:
        return _eventbridge_only(f'"{name}" with "equals-ignore-case"')
    return _string_problem(name, operand)


def _exists_problem(operand: Any) -> str | None:
    # Exists / Does not exist: [{"exists": true}], [{"exists": false}]
    # https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
    if isinstance(operand, bool):
        return None
    return f'"exists" takes true or false, got {shown(operand)}'


def _anything_but_problem(operand: Any) -> str | None:
    # Not: [{"anything-but": ["Raining"]}]; a single string or number, or a list of only
    # strings or only numbers: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
    if isinstance(operand, dict) and operand:
        return _eventbridge_only(f'"anything-but" with "{next(iter(operand))}"')
    if isinstance(operand, str) or _is_number(operand) or _is_uniform_list(operand):
        return None
    return (
        '"anything-but" takes a string, a number, or a non-empty list of only strings or '
        f"only numbers, got {shown(operand)}"
    )


def _numeric_problem(terms: Any) -> str | None:
    # Numeric (equals): [{"numeric": ["=", 100]}]; Numeric (range): [">", 10, "<=", 20]
    # https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
    if not isinstance(terms, list) or len(terms) not in (2, 4):
        return f'"numeric" takes a comparison or a range like {NUMERIC_SHAPE}, got {shown(terms)}'
    for comparison, bound in zip(terms[::2], terms[1::2], strict=True):
        if not isinstance(comparison, str) or comparison not in _COMPARISONS:
            return f'"numeric": {shown(comparison)} is not one of =, <, <=, >, >='
        if not _is_number(bound):
            return f'"numeric": {comparison} takes a number, got {shown(bound)}'
    if len(terms) == 4:
        start, low, end, high = terms
        if start not in _RANGE_STARTS or end not in _RANGE_ENDS:
            return f'"numeric": a range goes from > or >= to < or <=, got {shown(terms)}'
        if low >= high:
            return f'"numeric": the range is empty, {low} is not below {high}'
    return None


_OPERAND_PROBLEMS: dict[str, Callable[[Any], str | None]] = {
    "anything-but": _anything_but_problem,
    "equals-ignore-case": partial(_string_problem, "equals-ignore-case"),
    "exists": _exists_problem,
    "numeric": _numeric_problem,
    "prefix": partial(_affix_problem, "prefix"),
    "suffix": partial(_affix_problem, "suffix"),
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_uniform_list(value: Any) -> bool:
    """A non-empty list of only strings or only numbers."""
    if not isinstance(value, list) or not value:
        return False
    return all(isinstance(item, str) for item in value) or all(map(_is_number, value))


# -- matching a record --------------------------------------------------------------------


def passes(patterns: Sequence[Mapping[str, Any]], record: Mapping[str, Any]) -> bool:
    """Whether Lambda delivers `record`: any pattern matches; no patterns, every record."""
    # "Your filters are logically ORed together."
    # https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
    return not patterns or any(matches(pattern, record) for pattern in patterns)


def matching_patterns(
    patterns: Sequence[Mapping[str, Any]], record: Mapping[str, Any]
) -> list[int]:
    """The indexes of the patterns that match `record`, in order."""
    return [index for index, pattern in enumerate(patterns) if matches(pattern, record)]


def matches(pattern: Mapping[str, Any], record: Mapping[str, Any]) -> bool:
    """Whether `record` matches a valid `pattern`: every field of the pattern matches (And)."""
    return _object_matches(pattern, record)


def _object_matches(pattern: Mapping[str, Any], node: Any) -> bool:
    # An array in the record matches when one of its elements does, and fields that match
    # must come from the same element ("array-consistent"): "the array structure is crushed
    # out of the rule pattern" (https://github.com/aws/event-ruler#json-array-matching).
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
    if isinstance(node, list):
        return any(_object_matches(pattern, element) for element in node)
    fields = node if isinstance(node, dict) else {}
    return all(_field_matches(key, rule, fields) for key, rule in pattern.items())


def _field_matches(key: str, rule: Any, fields: Mapping[str, Any]) -> bool:
    if key == OR_KEY:
        return any(_object_matches(branch, fields) for branch in rule)
    value = fields.get(key, _ABSENT)
    if isinstance(rule, dict):
        return _object_matches(rule, value)
    scalars = _leaf_values(value)
    return any(_rule_matches(one, scalars) for one in rule)  # "Or": any value of the array


def _leaf_values(value: Any) -> list[Any]:
    """The scalars a field holds: none when absent or an object (exists works on leaves only,
    and an empty array holds none); the scalars of an array."""
    # https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html#filtering-ddb-exists
    if value is _ABSENT or isinstance(value, dict):
        return []
    if isinstance(value, list):
        return [scalar for element in value for scalar in _leaf_values(element)]
    return [value]


def _rule_matches(rule: Any, scalars: list[Any]) -> bool:
    if not isinstance(rule, dict):
        return any(_equal(rule, scalar) for scalar in scalars)
    ((name, operand),) = rule.items()
    if name == "exists":
        return bool(scalars) is operand
    test = _OPERATOR_TESTS[name]
    return any(test(operand, scalar) for scalar in scalars)


def _equal(expected: Any, value: Any) -> bool:
    # Exact, character by character; numbers by their representation (300 is not 300.0),
    # and true is not 1: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax
    return type(expected) is type(value) and bool(expected == value)


def _prefix(operand: str, value: Any) -> bool:
    return isinstance(value, str) and value.startswith(operand)


def _suffix(operand: str, value: Any) -> bool:
    return isinstance(value, str) and value.endswith(operand)


def _equals_ignore_case(operand: str, value: Any) -> bool:
    return isinstance(value, str) and value.lower() == operand.lower()


def _anything_but(operand: Any, value: Any) -> bool:
    # Matches any value, null and other types included, except the ones listed; an absent
    # field never matches (it has no value).
    excluded = operand if isinstance(operand, list) else [operand]
    return not any(_equal(item, value) for item in excluded)


def _numeric(terms: list[Any], value: Any) -> bool:
    # "Numeric matching works with values that are JSON numbers" (not strings):
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
    pairs = zip(terms[::2], terms[1::2], strict=True)
    return _is_number(value) and all(_COMPARISONS[op](value, bound) for op, bound in pairs)


_OPERATOR_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "anything-but": _anything_but,
    "equals-ignore-case": _equals_ignore_case,
    "numeric": _numeric,
    "prefix": _prefix,
    "suffix": _suffix,
}


# -- patterns that can never match --------------------------------------------------------


def pattern_warnings(pattern: Mapping[str, Any], view_type: limits.ViewType) -> list[str]:
    """Why a valid `pattern` matches no record of a `view_type` stream; empty when one can.

    A field no DynamoDB record has, an image the view type never carries, and a number (or a
    numeric rule) where stream records hold DynamoDB JSON strings. A `$or` is dead only when
    every one of its patterns is.
    """
    return list(dict.fromkeys(_dead_ends(pattern, (), view_type)))


def _dead_ends(
    node: Mapping[str, Any], path: tuple[str, ...], view_type: limits.ViewType
) -> list[str]:
    """Why no record matches `node` (all its fields must match); empty when some record can."""
    reasons: list[str] = []
    for key, child in node.items():
        if key == OR_KEY:
            branches = [_dead_ends(branch, path, view_type) for branch in child]
            if all(branches):
                reasons.extend(reason for branch in branches for reason in branch)
        elif isinstance(child, dict):
            reasons.extend(_dead_ends(child, (*path, key), view_type))
        else:
            reason = _dead_leaf(child, (*path, key), view_type)
            if reason:
                reasons.append(reason)
    return reasons


def _dead_leaf(rules: list[Any], path: tuple[str, ...], view_type: limits.ViewType) -> str | None:
    if {"exists": False} in rules:
        return None  # an absent field matches it
    # Lambda's DynamoDB page says these mappings "only support filtering on the dynamodb
    # key", yet AWS's own CDK example filters on eventName: the record's metadata fields are
    # kept (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_lambda.FilterRule.html).
    if path[0] not in limits.FILTERABLE_RECORD_FIELDS:
        return f"{shown(path[0])} is not a field of a DynamoDB stream record"
    section = path[1] if path[0] == "dynamodb" and len(path) > 1 else None
    if section in IMAGES and section not in limits.VIEW_TYPE_IMAGES[view_type]:
        return f"filters on {section}, which a {view_type} stream never carries, so it would match nothing"
    if section in ATTRIBUTE_SECTIONS and len(path) > 2:
        return _number_rules_problem(rules, ".".join(path))
    return None


def _number_rules_problem(rules: list[Any], where: str) -> str | None:
    # "DynamoDB event filtering doesn't support the use of numeric operators (numeric equals
    # and numeric range). Even if items in your table are stored as numbers, these parameters
    # are converted to strings in the JSON record object."
    # https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html#filtering-ddb-boolean
    numeric = [rule for rule in rules if isinstance(rule, dict) and "numeric" in rule]
    numbers = [rule for rule in rules if _is_number(rule)]
    if len(numeric) + len(numbers) < len(rules):
        return None
    what = '"numeric"' if numeric else f"the number {shown(numbers[0])}"
    return (
        f"{where}: {what} never matches here: stream records carry DynamoDB values as strings "
        '("N": "10.5"), so match the string, for example ["10.5"]'
    )
