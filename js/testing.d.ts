/** kestra-authz/testing: authentik-shaped ID tokens for test suites. Test only. */

export interface TestIssuerOptions {
  /** The provider's issuer, with authentik's trailing slash (default http://127.0.0.1:9000/application/o/kestra/). */
  issuer?: string;
  /** The OAuth client id, the tokens' audience (default kestra-client). */
  clientId?: string;
  /** RS256 (default), PS256, ES256, ES384 or ES512. */
  alg?: "RS256" | "PS256" | "ES256" | "ES384" | "ES512";
  /** RSA key size in bits (default 2048; authentik's default key is 4096). */
  modulusLength?: number;
}

export interface MintOptions {
  /** Seconds until `exp` (default 300; negative for an expired token). */
  expiresIn?: number;
  nonce?: string;
  /** Seconds since the epoch the token is issued at (default now). */
  now?: number;
  /** Adds `at_hash` for this access token. */
  accessToken?: string;
}

export interface TestIssuer {
  issuer: string;
  clientId: string;
  alg: string;
  /** The JWKS to serve at `discovery.jwks_uri`, or to pass as `jwks`. */
  jwks: { keys: Array<{ kty: string; kid: string; alg: string; use: "sig"; n?: string; e?: string; crv?: string; x?: string; y?: string }> };
  /** The discovery document to serve at `<issuer>.well-known/openid-configuration`. */
  discovery: Record<string, string | string[]>;
  /** An ID token for `claims.email` (default alice@example.com), claims overriding authentik's. */
  mint(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
}

/**
 * A fresh test issuer: keys made by WebCrypto, the private one non-extractable. Rejects with an
 * Error whose `code` is ERR_TEST_ONLY (NODE_ENV is production), ERR_OPTION_INVALID (an
 * algorithm it does not sign) or ERR_JOSE_NOT_SUPPORTED (no WebCrypto).
 */
export function createTestIssuer(options?: TestIssuerOptions): Promise<TestIssuer>;
