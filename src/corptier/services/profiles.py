"""Mapping profiles for a bank's own exports: start one, and try it on a sample before a load.

    files = init_profile("profiles", "my_bank")      # my_bank.yaml + my_bank.template.xlsx
    check = check_profile("exports/2026-09", "profiles/my_bank.yaml")
    check.ok, [c.unmapped for t in check.tables for c in t.columns]
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from corptier.contract.profile import Profile, load_profile, parse_profile, profile_path
from corptier.contract.profile_check import ProfileCheck, check_sample
from corptier.contract.schema import TABLES
from corptier.contract.template import write_template
from corptier.errors import ParameterError, PeriodError
from corptier.periods import Period

NAME = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,60}$")
EXAMPLE_PERIOD = "2026-01"


@dataclass(frozen=True)
class ProfileFiles:
    """What `init_profile` wrote."""

    profile: Path
    template: Path


def init_profile(directory: Path | str, name: str = "my_bank",
                 base: Path | str = "cn_core_banking", *, overwrite: bool = False) -> ProfileFiles:
    """Write `<name>.yaml` (a copy of the `base` profile, its comments kept) and
    `<name>.template.xlsx` (one sheet per table: field names, the profile's headers and an
    example row) into `directory`."""
    if not NAME.match(name):
        raise ParameterError("a profile name is 1-60 letters, digits, '_' or '-'; got {name!r}",
                             name=name)
    source = profile_path(base)
    profile = load_profile(source)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    target, template = folder / f"{name}.yaml", folder / f"{name}.template.xlsx"
    for path in (target, template):
        if path.exists() and not overwrite:
            raise ParameterError("{path} exists already; choose another name or folder", path=path)
    text = re.sub(r"(?m)^name:.*$", f"name: {name}", source.read_text(encoding="utf-8"), count=1)
    parse_profile(text, str(target))
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    write_template(template, profile, _examples(profile))
    return ProfileFiles(target, template)


def check_profile(path: Path | str, profile: Path | str, period: str | None = None,
                  sample_rows: int = 1000) -> ProfileCheck:
    """Try `profile` on the first `sample_rows` rows of every table in the folder `path`:
    each field's source column, an example value before and after mapping, and the sampled
    values that fail (the values a code map lacks). `period` defaults to the folder's name."""
    if not 1 <= sample_rows <= 1_000_000:
        raise ParameterError("the sample is 1 to 1,000,000 rows; got {sample_rows!r}",
                             sample_rows=sample_rows)
    folder = Path(path)
    try:
        p = Period(period or folder.name)
    except PeriodError:
        raise ParameterError("{folder}: give the period the files are of (--period YYYY-MM); the "
                             "folder's name is not one", folder=folder) from None
    return check_sample(folder, load_profile(profile), str(p), sample_rows)


def _examples(profile: Profile) -> dict[str, list[str | None]]:
    """The first row of every table of a tiny synthetic bank, written as the profile writes it."""
    from corptier.synth import synthesize
    from corptier.synth.export_shape import file_name, shape_period

    with tempfile.TemporaryDirectory(prefix="corptier-template-") as work:
        root = Path(work)
        synthesize(root / "canonical", 3, 1, 1, "parquet", False, EXAMPLE_PERIOD)
        try:
            shape_period(root / "canonical" / EXAMPLE_PERIOD, root / "shaped", profile,
                         EXAMPLE_PERIOD)
        except ParameterError:  # a profile of workbooks: the examples in the contract's form
            return {}
        rows = {}
        for table in TABLES:
            path = root / "shaped" / file_name(profile, table, EXAMPLE_PERIOD)
            fmt = profile.formats_of(table)
            encoding = "utf-8" if fmt.encoding in ("auto", "utf-8") else str(fmt.encoding)
            with path.open(encoding=encoding, newline="") as handle:
                reader = csv.reader(io.StringIO(handle.read(1 << 16)),
                                    delimiter=fmt.delimiter or ",")
                next(reader, None)
                first = next(reader, [])
            rows[table] = [v or None for v in first]
        return rows

