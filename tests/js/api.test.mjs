// The JS API of the built package (pkg/nodejs), in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { Authorizer } = require("../../pkg/nodejs/kestra_authz.js");
const read = (path) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
const fixture = (name) => read(`fixtures/authentik-2025.8.1/${name}`);

const ISSUER = "http://127.0.0.1:9000/application/o/kestra/";
const IAT = 1795885198;
const EXP = 1795888798;
const NONCE = "dslAhVZnwQ6O14QDuDMkVA";
const ID_TOKEN = fixture("tokens/kestra.alice.authcode.1.id_token.jwt").trim();
const JWKS = fixture("kestra.jwks.json");

// The guide's micronaut snippet, verbatim with its 8-space indentation, pointed at the
// fixture's provider and client.
const guideYaml = read("fixtures/kestra/guide-micronaut.yaml")
  .replace("CLIENT_ID", "kestra-client")
  .replace("http://localhost:9000/application/o/kestra/", ISSUER);

function authorizer(extra = {}) {
  return new Authorizer({ kestraConfig: guideYaml, jwks: JWKS, ...extra });
}

function rejects(fn, code, props = {}) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, "throws a real Error");
  assert.equal(error.code, code, error.message);
  for (const [k, v] of Object.entries(props)) assert.equal(error[k], v);
  return error;
}

test("the guide's indented YAML and the real JWKS verify the real token", () => {
  assert.ok(guideYaml.startsWith("        micronaut:"));
  const authz = authorizer();
  assert.equal(authz.issuer, ISSUER);
  assert.equal(authz.clientId, "kestra-client");
  assert.deepEqual(authz.allowedAlgorithms, ["RS256"]);
  const session = authz.verifyIdToken(ID_TOKEN, { now: IAT + 60, nonce: NONCE });
  assert.equal(session.claims.email, "alice@example.com");
  assert.deepEqual(session.claims.groups, ["kestra-admins", "data-team"]);
  assert.equal(session.claims.sub, session.subject);
  assert.equal(session.preferredUsername, "alice");
  assert.equal(session.emailVerified, true);
  assert.deepEqual(session.groups, [], "Kestra reads groups from the token only with groups-claim-path");
  assert.equal(session.username, "alice@example.com");
  const withGroups = authorizer({ kestraConfig: `${guideYaml}\nkestra:\n  security:\n    oidc:\n      groups-claim-path: groups\n` });
  assert.deepEqual(withGroups.verifyIdToken(ID_TOKEN, { now: IAT + 60 }).groups, ["kestra-admins", "data-team"]);
  assert.equal(session.alg, "RS256");
  assert.equal(session.expiresAt, EXP);
});

test("expired at exp, with claim and reason", () => {
  rejects(() => authorizer().verifyIdToken(ID_TOKEN, { now: EXP, nonce: NONCE }), "ERR_JWT_EXPIRED", {
    claim: "exp",
    reason: "check_failed",
  });
});

test("now defaults to the host clock (the fixture expired on 2026-11-27)", () => {
  rejects(() => authorizer().verifyIdToken(ID_TOKEN), "ERR_JWT_EXPIRED");
});

test("a wrong nonce and a tampered payload are refused", () => {
  rejects(() => authorizer().verifyIdToken(ID_TOKEN, { now: IAT + 60, nonce: "other" }), "ERR_JWT_CLAIM_VALIDATION_FAILED", {
    claim: "nonce",
    reason: "check_failed",
  });
  const [h, p, s] = ID_TOKEN.split(".");
  const tampered = `${h}.${p.slice(0, 10)}${p[10] === "A" ? "B" : "A"}${p.slice(11)}.${s}`;
  rejects(() => authorizer().verifyIdToken(tampered, { now: IAT + 60 }), "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
});

test("the access token of the same sign-in is not an ID token", () => {
  const access = fixture("tokens/kestra.alice.authcode.1.access_token.jwt").trim();
  rejects(() => authorizer().verifyIdToken(access, { now: IAT + 60 }), "ERR_JWT_CLAIM_VALIDATION_FAILED", {
    claim: "azp",
    reason: "access_token",
  });
});

test("the issuer the guide shows (localhost) is not the token's (127.0.0.1)", () => {
  const authz = new Authorizer({ kestraConfig: read("fixtures/kestra/guide-micronaut.yaml").replace("CLIENT_ID", "kestra-client"), jwks: JWKS });
  rejects(() => authz.verifyIdToken(ID_TOKEN, { now: IAT + 60 }), "ERR_JWT_CLAIM_VALIDATION_FAILED", { claim: "iss" });
});

test("objects work as well as text for the JWKS and the configuration", () => {
  const authz = new Authorizer({
    kestraConfig: { micronaut: { security: { oauth2: { clients: { authentik: { clientId: "kestra-client", openid: { issuer: ISSUER } } } } } } },
    jwks: JSON.parse(JWKS),
    discovery: JSON.parse(fixture("kestra.openid-configuration.json")),
  });
  assert.equal(authz.verifyIdToken(ID_TOKEN, { now: IAT + 60 }).claims.preferred_username, "alice");
});

test("configuration findings are warnings with codes", () => {
  const misplaced = `${read("fixtures/kestra/guide-micronaut.yaml").replace(/^ {8}/gm, "")}    defaultRole:\n      name: admin\n`;
  const authz = new Authorizer({ kestraConfig: misplaced, jwks: JWKS, issuer: ISSUER });
  assert.deepEqual(
    authz.warnings.map((w) => w.code),
    ["WARN_DEFAULT_ROLE_MISPLACED", "WARN_EMAIL_UNVERIFIED_ACCEPTED"],
  );
  const hs = new Authorizer({ kestraConfig: guideYaml, jwks: "{}", clientSecret: "x".repeat(40) });
  assert.deepEqual(hs.warnings.map((w) => w.code), ["WARN_EMAIL_UNVERIFIED_ACCEPTED", "WARN_CLIENT_SECRET_IN_USE"]);
  assert.deepEqual(hs.allowedAlgorithms, ["HS256"]);
});

test("bad options are errors with codes, never crashes", () => {
  rejects(() => new Authorizer(), "ERR_OPTION_INVALID");
  rejects(() => new Authorizer(42), "ERR_OPTION_INVALID");
  rejects(() => new Authorizer({ kestraConfig: guideYaml, jwks: JWKS, clockTolerance: 1.5 }), "ERR_OPTION_INVALID");
  rejects(() => new Authorizer({ kestraConfig: guideYaml, jwks: JWKS, jwk: JWKS }), "ERR_OPTION_INVALID");
  rejects(() => new Authorizer({ kestraConfig: "a: [", jwks: JWKS }), "ERR_CONFIG_INVALID");
  rejects(() => new Authorizer({ kestraConfig: guideYaml, jwks: "{" }), "ERR_JWKS_INVALID");
  const authz = authorizer();
  rejects(() => authz.verifyIdToken(ID_TOKEN, { now: "soon" }), "ERR_OPTION_INVALID");
  rejects(() => authz.verifyIdToken(ID_TOKEN, { now: IAT, maxAge: -1 }), "ERR_OPTION_INVALID");
  for (const notAString of [42, null, undefined, {}, ["a.b.c"], Symbol("t")]) {
    rejects(() => authz.verifyIdToken(notAString, { now: IAT }), "ERR_JWS_INVALID");
  }
  // Long strings are copied with the host's TextEncoder: a lone surrogate becomes U+FFFD (as
  // wasm-bindgen's glue does), non-ASCII text survives, neither crashes anything.
  rejects(() => authz.verifyIdToken(`${ID_TOKEN}\ud800`, { now: IAT + 60 }), "ERR_JWS_INVALID");
  rejects(() => authz.verifyIdToken(`é${ID_TOKEN}`, { now: IAT + 60 }), "ERR_JWS_INVALID");
  rejects(() => authz.verifyIdToken("€".repeat(300), { now: IAT + 60 }), "ERR_JWS_INVALID");
  // Refused by length before it is copied into wasm memory.
  rejects(() => authz.verifyIdToken("a".repeat(64 * 1024 + 1), { now: IAT + 60 }), "ERR_TOKEN_TOO_LARGE");
  rejects(() => authz.verifyIdToken("€".repeat(30000), { now: IAT + 60 }), "ERR_TOKEN_TOO_LARGE");
  // The instance still answers after all of that.
  assert.equal(authz.verifyIdToken(ID_TOKEN, { now: IAT + 60 }).claims.email, "alice@example.com");
});

test("the public TypeScript declarations never say any", () => {
  for (const build of ["web", "nodejs", "lite"]) {
    const dts = readFileSync(new URL(`../../pkg/${build}/kestra_authz.d.ts`, import.meta.url), "utf8");
    // wasm-bindgen's own low-level `InitOutput` (web build) describes raw exports; the public
    // surface is everything before it.
    const publicPart = dts.split("export interface InitOutput")[0];
    assert.ok(publicPart.includes("export class Authorizer"), build);
    assert.doesNotMatch(publicPart, /\bany\b/, build);
  }
});

test("the verified-token cache: a repeat skips the signature, never the clock", () => {
  const authz = authorizer();
  authz.verifyIdToken(ID_TOKEN, { now: IAT + 60 }).free();
  authz.verifyIdToken(ID_TOKEN, { now: IAT + 61 }).free();
  assert.deepEqual(authz.tokenCache, { entries: 1, capacity: 1000, hits: 1, misses: 1 });
  rejects(() => authz.verifyIdToken(ID_TOKEN, { now: EXP }), "ERR_JWT_EXPIRED");
  const off = authorizer({ tokenCacheSize: 0 });
  off.verifyIdToken(ID_TOKEN, { now: IAT + 60 });
  off.verifyIdToken(ID_TOKEN, { now: IAT + 60 });
  assert.deepEqual(off.tokenCache, { entries: 0, capacity: 0, hits: 0, misses: 2 });
  rejects(() => authorizer({ tokenCacheSize: -1 }), "ERR_OPTION_INVALID");
});

test("handles free with Symbol.dispose", () => {
  const authz = authorizer();
  // Node 20 has Symbol.dispose but not the `using` syntax: dispose by hand, as `using` would.
  const session = authz.verifyIdToken(ID_TOKEN, { now: IAT + 60 });
  assert.equal(session.username, "alice@example.com");
  session[Symbol.dispose]();
  assert.throws(() => session.username, "a disposed handle is unusable");
  authz[Symbol.dispose]();
  assert.throws(() => authz.verifyIdToken(ID_TOKEN, { now: IAT + 60 }));
});
