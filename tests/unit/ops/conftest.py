"""Generated datasets shared by the datagen tests: each scale is generated once per session."""

from collections import defaultdict

import pytest

from graph_model.rows import Dataset
from ops.datagen import generate


def _merge(chunks: list[Dataset]) -> dict[str, list]:
    merged: dict[str, list] = defaultdict(list)
    for chunk in chunks:
        for key, rows in chunk.items():
            merged[key].extend(rows)
    return dict(merged)


@pytest.fixture(scope="session")
def tiny_chunks() -> list[Dataset]:
    return list(generate("tiny"))


@pytest.fixture(scope="session")
def tiny(tiny_chunks: list[Dataset]) -> dict[str, list]:
    return _merge(tiny_chunks)


@pytest.fixture(scope="session")
def demo_chunks() -> list[Dataset]:
    return list(generate("demo"))


@pytest.fixture(scope="session")
def demo(demo_chunks: list[Dataset]) -> dict[str, list]:
    return _merge(demo_chunks)
