"""--local runs functions as Lambda does: a child process of the runtime on a loopback Runtime API.

The echo through each runtime (Python and Node.js bootstraps of ddbwizard's, the Go echo's
own bootstrap built for this machine) writes the same lines as the Python echo run in this
process; timeouts, import errors and crashes come back as Lambda words them; and your own
handler, packaged and uploaded to the emulator's artifacts bucket, runs from there.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest

from ddbwizard.core.aws.facade import Aws
from ddbwizard.core.deploy.artifacts import ensure_artifacts_bucket, upload_artifact
from ddbwizard.core.deploy.execute import Deployer
from ddbwizard.core.model.answers import answers_from_data, load_answers
from ddbwizard.core.package.function import package_function
from ddbwizard.core.report import RecordingReporter
from ddbwizard.core.template.artifacts import artifact_key
from ddbwizard.core.template.gobuild import build_bootstrap
from ddbwizard.core.template.handlers import (
    HandlerKind,
    handler_source,
    template_path,
    templates_dir,
)
from ddbwizard.local.child import ChildRuntime, FunctionProcess, RuntimeKind
from ddbwizard.local.code import host_architecture
from ddbwizard.local.demo import demo_item, demo_stream_arn
from ddbwizard.local.emulator import LocalEmulator
from ddbwizard.local.poller import LocalPoller
from tests.unit.test_echo_handlers import EVENT_FILES, load_event, run_py

# moto's CloudFormation skips the bucket policy (it has no model of it) and says so.
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS..S3..BucketPolicy:UserWarning")
ROOT = Path(__file__).resolve().parents[2]
ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders-echo"
ENVS = {
    "default": {},
    "rbif": {"REPORT_BATCH_ITEM_FAILURES": "true"},
    "warn": {"AWS_LAMBDA_LOG_LEVEL": "WARN"},
}
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")
needs_go = pytest.mark.skipif(shutil.which("go") is None, reason="go is not on PATH")


@pytest.fixture(scope="module")
def echo() -> ModuleType:
    path = template_path("python")
    module = ModuleType("ddbwizard_echo_in_process")
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


@pytest.fixture(scope="session")
def code_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[RuntimeKind, Path]:
    """The echo's code folder for each runtime (the Go echo built once, for this machine)."""
    root = tmp_path_factory.mktemp("echo-code")
    dirs: dict[RuntimeKind, Path] = {}
    inline: tuple[tuple[HandlerKind, str], ...] = (("python", "index.py"), ("nodejs", "index.js"))
    for kind, name in inline:
        folder = root / kind
        folder.mkdir()
        (folder / name).write_text(handler_source(kind), encoding="utf-8")
        dirs[kind] = folder
    if shutil.which("go") is not None:
        dirs["go"] = build_bootstrap(
            templates_dir() / "go", root / "go", host_architecture()
        ).parent
    return dirs


def spec(
    kind: RuntimeKind, code: Path, env: dict[str, str], timeout: float = 30.0
) -> FunctionProcess:
    handler = "bootstrap" if kind == "go" else "index.handler"
    return FunctionProcess(kind, code, handler, env, ARN, timeout)


@pytest.mark.parametrize(
    "kind", ["python", pytest.param("nodejs", marks=needs_node), pytest.param("go", marks=needs_go)]
)
@pytest.mark.parametrize("env_name", list(ENVS))
def test_the_echo_in_a_child_process_writes_the_in_process_lines(
    kind: RuntimeKind,
    env_name: str,
    echo: ModuleType,
    code_dirs: dict[RuntimeKind, Path],
    tmp_path: Path,
) -> None:
    env = ENVS[env_name]
    with ChildRuntime(spec(kind, code_dirs[kind], env), tmp_path / "out.log") as runtime:
        for path in EVENT_FILES:
            event = load_event(path)
            expected, result = run_py(echo, event, env)
            invocation = runtime.invoke(event)
            assert invocation.lines == lines_of(expected), path.name
            assert invocation.result.result() == result, path.name


def lines_of(out: bytes) -> list[str]:
    """stdout split at newlines only (a record may hold U+2028 or a form feed)."""
    lines = out.decode("utf-8").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def write_module(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.py").write_text(text, encoding="utf-8")
    return folder


def test_a_timeout_kills_the_process_and_the_next_invoke_starts_another(tmp_path: Path) -> None:
    code = write_module(
        tmp_path / "code",
        "import os, time\n"
        "def handler(event, context):\n"
        "    print(os.getpid(), context.function_name, os.environ['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'])\n"
        "    time.sleep(event['sleep'])\n"
        "    return context.get_remaining_time_in_millis() > 0\n",
    )
    env = {"AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256"}
    with ChildRuntime(spec("python", code, env, timeout=1.0), tmp_path / "out.log") as runtime:
        slow = runtime.invoke({"sleep": 5})
        assert slow.result.error is not None
        assert slow.result.error.error_type == "Sandbox.Timedout"
        fast = runtime.invoke({"sleep": 0})
        assert fast.result.result() is True
    (first_pid, name, memory), (second_pid, *_) = (
        line.split() for line in [*slow.lines, *fast.lines]
    )
    assert (name, memory) == ("f", "256")
    assert first_pid != second_pid


def test_an_import_error_is_an_init_error(tmp_path: Path) -> None:
    code = write_module(tmp_path / "code", "import no_such_module_here\n")
    with ChildRuntime(spec("python", code, {}), tmp_path / "out.log") as runtime:
        result = runtime.invoke({}).result
    assert result.error is not None
    assert result.error.error_type == "ModuleNotFoundError"
    assert "no_such_module_here" in result.error.message


def test_a_handler_error_and_a_crash_are_reported(tmp_path: Path) -> None:
    code = write_module(
        tmp_path / "code",
        "import os\n"
        "def handler(event, context):\n"
        "    if event.get('exit'):\n"
        "        os._exit(3)\n"
        "    raise ValueError('bad record')\n",
    )
    with ChildRuntime(spec("python", code, {}), tmp_path / "out.log") as runtime:
        failed = runtime.invoke({}).result.error
        crashed = runtime.invoke({"exit": True}).result.error
    assert failed is not None
    assert (failed.error_type, failed.message) == ("ValueError", "bad record")
    assert crashed is not None
    assert crashed.error_type == "Runtime.ExitError"
    assert "exit status 3" in crashed.message


@needs_node
def test_a_node_es_module_handler_is_awaited(tmp_path: Path) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.mjs").write_text(
        "export const handler = async (event, context) => {\n"
        "  console.log(context.functionName, event.n);\n"
        "  return { doubled: event.n * 2 };\n"
        "};\n",
        encoding="utf-8",
    )
    process = FunctionProcess(
        "nodejs", code, "app.handler", {"AWS_LAMBDA_FUNCTION_NAME": "f"}, ARN, 30
    )
    with ChildRuntime(process, tmp_path / "out.log") as runtime:
        invocation = runtime.invoke({"n": 21})
    assert invocation.result.result() == {"doubled": 42}
    assert invocation.lines == ["f 21"]


# -- your own handler, end to end in the emulator ------------------------------------------


def test_the_poller_runs_your_packaged_handler_from_the_artifacts_bucket(
    emulator: LocalEmulator, tmp_path: Path
) -> None:
    example = ROOT / "examples" / "own-handler.yaml"
    answers = load_answers(example)
    artifact = package_function(answers, example.parent, tmp_path)
    assert artifact is not None
    aws: Aws = emulator.aws()
    deployer = Deployer(aws.cloudformation(), RecordingReporter(), sleep=lambda _: None)
    bucket = ensure_artifacts_bucket(deployer)
    ref, uploaded = upload_artifact(
        aws.s3(), bucket, "orders", artifact.path, artifact.sha256, lambda sent, total: None
    )
    assert uploaded
    assert ref.key == artifact_key("orders", artifact.sha256)
    make_function(aws, bucket, ref.key, answers.function.entry or "")
    poller = LocalPoller(aws)
    try:
        assert poller.poll_once() == 6  # the seeded changes
        aws.put_item("orders", demo_item())
        assert poller.poll_once() == 1
    finally:
        poller.stop()
    assert poller.errors == []
    lines, _ = aws.log_events("/aws/lambda/orders-counts", 0)
    counts = [json.loads(line.message)["counts"] for line in lines]
    assert counts == [
        {"inserts": 4, "modifies": 1, "removes": 1},
        {"inserts": 1, "modifies": 0, "removes": 0},
    ]


@needs_go
def test_the_go_echo_built_for_another_architecture_runs_rebuilt_for_this_one(
    emulator: LocalEmulator, tmp_path: Path
) -> None:
    other = "arm64" if host_architecture() == "x86_64" else "x86_64"
    answers = answers_from_data(
        {"table": {"name": "orders"}, "function": {"handler": "go", "architecture": other}}
    )
    artifact = package_function(answers, tmp_path, tmp_path / "work")
    assert artifact is not None
    aws: Aws = emulator.aws()
    deployer = Deployer(aws.cloudformation(), RecordingReporter(), sleep=lambda _: None)
    bucket = ensure_artifacts_bucket(deployer)
    key = artifact_key("orders", artifact.sha256)
    aws.s3().upload(bucket, key, artifact.path, lambda sent, total: None)
    make_function(aws, bucket, key, "bootstrap", "provided.al2023", other)
    poller = LocalPoller(aws)
    try:
        assert poller.poll_once() == 6
    finally:
        poller.stop()
    assert poller.errors == []
    lines, _ = aws.log_events("/aws/lambda/orders-counts", 0)
    names = [json.loads(line.message)["eventName"] for line in lines]
    assert names == ["INSERT", "INSERT", "INSERT", "MODIFY", "INSERT", "REMOVE"]


def make_function(
    aws: Aws,
    bucket: str,
    key: str,
    entry: str,
    runtime: str = "python3.13",
    architecture: str = "x86_64",
) -> None:
    iam: Any = boto3.client("iam", endpoint_url=aws.endpoint_url, region_name=aws.region)
    role = iam.create_role(RoleName="orders-counts-role", AssumeRolePolicyDocument="{}")
    lam: Any = aws.client("lambda")
    lam.create_function(
        FunctionName="orders-counts",
        Runtime=runtime,
        Architectures=[architecture],
        Role=role["Role"]["Arn"],
        Handler=entry,
        Code={"S3Bucket": bucket, "S3Key": key},
    )
    aws.client("logs").create_log_group(logGroupName="/aws/lambda/orders-counts")
    lam.create_event_source_mapping(
        EventSourceArn=demo_stream_arn("orders"),
        FunctionName="orders-counts",
        StartingPosition="TRIM_HORIZON",
        BatchSize=100,
    )
