// The gateway through the JS API: kestraRoute maps a request to its checks without a session;
// authorizeHttp and authorizeAnonymousHttp decide it. Headers as objects or Headers, bodies
// as text or parsed JSON, lookups passed back, bad input as coded errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";

const require = createRequire(import.meta.url);
const { Authorizer, kestraRoute } = require("../../pkg/nodejs/kestra_authz.js");

const ISSUER = "https://sso.example.com/application/o/kestra/";
const SECRET = "0123456789abcdef".repeat(4);
const NOW = 1800000060;
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
function mint(email) {
  const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: ISSUER, aud: "kestra-client", sub: email, email, iat: NOW - 60, exp: NOW + 240 })}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}
const policy = {
  model: "v2",
  tenants: {
    main: {
      roles: [{ id: "dev", permissions: { FLOW: ["VIEW", "LIST", "CREATE", "EXECUTE"], EXECUTION: ["VIEW"], USER: ["IMPERSONATE"] } }],
      users: [
        { id: "u1", username: "alice@example.com" },
        { id: "u2", username: "bob@example.com" },
      ],
      bindings: [
        { id: "b1", type: "USER", externalId: "u1", roleId: "dev", namespaceId: null },
        { id: "b2", type: "USER", externalId: "u2", roleId: "dev", namespaceId: "bobs" },
      ],
    },
  },
};
const authz = new Authorizer({ issuer: ISSUER, clientId: "kestra-client", clientSecret: SECRET, jwks: "{}", policy });
const alice = authz.verifyIdToken(mint("alice@example.com"), { now: NOW });
const codeOf = (fn) => {
  try {
    fn();
  } catch (e) {
    return e.code;
  }
  return "no error";
};

test("kestraRoute maps a request to its checks, in either model", () => {
  const v2 = kestraRoute({ method: "POST", url: "/api/v1/main/executions/company/hello" });
  assert.equal(v2.route, "POST /api/v1/{tenant}/executions/{namespace}/{id}");
  assert.deepEqual(v2.checks, [{ permission: "FLOW", actions: ["EXECUTE"], either: false, namespace: "company", scope: "namespace", from: "path" }]);
  const crud = kestraRoute({ method: "POST", url: "/api/v1/main/executions/company/hello", model: "crud" });
  assert.deepEqual(crud.checks.map((c) => `${c.permission}:${c.actions}`), ["EXECUTION:CREATE"]);
  assert.equal(kestraRoute({ method: "GET", url: "/api/v1/main/executions/e1" }).plan, "lookup");
  assert.equal(kestraRoute({ method: "GET", url: "/api/v1/main/flows/a%2Fb/x" }).code, "PATH_INVALID");
});

test("authorizeHttp decides, with lookups passed back", () => {
  const request = { method: "GET", url: "/api/v1/main/executions/e1" };
  const first = authz.authorizeHttp(alice, request);
  assert.deepEqual([first.allowed, first.code, first.status, first.lookup], [false, "NEEDS_LOOKUP", 403, [{ kind: "execution", id: "e1" }]]);
  const again = authz.authorizeHttp(alice, { ...request, namespaces: { "execution:e1": "company" } });
  assert.deepEqual([again.allowed, again.code, again.status], [true, "ALLOWED", 200]);
  assert.equal(again.checks[0].namespace, "company");
});

test("a flow's namespace from its YAML body; JSON bodies as text or parsed", () => {
  const post = (body) => authz.authorizeHttp(alice, { method: "POST", url: "/api/v1/main/flows", body, requireNamespaceCreate: false });
  assert.equal(post("id: f\nnamespace: company\n").allowed, true);
  // Alone, the gateway also asks NAMESPACE:CREATE by default (the namespace may be new).
  const strict = authz.authorizeHttp(alice, { method: "POST", url: "/api/v1/main/flows", body: "id: f\nnamespace: company\n" });
  assert.deepEqual(strict.checks.map((c) => `${c.permission}:${c.action}`), ["NAMESPACE:CREATE", "FLOW:CREATE"]);
  assert.equal(post("id: f\n").code, "BODY_NAMESPACE_MISSING");
  const list = (body) => authz.authorizeHttp(alice, { method: "POST", url: "/api/v1/main/flows/export/by-ids", body });
  assert.equal(list([{ namespace: "a", id: "f" }]).code, "DENIED_NO_GRANT");
  assert.equal(list(JSON.stringify([{ namespace: "a", id: "f" }])).code, "DENIED_NO_GRANT");
});

test("impersonation, from a Headers object or a plain object in any spelling", () => {
  const url = "/api/v1/main/flows/company/hello";
  for (const headers of [new Headers({ "X-Kestra-Impersonate": "bob@example.com" }), { "x-KESTRA-impersonate": "bob@example.com" }]) {
    const d = authz.authorizeHttp(alice, { method: "GET", url, headers });
    assert.equal(d.impersonated, "bob@example.com");
    // Judged as bob, bound on `bobs` only.
    assert.equal(d.allowed, false);
  }
  const own = authz.authorizeHttp(alice, { method: "GET", url: "/api/v1/main/flows/bobs/x", headers: { "x-kestra-impersonate": "bob@example.com" } });
  assert.equal(own.allowed, true);
});

test("no session: public routes pass, the rest answer 401", () => {
  const hook = authz.authorizeAnonymousHttp({ method: "POST", url: "/api/v1/main/executions/webhook/a/f/the-key" });
  assert.deepEqual([hook.allowed, hook.code, hook.status], [true, "PUBLIC_ROUTE", 200]);
  assert.doesNotMatch(JSON.stringify(hook), /the-key/);
  const flows = authz.authorizeAnonymousHttp({ method: "GET", url: "/api/v1/main/flows/a/f" });
  assert.deepEqual([flows.code, flows.status], ["SESSION_REQUIRED", 401]);
});

test("bad input is a coded error", () => {
  for (const request of [undefined, null, "GET /", 42, {}, { method: "GET" }, { url: "/api/v1/me" }, { method: 1, url: "/" }, { method: "GET", url: "/", extra: 1 }, { method: "GET", url: "/", mode: "loose" }, { method: "GET", url: "/", namespaces: { "execution:e": 1 } }, { method: "GET", url: "/", headers: "x" }]) {
    assert.equal(codeOf(() => authz.authorizeHttp(alice, request)), "ERR_OPTION_INVALID", JSON.stringify(request));
  }
  assert.equal(codeOf(() => kestraRoute({ method: "GET", url: "/", model: "v3" })), "ERR_OPTION_INVALID");
  const throwing = { method: "GET", url: "/api/v1/me", get headers() { throw new Error("getter"); } };
  assert.equal(codeOf(() => authz.authorizeHttp(alice, throwing)), "ERR_OPTION_INVALID");
  const hostileRest = { method: "GET", get url() { throw new Error("getter"); } };
  assert.equal(codeOf(() => authz.authorizeHttp(alice, hostileRest)), "ERR_OPTION_INVALID");
  // The module still answers afterwards.
  assert.equal(authz.authorizeHttp(alice, { method: "GET", url: "/api/v1/me" }).allowed, true);
});
