"""Peak RSS (ru_maxrss of each child alone, from os.wait4) of three whole processes:
`--export`; an `--answers` deploy against a moto server (own process, --endpoint-url);
the TUI at the table step (headless, 1,000 and 10,000 tables: every name listed, visible rows
described), and the difference of the two (flat in the table count?).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from bench.common import PYTHON, ROOT, Result, Series, clean_env
from bench.motoserver import MotoProcess, aws_env
from bench.startup import SEED, _script

DEPLOY_ANSWERS = """version: 1
table: {name: orders}
stream: {view_type: NEW_AND_OLD_IMAGES}
mapping: {batch_size: 10, starting_position: TRIM_HORIZON}
stack: {name: orders-echo}
"""


# The child's ru_maxrss starts at its parent's peak when the parent is big (vfork/fork + exec
# keep the old mm's high-water mark), so a small launcher process runs each measured command.
LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = proc.stderr.read()
_, status, usage = os.wait4(proc.pid, 0)
code = os.waitstatus_to_exitcode(status)
if code:
    sys.stderr.buffer.write(err[-2000:])
print(usage.ru_maxrss)
sys.exit(code)
"""


def peak_rss_mib(argv: list[str], env: dict[str, str]) -> float:
    """Peak RSS of the process argv alone (ru_maxrss from os.wait4), in MiB."""
    done = subprocess.run(
        [PYTHON, "-c", LAUNCHER, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{argv} exited {done.returncode}: {done.stderr}")
    return int(done.stdout.split()[-1]) / 1024  # KiB on Linux


def bench_memory(runs: int, quick: bool = False) -> list[Result]:
    export, deploy, tui, many = [], [], [], []
    tables, more = (200, 2000) if quick else (1000, 10_000)
    env = aws_env()
    with MotoProcess(more) as moto:
        for _ in range(runs):
            many.append(peak_rss_mib([PYTHON, "-m", "bench.tui", "memory", moto.endpoint], env))
    with tempfile.TemporaryDirectory() as tmp, MotoProcess(tables) as moto:
        out = Path(tmp) / "out.yaml"
        answers = Path(tmp) / "deploy.yaml"
        answers.write_text(DEPLOY_ANSWERS, encoding="utf-8")
        for _ in range(runs):
            export.append(
                peak_rss_mib(
                    [*_script(), "--answers", str(SEED), "--export", str(out)], clean_env()
                )
            )
            moto.client("dynamodb").create_table(
                TableName="orders",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            deploy.append(
                peak_rss_mib(
                    [
                        *_script(),
                        "--answers",
                        str(answers),
                        "--yes",
                        "--endpoint-url",
                        moto.endpoint,
                    ],
                    env,
                )
            )
            moto.client("cloudformation").delete_stack(StackName="orders-echo")
            moto.client("dynamodb").delete_table(TableName="orders")
            tui.append(peak_rss_mib([PYTHON, "-m", "bench.tui", "memory", moto.endpoint], env))
    growth = Series("peak RSS difference", [b - a for a, b in zip(tui, many, strict=True)])
    return [
        Result(
            "memory: --export",
            Series("peak RSS", export),
            unit="MiB",
            target="< 60 MiB",
            check=lambda r: r.subject.high < 60,
        ),
        Result(
            "memory: --answers deploy (moto)",
            Series("peak RSS", deploy),
            unit="MiB",
            target="report",
            note="against a moto server in its own process",
        ),
        Result(
            f"memory: TUI at the table step ({tables} tables)",
            Series("peak RSS", tui),
            unit="MiB",
            target="< 120 MiB",
            check=lambda r: r.subject.high < 120,
            note="headless run_test, 80x24",
        ),
        Result(
            f"memory: TUI at the table step ({more} tables)",
            Series("peak RSS", many),
            unit="MiB",
            target="< 120 MiB",
            check=lambda r: r.subject.high < 120,
            note="headless run_test, 80x24",
        ),
        Result(
            f"memory: table step, {more} tables less {tables}",
            growth,
            unit="MiB",
            target="flat: < 5 MiB",
            check=lambda r: r.subject.high < 5,
            note="beyond what is shown, memory should not grow with the table count",
        ),
    ]
