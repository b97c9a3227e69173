import type { Authorizer, AuthorizerOptions, LookupEntry, Session, VerifyOptions } from "./web/kestra_authz.js";

export type RemoteErrorCode =
  | "ERR_REMOTE_FETCH_FAILED"
  | "ERR_REMOTE_FETCH_TIMEOUT"
  | "ERR_REMOTE_STALE"
  | "ERR_DISCOVERY_INVALID"
  | "ERR_OPTION_INVALID"
  | "ERR_POLICY_UNAUTHORIZED"
  | "ERR_POLICY_FETCH_FAILED"
  | "ERR_POLICY_FETCH_TIMEOUT"
  | "ERR_POLICY_MALFORMED"
  | "ERR_POLICY_TOO_LARGE"
  | "ERR_POLICY_STALE";

export declare class RemoteError extends Error {
  name: "KestraAuthzError";
  code: RemoteErrorCode;
}

/** The name earlier versions exported. */
export declare const RemoteKeysError: typeof RemoteError;

type FetchLike = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<{
  ok: boolean;
  status: number;
  headers?: { get(name: string): string | null };
  body?: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } } | null;
  text(): Promise<string>;
}>;

export interface RemoteAuthorizerConfig {
  /** The package's Authorizer class (any build). */
  Authorizer: typeof Authorizer;
  /** The expected issuer, byte for byte (authentik's has a trailing slash). */
  issuer: string;
  /** Other Authorizer options; `jwks` and `discovery` come from the network. */
  options?: Omit<AuthorizerOptions, "jwks" | "discovery">;
  /** The policy, read from Kestra (instead of `options.policy`). */
  policySource?: KestraPolicySource;
  /** Default `<issuer>/.well-known/openid-configuration`. */
  discoveryUrl?: string;
  fetch?: FetchLike;
  /** Milliseconds a fetched JWKS is used before it is fetched again (default 600000). */
  maxAge?: number;
  /** Milliseconds past maxAge the last JWKS serves while fetching fails (default 3600000). */
  maxStale?: number;
  /** Least milliseconds between refetches for unknown keys, and the longest back-off (default 30000). */
  cooldown?: number;
  /** Milliseconds per request (default 5000). */
  timeout?: number;
  /** Milliseconds a replaced Authorizer stays for callers of `authorizer()` before it is freed (default 60000). */
  grace?: number;
  /** The clock in milliseconds (default monotonic: performance.timeOrigin + performance.now()). */
  now?: () => number;
}

export interface Held {
  authorizer: Authorizer;
  /** Lets a replaced Authorizer be freed; call once the decision is made. */
  release(): void;
}

export interface RefreshStatus {
  version: number;
  lastSuccessAt: number | null;
  lastError: RemoteError | Error | null;
}

export declare class RemoteAuthorizer {
  constructor(config: RemoteAuthorizerConfig);
  /** How many HTTP requests it has made for keys. */
  readonly fetches: number;
  readonly keysStatus: RefreshStatus;
  /** The refreshes under way (for a worker's `ctx.waitUntil`). */
  readonly pending: Promise<unknown>;
  /** Fetches the keys now; the Authorizer built from them. */
  refresh(): Promise<Authorizer>;
  /** The Authorizer of the current keys and policy; a replaced one is freed `grace` ms later. */
  authorizer(): Promise<Authorizer>;
  /** The current Authorizer, held (not freed when replaced) until `release()`. */
  acquire(): Promise<Held>;
  /** Verifies a token; decide the session with the Authorizer answered with it, then release it. */
  verify(token: string, options?: VerifyOptions): Promise<Held & { session: Session }>;
  verifyIdToken(token: string, options?: VerifyOptions): Promise<Session>;
  free(): void;
  [Symbol.dispose](): void;
}

export interface KestraPolicySourceConfig {
  /** Kestra's base URL (`https://kestra.example.com`). */
  url: string;
  /** A service account's API token, sent as a Bearer token; never logged. */
  token: string;
  /** The tenants to read. */
  tenants: string[];
  model?: "auto" | "crud" | "v1" | "v2";
  fetch?: FetchLike;
  /** Milliseconds between reads (default 60000), each early by up to `jitter` of it. */
  interval?: number;
  /** Default 0.1. */
  jitter?: number;
  /** Milliseconds after the last good read past which no policy is served (default 900000). */
  staleAfter?: number;
  /** Milliseconds per request (default 10000). */
  timeout?: number;
  /** Items asked per page (default 200). */
  pageSize?: number;
  /** The most bytes one read may fetch (default 64 MiB). */
  maxBytes?: number;
  /** Execution namespaces kept (default 10000). */
  lookupCacheSize?: number;
  /** The most ids one decision's lookups may name (default 100). */
  maxLookups?: number;
  now?: () => number;
  random?: () => number;
}

export interface PolicySnapshot {
  /** The policy as the module's JSON input. */
  text: string;
  version: number;
  fetchedAt: number;
}

export declare class KestraPolicySource {
  constructor(config: KestraPolicySourceConfig);
  readonly lastError: RemoteError | Error | null;
  readonly lastSuccessAt: number | null;
  readonly staleAfter: number;
  readonly pending: Promise<string> | null;
  readonly fetches: number;
  snapshot(): Promise<PolicySnapshot>;
  refresh(): Promise<PolicySnapshot>;
  /** Reads on a timer too (Node, Deno); the timer does not keep the process alive. */
  start(): this;
  stop(): void;
  /** An execution's namespace, from Kestra's API; null when unknown. */
  lookup(tenant: string, kind: string, id: string): Promise<string | null>;
  /** A NEEDS_LOOKUP decision's list, answered as `authorizeHttp`'s `namespaces`. */
  answer(tenant: string | null | undefined, lookups: LookupEntry[] | undefined): Promise<Record<string, string>>;
}

/** The bytes of a stream, or null past `limit` bytes (then it is not read further). */
export declare function readBounded(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | null>;
