// The remote-keys helper against a loopback authentik stand-in that serves discovery and a
// JWKS, and replaces its signing key mid-test (as authentik does, without overlap).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { generateKeyPairSync, sign } from "node:crypto";
import { RemoteAuthorizer, RemoteError, RemoteKeysError } from "../../pkg/remote.js";

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
    // After maxAge the keys are fetched again even without an unknown kid, in the background:
    // the request that finds them due is verified with the keys at hand.
    clock += 600_000;
    await remote.verifyIdToken(mint(p.key, p.issuer, clock / 1000), { now: clock / 1000 });
    await remote.pending;
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

test("an outage serves the last good JWKS up to maxStale, backs off, then fails closed; a fetched JWKS that drops a key drops it", async () => {
  const p = await provider();
  let clock = 1_800_000_000_000;
  const remote = new RemoteAuthorizer({ Authorizer, issuer: p.issuer, options: { clientId: "kestra-client" }, now: () => clock, maxAge: 600_000, maxStale: 60_000, cooldown: 30_000 });
  const verify = () => remote.verifyIdToken(mint(p.key, p.issuer, clock / 1000), { now: clock / 1000 });
  try {
    await verify();
    p.status = 503;
    clock += 600_000;
    // Due: a background refetch fails; the last good keys serve.
    assert.equal((await verify()).username, "alice@example.com");
    await remote.pending;
    assert.equal(remote.keysStatus.lastError?.code, "ERR_REMOTE_FETCH_FAILED");
    const afterFailure = p.requests.length;
    // Backing off: no refetch on every request.
    clock += 500;
    await verify();
    await remote.pending;
    assert.equal(p.requests.length, afterFailure, "backed off");
    // Past maxAge + maxStale, with the source still down: refused, with the code.
    clock += 60_000;
    // The request waits for a refetch (it fails), the next one within the back-off is refused
    // at once as stale.
    await assert.rejects(verify(), (e) => e instanceof RemoteError && e.code === "ERR_REMOTE_FETCH_FAILED");
    const requests = p.requests.length;
    await assert.rejects(verify(), (e) => e instanceof RemoteError && e.code === "ERR_REMOTE_STALE" && e.cause?.code === "ERR_REMOTE_FETCH_FAILED");
    assert.equal(p.requests.length, requests);
    // Back up: the next request refetches and passes.
    p.status = 200;
    clock += 31_000;
    assert.equal((await verify()).username, "alice@example.com");
    assert.equal(remote.keysStatus.lastError, null);
    // authentik drops the key: once fetched, tokens of the dropped key fail even though the
    // previous JWKS had it.
    const dropped = p.key;
    p.key = key("replacement");
    clock += 600_000;
    await verify().catch(() => {});
    await remote.pending;
    await assert.rejects(remote.verifyIdToken(mint(dropped, p.issuer, clock / 1000), { now: clock / 1000 }), { code: "ERR_JWKS_NO_MATCHING_KEY" });
  } finally {
    remote.free();
    await p.close();
  }
});

test("unknown keys during an outage: one refetch, then the back-off holds", async () => {
  const p = await provider();
  let clock = 1_800_000_000_000;
  const remote = new RemoteAuthorizer({ Authorizer, issuer: p.issuer, options: { clientId: "kestra-client" }, now: () => clock, cooldown: 30_000 });
  try {
    await remote.verifyIdToken(mint(p.key, p.issuer, clock / 1000), { now: clock / 1000 });
    p.status = 503;
    clock += 31_000;
    const forged = () => mint(key(`forged-${Math.random()}`), p.issuer, clock / 1000);
    const before = p.requests.length;
    await assert.rejects(remote.verifyIdToken(forged(), { now: clock / 1000 }), { code: "ERR_REMOTE_FETCH_FAILED" });
    for (let i = 0; i < 20; i++) await assert.rejects(remote.verifyIdToken(forged(), { now: clock / 1000 }), { code: "ERR_JWKS_NO_MATCHING_KEY" });
    assert.equal(p.requests.length, before + 1, "one fetch, not one per forged token");
  } finally {
    remote.free();
    await p.close();
  }
});
