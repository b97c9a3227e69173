// kestra-authz/testing: a test issuer's tokens verify as authentik's do, for every algorithm it
// signs, in the Node build (node:crypto) and through WebCrypto; its options reach the claims; it
// is test-only. And the Playwright example that uses it (examples/testing) runs here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createTestIssuer } from "../../pkg/testing.js";
import "../../examples/testing/buttons.spec.mjs";

const { Authorizer } = createRequire(import.meta.url)("../../pkg/nodejs/kestra_authz.js");

test("every algorithm: its tokens verify with its discovery document and JWKS, sync and async", async () => {
  for (const alg of ["RS256", "PS256", "ES256", "ES384", "ES512"]) {
    const issuer = await createTestIssuer({ alg });
    assert.match(issuer.jwks.keys[0].kid, /^test-only-/);
    const authz = new Authorizer({ discovery: issuer.discovery, jwks: issuer.jwks, clientId: issuer.clientId });
    const token = await issuer.mint({ email: "carol@example.com", groups: ["data-team"] });
    const session = authz.verifyIdToken(token);
    assert.equal(session.username, "carol@example.com", alg);
    assert.deepEqual(session.claims.groups, ["data-team"]);
    assert.equal((await authz.verifyIdTokenAsync(token)).subject, session.subject);
    authz.free();
  }
});

test("mint's options: expiry, nonce, at_hash, the clock", async () => {
  const issuer = await createTestIssuer({ issuer: "https://sso.example.test/application/o/app/", clientId: "app" });
  const authz = new Authorizer({ discovery: issuer.discovery, jwks: issuer.jwks, clientId: "app" });
  const expired = await issuer.mint({}, { expiresIn: -1 });
  assert.throws(() => authz.verifyIdToken(expired), { code: "ERR_JWT_EXPIRED" });
  const withNonce = await issuer.mint({}, { nonce: "n-1" });
  assert.equal(authz.verifyIdToken(withNonce, { nonce: "n-1" }).claims.nonce, "n-1");
  assert.throws(() => authz.verifyIdToken(withNonce, { nonce: "other" }), { code: "ERR_JWT_CLAIM_VALIDATION_FAILED" });
  const withAccess = await issuer.mint({}, { accessToken: "access-1" });
  authz.verifyIdToken(withAccess, { accessToken: "access-1" }).free();
  assert.throws(() => authz.verifyIdToken(withAccess, { accessToken: "access-2" }), { code: "ERR_JWT_CLAIM_VALIDATION_FAILED" });
  const then = 1800000000;
  const old = await issuer.mint({}, { now: then, expiresIn: 60 });
  assert.equal(authz.verifyIdToken(old, { now: then + 30 }).claims.iat, then);
  authz.free();
});

test("test-only: no private key in the issuer, key ids say so, and it refuses NODE_ENV=production", async () => {
  const issuer = await createTestIssuer({ alg: "ES256" });
  assert.deepEqual(Object.keys(issuer).sort(), ["alg", "clientId", "discovery", "issuer", "jwks", "mint"]);
  assert.equal(JSON.stringify(issuer).includes('"d"'), false);
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await assert.rejects(createTestIssuer(), { code: "ERR_TEST_ONLY" });
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
  await assert.rejects(createTestIssuer({ alg: "HS256" }), { code: "ERR_OPTION_INVALID" });
});
