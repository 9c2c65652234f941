"""Fixtures for the line wizard: demo tables in the shared moto server, a wizard factory."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ddbwizard.prompts.wizard import PlainWizard
from tests.helpers.prompt_fakes import FakePrompter, GuardedWizard
from tests.helpers.prompt_moto import REGION, make_table


@pytest.fixture
def clean_moto(moto_server: Any, moto_endpoint: str) -> Iterator[str]:
    """The shared moto, reset before and after: moto's state is process-wide, and the
    LocalEmulator of later tests would find this test's tables and stacks."""
    yield moto_endpoint
    moto_server.reset()


@pytest.fixture
def endpoint(clean_moto: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A clean moto with "customers" (no stream) and "orders" (NEW_AND_OLD_IMAGES); cwd tmp."""
    monkeypatch.chdir(tmp_path)
    make_table(clean_moto, "customers")
    make_table(clean_moto, "orders", "NEW_AND_OLD_IMAGES")
    return clean_moto


@pytest.fixture
def wizard(endpoint: str) -> Callable[[FakePrompter], GuardedWizard]:
    """A PlainWizard on the moto endpoint, driven by the given fake prompter."""

    def make(prompter: FakePrompter) -> GuardedWizard:
        args = argparse.Namespace(
            plain=True, local=False, profile=None, region=REGION, endpoint_url=endpoint
        )
        return GuardedWizard(PlainWizard(prompter, args))

    return make
