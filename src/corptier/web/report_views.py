"""The Reports pages: the effect reports per period (open the HTML, download PDF / Excel)
and their generation (synchronous: the POST answers with a result page once written)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, Response

from corptier.i18n import LANGUAGES, Translator
from corptier.services.access import Principal
from corptier.web.deps import permit, translator
from corptier.web.templating import render

router = APIRouter(include_in_schema=False)
Lang = Annotated[Translator, Depends(translator)]
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
              "form-action 'none'; base-uri 'none'; frame-ancestors 'none'; sandbox")
"""The report HTML is our own output with its CSS and SVG charts inline: its styles may run,
nothing else may (no script, no request anywhere, sandboxed, never framed)."""


@router.get("/reports")
def reports_page(request: Request, t: Lang,
                 who: Annotated[Principal, Depends(permit("read_reports"))]) -> Response:
    from corptier.services.report_files import report_index

    return render(request, "reports.html", t, periods=report_index(request.app.state.ws, who),
                  languages=LANGUAGES)


@router.get("/reports/{period}/{lang}/{fmt}")
def report_download(request: Request, period: str, lang: str, fmt: str,
                    who: Annotated[Principal, Depends(permit("read_reports"))]) -> Response:
    from corptier.services.report_files import MEDIA_TYPES, report_file

    path = report_file(request.app.state.ws, who, period, lang, fmt)
    name = f"report-{path.parent.name}.{lang}.{fmt}"
    headers = ({"Content-Security-Policy": REPORT_CSP} if fmt == "html"
               else {"Content-Disposition": f'attachment; filename="{name}"'})
    return FileResponse(path, media_type=MEDIA_TYPES[fmt], headers=headers)


@router.post("/reports/generate")
def report_generate(request: Request, t: Lang,
                    who: Annotated[Principal, Depends(permit("generate_report"))],
                    period: Annotated[str, Form(max_length=7)],
                    lang: Annotated[str, Form(max_length=10)]) -> Response:
    from corptier.services.report_files import generate_report

    written = generate_report(request.app.state.ws, who, period, lang)
    return render(request, "report_done.html", t, period=period, report=written)
