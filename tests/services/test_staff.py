"""The RM roster and the training gaps over a tiny hand-built book (published tiers, customers,
roster, certifications, training written directly; no close): every number worked by hand.

Book of 2026-09 (month end 2026-09-30; shipped staff rules: weights strategic 10, core 5, key 3,
growth 1.5, basic 1; expiring within 90 days = by 2026-12-29):

    RM01 资深, capacity 40:   C1 strategic, C2 strategic, C3 core      load 25
         aml (expires 2026-10-15: expiring), credit, cash_management  (no trade_finance)
    RM02 初级, capacity empty (grade default 150): C4 core, C5 basic, C6 growth   load 7.5
         aml expired 2026-01-01
    RM03 中级, capacity 5:    C7 key, C8 key                           load 6 > 5
         aml, credit (issued 2026-10-02: not yet valid on the month end)
    no RM: C9 key; RM99 (not on the roster): C10 basic
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from corptier.errors import NotFoundError, StandardError
from corptier.services import propose_assignments, staff_roster, training_gaps
from corptier.services.staff import check_staff_rules
from corptier.staff import StaffRulesError
from corptier.workspace import Workspace
from service_book import STAFF_BOOK, publish, publish_staff

P = "2026-09"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = Workspace.init(tmp_path_factory.mktemp("staff") / "ws", language="en")
    publish_staff(ws, P)
    return ws


def test_the_roster_shows_each_rms_book_load_capacity_and_certifications(ws: Workspace) -> None:
    found = staff_roster(ws)
    assert (found.period, found.rules_id, found.rules_version) == (P, "branch-staff", "2026.1")
    assert found.tiers == ("strategic", "core", "key", "growth", "basic")
    rm1, rm2, rm3 = found.rows
    assert (rm1.rm_id, rm1.name, rm1.grade, rm1.team, rm1.team_head, rm1.sub_branch) == (
        "RM01", "张伟", "资深", "高新1组", "RM01", "高新支行")
    assert rm1.book == (("strategic", 2), ("core", 1))
    assert (rm1.customers, rm1.load, rm1.capacity, rm1.capacity_source) == (3, 25.0, 40, "roster")
    assert rm1.utilisation == pytest.approx(25 / 40) and not rm1.over_capacity
    assert [(c.code, c.status, c.expires) for c in rm1.certifications] == [
        ("aml", "expiring", date(2026, 10, 15)), ("cash_management", "valid", None),
        ("credit", "valid", None)]
    # the last year up to 2026-09-30: CR-101 and CM-201 (2025-10-01), not SV-100 (2025-09-30)
    assert (rm1.training_hours, rm1.training_courses, rm1.average_score) == (40, 2, 90.0)
    assert rm2.book == (("core", 1), ("growth", 1), ("basic", 1))
    assert (rm2.load, rm2.capacity, rm2.capacity_source) == (7.5, 150, "grade")
    assert rm2.utilisation == pytest.approx(0.05)
    assert [(c.code, c.status) for c in rm2.certifications] == [("aml", "expired")]
    assert (rm2.training_hours, rm2.average_score, rm2.start_date) == (0, None, date(2024, 7, 1))
    assert (rm3.load, rm3.capacity, rm3.over_capacity) == (6.0, 5, True)
    assert rm3.utilisation == pytest.approx(1.2) and rm3.team is None
    assert [(c.code, c.status) for c in rm3.certifications] == [("aml", "valid"),
                                                                 ("credit", "not_yet")]
    assert found.unassigned == (("key", 1), ("basic", 1))
    assert found.names["CR-101"] == ("公司授信业务基础", "Corporate credit fundamentals")


def test_training_gaps_name_who_is_not_eligible_and_the_courses_that_close_it(
        ws: Workspace) -> None:
    found = training_gaps(ws, P)
    gaps = {(g.rm_id, g.tier): g for g in found.gaps}
    assert set(gaps) == {("RM01", "strategic"), ("RM01", "core"), ("RM02", "core"),
                         ("RM02", "growth"), ("RM02", "basic"), ("RM03", "key"),
                         (None, "key"), (None, "basic")}
    strategic = gaps["RM01", "strategic"]  # 资深 is enough; trade finance missing, AML expiring
    assert (strategic.customers, strategic.example, strategic.missing, strategic.expiring,
            strategic.action) == (2, "C1", ("trade_finance",), ("aml",), "train")
    assert (gaps["RM01", "core"].missing, gaps["RM01", "core"].expiring,
            gaps["RM01", "core"].action) == ((), ("aml",), "renew")
    core = gaps["RM02", "core"]  # a core customer served by a junior RM without credit
    assert (core.grade, core.min_grade, core.grade_short, core.action) == (
        "初级", "高级", True, "reassign")
    assert core.missing == ("aml", "cash_management", "credit")
    assert (gaps["RM02", "basic"].missing, gaps["RM02", "basic"].action) == (("aml",), "train")
    assert gaps["RM03", "key"].missing == ("credit",)  # issued after the month end
    assert (gaps[None, "key"].example, gaps[None, "basic"].example) == ("C9", "C10")
    assert [g.action for g in found.gaps][:2] == ["train", "renew"]  # tier order, then RM
    assert (found.customers, found.eligible, found.ineligible, found.unassigned,
            found.expiring, found.reassign) == (10, 1, 7, 2, 1, 1)
    plan = [(s.rm_id, s.certification, s.action, s.course, s.hours, s.tiers, s.customers)
            for s in found.plan]
    assert plan == [
        ("RM01", "aml", "renew", "AML-100", 8, ("strategic", "core"), 3),
        ("RM01", "trade_finance", "train", "TF-201", 16, ("strategic",), 2),
        ("RM02", "aml", "train", "AML-100", 8, ("growth", "basic"), 2),
        ("RM03", "credit", "train", "CR-101", 24, ("key",), 2),
    ]


def test_rules_checks_and_missing_inputs_are_clear_errors(ws: Workspace, tmp_path: Path) -> None:
    summary = check_staff_rules(ws)
    assert summary.grades == ("初级", "中级", "高级", "资深") and len(summary.courses) == 6
    bad = tmp_path / "staff.yaml"
    bad.write_text((ws.standards_dir / "staff.yaml").read_text(encoding="utf-8").replace(
        "min_grade: 资深", "min_grade: 专家"), encoding="utf-8")
    with pytest.raises(StaffRulesError, match=r"staff\.yaml:\d+: tiers\.strategic\.min_grade"):
        training_gaps(ws, rules_path=bad)
    with pytest.raises(StandardError, match="no staff rules at"):
        staff_roster(ws, rules_path=tmp_path / "none.yaml")
    with pytest.raises(NotFoundError, match="period 2026-10 has not been closed"):
        staff_roster(ws, "2026-10")
    empty = Workspace.init(tmp_path / "empty", language="en")
    with pytest.raises(NotFoundError, match="no period has been closed"):
        training_gaps(empty)
    publish(empty, P, STAFF_BOOK[:1])
    with pytest.raises(NotFoundError, match="no roster of relationship managers"):
        staff_roster(empty)


def test_the_assignment_proposal_of_the_book_is_the_hand_worked_optimum(ws: Workspace) -> None:
    """Eligible: RM01 (资深; AML expiring, credit, cash management) for core, key, growth,
    basic; RM02 (初级, AML expired) for nothing; RM03 (中级, credit not yet valid) for growth
    and basic. To place: C1 C2 (strategic, RM01 not eligible), C4 C5 C6 (RM02 not eligible),
    C7 C8 (key, RM03 not eligible and over capacity), C9 C10 (no RM); C3 stays on RM01
    (fixed load 5, room 35); RM03 has room 5. Costs: change 10, other sub-branch 5 (RM01 is
    高新, C4–C10 book at 锦江). Best: C1 C2 uncovered (2 × 1000); C4 C7 C8 → RM01 (15 each),
    C9 → RM01 (5); C5 C6 → RM03 (10 each), C10 → RM03 (0): 2070, RM03 at 3.5/5 = 70 % and
    RM01 at 19/40 below the 80 % balance target."""
    found = propose_assignments(ws, P, gap=0.0)
    assert (found.considered, found.kept, found.uncovered) == (9, 0, 2)
    assert found.optimal and found.objective == pytest.approx(2070.0)
    assert {m.customer_id: (m.from_rm, m.to_rm, m.reason) for m in found.moves} == {
        "C1": ("RM01", None, "not_eligible"), "C2": ("RM01", None, "not_eligible"),
        "C4": ("RM02", "RM01", "not_eligible"), "C5": ("RM02", "RM03", "not_eligible"),
        "C6": ("RM02", "RM03", "not_eligible"), "C7": ("RM03", "RM01", "not_eligible"),
        "C8": ("RM03", "RM01", "not_eligible"), "C9": (None, "RM01", "no_rm"),
        "C10": (None, "RM03", "no_rm")}
    assert [(c.rm_id, c.load_before, c.load_after) for c in found.loads] == [
        ("RM01", 25.0, 19.0), ("RM02", 7.5, 0.0), ("RM03", 6.0, 3.5)]
    assert found.max_utilisation_before == pytest.approx(1.2)
    assert found.max_utilisation_after == pytest.approx(0.7)
