import type { Authorizer, AuthorizerOptions, Session, VerifyOptions } from "./web/kestra_authz.js";

export declare class RemoteKeysError extends Error {
  name: "KestraAuthzError";
  code: "ERR_REMOTE_FETCH_FAILED" | "ERR_REMOTE_FETCH_TIMEOUT" | "ERR_DISCOVERY_INVALID" | "ERR_OPTION_INVALID";
}

export interface RemoteAuthorizerConfig {
  /** The package's Authorizer class (any build). */
  Authorizer: typeof Authorizer;
  /** The expected issuer, byte for byte (authentik's has a trailing slash). */
  issuer: string;
  /** Other Authorizer options; `jwks` and `discovery` come from the network. */
  options?: Omit<AuthorizerOptions, "jwks" | "discovery">;
  /** Default `<issuer>/.well-known/openid-configuration`. */
  discoveryUrl?: string;
  fetch?: (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;
  /** Milliseconds a fetched JWKS is kept (default 600000). */
  maxAge?: number;
  /** Least milliseconds between refetches for unknown keys (default 30000). */
  cooldown?: number;
  /** Milliseconds per request (default 5000). */
  timeout?: number;
  /** The clock in milliseconds (default Date.now). */
  now?: () => number;
}

export declare class RemoteAuthorizer {
  constructor(config: RemoteAuthorizerConfig);
  /** How many HTTP requests it has made. */
  readonly fetches: number;
  refresh(): Promise<Authorizer>;
  authorizer(): Promise<Authorizer>;
  verifyIdToken(token: string, options?: VerifyOptions): Promise<Session>;
  free(): void;
  [Symbol.dispose](): void;
}
