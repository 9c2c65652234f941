"""core.model.filters: Lambda's event filtering on DynamoDB stream records, case by case.

Every case names the AWS page it comes from. The records are the shapes of tests/data/events
(and the example record of Lambda's DynamoDB filtering page).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from ddbwizard.core.model import limits
from ddbwizard.core.model.filters import (
    matches,
    matching_patterns,
    passes,
    pattern_problem,
    pattern_warnings,
)

LAMBDA = (
    "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html#filtering-syntax"
)
DDB = "https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html"
EB = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html"
EB_OPERATORS = (
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html"
)
EB_ARRAYS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html"
RULER_ARRAYS = "https://github.com/aws/event-ruler#json-array-matching"

EVENTS = Path(__file__).resolve().parents[1] / "data" / "events"


def records(name: str) -> list[dict[str, Any]]:
    data: dict[str, list[dict[str, Any]]] = json.loads((EVENTS / name).read_text("utf-8"))
    return data["Records"]


MODIFY, INSERT, REMOVE = records("modify_new_and_old_images.json")  # NEW_AND_OLD_IMAGES
ALL_TYPES = records("insert_all_types.json")[0]
KEYS_ONLY = records("keys_only.json")[0]
TTL_DELETE = records("ttl_delete.json")[0]  # userIdentity: the TTL service
# The example record of Lambda's DynamoDB filtering page (DDB), with an OldImage added for
# its "Filtering with Boolean expressions" example.
DOC_RECORD: dict[str, Any] = {
    "eventID": "1",
    "eventVersion": "1.0",
    "dynamodb": {
        "ApproximateCreationDateTime": "1678831218.0",
        "Keys": {"CustomerName": {"S": "AnyCompany Industries"}},
        "NewImage": {
            "AccountManager": {"S": "Pat Candella"},
            "PaymentTerms": {"S": "60 days"},
            "CustomerName": {"S": "AnyCompany Industries"},
            "Organizations": {"L": [{"S": "Sales"}, {"S": "Marketing"}, {"S": "Support"}]},
        },
        "OldImage": {"AccountManager": {"S": "Terry Whitlock"}},
        "SequenceNumber": "111",
        "SizeBytes": 26,
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    },
}


def with_fields(record: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {**copy.deepcopy(record), **fields}


def new_image(**attributes: Any) -> dict[str, Any]:
    """A pattern on the new image's attributes: new_image(status={"S": ["x"]})."""
    return {"dynamodb": {"NewImage": attributes}}


def status(rule: Any) -> dict[str, Any]:
    return new_image(status={"S": [rule]})


# Two list elements, so a match that takes sku from one and qty from the other is refused.
TWO_LINES = with_fields(MODIFY)
TWO_LINES["dynamodb"]["NewImage"]["items"] = {
    "L": [
        {"M": {"sku": {"S": "A-1"}, "qty": {"N": "1"}}},
        {"M": {"sku": {"S": "B-2"}, "qty": {"N": "2"}}},
    ]
}

# (case id: the page it comes from, pattern, record, matches?)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    # Null: "UserID": [null] (LAMBDA); null is not absence, nor interchangeable with "" (EB)
    ("null", {"userIdentity": [None]}, with_fields(MODIFY, userIdentity=None), True),
    ("null-is-not-absent", {"userIdentity": [None]}, MODIFY, False),
    ("null-is-not-empty", {"userIdentity": [None]}, with_fields(MODIFY, userIdentity=""), False),
    # Empty: "LastName": [""] (LAMBDA)
    ("empty", new_image(empty={"S": [""]}), ALL_TYPES, True),
    ("empty-not-text", new_image(str={"S": [""]}), ALL_TYPES, False),
    # Equals: "Name": ["Alice"] (LAMBDA); table keys and attributes (DDB)
    ("equals", {"eventName": ["MODIFY"]}, MODIFY, True),
    ("equals-other", {"eventName": ["MODIFY"]}, INSERT, False),
    ("equals-exact-case", {"eventName": ["modify"]}, MODIFY, False),
    (
        "ddb-table-keys",
        {"dynamodb": {"Keys": {"CustomerName": {"S": ["AnyCompany Industries"]}}}},
        DOC_RECORD,
        True,
    ),
    ("equals-number", {"dynamodb": {"SizeBytes": [102]}}, MODIFY, True),
    # "For numbers, Lambda also uses string representation ... 300, 300.0 ... not equal" (LAMBDA)
    ("equals-number-representation", {"dynamodb": {"SizeBytes": [102.0]}}, MODIFY, False),
    ("equals-boolean", new_image(yes={"BOOL": [True]}), ALL_TYPES, True),
    ("equals-boolean-false", new_image(no={"BOOL": [True]}), ALL_TYPES, False),
    ("equals-null-attribute", new_image(nothing={"NULL": [True]}), ALL_TYPES, True),
    # Equals (ignore case): [{"equals-ignore-case": "alice"}] (LAMBDA)
    ("equals-ignore-case", status({"equals-ignore-case": "shipped"}), MODIFY, True),
    ("equals-ignore-case-other", status({"equals-ignore-case": "new"}), MODIFY, False),
    # And: "Location": [...], "Day": [...] (LAMBDA); Boolean expressions (DDB)
    (
        "and",
        {"eventName": ["MODIFY"], "dynamodb": {"OldImage": {"status": {"S": ["PENDING"]}}}},
        MODIFY,
        True,
    ),
    (
        "and-one-fails",
        {"eventName": ["INSERT"], "dynamodb": {"OldImage": {"status": {"S": ["PENDING"]}}}},
        MODIFY,
        False,
    ),
    (
        "ddb-boolean-expressions",  # the page's two "dynamodb" keys, merged: strict JSON
        {
            "dynamodb": {
                "NewImage": {"AccountManager": {"S": ["Pat Candella"]}},
                "OldImage": {"AccountManager": {"S": ["Terry Whitlock"]}},
            }
        },
        DOC_RECORD,
        True,
    ),
    # Or: "PaymentType": ["Credit", "Debit"] (LAMBDA); table attributes (DDB)
    ("or", {"eventName": ["INSERT", "MODIFY"]}, INSERT, True),
    ("or-none", {"eventName": ["INSERT", "MODIFY"]}, REMOVE, False),
    (
        "ddb-table-attributes",
        new_image(AccountManager={"S": ["Pat Candella", "Shirley Rodriguez"]}),
        DOC_RECORD,
        True,
    ),
    # Or (multiple fields): "$or": [{"Location": [...]}, {"Day": [...]}] (LAMBDA)
    ("$or-first", {"$or": [{"eventName": ["REMOVE"]}, status("SHIPPED")]}, REMOVE, True),
    ("$or-second", {"$or": [{"eventName": ["REMOVE"]}, status("SHIPPED")]}, MODIFY, True),
    ("$or-neither", {"$or": [{"eventName": ["REMOVE"]}, status("SHIPPED")]}, INSERT, False),
    (
        "$or-nested-and",
        {
            "eventName": ["MODIFY", "INSERT"],
            "dynamodb": {
                "$or": [{"OldImage": {"status": {"S": ["PENDING"]}}}, {"SizeBytes": [103]}]
            },
        },
        INSERT,
        True,
    ),
    # Not: [{"anything-but": ["Raining"]}] (LAMBDA); single values and numbers (EB)
    ("anything-but", {"eventName": [{"anything-but": ["REMOVE"]}]}, MODIFY, True),
    ("anything-but-listed", {"eventName": [{"anything-but": ["REMOVE"]}]}, REMOVE, False),
    ("anything-but-single", {"eventName": [{"anything-but": "REMOVE"}]}, REMOVE, False),
    (
        "anything-but-numbers",
        {"dynamodb": {"SizeBytes": [{"anything-but": [102, 103]}]}},
        MODIFY,
        False,
    ),
    (
        "anything-but-numbers-other",
        {"dynamodb": {"SizeBytes": [{"anything-but": [102]}]}},
        REMOVE,
        True,
    ),
    ("anything-but-absent", {"userIdentity": {"type": [{"anything-but": "User"}]}}, MODIFY, False),
    (
        "anything-but-present",
        {"userIdentity": {"type": [{"anything-but": "User"}]}},
        TTL_DELETE,
        True,
    ),
    # Numeric (equals) and (range) (LAMBDA), on JSON numbers only (EB)
    ("numeric-equals", {"dynamodb": {"SizeBytes": [{"numeric": ["=", 102]}]}}, MODIFY, True),
    (
        "numeric-range",
        {
            "dynamodb": {
                "ApproximateCreationDateTime": [{"numeric": [">", 1714550401, "<=", 1714550403]}]
            }
        },
        INSERT,
        True,
    ),
    (
        "numeric-range-above",
        {
            "dynamodb": {
                "ApproximateCreationDateTime": [{"numeric": [">", 1714550401, "<=", 1714550403]}]
            }
        },
        REMOVE,
        False,
    ),
    ("numeric-open", {"dynamodb": {"SizeBytes": [{"numeric": ["<", 103]}]}}, MODIFY, True),
    # "DynamoDB event filtering doesn't support the use of numeric operators" (DDB)
    (
        "ddb-numeric-on-a-number-attribute",
        new_image(total={"N": [{"numeric": [">", 0]}]}),
        MODIFY,
        False,
    ),
    ("ddb-numbers-are-strings", new_image(total={"N": ["10.50"]}), MODIFY, True),
    ("ddb-a-number-never-equals", new_image(total={"N": [10.5]}), MODIFY, False),
    (
        "numeric-on-a-string-field",
        {"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">", 0]}]}},
        DOC_RECORD,
        False,
    ),
    # Exists and Does not exist (LAMBDA); only on leaf nodes (LAMBDA, DDB "Using the Exists operator")
    ("exists", {"dynamodb": {"OldImage": {"status": {"S": [{"exists": True}]}}}}, MODIFY, True),
    (
        "exists-absent",
        {"dynamodb": {"OldImage": {"status": {"S": [{"exists": True}]}}}},
        INSERT,
        False,
    ),
    (
        "does-not-exist",
        {"dynamodb": {"OldImage": {"status": {"S": [{"exists": False}]}}}},
        INSERT,
        True,
    ),
    (
        "does-not-exist-present",
        {"dynamodb": {"OldImage": {"status": {"S": [{"exists": False}]}}}},
        MODIFY,
        False,
    ),
    (
        "ddb-exists-intermediate-node",
        new_image(Organizations=[{"exists": True}]),
        DOC_RECORD,
        False,
    ),
    (
        "ddb-exists-leaf-node",
        new_image(Organizations={"L": {"S": [{"exists": True}]}}),
        DOC_RECORD,
        True,
    ),
    (
        "does-not-exist-intermediate-node",
        new_image(Organizations=[{"exists": False}]),
        DOC_RECORD,
        True,
    ),
    ("exists-on-keys-only", {"dynamodb": {"NewImage": [{"exists": False}]}}, KEYS_ONLY, True),
    # Begins with: [{"prefix": "us-"}] (LAMBDA)
    ("prefix", {"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "order#"}]}}}}, MODIFY, True),
    ("prefix-other", {"dynamodb": {"Keys": {"pk": {"S": [{"prefix": "user#"}]}}}}, MODIFY, False),
    ("prefix-not-a-string", {"dynamodb": {"SizeBytes": [{"prefix": "1"}]}}, MODIFY, False),
    # Ends with: [{"suffix": ".png"}] (LAMBDA)
    ("suffix", {"dynamodb": {"Keys": {"pk": {"S": [{"suffix": "#2"}]}}}}, MODIFY, True),
    ("suffix-other", {"dynamodb": {"Keys": {"pk": {"S": [{"suffix": "#2"}]}}}}, INSERT, False),
    # Arrays: a rule matches when any element of the record's array matches (EB_ARRAYS)
    ("array-string-set", new_image(ss={"SS": ["beta"]}), ALL_TYPES, True),
    ("array-string-set-none", new_image(ss={"SS": ["delta"]}), ALL_TYPES, False),
    ("array-of-maps", new_image(items={"L": {"M": {"sku": {"S": ["A-1"]}}}}), MODIFY, True),
    ("array-list-of-values", new_image(list={"L": {"S": ["a"]}}), ALL_TYPES, True),
    # ... and fields must match in the same element ("array-consistent", RULER_ARRAYS)
    (
        "array-same-element",
        new_image(items={"L": {"M": {"sku": {"S": ["B-2"]}, "qty": {"N": ["2"]}}}}),
        TWO_LINES,
        True,
    ),
    (
        "array-across-elements",
        new_image(items={"L": {"M": {"sku": {"S": ["A-1"]}, "qty": {"N": ["2"]}}}}),
        TWO_LINES,
        False,
    ),
]


@pytest.mark.parametrize(
    ("pattern", "record", "expected"),
    [pytest.param(pattern, record, expected, id=case) for case, pattern, record, expected in CASES],
)
def test_documented_cases(pattern: dict[str, Any], record: dict[str, Any], expected: bool) -> None:
    assert pattern_problem(pattern) is None
    assert matches(pattern, record) is expected


def test_a_record_passes_when_any_pattern_matches() -> None:
    # "Your filters are logically ORed together." (LAMBDA page)
    patterns = [{"eventName": ["REMOVE"]}, status("SHIPPED"), {"eventName": ["MODIFY"]}]
    assert matching_patterns(patterns, MODIFY) == [1, 2]
    assert passes(patterns, MODIFY)
    assert matching_patterns(patterns, INSERT) == []
    assert not passes(patterns, INSERT)
    assert passes([], INSERT)  # no filters: every record


# -- rejections: what Lambda refuses, named by path and reason --------------------------------

BAD_ANYTHING_BUT: list[tuple[Any, str]] = [
    (None, "null"),
    (True, "true"),
    ([], "[]"),
    (["a", 1], '["a", 1]'),
    (["a", None], '["a", null]'),
    ({}, "{}"),
]
REJECTIONS: list[tuple[Any, str]] = [
    ({}, "must be a non-empty JSON object, for example {eventName: [INSERT]}"),
    (
        {"eventName": "INSERT"},
        "eventName: must be a non-empty array of values to match, got 'INSERT'",
    ),
    ({"eventName": []}, "eventName: must be a non-empty array of values to match, got []"),
    ({"dynamodb": {}}, "dynamodb: an empty object matches nothing"),
    (
        {"eventName": [["INSERT"]]},
        'eventName: a value to match must be a string, a number, true, false, null or an operator object, got ["INSERT"]',
    ),
    (
        {"eventName": [{"prefix": "I", "suffix": "T"}]},
        'eventName: an operator object holds exactly one operator, got {"prefix": "I", "suffix": "T"}',
    ),
    ({"eventName": [{}]}, "eventName: an operator object holds exactly one operator, got {}"),
    (
        {"eventName": [{"prefx": "I"}]},
        "eventName: unknown operator 'prefx' (did you mean 'prefix'?)",
    ),
    (
        {"eventName": [{"contains": "I"}]},
        "eventName: unknown operator 'contains' (Lambda takes anything-but, equals-ignore-case, exists, numeric, prefix, suffix)",
    ),
    # the brief's example, and each operand type (LAMBDA table)
    (status({"prefix": 3}), 'dynamodb.NewImage.status.S: "prefix" takes a string, got 3'),
    (status({"suffix": None}), 'dynamodb.NewImage.status.S: "suffix" takes a string, got null'),
    (
        status({"equals-ignore-case": ["a"]}),
        'dynamodb.NewImage.status.S: "equals-ignore-case" takes a string, got ["a"]',
    ),
    (
        status({"exists": "true"}),
        "dynamodb.NewImage.status.S: \"exists\" takes true or false, got 'true'",
    ),
    (status({"exists": 1}), 'dynamodb.NewImage.status.S: "exists" takes true or false, got 1'),
    # anything-but: a string, a number, or a list of only strings or only numbers (EB)
    *[
        (
            status({"anything-but": operand}),
            'dynamodb.NewImage.status.S: "anything-but" takes a string, a number, or a non-empty '
            f"list of only strings or only numbers, got {shown}",
        )
        for operand, shown in BAD_ANYTHING_BUT
    ],
    # numeric: one comparison or a range from > / >= to < / <= (LAMBDA, EB)
    *[
        (new_image(n={"N": [{"numeric": terms}]}), f'dynamodb.NewImage.n.N: "numeric"{reason}')
        for terms, reason in [
            (">", ' takes a comparison or a range like [">", 0] or [">", 0, "<=", 5], got \'>\''),
            ([">"], ' takes a comparison or a range like [">", 0] or [">", 0, "<=", 5], got [">"]'),
            (
                [">", 0, "<"],
                ' takes a comparison or a range like [">", 0] or [">", 0, "<=", 5], got [">", 0, "<"]',
            ),
            (["=>", 0], ": '=>' is not one of =, <, <=, >, >="),
            ([0, ">"], ": 0 is not one of =, <, <=, >, >="),
            ([">", "5"], ": > takes a number, got '5'"),
            ([">", True], ": > takes a number, got true"),
            ([">", 0, "<=", None], ": <= takes a number, got null"),
            (["<", 5, ">", 0], ': a range goes from > or >= to < or <=, got ["<", 5, ">", 0]'),
            (["=", 1, "<", 5], ': a range goes from > or >= to < or <=, got ["=", 1, "<", 5]'),
            ([">", 5, "<", 5], ": the range is empty, 5 is not below 5"),
        ]
    ],
    # $or: two or more patterns (LAMBDA "Or (multiple fields)")
    (
        {"$or": {"eventName": ["INSERT"]}},
        '$or: "$or" takes an array of at least two non-empty patterns, got {"eventName": ["INSERT"]}',
    ),
    (
        {"$or": [{"eventName": ["INSERT"]}]},
        '$or: "$or" takes an array of at least two non-empty patterns, got [{"eventName": ["INSERT"]}]',
    ),
    (
        {"$or": [{"eventName": ["INSERT"]}, {}]},
        '$or: "$or" takes an array of at least two non-empty patterns, got [{"eventName": ["INSERT"]}, {}]',
    ),
    (
        {"$or": [{"eventName": ["INSERT"]}, {"eventName": "MODIFY"}]},
        "$or[1].eventName: must be a non-empty array of values to match, got 'MODIFY'",
    ),
    (
        {"dynamodb": {"$or": [{"SizeBytes": [1]}, {"Keys": {"pk": {"S": [{"prefix": 1}]}}}]}},
        'dynamodb.$or[1].Keys.pk.S: "prefix" takes a string, got 1',
    ),
]

# EventBridge operators that Lambda's table does not list (LAMBDA, EB_OPERATORS)
EVENTBRIDGE_ONLY: list[tuple[Any, str]] = [
    ({"wildcard": "order#*"}, '"wildcard"'),
    ({"cidr": "10.0.0.0/24"}, '"cidr"'),
    ({"prefix": {"equals-ignore-case": "ORDER"}}, '"prefix" with "equals-ignore-case"'),
    ({"suffix": {"equals-ignore-case": "#2"}}, '"suffix" with "equals-ignore-case"'),
    ({"anything-but": {"prefix": "order#"}}, '"anything-but" with "prefix"'),
    ({"anything-but": {"suffix": "#2"}}, '"anything-but" with "suffix"'),
    ({"anything-but": {"equals-ignore-case": "x"}}, '"anything-but" with "equals-ignore-case"'),
    ({"anything-but": {"wildcard": "*/lib/*"}}, '"anything-but" with "wildcard"'),
]


@pytest.mark.parametrize(("pattern", "message"), REJECTIONS)
def test_each_rejection_names_the_path_and_the_reason(pattern: Any, message: str) -> None:
    assert pattern_problem(pattern) == message


@pytest.mark.parametrize(("rule", "what"), EVENTBRIDGE_ONLY)
def test_eventbridge_only_operators_are_refused_as_lambda_does(rule: Any, what: str) -> None:
    assert pattern_problem({"dynamodb": {"Keys": {"pk": {"S": [rule]}}}}) == (
        f"dynamodb.Keys.pk.S: {what} is an EventBridge operator, not available in Lambda event filtering"
    )


# -- patterns that are valid but never match ---------------------------------------------------

NUMBERS_ARE_STRINGS = (
    'never matches here: stream records carry DynamoDB values as strings ("N": "10.5"), '
    'so match the string, for example ["10.5"]'
)


@pytest.mark.parametrize(
    ("pattern", "view_type", "warnings"),
    [
        # DDB: numeric operators never match an attribute value
        (
            new_image(total={"N": [{"numeric": [">", 0]}]}),
            "NEW_IMAGE",
            [f'dynamodb.NewImage.total.N: "numeric" {NUMBERS_ARE_STRINGS}'],
        ),
        (
            {"dynamodb": {"Keys": {"sk": {"N": [1, 2]}}}},
            "KEYS_ONLY",
            [f"dynamodb.Keys.sk.N: the number 1 {NUMBERS_ARE_STRINGS}"],
        ),
        (new_image(total={"N": ["1", {"numeric": [">", 0]}]}), "NEW_IMAGE", []),  # "1" can match
        ({"dynamodb": {"SizeBytes": [{"numeric": [">", 0]}]}}, "KEYS_ONLY", []),  # a JSON number
        # images a view type never carries (limits.VIEW_TYPE_IMAGES)
        (
            status("x"),
            "KEYS_ONLY",
            [
                "filters on NewImage, which a KEYS_ONLY stream never carries, so it would match nothing"
            ],
        ),
        (
            status("x"),
            "OLD_IMAGE",
            [
                "filters on NewImage, which a OLD_IMAGE stream never carries, so it would match nothing"
            ],
        ),
        (
            {"dynamodb": {"OldImage": {"s": {"S": ["x"]}}}},
            "NEW_IMAGE",
            [
                "filters on OldImage, which a NEW_IMAGE stream never carries, so it would match nothing"
            ],
        ),
        (status("x"), "NEW_AND_OLD_IMAGES", []),
        (status({"exists": False}), "KEYS_ONLY", []),  # an absent image matches "does not exist"
        # a top-level field no DynamoDB record has (limits.FILTERABLE_RECORD_FIELDS)
        (
            {"detail": {"state": ["x"]}},
            "NEW_IMAGE",
            ["'detail' is not a field of a DynamoDB stream record"],
        ),
        # a $or never matches only when none of its patterns can
        ({"$or": [{"detail": ["x"]}, {"eventName": ["INSERT"]}]}, "NEW_IMAGE", []),
        (
            {"$or": [{"detail": ["x"]}, status("x")]},
            "KEYS_ONLY",
            [
                "'detail' is not a field of a DynamoDB stream record",
                "filters on NewImage, which a KEYS_ONLY stream never carries, so it would match nothing",
            ],
        ),
    ],
)
def test_patterns_that_can_never_match(
    pattern: dict[str, Any], view_type: limits.ViewType, warnings: list[str]
) -> None:
    assert pattern_problem(pattern) is None
    assert pattern_warnings(pattern, view_type) == warnings


# -- properties --------------------------------------------------------------------------------

SAMPLES = [MODIFY, INSERT, REMOVE, ALL_TYPES, KEYS_ONLY, TTL_DELETE, DOC_RECORD]
FIELD_PATHS = [
    ("eventName",),
    ("eventID",),
    ("userIdentity", "type"),
    ("dynamodb", "SizeBytes"),
    ("dynamodb", "Keys", "pk", "S"),
    ("dynamodb", "NewImage", "status", "S"),
    ("dynamodb", "OldImage", "status", "S"),
    ("dynamodb", "NewImage", "items", "L", "M", "sku", "S"),
]
texts = st.sampled_from(
    ["INSERT", "MODIFY", "REMOVE", "SHIPPED", "order#2", "A-1", "Service", "", "x"]
)
numbers = st.sampled_from([0, 26, 102, 103.5, 1714550402])
rules = st.one_of(
    texts,
    numbers,
    st.none(),
    st.booleans(),
    texts.map(lambda text: {"prefix": text[:3]}),
    texts.map(lambda text: {"suffix": text[-2:]}),
    texts.map(lambda text: {"equals-ignore-case": text.lower()}),
    st.lists(texts, min_size=1, max_size=3).map(lambda listed: {"anything-but": listed}),
    st.booleans().map(lambda flag: {"exists": flag}),
    numbers.map(lambda bound: {"numeric": [">=", bound]}),
)


def nest(path: tuple[str, ...], leaf: list[Any]) -> dict[str, Any]:
    node: Any = leaf
    for key in reversed(path):
        node = {key: node}
    result: dict[str, Any] = node
    return result


def merge(into: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value
    return into


patterns = st.lists(
    st.tuples(st.sampled_from(FIELD_PATHS), st.lists(rules, min_size=1, max_size=3)),
    min_size=1,
    max_size=3,
).map(lambda fields: _merged([nest(path, leaf) for path, leaf in fields]))


def _merged(parts: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for part in parts:
        merge(result, part)
    return result


def keys_of(pattern: Any) -> set[str]:
    if isinstance(pattern, dict):
        return {*pattern, *(key for value in pattern.values() for key in keys_of(value))}
    if isinstance(pattern, list):
        return {key for value in pattern for key in keys_of(value)}
    return set()


def dict_nodes(node: Any) -> list[dict[str, Any]]:
    """Every object in a record, arrays' elements included."""
    if isinstance(node, dict):
        return [node, *(inner for value in node.values() for inner in dict_nodes(value))]
    if isinstance(node, list):
        return [inner for value in node for inner in dict_nodes(value)]
    return []


EXTRA_VALUES: list[Any] = ["v", 1, None, [], {}]
extras = st.lists(
    st.tuples(
        st.integers(min_value=0), st.text(min_size=1, max_size=8), st.sampled_from(EXTRA_VALUES)
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(pattern=patterns, record=st.sampled_from(SAMPLES), added=extras)
def test_unrelated_fields_never_change_a_match(
    pattern: dict[str, Any], record: dict[str, Any], added: list[tuple[int, str, Any]]
) -> None:
    assert pattern_problem(pattern) is None
    grown = copy.deepcopy(record)
    nodes, used = dict_nodes(grown), keys_of(pattern)
    for index, key, value in added:
        node = nodes[index % len(nodes)]
        if key not in used and key not in node:
            node[key] = copy.deepcopy(value)
    assert matches(pattern, grown) is matches(pattern, record)


@settings(max_examples=300, derandomize=True, deadline=None, database=None)
@given(first=patterns, second=patterns, record=st.sampled_from(SAMPLES))
def test_or_of_two_patterns_is_the_union_of_their_verdicts(
    first: dict[str, Any], second: dict[str, Any], record: dict[str, Any]
) -> None:
    either = {"$or": [first, second]}
    assert pattern_problem(either) is None
    assert matches(either, record) is (matches(first, record) or matches(second, record))
    assert passes([first, second], record) is matches(either, record)
