"""Where moto differs from AWS in what `--local` needs, fixed: each fix applies and returns its undo."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def _keep_stream_records() -> Callable[[], None]:
    """moto calls a mapping's function on every table write (through Docker, which is off)
    and then empties the shard's records, so a stream reader sees nothing. The emulator plays
    the poller itself (LocalPoller), so moto's delivery is turned off. Returns the undo."""
    from moto.awslambda.models import LambdaBackend

    original = LambdaBackend.send_dynamodb_items

    @functools.wraps(original)  # __wrapped__: moto's own, for tests of moto as it is
    def keep(self: Any, function_arn: str, items: list[Any], source: str) -> str:
        return ""  # falsy: moto keeps the records

    LambdaBackend.send_dynamodb_items = keep  # type: ignore[method-assign]

    def undo() -> None:
        LambdaBackend.send_dynamodb_items = original  # type: ignore[method-assign]

    return undo


def _outputs_after_execute() -> Callable[[], None]:
    """moto never fills in a stack's Outputs after ExecuteChangeSet (they are computed when
    the REVIEW_IN_PROGRESS stack is made, before any resource exists); they are recomputed
    from the change set's template once it is applied, as AWS does. Returns the undo."""
    from moto.cloudformation.models import ChangeSet

    original = ChangeSet.apply

    @functools.wraps(original)
    def apply_with_outputs(self: Any) -> None:
        original(self)
        stack = self.stack
        stack.template = self.template
        stack._parse_template()
        stack.output_map = stack._create_output_map()

    ChangeSet.apply = apply_with_outputs  # type: ignore[method-assign]

    def undo() -> None:
        ChangeSet.apply = original  # type: ignore[method-assign]

    return undo


def _forget_removed_resources() -> Callable[[], None]:
    """moto keeps a resource that a stack update removed in the stack's resource map, so a
    later update that adds the same logical id back (the second of the two change sets that
    replace a trigger) creates nothing. The removed ones are forgotten, as AWS does. Returns
    the undo."""
    from moto.cloudformation.parsing import ResourceMap

    original = ResourceMap.update

    @functools.wraps(original)
    def update(self: Any, template: dict[str, Any], parameters: Any = None) -> None:
        removed = set(self._resource_json_map) - set(template.get("Resources") or {})
        original(self, template, parameters)
        for logical_id in removed:
            self._parsed_resources.pop(logical_id, None)

    ResourceMap.update = update  # type: ignore[method-assign]

    def undo() -> None:
        ResourceMap.update = original  # type: ignore[method-assign]

    return undo


Fix = Callable[[], Callable[[], None]]  # applies one fix, returns its undo
FIXES: tuple[Fix, ...] = (_keep_stream_records, _outputs_after_execute, _forget_removed_resources)
# moto's service name -> the fixes it needs before its first answer. A service's models are
# imported only when it is first used: moto's CloudFormation alone imports some 30 services'
# models (~0.9 s). A stack's event source mapping is made without Lambda's API, so
# CloudFormation needs Lambda's fix too.
FIXES_OF: dict[str, tuple[Fix, ...]] = {
    "awslambda": (_keep_stream_records,),
    "cloudformation": FIXES,
}


@contextmanager
def moto_behaves_like_aws() -> Iterator[None]:
    """Every fix at once, while the block runs (mock_aws, a moto server of the tests)."""
    undo = [fix() for fix in FIXES]
    try:
        yield
    finally:
        for step in reversed(undo):
            step()
