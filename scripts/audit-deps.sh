#!/usr/bin/env bash
# Audit the installed dependencies for known vulnerabilities with pip-audit (run by `make test`).
# Offline-tolerant: when the advisory database cannot be reached (no network, or every package
# answered "not found", which is what an unreachable or mirrored index gives), it prints one line
# saying the audit was skipped and exits 0. A vulnerability found fails (exit 1).
# Usage: scripts/audit-deps.sh [VENV_BIN]   (default .venv/bin)
set -uo pipefail
BIN="${1:-.venv/bin}"
if [ ! -x "$BIN/pip-audit" ]; then
  echo "pip-audit: skipped, not installed in $BIN (pip install -e '.[dev]')"
  exit 0
fi
out="$(mktemp)"; err="$(mktemp)"
trap 'rm -f "$out" "$err"' EXIT
"$BIN/pip-audit" --skip-editable --progress-spinner off --timeout 15 --format json \
  >"$out" 2>"$err"
rc=$?
"$BIN/python" - "$out" "$err" "$rc" <<'PY'
import json
import sys

out, err, rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    with open(out, encoding="utf-8") as f:
        doc = json.load(f)
except (OSError, ValueError):
    doc = None
deps = doc.get("dependencies", []) if isinstance(doc, dict) else []
audited = [d for d in deps if "skip_reason" not in d]
if doc is None or (deps and not audited):
    if deps:
        why = f"{len(deps)} packages, none found: {deps[0]['skip_reason']}"
    else:
        tail = open(err, encoding="utf-8", errors="replace").read().strip().splitlines()
        why = tail[-1] if tail else "no answer"
    why = why[:160]
    print(f"pip-audit: skipped, the advisory database cannot be reached ({why})")
    sys.exit(0)
vulnerable = [d for d in audited if d.get("vulns")]
for d in vulnerable:
    ids = ", ".join(v["id"] for v in d["vulns"])
    print(f"pip-audit: {d['name']} {d['version']}: {ids}")
skipped = len(deps) - len(audited)
print(f"pip-audit: {len(audited)} packages audited, {skipped} skipped, "
      f"{len(vulnerable)} with known vulnerabilities")
sys.exit(1 if vulnerable or (rc not in (0, 1)) else 0)
PY
