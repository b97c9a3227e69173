// A gateway in front of Kestra's API, the same in every host (fetch-API Request in, Response
// out): it verifies the Bearer ID token, decides the request with the module's route mapping,
// and forwards only what the decision covered, to the upstream Kestra, as it came.
import { KestraPolicySource, RemoteAuthorizer, readBounded } from "../../js/remote.js";

/**
 * Headers never forwarded: those of one connection (RFC 9110 §7.6.1, `Expect` included), those
 * fetch sets itself, and the client's claims about forwarding, which Kestra may trust from
 * its proxy.
 */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "expect", "host", "content-length", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-forwarded-prefix", "x-real-ip"];
/** The most body bytes read to find a namespace in it; the module refuses more anyway. */
const MAX_READ_BODY = 1024 * 1024;

const answer = (status, body) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** The headers to forward: the request's, less hop-by-hop ones and those `Connection` names. */
function forwardable(headers, drop = []) {
  const named = (headers.get("connection") ?? "").split(",").map((h) => h.trim().toLowerCase());
  const out = new Headers();
  for (const [name, value] of headers) {
    if (HOP_BY_HOP.includes(name) || named.includes(name) || drop.includes(name)) continue;
    out.append(name, value);
  }
  return out;
}

/**
 * The gateway from its configuration: `Authorizer` (the package's class, any build), `env` (a
 * function from a variable's name to its value). Variables: KESTRA_URL (the upstream Kestra),
 * KESTRA_API_TOKEN (a service account's token, to read the policy), KESTRA_TENANTS (default
 * `main`), OIDC_ISSUER and OIDC_CLIENT_ID (or KESTRA_CONFIG, Kestra's application.yaml),
 * GATEWAY_MODE (`sole`, the default, or `defense`), POLICY_INTERVAL_MS (default 60000),
 * POLICY_STALE_MS (default 900000), JWKS_MAX_AGE_MS (default 600000), JWKS_MAX_STALE_MS
 * (default 3600000).
 */
export function gatewayFromEnv(Authorizer, env, { fetch = globalThis.fetch } = {}) {
  const required = (name) => {
    const value = env(name);
    if (!value) throw new Error(`set ${name}`);
    return value;
  };
  const number = (name, fallback) => (env(name) ? Number(env(name)) : fallback);
  const upstream = required("KESTRA_URL");
  const policySource = new KestraPolicySource({
    url: upstream,
    token: required("KESTRA_API_TOKEN"),
    tenants: (env("KESTRA_TENANTS") || "main").split(",").map((t) => t.trim()),
    interval: number("POLICY_INTERVAL_MS", 60_000),
    staleAfter: number("POLICY_STALE_MS", 900_000),
    fetch,
  });
  const kestraConfig = env("KESTRA_CONFIG") || undefined;
  const authorizer = new RemoteAuthorizer({
    Authorizer,
    issuer: required("OIDC_ISSUER"),
    options: { ...(kestraConfig ? { kestraConfig } : {}), ...(env("OIDC_CLIENT_ID") ? { clientId: env("OIDC_CLIENT_ID") } : {}) },
    policySource,
    maxAge: number("JWKS_MAX_AGE_MS", 600_000),
    maxStale: number("JWKS_MAX_STALE_MS", 3_600_000),
    fetch,
  });
  return createGateway({ authorizer, policySource, upstream, mode: env("GATEWAY_MODE") || "sole", fetch });
}

/**
 * `authorizer`: a RemoteAuthorizer (keys, and the policy through its policy source);
 * `policySource`: the KestraPolicySource that answers execution lookups (optional);
 * `upstream`: Kestra's base URL. Answers `{ handle(request) -> Promise<Response>, authorizer, policySource }`.
 */
export function createGateway({ authorizer, policySource = null, upstream, mode = "sole", fetch = globalThis.fetch }) {
  const base = upstream.replace(/\/+$/, "");

  /** The decision for `request` (its headers already those that would be forwarded). */
  async function decide(request, headers, target) {
    const impersonate = headers.get("x-kestra-impersonate");
    // Two values would be joined with a comma here, and Kestra might read only the first.
    if (impersonate !== null && impersonate.includes(",")) {
      return { refusal: answer(403, { allowed: false, code: "IMPERSONATION_DENIED", status: 403, reason: "X-Kestra-Impersonate must name one user" }) };
    }
    const ask = { method: request.method, url: target, mode, ...(impersonate !== null ? { headers: { "x-kestra-impersonate": impersonate } } : {}) };
    const token = /^bearer +(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
    // One Authorizer for the whole request (the keys and the policy of one snapshot, the one
    // that verified the session), held until the decision is made.
    let held;
    let session = null;
    try {
      held = token ? await authorizer.verify(token) : await authorizer.acquire();
      session = held.session ?? null;
    } catch (e) {
      // No keys or no policy to decide with is the gateway's outage, not the caller's fault;
      // its details (Kestra's address) stay in the gateway's own logs.
      if (/^ERR_(POLICY|REMOTE|DISCOVERY)_/.test(e?.code ?? "")) return { refusal: answer(503, { allowed: false, code: e.code, status: 503 }) };
      return { refusal: answer(401, { allowed: false, code: e?.code ?? "ERR_UNKNOWN", status: 401, message: e?.message }) };
    }
    const authz = held.authorizer;
    try {
      const judge = () => (session ? authz.authorizeHttp(session, ask) : authz.authorizeAnonymousHttp(ask));
      let decision = judge();
      let body;
      // The route reads its namespace in the body: read it (bounded), as bytes to forward as they came.
      if (decision.code === "BODY_NAMESPACE_MISSING" && request.body !== null) {
        // Read as UTF-8 here, it must be read as UTF-8 by Kestra too.
        // One charset parameter at most, UTF-8 (a server may read the last of two).
        const charsets = (headers.get("content-type") ?? "")
          .split(";")
          .slice(1)
          .map((p) => p.split("="))
          .filter(([name]) => name.trim().toLowerCase() === "charset")
          .map(([, value = ""]) => value.trim().replace(/^"(.*)"$/, "$1").toLowerCase());
        const encoding = headers.get("content-encoding");
        if (charsets.length > 1 || charsets.some((c) => c !== "utf-8" && c !== "utf8") || (encoding !== null && encoding.toLowerCase() !== "identity")) {
          return { refusal: answer(403, { allowed: false, code: "BODY_UNREADABLE", status: 403, reason: "a body read for its namespace must be UTF-8, not encoded" }) };
        }
        body = await readBounded(request.body, MAX_READ_BODY);
        if (body === null) return { refusal: answer(403, { allowed: false, code: "BODY_TOO_LARGE", status: 403, reason: `the body is over ${MAX_READ_BODY} bytes` }) };
        try {
          ask.body = new TextDecoder("utf-8", { fatal: true }).decode(body);
        } catch {
          return { refusal: answer(403, { allowed: false, code: "BODY_UNREADABLE", status: 403, reason: "the body is not UTF-8" }) };
        }
        decision = judge();
      }
      let looked = false;
      if (decision.code === "NEEDS_LOOKUP" && policySource !== null) {
        try {
          ask.namespaces = await policySource.answer(decision.tenant, decision.lookup);
        } catch (e) {
          return { refusal: answer(503, { allowed: false, code: e?.code ?? "ERR_POLICY_FETCH_FAILED", status: 503 }) };
        }
        looked = true;
        decision = judge();
      }
      if (looked && !decision.allowed) {
        // Where an object lives is not the caller's to learn from a refusal.
        decision = { ...decision, checks: decision.checks.map((c) => (c.from === "lookup" || c.from === "ids" ? { ...c, namespace: null } : c)) };
      }
      return { decision, body };
    } finally {
      session?.free();
      held.release();
    }
  }

  async function handle(request) {
    const url = new URL(request.url);
    // Decided on exactly what is forwarded: the path and query as this host parsed them, and
    // the headers that would go on (so `Connection` cannot drop a header after the decision).
    const target = url.pathname + url.search;
    const headers = forwardable(request.headers);
    const { refusal, decision, body } = await decide(request, headers, target);
    if (refusal || !decision.allowed) {
      // A body left unread stalls the connection in some hosts (workerd): it is read and
      // dropped, up to the bound; past it the connection is given up.
      if (request.body !== null && !request.bodyUsed) await readBounded(request.body, MAX_READ_BODY).catch(() => null);
      return refusal ?? answer(decision.status, decision);
    }
    // X-Kestra-Impersonate goes on only when the decision was made for the impersonated user.
    // Accept-Encoding stays here: the hosts' fetch decodes what it receives.
    headers.delete("accept-encoding");
    if (!decision.impersonated) headers.delete("x-kestra-impersonate");
    const forwarded = await fetch(`${base}${target}`, {
      method: request.method,
      headers,
      body: body ?? request.body,
      redirect: "manual",
      ...(body === undefined && request.body !== null ? { duplex: "half" } : {}),
    });
    const back = forwardable(forwarded.headers, ["content-encoding"]);
    // Streamed: server-sent events (execution follow routes) pass through as they come.
    return new Response(forwarded.body, { status: forwarded.status, statusText: forwarded.statusText, headers: back });
  }

  return { handle, authorizer, policySource };
}
