"""The standards in the JSON API: the active standard as data, the adoption history and the
proposals; propose, approve and reject by maker-checker with the pages' permissions."""

from __future__ import annotations

import sqlalchemy as sa

from corptier.config import CONFIG_FILE, load_config
from corptier.services import active_standard
from corptier.services.standards import activate_standard
from corptier.workspace import Workspace


def _candidate(client, bank: Workspace, version: str) -> str:  # type: ignore[no-untyped-def]
    text = (bank.standards_dir / "default.yaml").read_text(encoding="utf-8")
    content = text.replace('version: "2026.1"', f'version: "{version}"').encode("utf-8")
    sent = client.post("/standards/candidates", data={"csrf_token": client.csrf},
                       files={"file": ("c.yaml", content, "application/x-yaml")},
                       follow_redirects=False)
    assert sent.status_code == 303, sent.text[:300]
    return str(sent.headers["location"]).rsplit("/", 1)[1]


def _post(client, url: str, body: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    return client.post(url, json=body or {}, headers={"X-CSRF-Token": client.csrf})


def _actions(bank: Workspace, proposal_id: int) -> list[tuple[str, str]]:
    with bank.db.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT actor, action FROM audit_log WHERE entity = 'standard_proposal' "
            "AND entity_id = :id ORDER BY seq"), {"id": str(proposal_id)})]


def test_the_active_standard_reads_as_structured_data(client_as, bank) -> None:  # type: ignore[no-untyped-def]
    got = client_as("zhang").get("/api/v1/standards/active")
    assert got.status_code == 200
    data, standard = got.json(), active_standard(bank)
    assert (data["id"], data["version"], data["content_hash"]) == (
        standard.id, standard.version, standard.content_hash)
    assert [t["code"] for t in data["tiers"]] == list(standard.tier_codes)
    assert data["tiers"][1]["name_zh"] == standard.tiers[1].name_zh
    dims = {d["code"]: d for d in data["dimensions"]}
    assert set(dims) == set(standard.dimensions)
    assert abs(sum(d["weight"] for d in dims.values()) - 1) < 1e-9
    for code, d in dims.items():
        assert [i["indicator"] for i in d["indicators"]] == list(
            standard.dimensions[code].indicators)
    assert data["cutoffs"]["method"] == standard.cutoffs.method
    gates = standard.gates.floors + standard.gates.caps
    assert [g["id"] for g in data["gates"]] == [g.id for g in gates]
    assert all(g["description"] for g in data["gates"])
    assert (data["group_rule"] is None) == (standard.group_rule is None)


def test_propose_approve_and_reject_through_the_api(client_as, bank) -> None:  # type: ignore[no-untyped-def]
    ana, risky, boss, zhang = (client_as(n) for n in ("ana", "risky", "boss", "zhang"))
    key = _candidate(ana, bank, "2027.8")
    assert _post(zhang, "/api/v1/standards/proposals", {
        "candidate": key, "period": "2026-10", "reason": "r"}).status_code == 403
    made = _post(ana, "/api/v1/standards/proposals",
                 {"candidate": key, "period": "2026-10", "reason": "=cmd <b>x</b>"})
    assert made.status_code == 201, made.text[:300]
    proposal = made.json()
    assert (proposal["state"], proposal["version"], proposal["reason"]) == (
        "pending", "2027.8", "=cmd <b>x</b>")
    pending = zhang.get("/api/v1/standards/proposals", params={"state": "pending"}).json()
    assert proposal["id"] in [p["id"] for p in pending["data"]]
    assert zhang.get("/api/v1/standards/proposals", params={"state": "odd"}).json()[
        "error"]["code"] == "RequestError"
    url = f"/api/v1/standards/proposals/{proposal['id']}"
    assert _post(ana, f"{url}/approve").status_code == 403  # analysts do not decide
    assert risky.post(f"{url}/approve", json={}).status_code == 403  # no CSRF token
    before = load_config(bank.root / CONFIG_FILE).tiering.standard
    try:
        done = _post(risky, f"{url}/approve", {"note": "同意"})
        assert done.status_code == 200, done.text[:300]
        assert (done.json()["state"], done.json()["decided_by"]) == ("approved", "risky")
        assert zhang.get("/api/v1/standards/active").json()["version"] == "2027.8"
        history = zhang.get("/api/v1/standards/adoptions").json()
        assert (history[0]["version"], history[0]["by"]) == ("2027.8", "risky")
        again = _post(boss, f"{url}/reject")
        assert again.status_code == 409 and again.json()["error"]["code"] == "ApprovalError"
        assert _actions(bank, proposal["id"]) == [("ana", "propose"), ("risky", "approve")]
    finally:
        activate_standard(bank, before)


def test_the_maker_cannot_decide_and_unknown_ones_are_404(client_as, bank) -> None:  # type: ignore[no-untyped-def]
    risky, boss = client_as("risky"), client_as("boss")
    key = _candidate(risky, bank, "2027.9")
    made = _post(risky, "/api/v1/standards/proposals",
                 {"candidate": key, "period": "2026-10", "reason": "试行"}).json()
    url = f"/api/v1/standards/proposals/{made['id']}"
    own = _post(risky, f"{url}/approve")
    assert own.status_code == 409 and own.json()["error"]["code"] == "ApprovalError"
    rejected = _post(boss, f"{url}/reject", {"note": "no"})
    assert (rejected.json()["state"], rejected.json()["decision_note"]) == ("rejected", "no")
    assert _actions(bank, made["id"]) == [("risky", "propose"), ("boss", "reject")]
    missing = _post(boss, "/api/v1/standards/proposals/999999/reject")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NotFoundError"
    unknown = _post(risky, "/api/v1/standards/proposals",
                    {"candidate": "0" * 16, "period": "2026-10", "reason": "x"})
    assert unknown.status_code == 404
    bad = _post(risky, "/api/v1/standards/proposals",
                {"candidate": key, "period": "2026-13", "reason": "x"})
    assert bad.status_code in (400, 422) and "error" in bad.json()
