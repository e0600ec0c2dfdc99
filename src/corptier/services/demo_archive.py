"""The demo's archive: the synthetic bank's contacts, interactions and survey answers imported
through the same services a user runs (`archive contact import`, `archive import`, `survey
campaign create` + `survey import`), after the periods are loaded and closed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from corptier.services.contact_import import import_contacts
from corptier.services.interactions import import_interactions
from corptier.services.surveys import create_campaign, import_answers, list_campaigns
from corptier.workspace import Workspace


@dataclass(frozen=True)
class DemoArchive:
    """What the demo put in the archive, each import's rejected rows, and the seconds it took."""

    contacts: int
    interactions: int
    campaign_id: int
    survey_period: str
    answers: int
    rejected: int
    seconds: float


def import_demo_archive(ws: Workspace, incoming: Path, periods: list[str],
                        by: str) -> DemoArchive:
    """Import `incoming/_archive/*` (written by the synthetic bank) as `by`; the survey
    campaign asks the synthetic questionnaire of the customers of its period (a later run
    reuses it: what was imported before is rejected as already recorded, not added twice)."""
    from corptier.synth.archive import (
        ANSWERS,
        CONTACTS,
        FOLDER,
        INTERACTIONS,
        QUESTIONNAIRE,
        survey_period_of,
    )

    clock = time.perf_counter()
    folder = Path(incoming) / FOLDER
    contacts = import_contacts(ws, folder / CONTACTS, by)
    interactions = import_interactions(ws, folder / INTERACTIONS, by)
    period = survey_period_of(periods)
    earlier = [c.id for c in list_campaigns(ws, period) if c.questionnaire_id == QUESTIONNAIRE]
    campaign = earlier[0] if earlier else create_campaign(
        ws, by, questionnaire=QUESTIONNAIRE, period=period).id
    answers = import_answers(ws, campaign, folder / ANSWERS, by)
    return DemoArchive(contacts.accepted, interactions.accepted, campaign, period,
                       answers.accepted,
                       contacts.rejected + interactions.rejected + answers.rejected,
                       round(time.perf_counter() - clock, 2))
