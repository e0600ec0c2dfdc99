"""`corptier audit ...`: check the audit log's hash chain."""

from __future__ import annotations

from pathlib import Path

from corptier.cli.base import WorkspaceOpt, app, group, say
from corptier.cli.language import _

audit_app = group("The audit log: who did what, chained so that edits and deletions show.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(workspace: WorkspaceOpt = Path(".")) -> None:
    """Verify the audit log's hash chain: OK with the entry count, or the first broken link."""
    from corptier.services import open_workspace
    from corptier.services.audit import verify_audit_log

    result = verify_audit_log(open_workspace(workspace))
    say(_("audit log OK: {entries} entries, last hash {hash}").format(
        entries=result.entries, hash=result.head_hash))
