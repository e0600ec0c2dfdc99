"""The questionnaire as data: the shipped example validates, every problem names file, line and
field, headers map from Chinese texts or ids, and answers outside the choices or the scale are
refused (for every value, by hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corptier.crm.surveys import (
    AnswerProblem,
    QuestionnaireError,
    check_answer,
    load_questionnaire,
    map_headers,
    nps_class,
    parse_questionnaire,
)
from corptier.workspace import Workspace

SMALL = """\
id: mini
version: 1
title: 小问卷
questions:
  - id: sat
    text: 满意度
    kind: scale
  - id: nps
    text: 推荐意愿
    kind: nps
    required: true
  - id: plans
    text: 明年计划
    kind: multiple
    choices:
      - {code: export, label: 出口, needs: [trade, settlement]}
      - {code: payroll, label: 代发, needs: [payroll]}
      - {code: none, label: 无}
"""
Q = parse_questionnaire(SMALL, "mini.yaml")


def test_the_shipped_questionnaire_is_copied_into_a_new_workspace(tmp_path) -> None:
    ws = Workspace.init(tmp_path / "ws", language="en")
    q = load_questionnaire(ws.standards_dir / "surveys" / "annual_needs.yaml")
    assert (q.id, q.version, [x.kind for x in q.questions]) == (
        "annual_needs", "2026.1", ["scale", "nps", "single", "single", "multiple", "text"])
    assert ("cross_border", "yes", "trade") in q.needs_map()


def test_needs_map_and_headers() -> None:
    assert Q.version == "1"
    assert Q.needs_map() == [("plans", "export", "trade"), ("plans", "export", "settlement"),
                             ("plans", "payroll", "payroll")]
    assert map_headers(Q, ["客户编号", "备注", "满意度", "NPS", "明年计划", "sat"]) == {
        0: "customer_id", 2: "sat", 3: "nps", 4: "plans"}


@pytest.mark.parametrize(("change", "line", "field", "message"), [
    ("    kind: nps\n    required: true", 11, "questions[1].kind",
     "a questionnaire has at most one nps question"),
    ("  - id: nps\n    text: 推荐意愿\n    kind: nps", 8, "questions[1].text",
     "used twice"),
    ("      - {code: none, label: 无}", 18, "questions[2].choices[2].needs[0]",
     "unknown product category 'gold'"),
    ("    kind: scale", 7, "questions[0].choices",
     "a scale question has no choices"),
])
def test_every_problem_names_file_line_and_field(change: str, line: int, field: str,
                                                 message: str) -> None:
    broken = {
        "    kind: nps\n    required: true": SMALL.replace("    kind: scale",
                                                           "    kind: nps"),
        "  - id: nps\n    text: 推荐意愿\n    kind: nps": SMALL.replace("推荐意愿", "满意度"),
        "      - {code: none, label: 无}": SMALL.replace("{code: none, label: 无}",
                                                      "{code: none, label: 无, needs: [gold]}"),
        "    kind: scale": SMALL.replace("    kind: scale",
                                        "    kind: scale\n    choices: [{code: a, label: A}]"),
    }[change]
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(broken, "mini.yaml")
    issue = caught.value.issues[0]
    assert (issue.file, issue.field) == ("mini.yaml", field)
    assert message in issue.message
    assert issue.line is not None and abs(issue.line - line) <= 1


def test_choice_answers() -> None:
    plans = Q.question("plans")
    assert plans is not None
    assert check_answer(plans, "出口、代发 ,出口") == [("export", None, None),
                                                   ("payroll", None, None)]
    assert check_answer(plans, " ") == []
    with pytest.raises(AnswerProblem, match=r"'进口' is not a choice; use export \(出口\)"):
        check_answer(plans, "出口,进口")
    nps = Q.question("nps")
    assert nps is not None
    with pytest.raises(AnswerProblem, match="an answer is required"):
        check_answer(nps, "")


@given(st.one_of(st.integers(-20, 20), st.floats(-20, 20), st.text(max_size=4)))
def test_a_scale_takes_exactly_the_whole_numbers_one_to_five(value: object) -> None:
    sat = Q.question("sat")
    assert sat is not None
    whole = (isinstance(value, int) or (isinstance(value, float) and value.is_integer())
             or (isinstance(value, str) and value.strip().lstrip("+-").isascii()
                 and value.strip().lstrip("+-").isdigit()))
    number = int(float(value)) if whole else None  # type: ignore[arg-type]
    if isinstance(value, str) and not value.strip():
        assert check_answer(sat, value) == []
    elif whole and number is not None and 1 <= number <= 5 and (
            not isinstance(value, str) or len(value.strip().lstrip("+-")) <= 3):
        assert check_answer(sat, value) == [(None, number, None)]
    else:
        with pytest.raises(AnswerProblem, match="from 1 to 5"):
            check_answer(sat, value)


@given(st.integers(0, 10))
def test_nps_classes_partition_zero_to_ten(score: int) -> None:
    expected = "detractor" if score <= 6 else "passive" if score <= 8 else "promoter"
    assert nps_class(score) == expected
