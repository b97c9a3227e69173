// Remote keys for kestra-authz: the only code of the package that touches the network.
// It fetches an issuer's discovery document and JWKS, builds an Authorizer from them, keeps
// it for `maxAge`, and when a token names a key the JWKS lacks (authentik replaces keys
// without overlap) fetches again, at most once per `cooldown`.

/** An error of this helper: a real Error with a stable `code`, like the module's own. */
export class RemoteKeysError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = "KestraAuthzError";
    this.code = code;
  }
}

function discoveryUrlOf(issuer) {
  return `${issuer.endsWith("/") ? issuer : `${issuer}/`}.well-known/openid-configuration`;
}

export class RemoteAuthorizer {
  /**
   * @param {object} config
   * @param {Function} config.Authorizer the package's Authorizer class (any build)
   * @param {string} config.issuer the expected issuer, byte for byte
   * @param {object} [config.options] other Authorizer options (kestraConfig, policy, clientId, ...)
   * @param {string} [config.discoveryUrl] defaults to `<issuer>/.well-known/openid-configuration`
   * @param {Function} [config.fetch] defaults to globalThis.fetch
   * @param {number} [config.maxAge] milliseconds a fetched JWKS is kept (default 10 minutes)
   * @param {number} [config.cooldown] least milliseconds between refetches for unknown keys (default 30 s)
   * @param {number} [config.timeout] milliseconds per request (default 5 s)
   * @param {Function} [config.now] the clock, in milliseconds (default Date.now)
   */
  constructor({ Authorizer, issuer, options = {}, discoveryUrl, fetch = globalThis.fetch, maxAge = 600_000, cooldown = 30_000, timeout = 5_000, now = () => Date.now() }) {
    if (typeof Authorizer !== "function") throw new RemoteKeysError("ERR_OPTION_INVALID", "pass the package's Authorizer class");
    if (typeof issuer !== "string" || issuer === "") throw new RemoteKeysError("ERR_OPTION_INVALID", "issuer must be a non-empty string");
    if (typeof fetch !== "function") throw new RemoteKeysError("ERR_OPTION_INVALID", "no fetch function in this host: pass one");
    this.Authorizer = Authorizer;
    this.issuer = issuer;
    this.options = options;
    this.discoveryUrl = discoveryUrl ?? discoveryUrlOf(issuer);
    this.fetchFn = fetch;
    this.maxAge = maxAge;
    this.cooldown = cooldown;
    this.timeout = timeout;
    this.now = now;
    this.current = null;
    this.fetchedAt = -Infinity;
    this.inFlight = null;
    this.fetches = 0;
  }

  async get(url) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeout);
    this.fetches += 1;
    try {
      const response = await this.fetchFn(url, { signal: controller.signal, headers: { accept: "application/json" } });
      if (!response.ok) throw new RemoteKeysError("ERR_REMOTE_FETCH_FAILED", `GET ${url}: HTTP ${response.status}`);
      return await response.text();
    } catch (e) {
      if (e instanceof RemoteKeysError) throw e;
      if (controller.signal.aborted) throw new RemoteKeysError("ERR_REMOTE_FETCH_TIMEOUT", `GET ${url}: no answer within ${this.timeout} ms`);
      throw new RemoteKeysError("ERR_REMOTE_FETCH_FAILED", `GET ${url}: ${e?.message ?? e}`, { cause: e });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fetches discovery and JWKS again and swaps in a new Authorizer (the old one is freed). */
  refresh() {
    this.inFlight ??= (async () => {
      try {
        const discovery = await this.get(this.discoveryUrl);
        let jwksUri;
        try {
          jwksUri = JSON.parse(discovery).jwks_uri;
        } catch {
          throw new RemoteKeysError("ERR_DISCOVERY_INVALID", `${this.discoveryUrl} is not JSON`);
        }
        if (typeof jwksUri !== "string") throw new RemoteKeysError("ERR_DISCOVERY_INVALID", `${this.discoveryUrl} has no jwks_uri`);
        const jwks = await this.get(jwksUri);
        // The module parses both documents itself, strictly (duplicate members, key checks).
        const next = new this.Authorizer({ ...this.options, issuer: this.options.issuer ?? this.issuer, discovery, jwks });
        const previous = this.current;
        this.current = next;
        this.fetchedAt = this.now();
        previous?.free();
        return next;
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  /** The Authorizer for the current keys, fetching them when missing or older than maxAge. */
  async authorizer() {
    if (this.current === null || this.now() - this.fetchedAt >= this.maxAge) return this.refresh();
    return this.current;
  }

  /** Verifies a token; an unknown key triggers one refetch per cool-down, then one retry. */
  async verifyIdToken(token, options) {
    const authz = await this.authorizer();
    try {
      return authz.verifyIdToken(token, options);
    } catch (e) {
      if (e?.code !== "ERR_JWKS_NO_MATCHING_KEY" || this.now() - this.fetchedAt < this.cooldown) throw e;
      return (await this.refresh()).verifyIdToken(token, options);
    }
  }

  /** Frees the current Authorizer. */
  free() {
    this.current?.free();
    this.current = null;
  }

  [Symbol.dispose]() {
    this.free();
  }
}
