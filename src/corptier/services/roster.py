"""The roster of relationship managers (latest loaded period) and the links of a user to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow.parquet as pq

from corptier.errors import RequestError
from corptier.services.access import ROLES
from corptier.workspace import Workspace

RMS = "relationship_managers"


@dataclass(frozen=True)
class RosterEntry:
    rm_id: str
    name: str
    sub_branch: str


@dataclass(frozen=True)
class Links:
    """What ties a user to the book: checked against the roster, empty where the role has none."""

    rm_id: str | None = None
    team: str | None = None
    team_members: tuple[str, ...] = ()
    sub_branches: tuple[str, ...] = ()


def roster(ws: Workspace) -> list[RosterEntry]:
    """The relationship managers of the latest loaded period, by id (empty before a load)."""
    periods = ws.periods(RMS)
    if not periods:
        return []
    table = pq.read_table(ws.partition_file(RMS, periods[-1]),
                          columns=["rm_id", "name", "sub_branch"])
    return sorted((RosterEntry(*row) for row in zip(
        *(table.column(c).to_pylist() for c in ("rm_id", "name", "sub_branch")), strict=True)),
        key=lambda e: e.rm_id)


def check_links(ws: Workspace, role: str, rm_id: str | None, team: str | None,
                team_members: Sequence[str], sub_branches: Sequence[str]) -> Links:
    """The links a role needs (an rm: their RM id; a team head: a team and its RM ids; a
    branch head: sub-branches), checked against the roster; RequestError naming the field."""
    if role not in ROLES:
        raise RequestError("unknown role '{role}'; use one of {roles}", role=role,
                           roles=", ".join(ROLES))
    members = tuple(dict.fromkeys(m.strip() for m in team_members if m.strip()))
    branches = tuple(dict.fromkeys(b.strip() for b in sub_branches if b.strip()))
    rm = (rm_id or "").strip() or None
    team_name = (team or "").strip() or None
    wanted = {"rm": rm is not None, "team_head": bool(team_name and members),
              "branch_head": bool(branches)}
    if role in wanted and not wanted[role]:
        need = {"rm": "the role {role} needs --rm (the RM id)",
                "team_head": "the role {role} needs --team and --member (the team's RM ids)",
                "branch_head": "the role {role} needs --sub-branch"}[role]
        raise RequestError(need, role=role)
    given = {"rm": rm is not None, "team_head": bool(team_name or members),
             "branch_head": bool(branches)}
    for other, present in given.items():
        if present and other != role:
            raise RequestError("the role {role} takes no {other} links", role=role,
                               other=other.replace("_", " "))
    _check_roster(ws, (rm,) if rm else members, branches)
    return Links(rm, team_name, members, branches)


def _check_roster(ws: Workspace, rm_ids: Sequence[str], branches: Sequence[str]) -> None:
    known = roster(ws)
    if not known:
        return
    ids = {e.rm_id for e in known}
    subs = {e.sub_branch for e in known}
    for rm in rm_ids:
        if rm not in ids:
            raise RequestError("rm_id {rm!r} is not in the roster of relationship managers", rm=rm)
    for branch in branches:
        if branch not in subs:
            raise RequestError("sub_branch {branch!r} is not a sub-branch of the roster",
                               branch=branch)
