"""Count a batch's DynamoDB stream records by event name and log the counts as one JSON line."""

import json
from collections import Counter

import attrs


@attrs.frozen
class Tally:
    """The counts of one batch."""

    inserts: int
    modifies: int
    removes: int

    @classmethod
    def of(cls, records: list[dict]) -> "Tally":
        names = Counter(record.get("eventName") for record in records)
        return cls(names["INSERT"], names["MODIFY"], names["REMOVE"])


def handler(event: dict, context: object) -> None:
    tally = Tally.of(event.get("Records", []))
    print(json.dumps({"counts": attrs.asdict(tally)}))
