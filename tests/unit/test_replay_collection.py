"""A replay turns automatic garbage collection off, frees cycles once a batch, and restores it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from read_models.collection import batchwise_collection, collect_batch


class Node:
    """Something to put in a reference cycle."""

    other: Node


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


def test_automatic_collection_is_off_in_the_block_and_back_on_after_it() -> None:
    gc.enable()
    with batchwise_collection():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with batchwise_collection():
        pass
    assert not gc.isenabled()


def test_overlapping_replays_turn_it_back_on_only_when_the_last_one_ends() -> None:
    gc.enable()
    first, second = batchwise_collection(), batchwise_collection()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_batch_s_cyclic_garbage_is_freed_when_the_batch_is_collected() -> None:
    with batchwise_collection():
        node = Node()
        node.other = Node()
        node.other.other = node
        freed = weakref.ref(node)
        del node
        assert freed() is not None
        collect_batch()
        assert freed() is None
