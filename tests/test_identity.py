"""User names: one canonical form per person; look-alikes refused (corptier.identity)."""

from __future__ import annotations

import pytest

from corptier.errors import RequestError
from corptier.identity import normalise_name, same_user


@pytest.mark.parametrize("spelling", ["alice", "Alice", "ａｌｉｃｅ", "alice\u200b", "ALİCE",
                                      "\u200dal\u2060ice", "  alice  ", "ALICE\u00ad"])
def test_spellings_of_alice_are_alice(spelling: str) -> None:
    assert normalise_name(spelling) == "alice"
    assert same_user(spelling, "alice")


@pytest.mark.parametrize("name", ["\u0430lice", "alic\u0435", "b\u03bfb", "\u0430\u0441\u0435x"])
def test_mixed_scripts_are_refused(name: str) -> None:
    with pytest.raises(RequestError, match=r"mixes the .* scripts"):
        normalise_name(name)
    assert not same_user(name, "alice")


@pytest.mark.parametrize(("name", "expected"), [
    ("张三", "张三"), ("Zhang San", "zhang san"), ("алиса", "алиса"),
    ("li.wei@branch", "li.wei@branch"), ("王 Wei", "王 wei"),
])
def test_one_script_names_are_kept(name: str, expected: str) -> None:
    assert normalise_name(name) == expected


@pytest.mark.parametrize("name", ["", "\u200b", "bob[/]", "a\x00b", "x" * 81, "<b>"])
def test_empty_long_or_odd_names_are_refused(name: str) -> None:
    with pytest.raises(RequestError):
        normalise_name(name)
