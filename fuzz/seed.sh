#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from the shared vectors and the
# fixtures. Then: cargo +nightly fuzz run -O <target> -- -max_total_time=600
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import json, os, pathlib
root = pathlib.Path("..")
corpus = pathlib.Path("corpus")
for target in ["kestra_yaml", "documents", "token", "authorize", "policy_readers", "http_map"]:
    (corpus / target).mkdir(parents=True, exist_ok=True)
for yaml in (root / "tests/fixtures/kestra").glob("*.yaml"):
    (corpus / "kestra_yaml" / yaml.name).write_bytes(yaml.read_bytes())
fixtures = root / "tests/fixtures/authentik-2025.8.1"
(corpus / "documents" / "jwks-authentik").write_bytes(b"\x00" + (fixtures / "kestra.jwks.json").read_bytes())
(corpus / "documents" / "discovery-authentik").write_bytes(b"\x01" + (fixtures / "kestra.openid-configuration.json").read_bytes())
tokens = json.loads((root / "tests/vectors/tokens.json").read_text())
for i, case in enumerate(tokens["cases"]):
    (corpus / "token" / f"case-{i}").write_text(case["token"])
for name in os.listdir(fixtures / "tokens"):
    (corpus / "token" / name).write_bytes((fixtures / "tokens" / name).read_bytes())
for i, provider in enumerate(tokens["providers"].values()):
    jwks = provider["jwks"] if isinstance(provider["jwks"], str) else json.dumps(provider["jwks"])
    (corpus / "documents" / f"jwks-{i}").write_bytes(b"\x00" + jwks.encode())
rbac = json.loads((root / "tests/vectors/rbac.json").read_text())
for scenario in rbac["scenarios"]:
    for j, check in enumerate(scenario["checks"]):
        if check["kind"] in ("http", "httpAnonymous"):
            r = check["request"]
            body = r.get("body")
            body = body if isinstance(body, str) or body is None else json.dumps(body)
            (corpus / "http_map" / f"{len(os.listdir(corpus / 'http_map'))}").write_text(f"{r['method']}\n{r['url']}" + (f"\n{body}" if body else ""))
for i, scenario in enumerate(rbac["scenarios"]):
    policy = scenario["options"].get("policy")
    if policy:
        text = policy if isinstance(policy, str) else json.dumps(policy)
        (corpus / "documents" / f"policy-{i}").write_bytes(b"\x02" + text.encode())
        (corpus / "policy_readers" / f"policy-{i}").write_text(text)
    for j, check in enumerate(scenario["checks"]):
        r = check.get("request")
        if r:
            parts = [r["permission"], r["action"], r.get("namespace") or "", r.get("tenant") or ""]
            (corpus / "authorize" / f"s{i}-{j}").write_text("\0".join(parts))
PY
find corpus -type f | wc -l | xargs echo "fuzz corpora seeded: files"
