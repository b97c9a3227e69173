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
 * attempts back off (1 s doubling, up to `maxBackoff`). One load at a time.
 */
class Kept {
  constructor({ load, due, staleAfter, maxBackoff, now, staleCode, what }) {
    Object.assign(this, { load, due, staleAfter, maxBackoff, now, staleCode, what });
    this.value = null;
    this.version = 0;
    this.lastSuccessAt = null;
    this.lastError = null;
    this.failures = 0;
    this.nextAttemptAt = -Infinity;
    this.inFlight = null;
  }

  /** Loads now (or joins the load under way). */
  refresh() {
    this.inFlight ??= (async () => {
      try {
        const value = await this.load();
        // The same text again is the same version: nothing is rebuilt for it.
        if (value !== this.value) this.version += 1;
        this.value = value;
        this.lastSuccessAt = this.now();
        this.lastError = null;
        this.failures = 0;
        this.nextAttemptAt = -Infinity;
        return value;
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

  /** The refresh under way, if any (for a worker's `waitUntil`). */
  get pending() {
    return this.inFlight;
  }

  /** The kept value: loaded when there is none, refreshed in the background when due, refused past the stale bound. */
  async get() {
    const now = this.now();
    if (this.value === null) {
      // Never loaded: wait for a load, but not one per request while the source is down.
      if (this.inFlight === null && now < this.nextAttemptAt && this.lastError) throw this.lastError;
      return this.refresh();
    }
    if (this.due(this.lastSuccessAt, now) && this.inFlight === null && now >= this.nextAttemptAt) {
      // In the background: a slow or failing source does not hold up the requests.
      this.refresh().catch(() => {});
    }
    if (now - this.lastSuccessAt < this.staleAfter) return this.value;
    // Past the bound: only a fresh value will do.
    if (this.inFlight !== null) return this.inFlight;
    if (now >= this.nextAttemptAt) return this.refresh();
    throw new RemoteError(this.staleCode, `the ${this.what} is older than ${this.staleAfter} ms and could not be fetched again${this.lastError ? `: ${this.lastError.message}` : ""}`, { cause: this.lastError ?? undefined });
  }
}

/**
 * GET `url` with a timeout and a cap on the answer's bytes; the answer's text. Errors carry the
 * codes of `codes` (timeout, failed, unauthorized, tooLarge) and name the URL, never a header.
 */
async function fetchText(fetchFn, url, { headers, timeout, maxBytes, codes }) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  try {
    const response = await fetchFn(url, { signal: controller.signal, headers });
    if (response.status === 401 || response.status === 403) {
      throw new RemoteError(codes.unauthorized, `GET ${url}: HTTP ${response.status} (the credentials were refused)`);
    }
    if (response.status === 404 && codes.notFound) return null;
    if (!response.ok) throw new RemoteError(codes.failed, `GET ${url}: HTTP ${response.status}`);
    const declared = Number(response.headers?.get?.("content-length"));
    if (Number.isFinite(declared) && declared > maxBytes) throw new RemoteError(codes.tooLarge, `GET ${url}: ${declared} bytes, over the limit of ${maxBytes}`);
    const reader = response.body?.getReader?.();
    if (!reader) {
      const text = await response.text();
      if (text.length > maxBytes) throw new RemoteError(codes.tooLarge, `GET ${url}: over the limit of ${maxBytes} bytes`);
      return text;
    }
    const chunks = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.cancel().catch(() => {});
        throw new RemoteError(codes.tooLarge, `GET ${url}: over the limit of ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
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
   * @param {Function} [config.now] the clock, in milliseconds (default Date.now)
   */
  constructor({ Authorizer, issuer, options = {}, policySource, discoveryUrl, fetch = globalThis.fetch, maxAge = 600_000, maxStale = 3_600_000, cooldown = 30_000, timeout = 5_000, now = () => Date.now() }) {
    option(typeof Authorizer === "function", "pass the package's Authorizer class");
    option(typeof issuer === "string" && issuer !== "", "issuer must be a non-empty string");
    option(typeof fetch === "function", "no fetch function in this host: pass one");
    option(policySource === undefined || policySource instanceof KestraPolicySource, "policySource must be a KestraPolicySource");
    option(!(policySource && options.policy !== undefined), "pass the policy either as options.policy or as a policySource, not both");
    for (const [name, value] of Object.entries({ maxAge, maxStale, cooldown, timeout })) positive(value, name);
    this.Authorizer = Authorizer;
    this.issuer = issuer;
    this.options = options;
    this.policySource = policySource ?? null;
    this.discoveryUrl = discoveryUrl ?? discoveryUrlOf(issuer);
    this.fetchFn = fetch;
    this.cooldown = cooldown;
    this.timeout = timeout;
    this.now = now;
    this.fetches = 0;
    this.keys = new Kept({
      load: () => this.fetchKeys(),
      due: (at, t) => t - at >= maxAge,
      staleAfter: maxAge + maxStale,
      maxBackoff: cooldown,
      now,
      staleCode: "ERR_REMOTE_STALE",
      what: "JWKS",
    });
    // The Authorizer of one keys version and one policy version.
    this.built = null;
    this.builtFor = "";
    this.refusedFor = "";
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
    // The module parses both documents itself, strictly (duplicate members, key checks), when
    // the Authorizer is built; a build that fails here fails this fetch.
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

  /**
   * The Authorizer for the current keys and policy. It is rebuilt when either changes; the
   * previous one is left to the garbage collector, since a request may still hold it.
   */
  async authorizer() {
    const keys = await this.keys.get();
    const policy = this.policySource ? await this.policySource.snapshot() : null;
    const version = `${this.keys.version}:${policy?.version ?? 0}`;
    if (this.built !== null && (this.builtFor === version || this.refusedFor === version)) return this.built;
    const [discovery, jwks] = JSON.parse(keys);
    let next;
    try {
      next = new this.Authorizer({ ...this.options, ...(policy ? { policy: policy.text } : {}), issuer: this.options.issuer ?? this.issuer, discovery, jwks });
    } catch (e) {
      // A policy the module refuses: keep deciding with the last good one, and say so.
      if (this.built === null || policy === null) throw e;
      this.refusedFor = version;
      this.policySource.refused(policy.version, e);
      return this.built;
    }
    this.built = next;
    this.builtFor = version;
    return next;
  }

  /**
   * Verifies a token with the current Authorizer; a key the JWKS lacks triggers one refetch per
   * cool-down, then one retry. Answers `{ authorizer, session }`: decide the session with that
   * Authorizer (a session belongs to the Authorizer that verified it).
   */
  async verify(token, options) {
    const authorizer = await this.authorizer();
    try {
      return { authorizer, session: authorizer.verifyIdToken(token, options) };
    } catch (e) {
      if (e?.code !== "ERR_JWKS_NO_MATCHING_KEY" || this.now() - (this.keys.lastSuccessAt ?? -Infinity) < this.cooldown) throw e;
      const fresh = await this.refresh();
      return { authorizer: fresh, session: fresh.verifyIdToken(token, options) };
    }
  }

  /** Verifies a token (see `verify`); the session. */
  async verifyIdToken(token, options) {
    return (await this.verify(token, options)).session;
  }

  /** Frees the current Authorizer. */
  free() {
    this.built?.free();
    this.built = null;
  }

  [Symbol.dispose]() {
    this.free();
  }
}

const POLICY_CODES = { timeout: "ERR_POLICY_FETCH_TIMEOUT", failed: "ERR_POLICY_FETCH_FAILED", unauthorized: "ERR_POLICY_UNAUTHORIZED", tooLarge: "ERR_POLICY_TOO_LARGE", notFound: true };
const TENANT_ID = /^[a-z0-9][a-z0-9_-]*$/;
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
   * @param {Function} [config.now] the clock, in milliseconds (default Date.now)
   * @param {Function} [config.random] in [0, 1), for the jitter (default Math.random)
   */
  constructor({ url, token, tenants, model, fetch = globalThis.fetch, interval = 60_000, jitter = 0.1, staleAfter = 900_000, timeout = 10_000, pageSize = 200, maxBytes = MAX_POLICY_BYTES, lookupCacheSize = 10_000, now = () => Date.now(), random = Math.random }) {
    option(typeof url === "string" && /^https?:\/\//.test(url), "url must be Kestra's http(s) base URL");
    option(typeof token === "string" && token !== "", "token must be a service account's API token");
    option(Array.isArray(tenants) && tenants.length > 0 && tenants.every((t) => typeof t === "string" && TENANT_ID.test(t)), "tenants must be a non-empty list of Kestra tenant ids");
    option(model === undefined || ["auto", "crud", "v1", "v2"].includes(model), "model must be auto, crud or v2");
    option(typeof fetch === "function", "no fetch function in this host: pass one");
    option(Number.isFinite(jitter) && jitter >= 0 && jitter < 1, "jitter must be in [0, 1)");
    option(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 10_000, "pageSize must be an integer from 1 to 10000");
    option(Number.isInteger(lookupCacheSize) && lookupCacheSize >= 0, "lookupCacheSize must be an integer, at least 0");
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
      now,
      staleCode: "ERR_POLICY_STALE",
      what: "policy",
    });
    this.lookups = new Map();
    this.lookupCacheSize = lookupCacheSize;
    this.timer = null;
    this.budget = maxBytes;
  }

  /** The last error reading the policy (null after a success or a clean start). */
  get lastError() {
    return this.kept.lastError;
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
    const text = await this.kept.get();
    return { text, version: this.kept.version, fetchedAt: this.kept.lastSuccessAt };
  }

  /** Reads the policy now (joining a read under way). */
  async refresh() {
    await this.kept.refresh();
    return this.snapshot();
  }

  /** The module refused the policy of `version`: it is reported, and the last good one stays. */
  refused(version, error) {
    if (version === this.kept.version) this.kept.lastError = error;
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
    const text = await fetchText(this.fetchFn, url, { headers: this.headers, timeout: this.timeout, maxBytes: cap ?? this.budget, codes: { ...POLICY_CODES, notFound } });
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
    const live = (item) => item && typeof item === "object" && item.deleted !== true;
    const users = new Map();
    const user = (id, username, extra = {}) => {
      if (typeof id !== "string" || id === "") return null;
      const known = users.get(id) ?? { id, groups: new Set() };
      if (typeof username === "string" && username !== "") {
        if (known.username !== undefined && known.username !== username) throw malformed(`tenant ${tenant}: user ${id} has two usernames`);
        known.username = username;
      }
      if (extra.superAdmin === true || extra.instanceOwner === true) known.superAdmin = true;
      users.set(id, known);
      return known;
    };
    for (const item of access.filter(live)) {
      const who = item.user && typeof item.user === "object" ? item.user : item;
      user(item.userId ?? who.id, item.username ?? who.username, { superAdmin: item.superAdmin ?? who.superAdmin, instanceOwner: item.instanceOwner ?? who.instanceOwner });
    }
    const liveGroups = groups.filter(live);
    // Members, a few groups at a time.
    for (let i = 0; i < liveGroups.length; i += 4) {
      const slice = liveGroups.slice(i, i + 4);
      const members = await Promise.all(slice.map((g) => this.all(`${at}/groups/${encodeURIComponent(String(g.id))}/members`)));
      slice.forEach((group, j) => {
        for (const member of members[j].filter(live)) user(member.id, member.username)?.groups.add(group.id);
      });
    }
    const outBindings = [];
    for (const raw of bindings.filter(live)) {
      const b = raw.binding && typeof raw.binding === "object" ? raw.binding : raw;
      if (b.deleted === true) continue;
      if (b.externalId !== undefined || b.roleId !== undefined) {
        outBindings.push(pick(b, ["id", "type", "externalId", "roleId", "namespaceId"]));
        continue;
      }
      // The detail shape names the user with their username: the user is listed too.
      if (b.user && typeof b.user === "object") user(b.user.id, b.user.username);
      outBindings.push({
        ...pick(b, ["id", "type", "namespace"]),
        role: { id: idOf(b.role) },
        ...(b.group ? { group: { id: idOf(b.group) } } : {}),
        ...(b.user ? { user: { id: idOf(b.user) } } : {}),
      });
    }
    return {
      roles: roles.filter(live).map((r) => pick(r, ["id", "name", "description", "permissions", "isDefault", "isManaged"])),
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
   * `GET /api/v1/{tenant}/executions/{id}`. Kept in a bounded cache, since an execution never
   * changes namespace. Null when Kestra has no such object or the kind is not one read here.
   */
  async lookup(tenant, kind, id) {
    if (kind !== "execution" || typeof id !== "string" || id === "" || !TENANT_ID.test(tenant ?? "")) return null;
    const key = `${tenant}\u0000${id}`;
    const known = this.lookups.get(key);
    if (known !== undefined) {
      this.lookups.delete(key);
      this.lookups.set(key, known);
      return known;
    }
    const execution = await this.getJson(`/api/v1/${tenant}/executions/${encodeURIComponent(id)}`, { notFound: true, cap: MAX_KEY_DOCUMENT_BYTES });
    const namespace = execution?.namespace;
    if (typeof namespace !== "string") return null;
    if (this.lookupCacheSize > 0) {
      this.lookups.set(key, namespace);
      if (this.lookups.size > this.lookupCacheSize) this.lookups.delete(this.lookups.keys().next().value);
    }
    return namespace;
  }

  /** The answers to a decision's `lookup` list, as `authorizeHttp`'s `namespaces` option. */
  async answer(tenant, lookups) {
    const out = {};
    for (const { kind, id } of lookups ?? []) {
      const namespace = await this.lookup(tenant, kind, id);
      if (namespace !== null) out[`${kind}:${id}`] = namespace;
    }
    return out;
  }
}
