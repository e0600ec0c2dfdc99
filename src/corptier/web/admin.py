"""Admin pages: users with their roles and data scopes; grant a role and scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from corptier.i18n import Translator
from corptier.services.access import ROLES, Principal
from corptier.web.deps import permit, translator
from corptier.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/admin/users")
def users_page(request: Request, t: Annotated[Translator, Depends(translator)],
               who: Annotated[Principal, Depends(permit("admin_users"))]) -> Response:
    from corptier.services.roster import roster
    from corptier.services.users import list_users

    ws = request.app.state.ws
    return render(request, "users.html", t, users=list_users(ws), roles=ROLES,
                  roster=roster(ws))


@router.post("/admin/users/{name}/grant")
def grant(request: Request, name: str,
          who: Annotated[Principal, Depends(permit("admin_users"))],
          role: Annotated[str, Form(max_length=20)],
          rm_id: Annotated[str, Form(max_length=40)] = "",
          team: Annotated[str, Form(max_length=80)] = "",
          team_members: Annotated[str, Form(max_length=4000)] = "",
          sub_branches: Annotated[str, Form(max_length=4000)] = "") -> Response:
    from corptier.services.users import grant_user

    grant_user(request.app.state.ws, name, role, by=who.name, rm_id=rm_id or None,
               team=team or None, team_members=_split(team_members),
               sub_branches=_split(sub_branches))
    return RedirectResponse("/admin/users", status_code=303)


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
