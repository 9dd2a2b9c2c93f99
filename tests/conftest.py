"""Shared test set-up: no test touches the internet, and OpenSCAD must be the real binary."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if shutil.which("openscad") is None:
        raise pytest.UsageError("the real `openscad` binary is required: run `make test`")


@pytest.fixture(scope="module")
def torch_one_thread() -> Iterator[None]:
    """Tiny models gain nothing from threads; on a busy 2-core machine they cost 5-10x.
    Modules that run torch use it: pytestmark = pytest.mark.usefixtures("torch_one_thread")."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
