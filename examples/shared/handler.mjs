// The decision an edge in front of Kestra makes for one API request: Bearer ID token ->
// verified session -> the route's checks, from the module's own route table (every operation
// of Kestra's published API, in the policy's model) -> 200, 401 or 403 with the code.

const json = (status, body) => ({ status, body: JSON.stringify(body), headers: { "content-type": "application/json" } });

/**
 * `authz`: a kestra-authz Authorizer. `url`: the request target as received (path and query);
 * a full URL is reduced to them. Returns { status, body, headers }.
 */
export function handle(authz, { method, url, authorization, impersonate, body, namespaces, mode, now }) {
  const target = url.startsWith("/") ? url : (({ pathname, search }) => pathname + search)(new URL(url));
  const request = { method, url: target, body, namespaces, mode };
  if (impersonate) request.headers = { "x-kestra-impersonate": impersonate };
  const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
  if (!token) {
    // Public routes (webhooks, login helpers) pass without a session; the rest answer 401.
    const decision = authz.authorizeAnonymousHttp(request);
    return json(decision.status, decision);
  }
  let session;
  try {
    session = authz.verifyIdToken(token, now === undefined ? {} : { now });
  } catch (e) {
    return json(401, { code: e.code ?? "ERR_UNKNOWN", message: e.message });
  }
  try {
    const decision = authz.authorizeHttp(session, request);
    return json(decision.status, { ...decision, user: session.username });
  } finally {
    session.free();
  }
}
