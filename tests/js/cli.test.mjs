// The CLI (pkg/cli.js, the package's `bin`) run as a user runs it: each command's output,
// --json, --help, and the exit statuses (0 done, 1 a negative answer, 2 an error), with no
// stack trace on any failure. Keys from files, standard input and a URL on 127.0.0.1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const cli = join(repo, "pkg/cli.js");
const fixture = (name) => join(repo, "tests/fixtures/authentik-2025.8.1", name);
const TOKEN = readFileSync(fixture("tokens/kestra.alice.authcode.1.id_token.jwt"), "utf8").trim();
const NOW = String(1795885198 + 60);
const NONCE = "dslAhVZnwQ6O14QDuDMkVA";
const GUIDE = join(repo, "examples/authentik-guide.yaml");
const KEYS = ["--config", GUIDE, "--jwks", fixture("kestra.jwks.json"), "--discovery", fixture("kestra.openid-configuration.json"), "--now", NOW, "--nonce", NONCE];

/** Runs the CLI; answers { status, stdout, stderr }. */
function run(args, { input, env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NO_COLOR: "1", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => {
      assert.doesNotMatch(stderr, /\n\s+at /, `a stack trace: ${stderr}`);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(input ?? "");
  });
}

test("help, and usage errors with exit status 2", async () => {
  let r = await run(["--help"]);
  assert.equal(r.status, 0);
  for (const command of ["verify", "lint", "decide", "explain", "matrix", "who-can", "diff", "routes"]) assert.match(r.stdout, new RegExp(`\\n  ${command} `));
  r = await run(["decide", "--help"]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: kestra-authz decide/);
  assert.match(r.stdout, /--jwks FILE\|URL/);
  r = await run(["nosuch"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ERR_USAGE: unknown command nosuch/);
  r = await run(["decide", TOKEN, ...KEYS, "--bogus"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ERR_USAGE/);
  r = await run(["verify", TOKEN, "--jwks", "/no/such/file"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ERR_INPUT_UNREADABLE/);
});

test("verify: the claims, or the code with status 1", async () => {
  let r = await run(["verify", TOKEN, ...KEYS]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^verified: RS256 token from http:\/\/127\.0\.0\.1:9000\/application\/o\/kestra\//);
  assert.match(r.stdout, /username: alice@/);
  r = await run(["verify", "-", ...KEYS, "--json"], { input: `${TOKEN}\n` });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).alg, "RS256");
  r = await run(["verify", TOKEN, ...KEYS.slice(0, -4), "--now", String(1795885198 + 86400 * 365)]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^ERR_JWT_EXPIRED: /);
  r = await run(["verify", `${TOKEN.slice(0, -6)}AAAAAA`, ...KEYS]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
});

test("verify with the discovery document fetched from a URL (with its JWKS)", async () => {
  const discovery = JSON.parse(readFileSync(fixture("kestra.openid-configuration.json"), "utf8"));
  const jwks = readFileSync(fixture("kestra.jwks.json"), "utf8");
  const server = createServer((req, res) => {
    if (req.url === "/application/o/kestra/.well-known/openid-configuration") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ...discovery, jwks_uri: `http://127.0.0.1:${server.address().port}/jwks/` }));
    } else if (req.url === "/jwks/") res.writeHead(200, { "content-type": "application/json" }).end(jwks);
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${server.address().port}/application/o/kestra/.well-known/openid-configuration`;
    const r = await run(["verify", TOKEN, "--config", GUIDE, "--issuer", discovery.issuer, "--discovery", url, "--now", NOW, "--nonce", NONCE]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /verified: RS256/);
  } finally {
    server.close();
  }
});

test("lint: findings, exit 1 with --strict, 2 for a configuration that cannot be used", async () => {
  let r = await run(["lint", GUIDE]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /WARN_DEFAULT_ROLE_IAM_WRITE at /);
  r = await run(["lint", GUIDE, "--strict", "--json"]);
  assert.equal(r.status, 1);
  assert.ok(JSON.parse(r.stdout).findings.length > 0);
  const guide = readFileSync(GUIDE, "utf8");
  r = await run(["lint", "-"], { input: guide.replace('NAMESPACE: ["CREATE"', 'NAMESPACES: ["CREATE"') });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /kestra-authz: ERR_CONFIG_INVALID: /);
});

test("decide and matrix: the guide's default role for the bundled token's user", async () => {
  let r = await run(["decide", TOKEN, ...KEYS, "-P", "FLOW", "-A", "UPDATE", "-n", "company.team", "-t", "main"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ALLOWED: alice@\S+ may UPDATE FLOW in company\.team \(tenant main\)\n  default_admin_role \(default-role\) tenant-wide in main/);
  r = await run(["decide", TOKEN, ...KEYS, "-P", "SETTING", "-A", "UPDATE", "-t", "main", "--json"]);
  assert.equal(r.status, 1);
  assert.equal(JSON.parse(r.stdout).allowed, false);
  r = await run(["decide", TOKEN, ...KEYS, "-P", "FLOWS", "-A", "UPDATE", "-t", "main"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ERR_UNKNOWN_PERMISSION/);
  r = await run(["matrix", TOKEN, ...KEYS, "-t", "main", "-n", "company"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /\n  FLOW +READ  yes +CREATE  yes/);
  r = await run(["matrix", TOKEN, ...KEYS, "-t", "main", "--json"]);
  assert.equal(JSON.parse(r.stdout).FLOW.READ, true);
});

test("who-can: users, groups, the first-login role", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kestra-authz-cli-"));
  const policy = join(dir, "policy.json");
  writeFileSync(policy, JSON.stringify({
    model: "v2",
    tenants: {
      main: {
        roles: [{ id: "dev", name: "Developer", permissions: { FLOW: ["VIEW", "DELETE"] } }],
        groups: [{ id: "g1", name: "data-team" }],
        users: [{ id: "u1", username: "alice@example.com", groups: ["g1"] }, { id: "u2", username: "bob@example.com" }],
        bindings: [{ id: "b1", type: "GROUP", externalId: "g1", roleId: "dev", namespaceId: "company.data" }],
      },
    },
  }));
  let r = await run(["who-can", "-P", "FLOW", "-A", "DELETE", "-n", "company.data.x", "-p", policy]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /users \(1\):\n  alice@example\.com \(u1\)\n    Developer \(through group g1, binding b1\) on company\.data in main\ngroups \(1\):\n  data-team \(g1\)/);
  r = await run(["who-can", "-P", "FLOW", "-A", "DELETE", "-n", "company.data.x", "-p", policy, "--no-reasons", "--json"]);
  assert.deepEqual(JSON.parse(r.stdout).users, [{ id: "u1", username: "alice@example.com", reasons: [], moreReasons: 0 }]);
  r = await run(["who-can", "-P", "FLOW", "-A", "DELETE", "-n", "company.other", "-p", policy, "--json"]);
  assert.deepEqual(JSON.parse(r.stdout).users, []);
  r = await run(["who-can", "-P", "FLOW", "-A", "DELETE"]);
  assert.equal(r.status, 2);
});

test("explain: a refusal's near misses and the changes that grant it (status 1), an allow's reasons (0)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kestra-authz-cli-"));
  const email = JSON.parse(Buffer.from(TOKEN.split(".")[1], "base64url")).email;
  const policy = join(dir, "policy.json");
  writeFileSync(policy, JSON.stringify({
    model: "crud",
    tenants: {
      main: {
        roles: [{ id: "editor", permissions: { FLOW: ["READ", "UPDATE"] } }],
        users: [{ id: "u-alice", username: email }],
        bindings: [{ id: "b1", type: "USER", externalId: "u-alice", roleId: "editor", namespaceId: "company.team" }],
      },
    },
  }));
  let r = await run(["explain", TOKEN, ...KEYS, "-p", policy, "-P", "FLOW", "-A", "UPDATE", "-n", "company.teamx", "-t", "main"]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^DENIED_NAMESPACE_NOT_COVERED: \S+ may not UPDATE FLOW in company\.teamx \(tenant main\)\nsuggestions, smallest change first:\n  1\. binding b1 gives you role editor on company\.team, which does not reach company\.teamx\n     - bind role editor to user u-alice on company\.teamx in tenant main\n/);
  r = await run(["explain", TOKEN, ...KEYS, "-p", policy, "-P", "FLOW", "-A", "UPDATE", "-n", "company.teamx", "-t", "main", "--json"]);
  assert.equal(r.status, 1);
  assert.equal(JSON.parse(r.stdout).suggestions[0].changes[0].type, "BIND_ROLE");
  r = await run(["explain", TOKEN, ...KEYS, "-p", policy, "-P", "FLOW", "-A", "READ", "-n", "company.team.x", "-t", "main"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ALLOWED: .*\n  editor \(bound to the user, binding b1\) on company\.team in main\n$/);
  r = await run(["explain", TOKEN, ...KEYS, "-P", "FLOW"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ERR_USAGE/);
});

test("diff: each principal's gains and losses (status 1), none (0), the default role through configurations", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kestra-authz-cli-"));
  const policy = (ns) => ({
    model: "crud",
    tenants: {
      main: {
        roles: [{ id: "viewer", permissions: { FLOW: ["READ"] } }],
        groups: [{ id: "g", name: "data-team" }],
        users: [{ id: "u1", username: "alice@example.com", groups: ["g"] }],
        bindings: [{ type: "GROUP", externalId: "g", roleId: "viewer", namespaceId: ns }],
      },
    },
  });
  const before = join(dir, "before.json");
  const after = join(dir, "after.json");
  writeFileSync(before, JSON.stringify(policy("company.data")));
  writeFileSync(after, JSON.stringify(policy("company")));
  let r = await run(["diff", before, after]);
  assert.equal(r.status, 1, r.stderr);
  const also = "; also FLOW:VIEW, FLOW:LIST, FLOW:EXPORT";
  assert.equal(r.stdout, `tenant main:\n  user alice@example.com (u1)\n    + FLOW:READ on company (except company.data)${also}\n  group data-team (g)\n    + FLOW:READ on company (except company.data)${also}\n2 change(s) of access (crud model)\n`);
  r = await run(["diff", after, before, "--json"]);
  assert.equal(r.status, 1);
  assert.deepEqual(JSON.parse(r.stdout).changes[0].lost, [{ permission: "FLOW", action: "READ", namespace: "company", except: ["company.data"], also: ["FLOW:VIEW", "FLOW:LIST", "FLOW:EXPORT"] }]);
  r = await run(["diff", before, "-"], { input: readFileSync(before) });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "no change of access\n");
  const yaml = (actions) => `kestra:\n  security:\n    defaultRole:\n      name: sso\n      permissions:\n        FLOW: [${actions}]\n`;
  writeFileSync(join(dir, "a.yaml"), yaml("READ"));
  writeFileSync(join(dir, "b.yaml"), yaml("READ, DELETE"));
  r = await run(["diff", before, before, "--before-config", join(dir, "a.yaml"), "--after-config", join(dir, "b.yaml")]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /every tenant neither policy lists:\n  first-login role sso\n    \+ FLOW:DELETE everywhere\n/);
  r = await run(["diff", before]);
  assert.equal(r.status, 2);
  writeFileSync(join(dir, "v2.json"), JSON.stringify({ ...policy("company"), model: "v2" }));
  r = await run(["diff", before, join(dir, "v2.json")]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ERR_OPTION_INVALID/);
});

test("routes: the mapping of a request to Kestra's API", async () => {
  let r = await run(["routes", "DELETE", "/api/v1/main/flows/company.team/hello"]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^DELETE \/api\/v1\/\{tenant\}\/flows\/\{namespace\}\/\{id\} \(tenant main\): checks\n  FLOW: DELETE on company\.team \(from path\)/);
  r = await run(["routes", "POST", "/api/v1/main/flows", "--body", "-", "--model", "crud", "--json"], { input: "id: f\nnamespace: company.x\n" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).checks.at(-1).namespace, "company.x");
  r = await run(["routes", "GET", "/api/v1/setup"]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /refused ROUTE_REFUSED/);
});

test("bad options are errors (2), inputs are bounded and read as UTF-8, names cannot drive the terminal", async () => {
  for (const now of ["abc", "", "-5", "1e300", "0x6B0A4A6A"]) {
    const r = await run(["verify", TOKEN, ...KEYS.slice(0, -4), "--now", now]);
    assert.equal(r.status, 2, `--now ${JSON.stringify(now)}: ${r.stderr}`);
    assert.match(r.stderr, /kestra-authz: ERR_USAGE: .*--now/);
  }
  let r = await run(["decide", TOKEN, ...KEYS, "-P", "FLOW", "-A", "READ", "-t", "Bad Tenant"]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /kestra-authz: ERR_TENANT_INVALID/);
  const dir = mkdtempSync(join(tmpdir(), "kestra-authz-cli-"));
  const latin1 = join(dir, "latin1.json");
  writeFileSync(latin1, Buffer.from('{"tenants":{"main":{"users":[{"id":"u","username":"jos\xe9@x"}]}}}', "latin1"));
  r = await run(["who-can", "-P", "FLOW", "-A", "READ", "-p", latin1]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ERR_INPUT_UNREADABLE: --policy: not UTF-8/);
  const hostile = join(dir, "hostile.json");
  writeFileSync(hostile, "\ufeff" + JSON.stringify({ tenants: { main: {
    roles: [{ id: "r", name: "clear\u001b[2Jscreen", permissions: { FLOW: ["READ"] } }],
    users: [{ id: "u", username: "up\u001b[1A\rline@x" }],
    bindings: [{ type: "USER", externalId: "u", roleId: "r" }],
  } } }));
  r = await run(["who-can", "-P", "FLOW", "-A", "READ", "-p", hostile]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /\u001b|\r/);
  assert.match(r.stdout, /up\\u001b\[1A\\u000dline@x/);
  // A configuration without an OIDC client still lints, with a note.
  r = await run(["lint", "-"], { input: "kestra:\n  security:\n    defaultRole:\n      name: x\n      permissions:\n        FLOW: [READ]\n" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^note: /);
});

test("a reader that goes away ends the command quietly", async () => {
  const r = await new Promise((resolve) => {
    const child = spawn("sh", ["-c", `"${process.execPath}" "${cli}" --help | head -1`]);
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stderr }));
  });
  assert.equal(r.status, 0);
  assert.doesNotMatch(r.stderr, /EPIPE|\n\s+at /);
});
