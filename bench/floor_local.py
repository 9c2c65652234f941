"""The floors of the `--local` launches: moto's server in-process and boto3, nothing else.

`python bench/floor_local.py tables`: start moto's server, create the three demo tables, list
them (print the names), plus `import textual.app` (what any Textual app pays).
`python bench/floor_local.py echo`: start moto's server, create a table with a stream, write
an item, read its record with GetRecords and print it as one JSON line.
Each prints one line on stdout when done; the bench times from the start to that line.
"""

import json
import logging
import os
import sys

import boto3
from moto.server import ThreadedMotoServer

os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
)
KEY = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}
ATTRS = {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]}


def start() -> tuple[ThreadedMotoServer, str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def tables() -> None:
    import textual.app  # noqa: F401

    server, endpoint = start()
    ddb = boto3.client("dynamodb", endpoint_url=endpoint)
    for name, view in (
        ("orders", "NEW_AND_OLD_IMAGES"),
        ("sessions", "KEYS_ONLY"),
        ("customers", None),
    ):
        spec = {"StreamEnabled": True, "StreamViewType": view} if view else {"StreamEnabled": False}
        ddb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST", StreamSpecification=spec, **KEY, **ATTRS
        )
    print(" ".join(ddb.list_tables()["TableNames"]), flush=True)
    server.stop()


def echo() -> None:
    server, endpoint = start()
    ddb = boto3.client("dynamodb", endpoint_url=endpoint)
    streams = boto3.client("dynamodbstreams", endpoint_url=endpoint)
    arn = ddb.create_table(
        TableName="orders",
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        **KEY,
        **ATTRS,
    )["TableDescription"]["LatestStreamArn"]
    ddb.put_item(TableName="orders", Item={"pk": {"S": "order#1"}, "note": {"S": "hello"}})
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    record = streams.get_records(ShardIterator=iterator)["Records"][0]
    print(json.dumps(record, default=str), flush=True)
    server.stop()


if __name__ == "__main__":
    {"tables": tables, "echo": echo}[sys.argv[1]]()
