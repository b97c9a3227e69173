// Nothing thrown in JS may unwind through wasm: it skips Rust's epilogues and, repeated, breaks
// the whole instance. Each case below makes a JS exception wait where the module reads or
// writes JS values (prototype getters and setters, array element getters, option getters); the
// call must answer with the module's own coded error or a value, and the instance must still
// answer after many such calls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";

const require = createRequire(import.meta.url);
const { Authorizer } = require("../../pkg/nodejs/kestra_authz.js");

const SECRET = "0123456789abcdef".repeat(4);
const NOW = 1800000060;
const ISSUER = "https://i/";
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
const input = `${b64({ alg: "HS256" })}.${b64({ iss: ISSUER, aud: "c", sub: "s", iat: NOW - 60, exp: NOW + 240, email: "a@x" })}`;
const token = `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
const base = { issuer: ISSUER, clientId: "c", clientSecret: SECRET, jwks: "{}" };
const authz = new Authorizer(base);
const session = authz.verifyIdToken(token, { now: NOW });
const throws = (what) => () => {
  throw new Error(what);
};
const CALLS = 20000;

/** Runs `call` CALLS times with `on()` in effect; answers the codes of what it threw. */
function hammer(on, off, call) {
  on();
  const codes = new Set();
  try {
    for (let i = 0; i < CALLS; i++) {
      try {
        call();
      } catch (e) {
        codes.add(Object.getOwnPropertyDescriptor(e, "code")?.value ?? "FOREIGN");
      }
    }
  } finally {
    off();
  }
  assert.equal(authz.authorize(session, { permission: "FLOW", action: "READ" }).code, "DENIED_NO_TENANT_ACCESS", "the instance still answers");
  return [...codes];
}

test("a throwing getter on Object.prototype.code: authorizeMany's bad entries keep their own code", () => {
  const on = () => Object.defineProperty(Object.prototype, "code", { configurable: true, get: throws("code getter") });
  const codes = hammer(on, () => delete Object.prototype.code, () => {
    const [entry] = authz.authorizeMany(session, [{ permission: "NOPE", action: "READ" }]);
    assert.equal(Object.getOwnPropertyDescriptor(entry, "code").value, "ERR_UNKNOWN_PERMISSION");
  });
  assert.deepEqual(codes, []);
});

test("a throwing setter on Error.prototype.name: errors are still KestraAuthzError with a code", () => {
  const saved = Object.getOwnPropertyDescriptor(Error.prototype, "name");
  const on = () => Object.defineProperty(Error.prototype, "name", { configurable: true, get: () => "Error", set: throws("name setter") });
  const codes = hammer(on, () => Object.defineProperty(Error.prototype, "name", saved), () => authz.authorize(session, { permission: "NOPE", action: "READ" }));
  assert.deepEqual(codes, ["ERR_UNKNOWN_PERMISSION"]);
});

test("an authorizeMany list whose element getter throws", () => {
  const list = [{}];
  Object.defineProperty(list, 0, { get: throws("element getter") });
  assert.deepEqual(hammer(() => {}, () => {}, () => authz.authorizeMany(session, list)), ["ERR_OPTION_INVALID"]);
});

test("an options object whose getter throws, beside a policy", () => {
  const call = () => new Authorizer({ ...base, policy: {}, get issuer() { throw new Error("options getter"); } });
  assert.deepEqual(hammer(() => {}, () => {}, call).sort(), ["ERR_OPTION_INVALID"]);
});

test("throwing setters on Object.prototype do not touch answers made by the module", () => {
  for (const key of ["everywhere", "email", "entries", "FLOW", "allowed", "checks"]) {
    const on = () => Object.defineProperty(Object.prototype, key, { configurable: true, set: throws(`${key} setter`) });
    const codes = hammer(on, () => delete Object.prototype[key], () => {
      assert.equal(authz.allowedNamespaces(session, "FLOW", "READ").everywhere, false);
      assert.equal(session.claims.email, "a@x");
      assert.equal(authz.tokenCache.entries, 1);
      assert.equal(typeof authz.matrix(session).FLOW, "object");
      assert.equal(authz.authorizeAnonymousHttp({ method: "GET", url: "/api/v1/me" }).allowed, false);
    });
    assert.deepEqual(codes, [], key);
  }
});
