"""The effect reports a workspace holds, for the web app: which periods have which files,
one file to open or download, and a generation that is audited.

Reports hold whole-bank data (top customers, value destroyers, every customer in the Excel
workbook), so only the bank-wide roles read them (`read_reports`) and only admins and
analysts generate them (`generate_report`); see docs/web.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from corptier.errors import NotFoundError, ParameterError
from corptier.i18n import LANGUAGES
from corptier.periods import Period
from corptier.report.render import report_paths
from corptier.services.access import Principal, require
from corptier.services.recovery import writing
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

FORMATS = ("html", "pdf", "xlsx")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ReportSet:
    """The files of a period's report in one language, with when they were written."""

    lang: str
    formats: tuple[str, ...]
    written_at: datetime | None


@dataclass(frozen=True)
class PeriodReports:
    """A closed period, its published run and the reports present per language."""

    period: str
    run_id: str
    reports: tuple[ReportSet, ...]


def report_index(ws: Workspace, who: Principal) -> list[PeriodReports]:
    """Every closed period, newest first, with the report files present per language."""
    require(who, "read_reports")
    with UnitOfWork(ws.db) as uow:
        periods = uow.runs.published_periods()
    return [PeriodReports(p, run_id, _sets(ws, p)) for p, run_id in reversed(periods.items())]


def _sets(ws: Workspace, period: str) -> tuple[ReportSet, ...]:
    found = []
    for lang in LANGUAGES:
        paths = report_paths(ws.reports_dir / period, lang)
        present = [(fmt, path) for fmt, path in zip(FORMATS, paths, strict=True)
                   if path.is_file()]
        if present:
            newest = max(path.stat().st_mtime for _, path in present)
            found.append(ReportSet(lang, tuple(fmt for fmt, _ in present),
                                   datetime.fromtimestamp(newest, UTC).replace(tzinfo=None)))
    return tuple(found)


def report_file(ws: Workspace, who: Principal, period: str, lang: str, fmt: str) -> Path:
    """The report file of `period` in `lang` and `fmt` (html, pdf, xlsx); NotFoundError when
    it has not been written."""
    require(who, "read_reports")
    p, lang, fmt = Period(period), _lang(lang), _format(fmt)
    paths = report_paths(ws.reports_dir / p, lang)
    path = dict(zip(FORMATS, paths, strict=True))[fmt]
    if not path.is_file():
        raise NotFoundError("the {lang} report of {period} has not been generated yet",
                            lang=lang, period=p)
    return path


def generate_report(ws: Workspace, who: Principal, period: str, lang: str) -> ReportSet:
    """Write the report of a closed `period` in `lang` (replacing an earlier one) and record
    the generation in the audit log."""
    from corptier.services.reports import write_report

    require(who, "generate_report")
    p, lang = Period(period), _lang(lang)
    with UnitOfWork(ws.db) as uow:
        run = uow.runs.published(str(p))
        if run is None:
            raise NotFoundError("period {period} has not been closed; close it first",
                                period=p)
        run_id = run.run_id
    with writing(ws, f"report {p}"):
        write_report(ws, str(p), lang)
        now = datetime.now(UTC).replace(tzinfo=None)
        with UnitOfWork(ws.db) as uow:
            uow.audit.record(now, who.name, "generate_report", "report", f"{p} {lang}",
                             after={"period": str(p), "lang": lang, "run_id": run_id})
    return next(s for s in _sets(ws, str(p)) if s.lang == lang)


def _lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ParameterError("the report language must be one of {languages}; got {lang!r}",
                             languages=", ".join(LANGUAGES), lang=lang[:20])
    return lang


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ParameterError("the report format must be one of {formats}; got {fmt!r}",
                             formats=", ".join(FORMATS), fmt=fmt[:20])
    return fmt
