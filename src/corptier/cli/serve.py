"""`corptier serve`: the web app on a workspace (uvicorn)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from corptier.cli.base import WorkspaceOpt, app, say


@app.command("serve")
def serve(
    workspace: WorkspaceOpt = Path("."),
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1,
                                      max=65535)] = 8000,
) -> None:
    """Serve the web app of the workspace (sessions signed with CORPTIER_SECRET_KEY)."""
    import uvicorn

    from corptier.services import open_workspace
    from corptier.web import WebSettings, create_app

    ws = open_workspace(workspace)
    web = create_app(ws, WebSettings.from_env())
    say(f"corptier web app of {ws.root} at http://{host}:{port}/  (Ctrl+C stops it)")
    uvicorn.run(web, host=host, port=port, log_level="warning", proxy_headers=True)
