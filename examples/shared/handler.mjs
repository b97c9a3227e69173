// The decision an edge in front of Kestra makes for one API request: Bearer ID token ->
// verified session -> the permission the route needs -> 200, 401 or 403 with the code.
// The route table here covers flows and executions (enough for the examples); unknown routes
// are refused, never allowed.

const ROUTES = [
  // [method, pattern, permission, action]; pattern groups: tenant, then namespace if any.
  ["GET", /^\/api\/v1\/([a-z0-9][a-z0-9_-]*)\/flows\/([a-z0-9][a-z0-9._-]*)\/[^/]+$/, "FLOW", "READ"],
  ["PUT", /^\/api\/v1\/([a-z0-9][a-z0-9_-]*)\/flows\/([a-z0-9][a-z0-9._-]*)\/[^/]+$/, "FLOW", "UPDATE"],
  ["DELETE", /^\/api\/v1\/([a-z0-9][a-z0-9_-]*)\/flows\/([a-z0-9][a-z0-9._-]*)\/[^/]+$/, "FLOW", "DELETE"],
  ["POST", /^\/api\/v1\/([a-z0-9][a-z0-9_-]*)\/executions\/([a-z0-9][a-z0-9._-]*)\/[^/]+$/, "EXECUTION", "CREATE"],
];

/** The Kestra permission a request needs, or null for a route this table does not know. */
export function kestraRequest(method, pathname) {
  for (const [m, pattern, permission, action] of ROUTES) {
    const match = m === method ? pattern.exec(pathname) : null;
    if (match) return { permission, action, tenant: match[1], namespace: match[2] };
  }
  return null;
}

const json = (status, body) => ({ status, body: JSON.stringify(body), headers: { "content-type": "application/json" } });

/** `authz`: a kestra-authz Authorizer. Returns { status, body, headers }. */
export function handle(authz, { method, url, authorization, now }) {
  const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
  if (!token) return json(401, { code: "NO_BEARER_TOKEN" });
  let session;
  try {
    session = authz.verifyIdToken(token, now === undefined ? {} : { now });
  } catch (e) {
    return json(401, { code: e.code ?? "ERR_UNKNOWN", message: e.message });
  }
  try {
    const request = kestraRequest(method, new URL(url).pathname);
    if (!request) return json(403, { code: "ROUTE_NOT_MAPPED" });
    const decision = authz.authorize(session, request);
    return json(decision.allowed ? 200 : 403, { ...decision, user: session.username, request });
  } finally {
    session.free();
  }
}
