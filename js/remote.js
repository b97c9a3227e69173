// The network side of kestra-authz, and the only code of the package that touches it:
// - RemoteAuthorizer: an issuer's discovery document and JWKS, kept for `maxAge`, served stale
//   through a short outage (up to `maxStale`), refetched when a token names an unknown key;
// - KestraPolicySource: roles, bindings, groups, members and tenant access read from a Kestra
//   Enterprise API with a service-account token, refreshed on an interval.
// A RemoteAuthorizer given a policy source builds each Authorizer from one keys snapshot and
// one policy snapshot, never a mix.

/** An error of this helper: a real Error with a stable `code`, like the module's own. */
export class RemoteError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = "KestraAuthzError";
    this.code = code;
  }
}

/** The name earlier versions exported. */
export const RemoteKeysError = RemoteError;

const option = (ok, message) => {
  if (!ok) throw new RemoteError("ERR_OPTION_INVALID", message);
};
const positive = (value, name) => option(Number.isFinite(value) && value >= 0, `${name} must be a number of milliseconds, at least 0`);

/**
 * A value loaded from the network and kept: refreshed in the background once `due()` says so,
 * served while a refresh fails up to `staleAfter` past the last success, then refused. Failed
 * attempts back off (1 s doubling, up to `maxBackoff`). One load at a time. Past the bound a
 * request waits for a load at most `wait` milliseconds.
 */
class Kept {
  constructor({ load, due, staleAfter, maxBackoff, wait, now, staleCode, what }) {
    Object.assign(this, { load, due, staleAfter, maxBackoff, wait, now, staleCode, what });
    /** `{ value, version }`, taken together so that a version always names its value. */
    this.current = null;
    this.lastSuccessAt = null;
    this.lastError = null;
    this.failures = 0;
    this.nextAttemptAt = -Infinity;
    this.inFlight = null;
  }

  get version() {
    return this.current?.version ?? 0;
  }

  /** Loads now (or joins the load under way); the new `{ value, version }`. */
  refresh() {
    this.inFlight ??= (async () => {
      try {
        const value = await this.load();
        // The same text again is the same version: nothing is rebuilt for it.
        if (value !== this.current?.value) this.current = { value, version: this.version + 1 };
        this.lastSuccessAt = this.now();
        this.lastError = null;
        this.failures = 0;
        this.nextAttemptAt = -Infinity;
        return this.current;
      } catch (e) {
        this.lastError = e;
        this.failures += 1;
        this.nextAttemptAt = this.now() + Math.min(this.maxBackoff, 1000 * 2 ** Math.min(this.failures - 1, 20));
        throw e;
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  /** Whether a load may start now (none under way, past the back-off). */
  get mayLoad() {
    return this.inFlight === null && this.now() >= this.nextAttemptAt;
  }

  /** The refresh under way, if any (for a worker's `waitUntil`). */
  get pending() {
    return this.inFlight;
  }

  stale() {
    return new RemoteError(this.staleCode, `the ${this.what} is older than ${this.staleAfter} ms and could not be fetched again${this.lastError ? ` (${this.lastError.code ?? "error"})` : ""}`, { cause: this.lastError ?? undefined });
  }

  /** A load, waited for at most `wait` milliseconds (then `late()` is the error). */
  async bounded(late = () => this.stale()) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(late()), this.wait);
    });
    try {
      return await Promise.race([this.refresh(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The kept `{ value, version }`: loaded when there is none, refreshed in the background when due, refused past the stale bound. */
  async get() {
    const now = this.now();
    if (this.current === null) {
      // Never loaded: wait for a load, but not one per request while the source is down.
      if (!this.mayLoad && this.inFlight === null && this.lastError) throw this.lastError;
      // The first load goes on in the background past the wait; the request does not.
      return this.bounded(() => new RemoteError(this.staleCode, `the ${this.what} is not read yet (still reading after ${this.wait} ms)`));
    }
    if (this.due(this.lastSuccessAt, now) && this.mayLoad) {
      // In the background: a slow or failing source does not hold up the requests.
      this.refresh().catch(() => {});
    }
    if (now - this.lastSuccessAt < this.staleAfter) return this.current;
    // Past the bound: only a fresh value will do, and not for longer than `wait`.
    if (this.inFlight !== null || now >= this.nextAttemptAt) return this.bounded();
    throw this.stale();
  }
}

/** A clock for intervals and bounds: monotonic where the host has one (a wall-clock step does not stretch a bound), in epoch milliseconds. */
const monotonic = globalThis.performance?.now ? () => performance.timeOrigin + performance.now() : () => Date.now();

/** The bytes of a stream, or null past `limit` bytes (then it is not read further). */
export async function readBounded(stream, limit) {
  const reader = stream.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * GET `url` with a timeout and a cap on the answer's bytes; the answer's text. Errors carry the
 * codes of `codes` (timeout, failed, unauthorized, tooLarge) and name the URL, never a header.
 */
async function fetchText(fetchFn, url, { headers, timeout, maxBytes, codes, redirect = "follow" }) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  try {
    const response = await fetchFn(url, { signal: controller.signal, headers, redirect });
    if (response.status >= 300 && response.status < 400) throw new RemoteError(codes.failed, `GET ${url}: HTTP ${response.status} (a redirect, not followed)`);
    if (response.status === 401 || response.status === 403) {
      throw new RemoteError(codes.unauthorized, `GET ${url}: HTTP ${response.status} (the credentials were refused)`);
    }
    if (response.status === 404 && codes.notFound) return null;
    if (!response.ok) throw new RemoteError(codes.failed, `GET ${url}: HTTP ${response.status}`);
    const declared = Number(response.headers?.get?.("content-length"));
    if (Number.isFinite(declared) && declared > maxBytes) throw new RemoteError(codes.tooLarge, `GET ${url}: ${declared} bytes, over the limit of ${maxBytes}`);
    if (!response.body?.getReader) {
      const text = await response.text();
      if (text.length > maxBytes) throw new RemoteError(codes.tooLarge, `GET ${url}: over the limit of ${maxBytes} bytes`);
      return text;
    }
    const bytes = await readBounded(response.body, maxBytes);
    if (bytes === null) throw new RemoteError(codes.tooLarge, `GET ${url}: over the limit of ${maxBytes} bytes`);
    return new TextDecoder().decode(bytes);
  } catch (e) {
    if (e instanceof RemoteError) throw e;
    if (controller.signal.aborted) throw new RemoteError(codes.timeout, `GET ${url}: no answer within ${timeout} ms`);
    throw new RemoteError(codes.failed, `GET ${url}: ${e?.message ?? e}`, { cause: e });
  } finally {
    clearTimeout(timer);
  }
}

const KEY_CODES = { timeout: "ERR_REMOTE_FETCH_TIMEOUT", failed: "ERR_REMOTE_FETCH_FAILED", unauthorized: "ERR_REMOTE_FETCH_FAILED", tooLarge: "ERR_REMOTE_FETCH_FAILED" };
const MAX_KEY_DOCUMENT_BYTES = 1024 * 1024;

function discoveryUrlOf(issuer) {
  return `${issuer.endsWith("/") ? issuer : `${issuer}/`}.well-known/openid-configuration`;
}

export class RemoteAuthorizer {
  /**
   * @param {object} config
   * @param {Function} config.Authorizer the package's Authorizer class (any build)
   * @param {string} config.issuer the expected issuer, byte for byte
   * @param {object} [config.options] other Authorizer options (kestraConfig, policy, clientId, ...)
   * @param {KestraPolicySource} [config.policySource] the policy, read from Kestra (instead of options.policy)
   * @param {string} [config.discoveryUrl] defaults to `<issuer>/.well-known/openid-configuration`
   * @param {Function} [config.fetch] defaults to globalThis.fetch
   * @param {number} [config.maxAge] milliseconds a fetched JWKS is used before it is fetched again (default 10 minutes)
   * @param {number} [config.maxStale] milliseconds past maxAge the last JWKS still serves while fetching fails (default 1 hour)
   * @param {number} [config.cooldown] least milliseconds between refetches for unknown keys (default 30 s)
   * @param {number} [config.timeout] milliseconds per request (default 5 s)
   * @param {number} [config.grace] milliseconds a replaced Authorizer is kept for callers of `authorizer()` before it is freed (default 60 s)
   * @param {Function} [config.now] the clock, in milliseconds (default monotonic)
   */
  constructor({ Authorizer, issuer, options = {}, policySource, discoveryUrl, fetch = globalThis.fetch, maxAge = 600_000, maxStale = 3_600_000, cooldown = 30_000, timeout = 5_000, grace = 60_000, now = monotonic }) {
    option(typeof Authorizer === "function", "pass the package's Authorizer class");
    option(typeof issuer === "string" && issuer !== "", "issuer must be a non-empty string");
    option(typeof fetch === "function", "no fetch function in this host: pass one");
    option(policySource === undefined || policySource instanceof KestraPolicySource, "policySource must be a KestraPolicySource");
    option(!(policySource && options.policy !== undefined), "pass the policy either as options.policy or as a policySource, not both");
    for (const [name, value] of Object.entries({ maxAge, maxStale, cooldown, timeout, grace })) positive(value, name);
    this.Authorizer = Authorizer;
    this.issuer = issuer;
    this.options = options;
    this.policySource = policySource ?? null;
    this.discoveryUrl = discoveryUrl ?? discoveryUrlOf(issuer);
    this.fetchFn = fetch;
    this.cooldown = cooldown;
    this.timeout = timeout;
    this.grace = grace;
    this.now = now;
    this.fetches = 0;
    this.keys = new Kept({
      load: () => this.fetchKeys(),
      due: (at, t) => t - at >= maxAge,
      staleAfter: maxAge + maxStale,
      maxBackoff: cooldown,
      wait: timeout * 2,
      now,
      staleCode: "ERR_REMOTE_STALE",
      what: "JWKS",
    });
    /** The Authorizer in use: `{ authz, key, users }`, `key` naming its keys and policy versions. */
    this.current = null;
    /** Replaced ones, freed once no caller holds them and `grace` has passed. */
    this.retired = [];
    /** The newest policy the module accepted: `{ text, version }`. */
    this.goodPolicy = null;
    /** Kestra's policy the module refused: `{ version, error, since }`. */
    this.refusal = null;
  }

  async get(url) {
    this.fetches += 1;
    return fetchText(this.fetchFn, url, { headers: { accept: "application/json" }, timeout: this.timeout, maxBytes: MAX_KEY_DOCUMENT_BYTES, codes: KEY_CODES });
  }

  async fetchKeys() {
    const discovery = await this.get(this.discoveryUrl);
    let jwksUri;
    try {
      jwksUri = JSON.parse(discovery).jwks_uri;
    } catch {
      throw new RemoteError("ERR_DISCOVERY_INVALID", `${this.discoveryUrl} is not JSON`);
    }
    if (typeof jwksUri !== "string") throw new RemoteError("ERR_DISCOVERY_INVALID", `${this.discoveryUrl} has no jwks_uri`);
    const jwks = await this.get(jwksUri);
    // The module parses both documents itself, strictly (duplicate members, key checks): a
    // pair it refuses fails this fetch, and the last good keys stay.
    const { policy: _policy, ...options } = this.options;
    const probe = new this.Authorizer({ ...options, issuer: this.options.issuer ?? this.issuer, discovery, jwks });
    probe.free();
    // Kept whole as text, so that an unchanged pair compares equal.
    return JSON.stringify([discovery, jwks]);
  }

  /** When the keys were last fetched, and the last error fetching them (null after a success). */
  get keysStatus() {
    return { version: this.keys.version, lastSuccessAt: this.keys.lastSuccessAt, lastError: this.keys.lastError };
  }

  /** Refreshes under way (keys, policy), for a worker's `ctx.waitUntil`. */
  get pending() {
    return Promise.allSettled([this.keys.pending, this.policySource?.pending].filter(Boolean));
  }

  /** Fetches discovery and JWKS now, and answers the Authorizer built from them. */
  async refresh() {
    await this.keys.refresh();
    return this.authorizer();
  }

  /** The Authorizer of the current keys and the newest policy the module accepts. */
  async entry() {
    const keys = await this.keys.get();
    const snapshot = this.policySource ? await this.policySource.snapshot() : null;
    let policy = snapshot;
    if (snapshot !== null && this.refusal?.version === snapshot.version) {
      // Kestra's policy is one the module refuses: the last good one serves, with the current
      // keys, up to the stale bound counted from when Kestra's changed.
      if (this.goodPolicy === null) throw this.refusal.error;
      if (this.now() - this.refusal.since >= this.policySource.staleAfter) {
        throw new RemoteError("ERR_POLICY_STALE", `Kestra's policy has been one the module refuses (${this.refusal.error?.code}) for longer than ${this.policySource.staleAfter} ms`, { cause: this.refusal.error });
      }
      policy = this.goodPolicy;
    }
    const key = `${keys.version}:${policy?.version ?? 0}`;
    this.sweep();
    if (this.current?.key === key) return this.current;
    const [discovery, jwks] = JSON.parse(keys.value);
    let authz;
    try {
      authz = new this.Authorizer({ ...this.options, ...(policy ? { policy: policy.text } : {}), issuer: this.options.issuer ?? this.issuer, discovery, jwks });
    } catch (e) {
      if (snapshot === null || policy !== snapshot) throw e;
      // The bound runs from the first refusal since a policy was last accepted: Kestra's
      // policy changing again does not restart it.
      this.refusal = { version: snapshot.version, error: e, since: this.refusal?.since ?? this.now() };
      this.policySource.refused(snapshot.version, e);
      return this.entry();
    }
    if (policy !== null && policy === snapshot) {
      this.goodPolicy = { text: snapshot.text, version: snapshot.version };
      this.refusal = null;
    }
    if (this.current !== null) this.retired.push({ ...this.current, retiredAt: this.now() });
    this.current = { authz, key, users: 0 };
    return this.current;
  }

  /** Frees replaced Authorizers no caller holds any more. */
  sweep() {
    const now = this.now();
    this.retired = this.retired.filter((old) => {
      if (old.users > 0 || now - old.retiredAt < this.grace) return true;
      old.authz.free();
      return false;
    });
  }

  /**
   * The current Authorizer, held until `release()`: a replaced one is not freed while held.
   * Answers `{ authorizer, release }`.
   */
  async acquire() {
    const entry = await this.entry();
    entry.users += 1;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      entry.users -= 1;
    };
    return { authorizer: entry.authz, release };
  }

  /**
   * The current Authorizer. A replaced one is freed `grace` milliseconds later: use it
   * promptly, or hold it with `acquire()`.
   */
  async authorizer() {
    return (await this.entry()).authz;
  }

  /**
   * Verifies a token with the current Authorizer; a key the JWKS lacks triggers one refetch per
   * cool-down (within the back-off of failed fetches), then one retry. Answers `{ authorizer,
   * session, release }`: decide the session with that Authorizer, then `release()` it.
   */
  async verify(token, options) {
    let held = await this.acquire();
    try {
      return { ...held, session: held.authorizer.verifyIdToken(token, options) };
    } catch (e) {
      held.release();
      const since = this.now() - (this.keys.lastSuccessAt ?? -Infinity);
      if (e?.code !== "ERR_JWKS_NO_MATCHING_KEY" || since < this.cooldown || !(this.keys.mayLoad || this.keys.pending)) throw e;
      await this.keys.refresh();
      held = await this.acquire();
      try {
        return { ...held, session: held.authorizer.verifyIdToken(token, options) };
      } catch (again) {
        held.release();
        throw again;
      }
    }
  }

  /** Verifies a token (see `verify`); the session, which stays usable on its own. */
  async verifyIdToken(token, options) {
    const { session, release } = await this.verify(token, options);
    release();
    return session;
  }

  /** Frees every Authorizer it made. */
  free() {
    this.current?.authz.free();
    for (const old of this.retired) old.authz.free();
    this.current = null;
    this.retired = [];
  }

  [Symbol.dispose]() {
    this.free();
  }
}

const POLICY_CODES = { timeout: "ERR_POLICY_FETCH_TIMEOUT", failed: "ERR_POLICY_FETCH_FAILED", unauthorized: "ERR_POLICY_UNAUTHORIZED", tooLarge: "ERR_POLICY_TOO_LARGE", notFound: true };
const TENANT_ID = /^[a-z0-9][a-z0-9_-]*$/;
/** Kestra's execution ids: letters, digits, `_` and `-` (base62 UUIDs); nothing a path reads otherwise. */
const EXECUTION_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Milliseconds an execution Kestra did not find stays not found here. */
const NOT_FOUND_FOR = 5_000;
/** The module's own limits: past them the policy could not be built anyway. */
const MAX_POLICY_BYTES = 64 * 1024 * 1024;
const MAX_ITEMS = 1_000_000;

const malformed = (what) => new RemoteError("ERR_POLICY_MALFORMED", what);

/** The members of `item` the module reads, without the ones Kestra adds (absent stays absent). */
function pick(item, names) {
  const out = {};
  for (const name of names) if (item[name] !== undefined) out[name] = item[name];
  return out;
}

const idOf = (value) => (value && typeof value === "object" ? value.id : undefined);

/**
 * The policy of one or more tenants, read from a Kestra Enterprise API with a service-account
 * token: every page of roles, bindings, groups, group members and tenant access, per tenant,
 * in the shapes of Kestra's published OpenAPI (1.3 and 2.0).
 */
export class KestraPolicySource {
  /**
   * @param {object} config
   * @param {string} config.url Kestra's base URL (`https://kestra.example.com`)
   * @param {string} config.token a service account's API token (sent as a Bearer token)
   * @param {string[]} config.tenants the tenants to read
   * @param {"auto"|"crud"|"v2"} [config.model] the permission model (default auto)
   * @param {Function} [config.fetch] defaults to globalThis.fetch
   * @param {number} [config.interval] milliseconds between refreshes (default 60 s), less up to `jitter` of it
   * @param {number} [config.jitter] the fraction of the interval a refresh may come early (default 0.1)
   * @param {number} [config.staleAfter] milliseconds after the last success past which no policy is served (default 15 minutes)
   * @param {number} [config.timeout] milliseconds per request (default 10 s)
   * @param {number} [config.pageSize] items per page (default 200)
   * @param {number} [config.maxBytes] the most bytes one snapshot may read (default 64 MiB)
   * @param {number} [config.lookupCacheSize] execution namespaces kept (default 10,000)
   * @param {number} [config.maxLookups] the most ids one decision's lookups may name (default 100)
   * @param {Function} [config.now] the clock, in milliseconds (default monotonic)
   * @param {Function} [config.random] in [0, 1), for the jitter (default Math.random)
   */
  constructor({ url, token, tenants, model, fetch = globalThis.fetch, interval = 60_000, jitter = 0.1, staleAfter = 900_000, timeout = 10_000, pageSize = 200, maxBytes = MAX_POLICY_BYTES, lookupCacheSize = 10_000, maxLookups = 100, now = monotonic, random = Math.random }) {
    option(typeof url === "string" && /^https?:\/\//.test(url), "url must be Kestra's http(s) base URL");
    option(typeof token === "string" && token !== "", "token must be a service account's API token");
    option(Array.isArray(tenants) && tenants.length > 0 && tenants.every((t) => typeof t === "string" && TENANT_ID.test(t)), "tenants must be a non-empty list of Kestra tenant ids");
    option(model === undefined || ["auto", "crud", "v1", "v2"].includes(model), "model must be auto, crud or v2");
    option(typeof fetch === "function", "no fetch function in this host: pass one");
    option(Number.isFinite(jitter) && jitter >= 0 && jitter < 1, "jitter must be in [0, 1)");
    option(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 10_000, "pageSize must be an integer from 1 to 10000");
    option(Number.isInteger(lookupCacheSize) && lookupCacheSize >= 0, "lookupCacheSize must be an integer, at least 0");
    option(Number.isInteger(maxLookups) && maxLookups >= 0, "maxLookups must be an integer, at least 0");
    for (const [name, value] of Object.entries({ interval, staleAfter, timeout, maxBytes })) positive(value, name);
    this.base = url.replace(/\/+$/, "");
    // Kept out of every message, error and enumerable member.
    Object.defineProperty(this, "headers", { value: { accept: "application/json", authorization: `Bearer ${token}` }, enumerable: false });
    this.tenants = [...new Set(tenants)];
    this.model = model;
    this.fetchFn = fetch;
    this.timeout = timeout;
    this.pageSize = pageSize;
    this.maxBytes = maxBytes;
    this.now = now;
    this.fetches = 0;
    let early = jitter * random();
    this.kept = new Kept({
      load: () => this.read(),
      due: (at, t) => {
        if (t - at < interval * (1 - early)) return false;
        early = jitter * random();
        return true;
      },
      staleAfter,
      maxBackoff: Math.max(1000, interval),
      wait: timeout,
      now,
      staleCode: "ERR_POLICY_STALE",
      what: "policy",
    });
    /** Execution namespaces by tenant and id (null: Kestra has none), least recently used first. */
    this.lookups = new Map();
    this.lookupCacheSize = lookupCacheSize;
    this.maxLookups = maxLookups;
    this.lookupsInFlight = new Map();
    this.refusal = null;
    this.timer = null;
    this.budget = maxBytes;
  }

  /** The last error: reading the policy, else the module refusing the policy read (null when neither). */
  get lastError() {
    return this.kept.lastError ?? (this.refusal?.version === this.kept.version ? this.refusal.error : null);
  }

  /** Milliseconds after the last good read past which no policy is served. */
  get staleAfter() {
    return this.kept.staleAfter;
  }

  /** When the policy in use was read (milliseconds of the clock), null before the first. */
  get lastSuccessAt() {
    return this.kept.lastSuccessAt;
  }

  /** The refresh under way, if any. */
  get pending() {
    return this.kept.pending;
  }

  /** The policy now: `{ text, version, fetchedAt }`, one consistent read of every tenant. */
  async snapshot() {
    const { value, version } = await this.kept.get();
    return { text: value, version, fetchedAt: this.kept.lastSuccessAt };
  }

  /** Reads the policy now (joining a read under way). */
  async refresh() {
    await this.kept.refresh();
    return this.snapshot();
  }

  /** The module refused the policy of `version`: it is reported, and the last good one stays. */
  refused(version, error) {
    this.refusal = { version, error };
  }

  /** Refreshes on the interval without waiting for a request (Node, Deno); the timer does not keep the process alive. */
  start() {
    if (this.timer !== null) return this;
    const tick = Math.max(250, Math.min(this.kept.staleAfter, 60_000) / 4);
    this.timer = setInterval(() => this.kept.get().catch(() => {}), tick);
    this.timer?.unref?.();
    return this;
  }

  stop() {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** GET one JSON document: within `cap` bytes, else within what the snapshot being read may still use. */
  async getJson(path, { notFound = false, cap = null } = {}) {
    const url = `${this.base}${path}`;
    this.fetches += 1;
    // Redirects are not followed: an answer from elsewhere is not Kestra's.
    const text = await fetchText(this.fetchFn, url, { headers: this.headers, timeout: this.timeout, maxBytes: cap ?? this.budget, codes: { ...POLICY_CODES, notFound }, redirect: "manual" });
    if (text === null) return null;
    if (cap === null) this.budget -= text.length;
    try {
      return JSON.parse(text);
    } catch {
      throw malformed(`GET ${url}: the answer is not JSON`);
    }
  }

  /** Every item of a paged search (`{ results, total }`), page after page until `total`. */
  async all(path) {
    const items = [];
    for (let page = 1; ; page += 1) {
      const sep = path.includes("?") ? "&" : "?";
      const answer = await this.getJson(`${path}${sep}page=${page}&size=${this.pageSize}`);
      if (answer === null) throw new RemoteError("ERR_POLICY_FETCH_FAILED", `GET ${this.base}${path}: HTTP 404 (not a Kestra Enterprise API?)`);
      const { results, total } = answer ?? {};
      if (!Array.isArray(results) || !Number.isInteger(total) || total < 0) throw malformed(`GET ${this.base}${path}: not a page of results ({ results, total })`);
      if (total > MAX_ITEMS) throw new RemoteError("ERR_POLICY_TOO_LARGE", `GET ${this.base}${path}: ${total} items, over the limit of ${MAX_ITEMS}`);
      items.push(...results);
      // An empty page ends it too: items deleted between two pages shrink the total. (A
      // server may answer fewer items than asked per page: that does not end it.)
      if (items.length >= total || results.length === 0) return items;
      if (items.length > MAX_ITEMS) throw new RemoteError("ERR_POLICY_TOO_LARGE", `GET ${this.base}${path}: over ${MAX_ITEMS} items`);
    }
  }

  /** One tenant's policy, in the module's input shapes. */
  async tenant(tenant) {
    const at = `/api/v1/${tenant}`;
    const [roles, bindings, groups, access] = await Promise.all([this.all(`${at}/roles/search`), this.all(`${at}/bindings/search`), this.all(`${at}/groups/search`), this.all(`${at}/tenant-access`)]);
    // What the source cannot read with certainty is an error, never dropped: a dropped
    // namespace would widen a binding, a dropped user would get the first-login role.
    const bad = (what) => malformed(`tenant ${tenant}: ${what}`);
    const live = (item, what) => {
      if (!item || typeof item !== "object" || Array.isArray(item)) throw bad(`${what} is not an object`);
      if (item.deleted !== undefined && typeof item.deleted !== "boolean") throw bad(`${what} has a "deleted" that is not true or false`);
      return item.deleted !== true;
    };
    const idText = (value, what) => {
      if (typeof value !== "string" || value === "") throw bad(`${what} has no id`);
      return value;
    };
    const users = new Map();
    const user = (id, username, owner = false) => {
      const known = users.get(id) ?? { id, groups: new Set() };
      if (username !== undefined && username !== null) {
        if (typeof username !== "string" || username === "") throw bad(`user ${id} has an unusable username`);
        if (known.username !== undefined && known.username !== username) throw bad(`user ${id} has two usernames`);
        known.username = username;
      }
      if (owner === true) known.superAdmin = true;
      users.set(id, known);
      return known;
    };
    for (const item of access.filter((a) => live(a, "a tenant-access answer"))) {
      const who = item.user && typeof item.user === "object" ? item.user : item;
      const owner = [item.superAdmin, who.superAdmin, item.instanceOwner, who.instanceOwner].includes(true);
      user(idText(item.userId ?? who.id, "a tenant-access answer"), item.username ?? who.username, owner);
    }
    const liveGroups = groups.filter((g) => live(g, "a group"));
    for (const g of liveGroups) idText(g.id, "a group");
    // Members, a few groups at a time.
    for (let i = 0; i < liveGroups.length; i += 4) {
      const slice = liveGroups.slice(i, i + 4);
      const members = await Promise.all(slice.map((g) => this.all(`${at}/groups/${encodeURIComponent(g.id)}/members`)));
      slice.forEach((group, j) => {
        for (const member of members[j].filter((m) => live(m, `a member of group ${group.id}`))) {
          user(idText(member.id, `a member of group ${group.id}`), member.username).groups.add(group.id);
        }
      });
    }
    const reference = (value, what) => (value === null || value === undefined || typeof value !== "object" ? value : { id: idText(value.id, what) });
    const outBindings = [];
    for (const raw of bindings) {
      const b = raw?.binding && typeof raw.binding === "object" ? raw.binding : raw;
      if (!live(raw, "a binding") || !live(b, "a binding")) continue;
      // The detail shape names the user with their username: the user is listed too.
      if (b.user && typeof b.user === "object" && b.user.username !== undefined) user(idText(b.user.id, "a binding's user"), b.user.username);
      // Every member that names the principal, the role or the namespace, in any shape, passed
      // on; two members of two shapes that disagree are not for the source to choose between.
      const out = pick(b, ["id", "type", "externalId", "roleId", "namespaceId", "namespace"]);
      for (const name of ["role", "group", "user"]) if (b[name] !== undefined) out[name] = reference(b[name], `a binding's ${name}`);
      const principal = out.user?.id ?? out.group?.id;
      const agree = (a, b) => a === undefined || a === null || b === undefined || b === null || a === b;
      if (!agree(out.externalId, principal) || !agree(out.roleId, out.role?.id) || ("namespaceId" in out && "namespace" in out && out.namespaceId !== out.namespace)) {
        throw bad(`binding ${String(b.id)} names its principal, role or namespace twice, differently`);
      }
      outBindings.push(out);
    }
    return {
      roles: roles.filter((r) => live(r, "a role")).map((r) => pick(r, ["id", "name", "description", "permissions", "isDefault", "isManaged"])),
      groups: liveGroups.map((g) => pick(g, ["id", "name"])),
      users: [...users.values()].map((u) => ({ ...u, groups: [...u.groups] })),
      bindings: outBindings,
    };
  }

  /** Every tenant, read into one snapshot (its JSON text). */
  async read() {
    this.budget = this.maxBytes;
    const tenants = {};
    for (const tenant of this.tenants) tenants[tenant] = await this.tenant(tenant);
    return JSON.stringify(this.model ? { model: this.model, tenants } : { tenants });
  }

  /**
   * The namespace of an object the route mapper asked for (`NEEDS_LOOKUP`): executions, from
   * `GET /api/v1/{tenant}/executions/{id}`, in the tenants this source reads. Kept in a bounded
   * cache, Kestra's "none" too, since an execution never changes namespace; one request per
   * id at a time. Null when Kestra has no such object, or it is not one looked up here.
   */
  async lookup(tenant, kind, id) {
    if (kind !== "execution" || !this.tenants.includes(tenant) || typeof id !== "string" || !EXECUTION_ID.test(id)) return null;
    const key = `${tenant}/${id}`;
    const known = this.lookups.get(key);
    if (typeof known === "string" || (known !== undefined && this.now() < known.notFoundUntil)) {
      this.lookups.delete(key);
      this.lookups.set(key, known);
      return typeof known === "string" ? known : null;
    }
    const pending = this.lookupsInFlight.get(key);
    if (pending) return pending;
    const ask = (async () => {
      try {
        const execution = await this.getJson(`/api/v1/${tenant}/executions/${id}`, { notFound: true, cap: MAX_KEY_DOCUMENT_BYTES });
        const namespace = typeof execution?.namespace === "string" ? execution.namespace : null;
        if (this.lookupCacheSize > 0) {
          // Not found is remembered briefly only: an execution may be created a moment later.
          this.lookups.set(key, namespace ?? { notFoundUntil: this.now() + NOT_FOUND_FOR });
          if (this.lookups.size > this.lookupCacheSize) this.lookups.delete(this.lookups.keys().next().value);
        }
        return namespace;
      } finally {
        this.lookupsInFlight.delete(key);
      }
    })();
    this.lookupsInFlight.set(key, ask);
    return ask;
  }

  /**
   * The answers to a decision's `lookup` list, as `authorizeHttp`'s `namespaces` option: at
   * most `maxLookups` ids (a list longer than that is not answered: the request stays denied),
   * four at a time.
   */
  async answer(tenant, lookups) {
    const list = lookups ?? [];
    const out = {};
    if (list.length > this.maxLookups) return out;
    for (let i = 0; i < list.length; i += 4) {
      const slice = list.slice(i, i + 4);
      const found = await Promise.all(slice.map(({ kind, id }) => this.lookup(tenant, kind, id)));
      slice.forEach(({ kind, id }, j) => {
        if (found[j] !== null) out[`${kind}:${id}`] = found[j];
      });
    }
    return out;
  }
}
