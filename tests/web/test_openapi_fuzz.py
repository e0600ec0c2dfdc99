"""schemathesis against the served OpenAPI schema, as an authenticated analyst (the whole
bank), a team head and an RM: no request, however odd, gets a 5xx, and every error is the
API's JSON error."""

from __future__ import annotations

import shutil

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from corptier.services import new_token
from corptier.web import create_app
from corptier.workspace import Workspace
from web_bank import settings as web_settings


@pytest.mark.slow
@pytest.mark.parametrize("user", ["ana", "head", "zhang"])
def test_no_request_makes_the_api_fail(sqlite_bank, tmp_path, user: str) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(sqlite_bank, tmp_path / "ws")
    ws = Workspace.open(tmp_path / "ws")
    headers = {"Authorization": f"Bearer {new_token(ws, user, by=user).token}"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(ws, web_settings()))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def no_server_error(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.method, case.formatted_path,
                                                response.text[:300])
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"code", "message"}

        no_server_error()
