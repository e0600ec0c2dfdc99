"""Database URLs: passwords masked in any text, stripped before storing, added from the env."""

from __future__ import annotations

from corptier.database_url import mask_url, url_password, with_password, without_password


def test_every_password_in_a_text_is_masked() -> None:
    text = ("cannot reach postgresql://alice:pw@db:5432/x or "
            "postgresql+psycopg://bob:p%40ss@[::1]/y?sslmode=require")
    assert mask_url(text) == ("cannot reach postgresql://alice:***@db:5432/x or "
                              "postgresql+psycopg://bob:***@[::1]/y?sslmode=require")
    assert mask_url("sqlite:///db.sqlite and postgresql://alice@db/x") == (
        "sqlite:///db.sqlite and postgresql://alice@db/x")


def test_a_password_is_read_stripped_and_set_round_trip() -> None:
    url = "postgresql://alice:p%40ss@db.example:5433/corptier?sslmode=require"
    assert url_password(url) == "p@ss"
    bare = without_password(url)
    assert bare == "postgresql://alice@db.example:5433/corptier?sslmode=require"
    assert url_password(bare) is None
    assert with_password(bare, "p@ss") == url
    assert without_password("sqlite:///db.sqlite") == "sqlite:///db.sqlite"
