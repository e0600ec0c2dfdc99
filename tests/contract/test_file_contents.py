"""A load error never prints a file's contents: links out of the input folder are refused and a
header is quoted to at most 80 characters."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_fatal import PERIOD, fails

from corptier.services import load_period
from sample_data import write_sample_period


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    write_sample_period(tmp_path / "in", PERIOD)
    return tmp_path / "in"


SECRET = "root:$6$saltsalt$" + "x" * 200 + ":19000:0:99999:7:::"


def test_a_table_linked_to_a_file_outside_the_folder_is_refused(workspace, folder, tmp_path):
    outside = tmp_path / "shadow"
    outside.write_text(SECRET + "\n", encoding="utf-8")
    (folder / "loans.csv").unlink()
    os.symlink(outside, folder / "loans.csv")
    message = fails(workspace, folder, str(folder / "loans.csv"), "outside the input folder")
    assert "$6$" not in message and "saltsalt" not in message


def test_a_link_inside_the_folder_is_followed(workspace, folder):
    (folder / "loans.csv").rename(folder / "loans-export.txt")
    os.symlink(folder / "loans-export.txt", folder / "loans.csv")
    report = load_period(workspace, PERIOD, folder)
    assert report.tables["loans"].accepted == 3


def test_a_wrong_header_is_quoted_to_80_characters(workspace, folder):
    path: Path = folder / "loans.csv"
    path.write_text(SECRET + "\n", encoding="utf-8")
    message = fails(workspace, folder, str(path), "missing from the header", "(found: root:$6$")
    shown = message.split("(found: ", 1)[1].split(");", 1)[0]
    assert len(shown) == 80 and shown.endswith("…")
    assert SECRET[:79] == shown[:79] and ":19000:" not in message
