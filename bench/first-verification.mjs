// First verifications over distinct tokens, as an edge sees them: for each algorithm a key made
// by the host's WebCrypto, N tokens that differ in their claims, each verified once by
// `verifyIdToken` (the module's arithmetic; node:crypto in the Node build), by
// `verifyIdTokenAsync` (the host's WebCrypto) and by jose's jwtVerify, in the same run.
// Runs in Node (bench/package.bench.mjs) and in a page (the same file, served).

const ISSUER = "https://sso.example.com/application/o/kestra/";
const NOW = 1800000060;
const ALGS = [
  ["RS256, RSA-2048", "RS256", { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, { name: "RSASSA-PKCS1-v1_5" }],
  ["RS256, RSA-4096 (authentik's default key size)", "RS256", { name: "RSASSA-PKCS1-v1_5", modulusLength: 4096, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, { name: "RSASSA-PKCS1-v1_5" }],
  ["PS256, RSA-2048", "PS256", { name: "RSA-PSS", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, { name: "RSA-PSS", saltLength: 32 }],
  ["ES256", "ES256", { name: "ECDSA", namedCurve: "P-256" }, { name: "ECDSA", hash: "SHA-256" }],
  ["ES384", "ES384", { name: "ECDSA", namedCurve: "P-384" }, { name: "ECDSA", hash: "SHA-384" }],
  ["ES512", "ES512", { name: "ECDSA", namedCurve: "P-521" }, { name: "ECDSA", hash: "SHA-512" }],
  ["EdDSA (Ed25519)", "EdDSA", { name: "Ed25519" }, { name: "Ed25519" }],
];

const text = new TextEncoder();
function b64url(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
const part = (value) => b64url(text.encode(JSON.stringify(value)));

/** Median and spread (lowest, highest) of microseconds per call over `rounds` rounds. */
async function timeOver(tokens, rounds, verify) {
  for (const t of tokens.slice(0, 10)) await verify(t);
  const perRound = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (const t of tokens) await verify(t);
    perRound.push(((performance.now() - start) * 1000) / tokens.length);
  }
  perRound.sort((a, b) => a - b);
  return { median: perRound[Math.floor(perRound.length / 2)], low: perRound[0], high: perRound[perRound.length - 1] };
}

/**
 * Answers `[{ label, alg, sync, async, jose }]`, each `{ median, low, high }` in µs, or
 * `{ label, skipped }` when the host's WebCrypto has no such key.
 */
export async function firstVerifications({ Authorizer, jose, subtle, tokens: count = 200, rounds = 5 }) {
  const out = [];
  for (const [label, alg, keyParams, signParams] of ALGS) {
    let pair;
    try {
      pair = await subtle.generateKey(keyParams, true, ["sign", "verify"]);
    } catch {
      out.push({ label, skipped: "the host's WebCrypto has no such key" });
      continue;
    }
    const jwk = { ...(await subtle.exportKey("jwk", pair.publicKey)), kid: "k1", alg, use: "sig" };
    delete jwk.key_ops;
    delete jwk.ext;
    const tokens = [];
    // Distinct tokens: a fresh verification each, so the verified-token cache never answers.
    for (let i = 0; i < count; i++) {
      const input = `${part({ alg, kid: "k1", typ: "JWT" })}.${part({ iss: ISSUER, aud: "kestra-client", sub: `user-${i}`, email: `user${i}@example.com`, iat: NOW - 60, exp: NOW + 240, jti: `${i}-${Math.random()}` })}`;
      const signature = new Uint8Array(await subtle.sign(signParams, pair.privateKey, text.encode(input)));
      tokens.push(`${input}.${b64url(signature)}`);
    }
    const options = { issuer: ISSUER, clientId: "kestra-client", jwks: { keys: [jwk] }, tokenCacheSize: 0 };
    const sync = new Authorizer(options);
    const viaHost = new Authorizer(options);
    const set = jose.createLocalJWKSet({ keys: [jwk] });
    const joseOptions = { issuer: ISSUER, audience: "kestra-client", currentDate: new Date(NOW * 1000), algorithms: [alg] };
    out.push({
      label,
      alg,
      sync: await timeOver(tokens, rounds, (t) => sync.verifyIdToken(t, { now: NOW }).free()),
      async: await timeOver(tokens, rounds, async (t) => (await viaHost.verifyIdTokenAsync(t, { now: NOW })).free()),
      jose: await timeOver(tokens, rounds, (t) => jose.jwtVerify(t, set, joseOptions)),
    });
    sync.free();
    viaHost.free();
  }
  return out;
}
