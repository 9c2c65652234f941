"""The demo account of `--local`: its region, tables, items, queue and topic, and a demo item."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT = "123456789012"  # moto's default account for any access key
# The label of every demo stream, so examples/*.yaml can name the ARNs.
DEMO_STREAM_LABEL = "2026-01-01T00:00:00.000"
DEMO_KEY = "pk"  # every demo table has this string hash key, so demo_item() fits any of them
FAILURE_QUEUE = "orders-echo-failures"
ALERT_TOPIC = "orders-alerts"


def demo_stream_arn(table: str) -> str:
    return (
        f"arn:aws:dynamodb:{LOCAL_REGION}:{LOCAL_ACCOUNT}:table/{table}/stream/{DEMO_STREAM_LABEL}"
    )


def _s(value: str) -> dict[str, Any]:
    return {"S": value}


def _n(value: str) -> dict[str, Any]:
    return {"N": value}


DEMO_TABLES: dict[str, str | None] = {
    "orders": "NEW_AND_OLD_IMAGES",
    "sessions": "KEYS_ONLY",
    "customers": None,
}
DEMO_ITEMS: dict[str, list[dict[str, Any]]] = {
    "orders": [
        {
            DEMO_KEY: _s("order#1001"),
            "customer": _s("Zoë Müller"),
            "total": _n("42.50"),
            "status": _s("shipped"),
            "note": _s("Lieferung nach Köln, bitte klingeln ✓"),
            "lines": {"L": [{"M": {"sku": _s("TEE-01"), "qty": _n("2")}}]},
        },
        {
            DEMO_KEY: _s("order#1002"),
            "customer": _s("李雷"),
            "total": _n("1999"),
            "status": _s("pending"),
            "tags": {"SS": ["express", "礼物"]},
        },
        {
            DEMO_KEY: _s("order#1003"),
            "customer": _s("José Núñez"),
            "total": _n("7.05"),
            "status": _s("cancelled"),
            "gift": {"BOOL": True},
            "coupon": {"NULL": True},
        },
    ],
    "sessions": [
        {DEMO_KEY: _s("session#a1b2"), "user": _s("zoë"), "expires": _n("1798761600")},
        {DEMO_KEY: _s("session#c3d4"), "user": _s("josé"), "expires": _n("1798765200")},
    ],
    "customers": [
        {DEMO_KEY: _s("customer#1"), "name": _s("Zoë Müller"), "city": _s("Köln")},
        {DEMO_KEY: _s("customer#2"), "name": _s("李雷"), "city": _s("北京")},
    ],
}


def demo_item(table: str = "orders") -> dict[str, Any]:
    """A fresh item (DynamoDB JSON) that fits every demo table: a new key each call."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return {
        DEMO_KEY: _s(f"demo#{uuid.uuid4().hex[:8]}"),
        "message": _s(f"Hello from ddbwizard — {table}, ça marche ✓"),
        "written_at": _s(now),
    }
