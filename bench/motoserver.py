"""A moto server in its own process (so it does not share the GIL with what is measured).

`python -m bench.motoserver [N]` creates N tables t00000.. (every 7th with a stream) straight
in moto's backend, prints its endpoint URL on stdout, then serves until stdin closes.
`MotoProcess(tables=N)` is the context manager that runs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import PYTHON, ROOT, clean_env

REGION = "us-east-1"


def aws_env(**extra: str) -> dict[str, str]:
    """Fake credentials, no config files, no metadata service: only the endpoint answers."""
    nowhere = str(Path("/nonexistent/ddbwizard-bench"))
    return clean_env(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=nowhere,
        AWS_SHARED_CREDENTIALS_FILE=nowhere,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ACCOUNT_ID_ENDPOINT_MODE="disabled",
        **extra,
    )


class MotoProcess:
    def __init__(self, tables: int = 0) -> None:
        self.tables = tables

    def __enter__(self) -> MotoProcess:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "bench.motoserver", str(self.tables)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
            env=aws_env(),
        )
        assert self.proc.stdout is not None
        self.endpoint = self.proc.stdout.readline().strip()
        if not self.endpoint.startswith("http"):
            self.proc.kill()
            raise RuntimeError("moto server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def reset(self) -> None:
        req = urllib.request.Request(f"{self.endpoint}/moto-api/reset", data=b"{}", method="POST")
        with urllib.request.urlopen(req, timeout=30) as answer:
            answer.read()

    def client(self, service: str) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(max_pool_connections=32),
        )


def _create_tables(count: int, stream_every: int = 7) -> None:
    """`count` tables t00000.., every `stream_every`-th with a NEW_AND_OLD_IMAGES stream."""
    from moto.dynamodb.models import dynamodb_backends

    ddb = dynamodb_backends["123456789012"][REGION]
    for i in range(count):
        stream = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        ddb.create_table(
            f"t{i:05d}",
            schema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            throughput=None,
            attr=[{"AttributeName": "pk", "AttributeType": "S"}],
            global_indexes=[],
            indexes=[],
            streams=stream if i % stream_every == 0 else None,
            billing_mode="PAY_PER_REQUEST",
            sse_specification=None,
            tags=[],
            deletion_protection_enabled=False,
            warm_throughput=None,
        )


def _serve(tables: int) -> None:
    import logging

    from moto.server import ThreadedMotoServer

    from ddbwizard.local.fixes import moto_behaves_like_aws

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    req = urllib.request.Request(
        f"{endpoint}/moto-api/config",
        data=json.dumps({"lambda": {"use_docker": False}}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(req, timeout=10).read()
    _create_tables(tables)
    with moto_behaves_like_aws():
        print(endpoint, flush=True)
        sys.stdin.read()  # until the parent closes it
    server.stop()


if __name__ == "__main__":
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
