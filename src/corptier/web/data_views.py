"""The Data pages: the loads of each period with their reconciliation, the closes and runs,
and the quarantine rows of a table (paged on the server, limited to the reader's scope)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from corptier.i18n import Translator
from corptier.services.access import Principal
from corptier.web.deps import permit, translator
from corptier.web.templating import render

router = APIRouter(include_in_schema=False)
Lang = Annotated[Translator, Depends(translator)]
PAGE_SIZE = 50


@router.get("/data")
def data_page(request: Request, t: Lang,
              who: Annotated[Principal, Depends(permit("read_loads"))]) -> Response:
    from corptier.services.data_records import data_overview

    return render(request, "data.html", t, data=data_overview(request.app.state.ws, who))


@router.get("/data/{period}/quarantine/{table}")
def quarantine_page(request: Request, t: Lang, period: str, table: str,
                    who: Annotated[Principal, Depends(permit("read_loads"))],
                    kind: Annotated[str, Query(max_length=20)] = "rejected",
                    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    from corptier.services.data_records import quarantine_rows

    found = quarantine_rows(request.app.state.ws, who, period, table, kind, page, PAGE_SIZE)
    pages = max(1, -(-found.total // found.size))
    return render(request, "quarantine.html", t, q=found, pages=pages)
