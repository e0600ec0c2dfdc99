"""Survey campaigns, their target customers and the answers as stored: added in bulk (an
import), read back as columns for the engine (results and stated needs are computed by DuckDB,
not here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from corptier.store.models import SurveyAnswer, SurveyCampaign, SurveyTarget

CHUNK = 1000
TARGET_COLUMNS = ("customer_id", "tier", "segment", "rm_id")
ANSWER_COLUMNS = ("customer_id", "question_id", "choice", "number", "text")


class SurveyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_campaign(self, campaign: SurveyCampaign) -> SurveyCampaign:
        self.session.add(campaign)
        self.session.flush()
        return campaign

    def campaign(self, campaign_id: int) -> SurveyCampaign | None:
        return self.session.get(SurveyCampaign, campaign_id)

    def campaigns(self, period: str | None = None) -> list[SurveyCampaign]:
        query = sa.select(SurveyCampaign).order_by(SurveyCampaign.id)
        if period is not None:
            query = query.where(SurveyCampaign.period == period)
        return list(self.session.scalars(query))

    def add_targets(self, campaign_id: int, rows: Sequence[Mapping[str, Any]]) -> None:
        for start in range(0, len(rows), CHUNK):
            self.session.execute(sa.insert(_table(SurveyTarget)), [
                {**r, "campaign_id": campaign_id} for r in rows[start:start + CHUNK]])

    def targeted(self, campaign_id: int, customer_ids: Sequence[str]) -> set[str]:
        """Which of `customer_ids` the campaign targets."""
        found: set[str] = set()
        ids = sorted(set(customer_ids))
        for start in range(0, len(ids), CHUNK):
            found.update(self.session.scalars(
                sa.select(SurveyTarget.customer_id).where(
                    SurveyTarget.campaign_id == campaign_id,
                    SurveyTarget.customer_id.in_(ids[start:start + CHUNK]))))
        return found

    def answered(self, campaign_id: int, customer_ids: Sequence[str]) -> dict[str, str]:
        """Customer → source of its answers, for those of `customer_ids` already answered."""
        found: dict[str, str] = {}
        ids = sorted(set(customer_ids))
        for start in range(0, len(ids), CHUNK):
            rows = self.session.execute(
                sa.select(SurveyAnswer.customer_id, sa.func.min(SurveyAnswer.source))
                .where(SurveyAnswer.campaign_id == campaign_id,
                       SurveyAnswer.customer_id.in_(ids[start:start + CHUNK]))
                .group_by(SurveyAnswer.customer_id))
            found.update({r[0]: r[1] for r in rows})
        return found

    def add_answers(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Insert answers in bulk (a Core executemany per chunk: the ORM's bulk insert would
        split rows whose null columns differ into many statements)."""
        for start in range(0, len(rows), CHUNK):
            self.session.execute(sa.insert(_table(SurveyAnswer)),
                                 list(rows[start:start + CHUNK]))
        return len(rows)

    def target_columns(self, campaign_ids: Sequence[int]) -> dict[str, list[Any]]:
        """The targets of the campaigns as columns (for the engine)."""
        rows = self.session.execute(
            sa.select(SurveyTarget.campaign_id, *(getattr(SurveyTarget, c)
                                                  for c in TARGET_COLUMNS))
            .where(SurveyTarget.campaign_id.in_(list(campaign_ids))))
        return _columns(("campaign_id", *TARGET_COLUMNS), rows)

    def answer_columns(self, campaign_ids: Sequence[int]) -> dict[str, list[Any]]:
        """The answers of the campaigns as columns (for the engine)."""
        rows = self.session.execute(
            sa.select(SurveyAnswer.campaign_id, *(getattr(SurveyAnswer, c)
                                                  for c in ANSWER_COLUMNS))
            .where(SurveyAnswer.campaign_id.in_(list(campaign_ids))))
        return _columns(("campaign_id", *ANSWER_COLUMNS), rows)

    def nps_questions(self, until_period: str) -> list[tuple[int, str]]:
        """(campaign, question) of the NPS question of each campaign of a period up to
        `until_period` (a loop over campaigns, which are few)."""
        rows = self.session.execute(
            sa.select(SurveyCampaign.id, SurveyCampaign.questionnaire)
            .where(SurveyCampaign.period <= until_period))
        return [(int(cid), str(q["id"])) for cid, doc in rows
                for q in (doc or {}).get("questions", []) if q.get("kind") == "nps"]

    def last_answers(self, until: datetime, customer_ids: Sequence[str] | None = None
                     ) -> dict[str, list[Any]]:
        """Per customer, when it last answered a survey (before `until`), as columns for the
        engine (one grouped query; only `customer_ids` when given)."""
        query = (sa.select(SurveyAnswer.customer_id, sa.func.max(SurveyAnswer.created_at))
                 .where(SurveyAnswer.created_at < until)
                 .group_by(SurveyAnswer.customer_id))
        if customer_ids is not None:
            query = query.where(SurveyAnswer.customer_id.in_(list(customer_ids)))
        rows = self.session.execute(query).all()
        return {"customer_id": [r[0] for r in rows], "last_answer": [r[1] for r in rows]}

    def nps_columns(self, questions: Sequence[tuple[int, str]],
                    customer_ids: Sequence[str] | None = None) -> dict[str, list[Any]]:
        """The answers to those NPS questions (of `customer_ids` when given) with the
        campaign's period, as columns for the engine (which keeps each customer's latest); one
        query per chunk of questions."""
        names = ("customer_id", "campaign_period", "answered_at", "answer_id", "score")
        out: dict[str, list[Any]] = {n: [] for n in names}
        pairs = list(questions)
        for start in range(0, len(pairs), CHUNK):
            rows = self.session.execute(
                sa.select(SurveyAnswer.customer_id, SurveyCampaign.period,
                          SurveyAnswer.created_at, SurveyAnswer.id, SurveyAnswer.number)
                .join(SurveyCampaign, SurveyCampaign.id == SurveyAnswer.campaign_id)
                .where(sa.tuple_(SurveyAnswer.campaign_id, SurveyAnswer.question_id)
                       .in_(pairs[start:start + CHUNK]),
                       SurveyAnswer.number.is_not(None),
                       sa.true() if customer_ids is None
                       else SurveyAnswer.customer_id.in_(list(customer_ids))))
            for row in rows:
                for name, value in zip(names, row, strict=True):
                    out[name].append(value)
        return out


def _table(model: Any) -> sa.Table:
    table: sa.Table = model.__table__
    return table


def _columns(names: Sequence[str], rows: Any) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {n: [] for n in names}
    for row in rows:
        for name, value in zip(names, row, strict=True):
            out[name].append(value)
    return out
