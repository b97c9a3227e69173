// A loopback stand-in for authentik (discovery, JWKS) and Kestra's API (the policy endpoints,
// paged at most PAGE items a page whatever the size asked; executions), that records every
// other request as it arrived. Shared by the gateway and policy-source tests.
import { createServer } from "node:http";
import { generateKeyPairSync, sign } from "node:crypto";

export const SERVICE_TOKEN = "service-token-0123456789";
export const PAGE = 2;

export function key(kid) {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig" } };
}

const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");

export function initialPolicy() {
  return {
    roles: [
      { id: "dev", name: "Developer", permissions: { FLOW: ["READ", "CREATE", "UPDATE"], EXECUTION: ["READ"], NAMESPACE: ["CREATE"] }, isDefault: false, isManaged: false, deleted: false },
      { id: "imp", name: "Impersonator", permissions: { IMPERSONATE: ["READ"] } },
      { id: "gone", name: "Deleted", permissions: { FLOW: ["DELETE"] }, deleted: true },
    ],
    groups: [{ id: "g-data", name: "data", description: "the data team" }],
    members: { "g-data": [{ id: "u-alice", username: "alice@example.com", displayName: "Alice" }] },
    access: [
      { userId: "u-alice", username: "alice@example.com" },
      { userId: "u-bob", username: "bob@example.com" },
      { userId: "u-carol", username: "carol@example.com" },
    ],
    bindings: [
      // The 2.0 read shape, and the stored one.
      { id: "b1", type: "GROUP", namespace: "company", role: { id: "dev", name: "Developer" }, group: { id: "g-data", name: "data" }, user: null },
      { id: "b2", type: "USER", externalId: "u-carol", roleId: "imp", namespaceId: null },
    ],
  };
}

/** authentik and Kestra on one loopback server. */
export async function standIn() {
  const state = { key: key("k1"), policy: initialPolicy(), received: [], policyRequests: 0, pendingPolicy: 0, policyDown: false, policyDelay: 0, override: null, release: null, lookups: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => route(req, Buffer.concat(chunks), res));
  });
  const json = (res, status, body) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  const paged = (res, url, all) => {
    const page = Number(url.searchParams.get("page"));
    const size = Math.min(Number(url.searchParams.get("size")), PAGE);
    json(res, 200, { results: all.slice((page - 1) * size, page * size), total: all.length });
  };
  function route(req, body, res) {
    const url = new URL(req.url, "http://x");
    const base = `http://127.0.0.1:${server.address().port}/application/o/kestra/`;
    if (url.pathname === "/application/o/kestra/.well-known/openid-configuration") return json(res, 200, { issuer: base, jwks_uri: `${base}jwks/`, id_token_signing_alg_values_supported: ["ES256"] });
    if (url.pathname === "/application/o/kestra/jwks/") return json(res, 200, { keys: [state.key.jwk] });
    const service = req.headers.authorization === `Bearer ${SERVICE_TOKEN}`;
    const policyPath = /^\/api\/v1\/main\/(roles\/search|bindings\/search|groups\/search|tenant-access|groups\/([^/]+)\/members)$/.exec(url.pathname);
    if (policyPath) {
      if (!service) return json(res, 401, { message: "Unauthorized" });
      state.policyRequests += 1;
      state.pendingPolicy += 1;
      setTimeout(() => {
        state.pendingPolicy -= 1;
        if (state.policyDown) return json(res, 503, { message: "down" });
        const special = state.override?.(policyPath[1]);
        if (special) return res.writeHead(special.status, { "content-type": "application/json" }).end(special.text);
        const p = state.policy;
        const all = { "roles/search": p.roles, "bindings/search": p.bindings, "groups/search": p.groups, "tenant-access": p.access }[policyPath[1]] ?? p.members[decodeURIComponent(policyPath[2])] ?? [];
        paged(res, url, all);
      }, state.policyDelay);
      return;
    }
    const execution = /^\/api\/v1\/main\/executions\/(E\d+)$/.exec(url.pathname);
    if (execution && service && ++state.lookups) return json(res, 200, { id: execution[1], namespace: execution[1] === "E1" ? "company.team" : "other" });
    // Everything else is a proxied request: recorded as it arrived.
    state.received.push({ method: req.method, url: req.url, headers: req.headers, body: body.toString("utf8") });
    if (/\/follow$/.test(url.pathname)) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.write("event: first\ndata: {}\n\n");
      state.release = () => res.end("event: last\ndata: {}\n\n");
      return;
    }
    json(res, 200, { upstream: true, path: url.pathname });
  }
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  state.issuer = `${origin}/application/o/kestra/`;
  state.origin = origin;
  state.close = () => new Promise((resolve) => server.close(resolve));
  state.mint = (email, k = state.key) => {
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64({ alg: "ES256", kid: k.kid, typ: "JWT" })}.${b64({ iss: state.issuer, aud: "kestra-client", sub: email, email, iat: now - 10, exp: now + 600 })}`;
    return `${input}.${sign("sha256", Buffer.from(input), { key: k.privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
  };
  state.reset = () => Object.assign(state, { key: key("k1"), policy: initialPolicy(), received: [], policyDown: false, policyDelay: 0, override: null });
  return state;
}

