// The gateway of examples/gateway/ in Node, Deno and workerd (miniflare), over real HTTP on
// 127.0.0.1, in front of a stand-in that speaks authentik's discovery and JWKS and Kestra's
// API (the policy endpoints, paged; executions) and records every request it is sent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import { startDeno, startWorker } from "./hosts.mjs";
import { gatewayFromEnv } from "../../examples/gateway/core.mjs";
import { serve } from "../../examples/gateway/node.mjs";
import { SERVICE_TOKEN, key, standIn } from "./kestra-stand-in.mjs";

const require = createRequire(import.meta.url);
const { Authorizer } = require("../../pkg/nodejs/kestra_authz.js");

let kestra;
before(async () => {
  kestra = await standIn();
});
after(() => kestra?.close());

const env = () => ({
  KESTRA_URL: kestra.origin,
  KESTRA_API_TOKEN: SERVICE_TOKEN,
  KESTRA_TENANTS: "main",
  OIDC_ISSUER: kestra.issuer,
  OIDC_CLIENT_ID: "kestra-client",
  POLICY_INTERVAL_MS: "300",
  POLICY_STALE_MS: "2500",
  JWKS_MAX_AGE_MS: "300",
  JWKS_MAX_STALE_MS: "2500",
});

/** One request with exactly these headers (node:http: fetch would refuse hop-by-hop ones). */
function call(base, method, path, { token, headers = {}, body, stream = false } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, base);
    const req = httpRequest({ host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } }, (res) => {
      if (stream) return resolve(res);
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on("error", (e) => reject(Object.assign(e, { message: `${method} ${path}: ${e.message}` })));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function eventually(what, check, ms = 8000) {
  const until = Date.now() + ms;
  for (;;) {
    const last = await check();
    if (last === true) return;
    if (Date.now() > until) assert.fail(`${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The same behaviour from every host's gateway at `base`. */
async function exercise(base, host) {
  const alice = kestra.mint("alice@example.com");
  const carol = kestra.mint("carol@example.com");
  const denied = async (method, path, options, code, status = 403) => {
    const before = kestra.received.length;
    const r = await call(base, method, path, options);
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    assert.equal(r.json?.code, code, `${method} ${path}`);
    assert.equal(kestra.received.length, before, `${method} ${path} reached Kestra`);
    return r;
  };

  // Allowed: forwarded as it came, less the hop-by-hop headers.
  let r = await call(base, "GET", "/api/v1/main/flows/company.team/hello?revision=2&x=%20y", { token: alice, headers: { "x-custom": "kept", connection: "x-hop", "x-hop": "dropped", "keep-alive": "timeout=5", "x-forwarded-host": "evil.example", forwarded: "host=evil.example" } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { upstream: true, path: "/api/v1/main/flows/company.team/hello" });
  let seen = kestra.received.at(-1);
  assert.equal(seen.method, "GET");
  assert.equal(seen.url, "/api/v1/main/flows/company.team/hello?revision=2&x=%20y");
  assert.equal(seen.headers.authorization, `Bearer ${alice}`);
  assert.equal(seen.headers["x-custom"], "kept");
  assert.equal(seen.headers["x-hop"], undefined);
  assert.equal(seen.headers["keep-alive"], undefined);
  assert.equal(seen.headers["x-forwarded-host"], undefined, "the client's forwarding claims are not passed on");
  assert.equal(seen.headers.forwarded, undefined);

  // A flow in the body: read for its namespace, forwarded byte for byte.
  const flow = "id: hello\nnamespace: company.team\n# é ✓\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n";
  r = await call(base, "POST", "/api/v1/main/flows", { token: alice, headers: { "content-type": "application/x-yaml" }, body: flow });
  assert.equal(r.status, 200, r.text);
  seen = kestra.received.at(-1);
  assert.deepEqual([seen.method, seen.url, seen.body, seen.headers["content-type"]], ["POST", "/api/v1/main/flows", flow, "application/x-yaml"]);

  // Denied, refused, unauthenticated: nothing reaches Kestra.
  await denied("DELETE", "/api/v1/main/flows/company.team/hello", { token: alice }, "DENIED_NO_GRANT");
  await denied("GET", "/api/v1/main/flows/companyx/hello", { token: alice }, "DENIED_NAMESPACE_NOT_COVERED");
  await denied("POST", "/api/v1/main/flows", { token: alice, body: flow.replace("company.team", "victim") }, "DENIED_NAMESPACE_NOT_COVERED");
  await denied("POST", "/api/v1/main/flows", { token: alice, body: "id: x\nnamespace: a\nnamespace: company\n" }, "BODY_NAMESPACE_DUPLICATED");
  // A body read as UTF-8 must not be forwarded as something Kestra could read otherwise.
  await denied("POST", "/api/v1/main/flows", { token: alice, headers: { "content-type": "application/x-yaml; charset=ISO-8859-1" }, body: flow }, "BODY_UNREADABLE");
  // (Miniflare's workerd resets a request with a Content-Encoding before the worker runs, so
  // this one is asked of the Node and Deno gateways.)
  if (host !== "workerd") await denied("POST", "/api/v1/main/flows", { token: alice, headers: { "content-encoding": "gzip" }, body: gzipSync(flow) }, "BODY_UNREADABLE");
  await denied("GET", "/api/v1/main/flows/company.team/hello", {}, "SESSION_REQUIRED", 401);
  await denied("GET", "/api/v1/main/flows/company.team/hello", { token: `${alice.slice(0, -4)}AAAA` }, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", 401);
  await denied("GET", "/api/v1/main/flows/company.team/hello", { token: kestra.mint("mallory@example.com") }, "DENIED_NO_TENANT_ACCESS");
  await denied("GET", "/api/v1/main/flows/company%2Fteam/hello", { token: alice }, "PATH_INVALID");
  await denied("GET", "/api/v1/main/unknown/route", { token: alice }, "ROUTE_NOT_MAPPED");

  // The namespace of an execution, looked up through Kestra's API with the service token.
  r = await call(base, "GET", "/api/v1/main/executions/E1", { token: alice });
  assert.equal(r.status, 200, r.text);
  assert.equal(kestra.received.at(-1).headers.authorization, `Bearer ${alice}`);
  r = await denied("GET", "/api/v1/main/executions/E2", { token: alice }, "DENIED_NAMESPACE_NOT_COVERED");
  assert.deepEqual(r.json.checks.map((c) => c.namespace), [null], "where the execution lives is not told");
  // Nothing is looked up for a caller who could not pass anyway.
  const lookups = kestra.lookups;
  await denied("GET", "/api/v1/main/executions/E3", { token: kestra.mint("mallory@example.com") }, "DENIED_NO_TENANT_ACCESS");
  assert.equal(kestra.lookups, lookups);

  // Impersonation: refused without the permission (and not forwarded); with it, the decision
  // is made for the target and the header goes on.
  await denied("GET", "/api/v1/main/flows/company.team/hello", { token: alice, headers: { "x-kestra-impersonate": "carol@example.com" } }, "IMPERSONATION_DENIED");
  r = await call(base, "GET", "/api/v1/main/flows/company.team/hello", { token: carol, headers: { "x-kestra-impersonate": "alice@example.com" } });
  assert.equal(r.status, 200, r.text);
  assert.equal(kestra.received.at(-1).headers["x-kestra-impersonate"], "alice@example.com");
  await denied("GET", "/api/v1/main/flows/company.team/hello", { token: carol, headers: { "x-kestra-impersonate": "alice@example.com, carol@example.com" } }, "IMPERSONATION_DENIED");
  await denied("GET", "/api/v1/main/flows/company.team/hello", { token: carol }, "DENIED_NO_GRANT");
  // `Connection` naming the impersonation header drops it before the decision, not after.
  await denied("GET", "/api/v1/main/flows/company.team/hello", { token: carol, headers: { "x-kestra-impersonate": "alice@example.com", connection: "x-kestra-impersonate" } }, "DENIED_NO_GRANT");

  // Public routes pass without a session; the webhook key is not echoed by a refusal either.
  r = await call(base, "POST", "/api/v1/main/executions/webhook/company.team/hello/the-key", { body: "{}" });
  assert.equal(r.status, 200, r.text);

  // Server-sent events stream through: the first event arrives before Kestra ends the stream.
  const events = await call(base, "GET", "/api/v1/main/executions/E1/follow", { token: alice, stream: true });
  assert.equal(events.statusCode, 200);
  assert.match(events.headers["content-type"], /text\/event-stream/);
  const first = await new Promise((resolve) => events.once("data", (d) => resolve(String(d))));
  assert.match(first, /event: first/);
  kestra.release();
  let rest = "";
  for await (const d of events) rest += d;
  assert.match(rest, /event: last/);

  // A policy change in Kestra is picked up within its interval.
  const bob = kestra.mint("bob@example.com");
  await denied("GET", "/api/v1/main/flows/sales/report", { token: bob }, "DENIED_NO_GRANT");
  kestra.policy.bindings.push({ id: "b3", type: "USER", namespace: "sales", role: { id: "dev", name: "Developer" }, group: null, user: { id: "u-bob", username: "bob@example.com" } });
  await eventually("bob's new binding", async () => (await call(base, "GET", "/api/v1/main/flows/sales/report", { token: bob })).status === 200 || "still denied");

  // A key rotation at authentik: the new key's tokens are accepted within the JWKS interval,
  // and the dropped key's are refused from then on.
  const old = kestra.key;
  kestra.key = key("k2");
  const rotated = kestra.mint("alice@example.com");
  await eventually("the rotated key", async () => (await call(base, "GET", "/api/v1/main/flows/company.team/hello", { token: rotated })).status === 200 || "not yet");
  await denied("GET", "/api/v1/main/flows/company.team/hello", { token: kestra.mint("alice@example.com", old) }, "ERR_JWKS_NO_MATCHING_KEY", 401);

  // A slow Kestra does not hold up decisions: answered while a policy read is still pending.
  kestra.policyDelay = 1500;
  await eventually("a slow policy read under way", async () => {
    await call(base, "GET", "/api/v1/main/flows/company.team/hello", { token: rotated });
    return kestra.pendingPolicy > 0 || "no read pending";
  });
  r = await call(base, "GET", "/api/v1/main/flows/company.team/hello", { token: rotated });
  assert.equal(r.status, 200);
  assert.ok(kestra.pendingPolicy > 0, "answered only after the slow read");
  kestra.policyDelay = 0;

  // An outage keeps the last good policy until the stale bound, then fails closed (503), and
  // recovers when Kestra is back.
  await new Promise((r) => setTimeout(r, 1600));
  kestra.policyDown = true;
  r = await call(base, "GET", "/api/v1/main/flows/company.team/hello", { token: rotated });
  assert.equal(r.status, 200, "the last good policy serves through the outage");
  await eventually("fail closed past the stale bound", async () => {
    const s = await call(base, "GET", "/api/v1/main/flows/company.team/hello", { token: rotated });
    return (s.status === 503 && s.json?.code === "ERR_POLICY_STALE") || `${s.status} ${s.json?.code}`;
  });
  kestra.policyDown = false;
  await eventually("recovered", async () => (await call(base, "GET", "/api/v1/main/flows/company.team/hello", { token: rotated })).status === 200 || "still failing");
}

test("gateway in Node", async () => {
  kestra.reset();
  const vars = env();
  const gateway = gatewayFromEnv(Authorizer, (name) => vars[name]);
  const server = await serve(gateway, { port: 0 });
  try {
    await exercise(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.close();
    gateway.authorizer.free();
  }
});

test("gateway in Deno", async () => {
  kestra.reset();
  const deno = await startDeno("examples/gateway/deno.mjs", env());
  try {
    await exercise(deno.origin);
  } finally {
    deno.stop();
  }
});

test("gateway in workerd (miniflare)", async () => {
  kestra.reset();
  const worker = await startWorker("examples/gateway/worker.mjs", env());
  try {
    await exercise(worker.origin, "workerd");
  } finally {
    await worker.stop();
  }
});
