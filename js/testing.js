// kestra-authz/testing: authentik-shaped ID tokens for test suites (Playwright, Vitest browser
// mode, web-test-runner, node:test), without an authentik. TEST ONLY: the keys are made fresh by
// WebCrypto each time, their private half non-extractable (nothing can be saved and reused),
// every key id says "test-only", and it refuses to run where NODE_ENV is "production".

const ALGORITHMS = {
  RS256: { key: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, sign: { name: "RSASSA-PKCS1-v1_5" }, hash: "SHA-256" },
  PS256: { key: { name: "RSA-PSS", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, sign: { name: "RSA-PSS", saltLength: 32 }, hash: "SHA-256" },
  ES256: { key: { name: "ECDSA", namedCurve: "P-256" }, sign: { name: "ECDSA", hash: "SHA-256" }, hash: "SHA-256" },
  ES384: { key: { name: "ECDSA", namedCurve: "P-384" }, sign: { name: "ECDSA", hash: "SHA-384" }, hash: "SHA-384" },
  ES512: { key: { name: "ECDSA", namedCurve: "P-521" }, sign: { name: "ECDSA", hash: "SHA-512" }, hash: "SHA-512" },
};

const encoder = new TextEncoder();
/** The kit's errors: an Error with a stable `code`, as the module's are. */
const refused = (code, message) => Object.assign(new Error(message), { code });
function b64url(bytes) {
  let binary = "";
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
const segment = (value) => b64url(encoder.encode(JSON.stringify(value)));
const randomHex = (bytes) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * A test issuer shaped like an authentik OAuth2/OpenID provider: its JWKS, its discovery
 * document, and `mint(claims, options)` for ID tokens it signs.
 * @param {{ issuer?: string, clientId?: string, alg?: string, modulusLength?: number }} [options]
 */
export async function createTestIssuer({ issuer = "http://127.0.0.1:9000/application/o/kestra/", clientId = "kestra-client", alg = "RS256", modulusLength } = {}) {
  if (globalThis.process?.env?.NODE_ENV === "production") {
    throw refused("ERR_TEST_ONLY", "kestra-authz/testing mints test tokens: it does not run with NODE_ENV=production");
  }
  const spec = ALGORITHMS[alg];
  if (!spec) throw refused("ERR_OPTION_INVALID", `kestra-authz/testing signs ${Object.keys(ALGORITHMS).join(", ")}, not ${alg}`);
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw refused("ERR_JOSE_NOT_SUPPORTED", "kestra-authz/testing needs WebCrypto (crypto.subtle): a secure context in browsers, Node 20 or later");
  const keyParams = modulusLength && spec.key.modulusLength ? { ...spec.key, modulusLength } : spec.key;
  // The private key cannot leave WebCrypto: nothing a test does can keep it.
  const { publicKey, privateKey } = await subtle.generateKey(keyParams, false, ["sign", "verify"]);
  const { kty, n, e, crv, x, y } = await subtle.exportKey("jwk", publicKey);
  const kid = `test-only-${randomHex(8)}`;
  const jwk = kty === "RSA" ? { kty, n, e } : { kty, crv, x, y };
  const jwks = { keys: [{ ...jwk, kid, alg, use: "sig" }] };
  const origin = new URL(issuer).origin;
  const discovery = {
    issuer,
    authorization_endpoint: `${origin}/application/o/authorize/`,
    token_endpoint: `${origin}/application/o/token/`,
    userinfo_endpoint: `${origin}/application/o/userinfo/`,
    end_session_endpoint: `${issuer}end-session/`,
    jwks_uri: `${issuer}jwks/`,
    response_types_supported: ["code", "id_token", "id_token token", "code token", "code id_token", "code id_token token"],
    id_token_signing_alg_values_supported: [alg],
    subject_types_supported: ["public"],
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
    scopes_supported: ["openid", "email", "profile", "offline_access"],
    claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce", "email", "email_verified", "name", "given_name", "preferred_username", "nickname", "groups"],
  };

  /**
   * An ID token as authentik issues it for `claims.email` (or alice@example.com), signed now.
   * @param {Record<string, unknown>} [claims] override or add claims (`exp`, `aud`, `groups`, ...)
   * @param {{ expiresIn?: number, nonce?: string, now?: number, accessToken?: string }} [options]
   */
  async function mint(claims = {}, { expiresIn = 300, nonce, now = Math.floor(Date.now() / 1000), accessToken } = {}) {
    const email = typeof claims.email === "string" ? claims.email : "alice@example.com";
    const user = email.split("@")[0];
    const body = {
      iss: issuer,
      sub: randomHexFor(email),
      aud: clientId,
      exp: now + expiresIn,
      iat: now,
      auth_time: now - 1,
      acr: "goauthentik.io/providers/oauth2/default",
      amr: ["pwd"],
      ...(nonce === undefined ? {} : { nonce }),
      sid: randomHex(32),
      email,
      email_verified: true,
      name: user,
      given_name: user,
      preferred_username: user,
      nickname: user,
      groups: [],
    };
    if (accessToken !== undefined) {
      // OIDC Core §3.1.3.6: the left half of the hash of the access token.
      const digest = new Uint8Array(await subtle.digest(spec.hash, encoder.encode(accessToken)));
      body.at_hash = b64url(digest.slice(0, digest.length / 2));
    }
    const input = `${segment({ alg, kid, typ: "JWT" })}.${segment({ ...body, ...claims })}`;
    return `${input}.${b64url(await subtle.sign(spec.sign, privateKey, encoder.encode(input)))}`;
  }
  return { issuer, clientId, alg, jwks, discovery, mint };
}

/** A stable subject per email, as authentik's hashed user ids are. */
function randomHexFor(email) {
  let h = 0x811c9dc5;
  let out = "";
  for (let round = 0; round < 8; round++) {
    for (const c of `${round}:${email}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out;
}
