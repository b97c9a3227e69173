// The remote-keys helper against a loopback authentik stand-in that serves discovery and a
// JWKS, and replaces its signing key mid-test (as authentik does, without overlap).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { generateKeyPairSync, sign } from "node:crypto";
import { RemoteAuthorizer, RemoteKeysError } from "../../pkg/remote.js";

const require = createRequire(import.meta.url);
const { Authorizer } = require("../../pkg/nodejs/kestra_authz.js");

function key(kid) {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" } };
}

const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
function mint(k, issuer, now) {
  const input = `${b64({ alg: "ES256", kid: k.kid, typ: "JWT" })}.${b64({ iss: issuer, aud: "kestra-client", sub: "s", email: "alice@example.com", iat: now - 10, exp: now + 300 })}`;
  return `${input}.${sign("sha256", Buffer.from(input), { key: k.privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
}

async function provider() {
  const state = { key: key("first"), requests: [], status: 200, delay: 0 };
  const server = createServer((req, res) => {
    state.requests.push(req.url);
    const base = `http://127.0.0.1:${server.address().port}/application/o/kestra/`;
    const send = (body) => setTimeout(() => res.writeHead(state.status, { "content-type": "application/json" }).end(JSON.stringify(body)), state.delay);
    if (req.url === "/application/o/kestra/.well-known/openid-configuration") {
      send({ issuer: base, jwks_uri: `${base}jwks/`, id_token_signing_alg_values_supported: ["ES256"] });
    } else if (req.url === "/application/o/kestra/jwks/") {
      send({ keys: [state.key.jwk] });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.issuer = `http://127.0.0.1:${server.address().port}/application/o/kestra/`;
  state.close = () => new Promise((resolve) => server.close(resolve));
  return state;
}

test("fetches discovery and JWKS once, caches them, and refetches once when the key rotates", async () => {
  const p = await provider();
  let clock = 1_800_000_000_000;
  const remote = new RemoteAuthorizer({ Authorizer, issuer: p.issuer, options: { clientId: "kestra-client" }, now: () => clock, cooldown: 30_000, maxAge: 600_000 });
  try {
    const now = clock / 1000;
    const first = await remote.verifyIdToken(mint(p.key, p.issuer, now), { now });
    assert.equal(first.username, "alice@example.com");
    await remote.verifyIdToken(mint(p.key, p.issuer, now), { now });
    assert.deepEqual(p.requests, ["/application/o/kestra/.well-known/openid-configuration", "/application/o/kestra/jwks/"], "cached");

    // authentik replaces its key; a token with the new kid arrives after the cool-down.
    const previous = p.key;
    p.key = key("second");
    clock += 31_000;
    const rotated = await remote.verifyIdToken(mint(p.key, p.issuer, clock / 1000), { now: clock / 1000 });
    assert.equal(rotated.username, "alice@example.com");
    assert.equal(p.requests.length, 4, "one refetch");
    // The old key is gone without overlap: its tokens now fail, and within the cool-down
    // they cause no further request.
    await assert.rejects(remote.verifyIdToken(mint(previous, p.issuer, clock / 1000), { now: clock / 1000 }), { code: "ERR_JWKS_NO_MATCHING_KEY" });
    assert.equal(p.requests.length, 4, "no refetch inside the cool-down");
    // After maxAge the keys are fetched again even without an unknown kid.
    clock += 600_000;
    await remote.verifyIdToken(mint(p.key, p.issuer, clock / 1000), { now: clock / 1000 });
    assert.equal(p.requests.length, 6);
  } finally {
    remote.free();
    await p.close();
  }
});

test("HTTP errors, timeouts and bad documents are errors with codes", async () => {
  const p = await provider();
  try {
    p.status = 503;
    await assert.rejects(new RemoteAuthorizer({ Authorizer, issuer: p.issuer, options: { clientId: "c" } }).refresh(), (e) => e instanceof RemoteKeysError && e.code === "ERR_REMOTE_FETCH_FAILED" && /HTTP 503/.test(e.message));
    p.status = 200;
    p.delay = 300;
    await assert.rejects(new RemoteAuthorizer({ Authorizer, issuer: p.issuer, options: { clientId: "c" }, timeout: 50 }).refresh(), { code: "ERR_REMOTE_FETCH_TIMEOUT" });
    p.delay = 0;
    // The configured issuer must equal the discovery document's, byte for byte.
    const slashless = p.issuer.replace(/\/$/, "");
    await assert.rejects(new RemoteAuthorizer({ Authorizer, issuer: slashless, discoveryUrl: `${p.issuer}.well-known/openid-configuration`, options: { clientId: "c" } }).refresh(), { code: "ERR_DISCOVERY_INVALID" });
    await assert.rejects(new RemoteAuthorizer({ Authorizer, issuer: "http://127.0.0.1:9/nothing/", options: { clientId: "c" }, timeout: 1000 }).refresh(), { code: "ERR_REMOTE_FETCH_FAILED" });
    assert.throws(() => new RemoteAuthorizer({ issuer: p.issuer }), { code: "ERR_OPTION_INVALID" });
  } finally {
    await p.close();
  }
});

test("concurrent first calls share one fetch", async () => {
  const p = await provider();
  const remote = new RemoteAuthorizer({ Authorizer, issuer: p.issuer, options: { clientId: "kestra-client" } });
  try {
    await Promise.all([remote.authorizer(), remote.authorizer(), remote.authorizer()]);
    assert.equal(p.requests.length, 2);
  } finally {
    remote.free();
    await p.close();
  }
});
