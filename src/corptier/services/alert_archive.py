"""The archive's part of the alert frame: visits, the latest NPS, key-contact changes and the
tiers' visit cadence of a period, each read from the app database with one bulk query and handed
to the engine as a small Arrow table (`corptier.crm.alert_archive` joins them)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import ibis
import pyarrow as pa

from corptier.crm.alert_archive import ARCHIVE_FACTS, KEY_CONTACT_ROLES, ArchiveTables
from corptier.errors import CorptierError
from corptier.periods import Period
from corptier.store import UnitOfWork
from corptier.workspace import Workspace

VISIT_WINDOW_MONTHS = 12
"""`visits_12m` counts the visits of the period's month and the eleven before it."""


def archive_tables(ws: Workspace, p: Period, tier_codes: list[str],
                   needed: Collection[str] | None = None, *, as_of: date | None = None,
                   customer_ids: Sequence[str] | None = None) -> ArchiveTables | None:
    """The archive's tables of period `p` (None for what the workspace does not keep).

    Only the tables behind the facts in `needed` (default: all) are read; None when it names
    no archive fact, so that rules that do not use the archive cost nothing more. `as_of`
    (default: the period end) moves the end of the window, for a re-evaluation after an
    archive edit; `customer_ids` reads only those customers' rows."""
    want = set(ARCHIVE_FACTS if needed is None else needed) & set(ARCHIVE_FACTS)
    if not want:
        return None
    end = p.month_end if as_of is None else max(as_of, p.month_end)
    since = p.shift(1 - VISIT_WINDOW_MONTHS).start
    start_at = datetime.combine(p.start, time())
    end_at = datetime.combine(end + timedelta(days=1), time())
    with UnitOfWork(ws.db) as uow:
        visits = (uow.interactions.visit_columns(since, end, customer_ids)
                  if want & {"days_since_visit", "visits_12m"} else None)
        questions = uow.surveys.nps_questions(str(p)) if "nps_latest" in want else []
        nps = uow.surveys.nps_columns(questions, customer_ids) if questions else None
        changed = (uow.contacts.changed_customers(KEY_CONTACT_ROLES, start_at, end_at,
                                                  customer_ids)
                   if "key_contact_changed" in want and uow.contacts.keeps_contacts()
                   else None)
        steps = (uow.service_plans.open_follow_up_columns(str(Period.from_date(end)),
                                                          customer_ids)
                 if "open_next_steps" in want and uow.interactions.any_logged(end) else None)
        cadence = "visit_cadence_days" in want
        catalogue = uow.service_plans.run_catalogue(str(p)) if cadence else None
    return ArchiveTables(
        period_end=end,
        visits=None if visits is None else ibis.memtable(pa.table({
            "customer_id": pa.array(visits["customer_id"], pa.string()),
            "last_visit": pa.array(visits["last_visit"], pa.date32()),
            "visits_12m": pa.array(visits["visits_12m"], pa.int64())})),
        nps=None if nps is None else ibis.memtable(pa.table({
            "customer_id": pa.array(nps["customer_id"], pa.string()),
            "campaign_period": pa.array(nps["campaign_period"], pa.string()),
            "answered_at": pa.array(nps["answered_at"], pa.timestamp("us")),
            "answer_id": pa.array(nps["answer_id"], pa.int64()),
            "score": pa.array(nps["score"], pa.int64())})),
        key_contacts=None if changed is None else ibis.memtable(pa.table({
            "customer_id": pa.array(changed, pa.string())})),
        cadence=_cadence(ws, catalogue, tier_codes) if cadence else None,
        next_steps=None if steps is None else ibis.memtable(pa.table({
            "customer_id": pa.array(steps["customer_id"], pa.string()),
            "open_next_steps": pa.array(steps["open_next_steps"], pa.int64())})))


def _cadence(ws: Workspace, stored: dict[str, Any] | None,
             tier_codes: list[str]) -> ibis.Table | None:
    """tier → visit_days: the catalogue the period's plans used, else the workspace's
    `standards/service.yaml`; None without one (or when it does not validate: the close
    reports that when it plans the services)."""
    from corptier.service.catalogue import Catalogue
    from corptier.services.service_catalogue import catalogue_path, workspace_catalogue

    try:
        if stored is not None:
            catalogue = Catalogue.model_validate(stored)
        elif catalogue_path(ws).is_file():
            catalogue, _rules = workspace_catalogue(ws, tier_codes=tier_codes)
        else:
            return None
    except (CorptierError, ValueError):
        return None
    days = {code: t.visit_days for code, t in catalogue.tiers.items()}
    return ibis.memtable(pa.table({
        "tier": pa.array(list(days), pa.string()),
        "visit_days": pa.array(list(days.values()), pa.int64())}))
