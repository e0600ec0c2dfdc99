"""The Reports pages: a generation through the form (CSRF, audited, a result page), the
files opened and downloaded by the bank-wide roles with the report's own CSP, and every
scoped role refused (a report lists whole-bank customers). One generation per backend."""

from __future__ import annotations

import pytest

from corptier.services.access import principal
from corptier.services.audit_log import audit_entries
from corptier.web.report_views import REPORT_CSP
from corptier.workspace import Workspace

FILES = ("/reports/2026-09/en/html", "/reports/2026-09/en/pdf", "/reports/2026-09/en/xlsx")


@pytest.fixture(scope="module")
def generated(module_ws: Workspace, module_client_as) -> object:  # type: ignore[no-untyped-def]
    """The analyst generates the English report of 2026-09 through the form."""
    client = module_client_as("ana")
    before = client.get("/reports")
    assert before.status_code == 200 and "尚未生成报告" in before.text
    return client.post("/reports/generate", data={"period": "2026-09", "lang": "en",
                                                  "csrf_token": client.csrf})


def test_generating_answers_with_a_result_page_and_is_audited(module_ws, generated) -> None:  # type: ignore[no-untyped-def]
    assert generated.status_code == 200, generated.text[-400:]
    assert "报告已生成" in generated.text
    for url in FILES:
        assert f'href="{url}"' in generated.text
    for ext in ("html", "pdf", "xlsx"):
        assert (module_ws.reports_dir / "2026-09" / f"report.en.{ext}").is_file()
    entries = [e for e in audit_entries(module_ws, principal(module_ws, "boss"),
                                        action="generate_report") if e.actor == "ana"]
    assert entries and entries[0].entity_id == "2026-09 en"
    assert entries[0].after is not None and entries[0].after["lang"] == "en"


def test_the_list_shows_the_files_of_each_language(module_client_as, generated) -> None:  # type: ignore[no-untyped-def]
    page = module_client_as("aud").get("/reports")
    assert page.status_code == 200
    assert "<td>2026-09</td>" in page.text and "<td>en</td>" in page.text
    for url in FILES:
        assert f'href="{url}"' in page.text
    assert 'action="/reports/generate"' not in page.text  # the auditor changes nothing


def test_the_html_opens_with_its_own_styles_and_nothing_else(module_client_as, generated) -> None:  # type: ignore[no-untyped-def]
    answer = module_client_as("risky").get(FILES[0])
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-security-policy"] == REPORT_CSP
    assert "script-src" not in REPORT_CSP and "sandbox" in REPORT_CSP
    assert answer.headers["x-frame-options"] == "DENY"
    assert "<style>" in answer.text and "content-disposition" not in answer.headers


def test_pdf_and_excel_download_as_attachments(module_client_as, generated) -> None:  # type: ignore[no-untyped-def]
    client = module_client_as("boss")
    pdf, xlsx = client.get(FILES[1]), client.get(FILES[2])
    assert pdf.content.startswith(b"%PDF") and xlsx.content.startswith(b"PK")
    assert pdf.headers["content-disposition"] == 'attachment; filename="report-2026-09.en.pdf"'
    assert xlsx.headers["content-disposition"].endswith('.en.xlsx"')


@pytest.mark.parametrize("name", ["zhang", "head", "branch", "plain"])
def test_scoped_roles_get_no_whole_bank_report(module_client_as, generated, name: str) -> None:  # type: ignore[no-untyped-def]
    client = module_client_as(name)
    for url in ("/reports", *FILES):
        answer = client.get(url)
        assert answer.status_code == 403, (name, url)
        assert "C003" not in answer.text and "C001" not in answer.text
    if name != "plain":
        nav = client.get("/workbench")
        assert nav.status_code == 200 and 'href="/reports"' not in nav.text
        assert 'href="/data"' in nav.text


@pytest.mark.parametrize("name", ["risky", "aud", "zhang", "branch"])
def test_only_admins_and_analysts_generate(module_ws, module_client_as, name: str) -> None:  # type: ignore[no-untyped-def]
    client = module_client_as(name)
    answer = client.post("/reports/generate", data={"period": "2026-09", "lang": "zh-CN",
                                                    "csrf_token": client.csrf})
    assert answer.status_code == 403
    assert not (module_ws.reports_dir / "2026-09" / "report.zh-CN.html").exists()


def test_a_generation_needs_the_csrf_token(module_ws, module_client_as) -> None:  # type: ignore[no-untyped-def]
    answer = module_client_as("boss").post("/reports/generate",
                                           data={"period": "2026-09", "lang": "zh-CN"})
    assert answer.status_code == 403
    assert not (module_ws.reports_dir / "2026-09" / "report.zh-CN.html").exists()


@pytest.mark.parametrize(("url", "status"), [
    ("/reports/2026-09/zh-CN/html", 404),  # not generated
    ("/reports/2026-09/en/docx", 422),
    ("/reports/2026-09/fr/pdf", 422),
    ("/reports/..%2F..%2Fdb.sqlite/en/html", 404),
    ("/reports/2026-9x/en/html", 422),
])
def test_unknown_files_get_one_line(module_client_as, url: str, status: int) -> None:  # type: ignore[no-untyped-def]
    answer = module_client_as("ana").get(url)
    assert answer.status_code == status, (answer.status_code, answer.text[-400:])
    assert "Traceback" not in answer.text


def test_generating_an_unclosed_period_is_refused(module_client_as) -> None:  # type: ignore[no-untyped-def]
    client = module_client_as("boss")
    answer = client.post("/reports/generate", data={"period": "2026-08", "lang": "en",
                                                    "csrf_token": client.csrf})
    assert answer.status_code == 404 and "2026-08" in answer.text
