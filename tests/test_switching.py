"""graph.switching: several users of the GIL switch interval at once, ending in any order."""

from __future__ import annotations

import sys

import pytest

from graph.switching import switch_interval


@pytest.fixture
def base():
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    yield 0.005
    sys.setswitchinterval(before)


def test_the_shortest_asked_for_wins_and_the_base_comes_back_whatever_the_order(base):
    analytics, load = switch_interval(0.001), switch_interval(0.0005)
    analytics.__enter__()
    assert sys.getswitchinterval() == 0.001
    load.__enter__()
    assert sys.getswitchinterval() == 0.0005
    analytics.__exit__(None, None, None)  # the analytics end first: the load keeps its interval
    assert sys.getswitchinterval() == 0.0005
    load.__exit__(None, None, None)
    assert sys.getswitchinterval() == base
    with switch_interval(0.0005):
        with switch_interval(0.001):  # a longer one asked for later changes nothing
            assert sys.getswitchinterval() == 0.0005
        assert sys.getswitchinterval() == 0.0005
    assert sys.getswitchinterval() == base


def test_an_error_in_the_block_still_gives_the_interval_back(base):
    with pytest.raises(RuntimeError), switch_interval(0.001):
        raise RuntimeError("boom")
    assert sys.getswitchinterval() == base


def test_asking_for_more_than_the_base_keeps_the_base(base):
    with switch_interval(0.05):
        assert sys.getswitchinterval() == base
    assert sys.getswitchinterval() == base
