// Properties of the whole JS surface over seeded random policies (both permission models):
// matrix, isAllowed and authorize agree on every cell; authorize's reasons are non-empty exactly
// when it allows; authorizeMany equals the single calls; hasAnyActionOnAnyNamespace holds
// wherever isAllowed does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import { seeded } from "./seeded.mjs";

const require = createRequire(import.meta.url);
const { Authorizer } = require("../../pkg/nodejs/kestra_authz.js");
const ISSUER = "https://sso.example.com/application/o/kestra/";
const SECRET = "0123456789abcdef".repeat(4);

const random = seeded(Number(process.env.PROPERTY_SEED ?? 7));
const pick = (list) => list[Math.floor(random() * list.length)];
const some = (list) => list.filter(() => random() < 0.4);

const CRUD = { FLOW: ["READ", "CREATE", "UPDATE", "DELETE"], SECRET: ["READ", "UPDATE"], USER: ["READ", "CREATE"], BLUEPRINT: ["CREATE", "READ"], EXECUTION: ["READ", "DELETE"] };
const V2 = { FLOW: ["VIEW", "LIST", "EXECUTE", "UPDATE"], EXECUTION: ["VIEW", "KILL", "RESTART"], TRIGGER: ["VIEW", "UNLOCK"], USER: ["VIEW", "IMPERSONATE"], BLUEPRINT: ["CREATE"], COPILOT: ["USE"] };
const SEGMENTS = ["a", "ab", "b", "a-b"];
const namespace = () => Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(SEGMENTS)).join(".");

function randomPolicy(model) {
  const vocabulary = model === "v2" ? V2 : CRUD;
  const roles = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => {
    const permissions = {};
    for (const [p, actions] of Object.entries(vocabulary)) if (random() < 0.5) permissions[p] = some(actions).length ? some(actions) : [actions[0]];
    return { id: `r${i}`, permissions };
  });
  const bindings = Array.from({ length: Math.floor(random() * 6) }, (_, i) => ({
    id: `b${i}`,
    type: random() < 0.3 ? "GROUP" : "USER",
    externalId: "",
    roleId: pick(roles).id,
    namespaceId: random() < 0.3 ? null : namespace(),
  })).map((b) => ({ ...b, externalId: b.type === "GROUP" ? "g1" : "u1" }));
  return { model, tenants: { main: { roles, groups: [{ id: "g1" }], users: [{ id: "u1", username: "alice@example.com", groups: ["g1"] }], bindings } } };
}

const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: ISSUER, aud: "kestra-client", sub: "s", email: "alice@example.com", iat: 1800000000, exp: 1800000300 })}`;
const token = `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;

test("matrix, isAllowed, authorize and authorizeMany agree on random policies", () => {
  let cells = 0;
  for (let round = 0; round < 60; round++) {
    const model = round % 2 ? "v2" : "crud";
    const authz = new Authorizer({ issuer: ISSUER, clientId: "kestra-client", clientSecret: SECRET, jwks: "{}", policy: randomPolicy(model), model });
    const session = authz.verifyIdToken(token, { now: 1800000060, tenant: "main" });
    for (const ns of [undefined, namespace(), namespace()]) {
      const matrix = authz.matrix(session, { namespace: ns });
      const requests = [];
      for (const [permission, row] of Object.entries(matrix)) {
        for (const [action, allowed] of Object.entries(row)) {
          const decision = authz.authorize(session, { permission, action, namespace: ns });
          assert.equal(decision.allowed, allowed, `${model} ${permission}:${action} ${ns}`);
          assert.equal(session.isAllowed(permission, action, ns), allowed);
          assert.equal(decision.reasons.length > 0, allowed);
          if (allowed) assert.ok(session.hasAnyActionOnAnyNamespace(permission, action));
          requests.push({ permission, action, namespace: ns });
          cells += 1;
        }
      }
      const many = authz.authorizeMany(session, requests);
      assert.deepEqual(many, requests.map((r) => authz.authorize(session, r)));
    }
    session.free();
    authz.free();
  }
  console.log(`properties: ${cells} cells compared`);
  assert.ok(cells > 10000);
});
