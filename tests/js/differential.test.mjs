// Differential test against jose: a seeded generator makes tokens for every algorithm, valid and
// mutated (header, claims, time edges, signature bytes, encodings, keys); jose's jwtVerify and
// this module judge each with the same issuer, audience, algorithm and clock. Every
// disagreement must be listed, with the rule behind it, in jose-divergences.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createHmac, generateKeyPairSync, sign as nodeSign, constants } from "node:crypto";
import { readFileSync } from "node:fs";
import * as jose from "jose";
import { seeded } from "./seeded.mjs";

const require = createRequire(import.meta.url);
const { Authorizer } = require("../../pkg/nodejs/kestra_authz.js");
const divergences = JSON.parse(readFileSync(new URL("./jose-divergences.json", import.meta.url), "utf8"));

const ISSUER = "https://sso.example.com/application/o/kestra/";
const CLIENT = "kestra-client";
const SECRET = "0123456789abcdef".repeat(4);
const NOW = 1800000000;

const random = seeded(2026);

const b64 = (bytes) => Buffer.from(bytes).toString("base64url");
const json = (v) => b64(JSON.stringify(v));

const HASH = { 256: "sha256", 384: "sha384", 512: "sha512" };
function keyPairFor(alg) {
  if (alg.startsWith("RS") || alg.startsWith("PS")) return generateKeyPairSync("rsa", { modulusLength: 2048 });
  if (alg === "ES256") return generateKeyPairSync("ec", { namedCurve: "P-256" });
  if (alg === "ES384") return generateKeyPairSync("ec", { namedCurve: "P-384" });
  if (alg === "ES512") return generateKeyPairSync("ec", { namedCurve: "P-521" });
  if (alg === "EdDSA") return generateKeyPairSync("ed25519");
  return null;
}

function signWith(alg, privateKey, secret, input) {
  const data = Buffer.from(input);
  const bits = alg.slice(2);
  if (alg.startsWith("HS")) return createHmac(HASH[bits], secret).update(data).digest();
  if (alg.startsWith("RS")) return nodeSign(HASH[bits], data, privateKey);
  if (alg.startsWith("PS")) return nodeSign(HASH[bits], data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 });
  if (alg.startsWith("ES")) return nodeSign(HASH[bits], data, { key: privateKey, dsaEncoding: "ieee-p1363" });
  return nodeSign(null, data, privateKey);
}

const ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "HS256", "HS384", "HS512"];

function providerFor(alg) {
  const pair = keyPairFor(alg);
  const other = keyPairFor(alg);
  const jwk = pair ? { ...pair.publicKey.export({ format: "jwk" }), kid: "k1", alg, use: "sig" } : null;
  const jwks = jwk ? { keys: [jwk] } : { keys: [] };
  const ours = new Authorizer({ issuer: ISSUER, clientId: CLIENT, jwks: jwk ? JSON.stringify(jwks) : "{}", algorithms: [alg], ...(pair ? {} : { clientSecret: SECRET }), tokenCacheSize: 0 });
  const theirs = pair ? jose.createLocalJWKSet(jwks) : new TextEncoder().encode(SECRET);
  return { alg, pair, other, jwk, ours, theirs };
}

/** The mutations, by name: the name is what divergences are listed by. */
const KINDS = ["valid", "sig_flip", "payload_flip", "alg_none", "alg_swap", "hs_confusion", "wrong_key", "kid_unknown", "iss_slash", "iss_array", "aud_other", "aud_extra", "aud_array", "expired_1s", "exp_now", "exp_in_1s", "nbf_future", "nbf_past", "iat_future", "iat_missing", "sub_missing", "sub_empty", "exp_string", "exp_float", "lifetime_10_days", "typ_other", "typ_absent", "crit_exp", "jku_present", "duplicate_iss", "logout_events", "azp_other", "access_token", "sig_padding", "header_extra"];

/** One token: `kind` names the mutation. */
function makeToken(p, kind) {
  const now = NOW + Math.floor(random() * 1000);
  const header = { alg: p.alg, typ: "JWT", ...(p.pair ? { kid: "k1" } : {}) };
  const claims = { iss: ISSUER, sub: `user-${Math.floor(random() * 1e6)}`, aud: CLIENT, iat: now - 30, exp: now + 300, email: "alice@example.com" };
  let payloadText = null;
  let signer = (input) => signWith(p.alg, p.pair?.privateKey, SECRET, input);
  let finish = (t) => t;
  const edits = {
    valid: () => {},
    sig_flip: () => (finish = (t) => t.slice(0, -6) + (t.at(-6) === "A" ? "B" : "A") + t.slice(-5)),
    payload_flip: () => (finish = (t) => { const [h, pl, s] = t.split("."); return `${h}.${pl.slice(0, 8)}${pl[8] === "A" ? "B" : "A"}${pl.slice(9)}.${s}`; }),
    alg_none: () => { header.alg = "none"; signer = () => Buffer.alloc(0); },
    alg_swap: () => (header.alg = { RS256: "RS384", RS384: "RS512", RS512: "RS256", PS256: "PS384", PS384: "PS512", PS512: "PS256", ES256: "ES384", ES384: "ES256", ES512: "ES256", EdDSA: "ES256", HS256: "HS384", HS384: "HS512", HS512: "HS256" }[p.alg]),
    hs_confusion: () => { if (p.jwk) { header.alg = "HS256"; signer = (input) => createHmac("sha256", JSON.stringify(p.jwk)).update(input).digest(); } },
    wrong_key: () => { signer = (input) => signWith(p.alg, p.other?.privateKey, "another-secret-0123456789abcdef-0123456789abcdef-0123", input); },
    kid_unknown: () => (header.kid = "nope"),
    iss_slash: () => (claims.iss = ISSUER.slice(0, -1)),
    iss_array: () => (claims.iss = [ISSUER]),
    aud_other: () => (claims.aud = "other"),
    aud_extra: () => (claims.aud = [CLIENT, "other"]),
    aud_array: () => (claims.aud = [CLIENT]),
    expired_1s: () => (claims.exp = now - 1),
    exp_now: () => (claims.exp = now),
    exp_in_1s: () => (claims.exp = now + 1),
    nbf_future: () => (claims.nbf = now + 5),
    nbf_past: () => (claims.nbf = now - 5),
    iat_future: () => (claims.iat = now + 10),
    iat_missing: () => delete claims.iat,
    sub_missing: () => delete claims.sub,
    sub_empty: () => (claims.sub = ""),
    exp_string: () => (claims.exp = String(claims.exp)),
    exp_float: () => (claims.exp = claims.exp + 0.5),
    lifetime_10_days: () => (claims.exp = now + 864000),
    typ_other: () => (header.typ = "at+jwt"),
    typ_absent: () => delete header.typ,
    crit_exp: () => (header.crit = ["exp"]),
    jku_present: () => (header.jku = "https://attacker.example/jwks.json"),
    duplicate_iss: () => (payloadText = `{"iss":"https://evil.example/",${JSON.stringify(claims).slice(1)}`),
    logout_events: () => (claims.events = { "http://schemas.openid.net/event/backchannel-logout": {} }),
    azp_other: () => (claims.azp = "other"),
    access_token: () => { claims.azp = CLIENT; claims.uid = "u"; },
    sig_padding: () => (finish = (t) => `${t}=`),
    header_extra: () => (header.x = 1),
  };
  assert.ok(Object.hasOwn(edits, kind) && Object.keys(edits).length === KINDS.length, kind);
  edits[kind]();
  const input = `${json(header)}.${payloadText === null ? json(claims) : b64(payloadText)}`;
  return { token: finish(`${input}.${b64(signer(input))}`), now };
}

async function judge(p, token, now) {
  let ours;
  try {
    p.ours.verifyIdToken(token, { now }).free();
    ours = "accept";
  } catch (e) {
    assert.ok(typeof e.code === "string", String(e));
    ours = "reject";
  }
  let theirs;
  try {
    // jose told what OIDC requires of every ID token: iat, exp and sub present.
    await jose.jwtVerify(token, p.theirs, { issuer: ISSUER, audience: CLIENT, algorithms: [p.alg], currentDate: new Date(now * 1000), requiredClaims: ["iat", "exp", "sub"] });
    theirs = "accept";
  } catch {
    theirs = "reject";
  }
  return { ours, theirs };
}

test("this module and jose agree on 2,000+ tokens, except where a listed rule says otherwise", async () => {
  const providers = ALGS.map(providerFor);
  let count = 0;
  const unexplained = [];
  const seen = new Map();
  for (let round = 0; round < 5; round++) {
    for (const p of providers) {
      for (const kind of KINDS) {
        const { token, now } = makeToken(p, kind);
        const { ours, theirs } = await judge(p, token, now);
        count += 1;
        if (ours === theirs) continue;
        const listed = divergences.find((d) => d.kind === kind && d.ours === ours && d.jose === theirs && (!d.algs || d.algs.includes(p.alg)));
        seen.set(kind, (seen.get(kind) ?? 0) + 1);
        if (!listed) unexplained.push(`${p.alg} ${kind}: ours ${ours}, jose ${theirs}`);
      }
    }
  }
  console.log(`differential: ${count} tokens, ${count - [...seen.values()].reduce((a, b) => a + b, 0)} agreed, divergences by kind: ${JSON.stringify(Object.fromEntries(seen))}`);
  assert.ok(count >= 2000, `${count} tokens`);
  assert.deepEqual(unexplained, [], "disagreements not in jose-divergences.json");
  // Every listed divergence still happens: the file cannot go stale.
  for (const d of divergences) assert.ok(seen.has(d.kind), `listed divergence ${d.kind} no longer occurs`);
  for (const p of providers) p.ours.free();
});
