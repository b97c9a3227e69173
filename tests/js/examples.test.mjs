// Every example, run in its host: the Node middleware, the Cloudflare worker (miniflare), the
// Deno server and the vanilla front end (headless Chromium). Tokens are ES256, signed here
// with a key made for the test and published as the JWKS the examples verify with; the
// examples use the host clock.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { generateKeyPairSync, sign } from "node:crypto";
import { launchChromium, serveRepo, startDeno, startWorker } from "./hosts.mjs";
import { kestraAuthz } from "../../examples/node/middleware.mjs";

const require = createRequire(import.meta.url);
const { Authorizer } = require("../../pkg/nodejs/kestra_authz.js");

const ISSUER = "https://sso.example.com/application/o/kestra/";
const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
const JWKS = JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1", alg: "ES256", use: "sig" }] });
const KESTRA_CONFIG = `
micronaut:
  security:
    oauth2:
      clients:
        authentik:
          client-id: kestra-client
          openid:
            issuer: ${ISSUER}
kestra:
  ee:
    tenants:
      enabled: true
      defaultTenant: false
`;
const POLICY = JSON.stringify({
  tenants: {
    main: {
      roles: [{ id: "dev", name: "Developer", permissions: { FLOW: ["READ", "UPDATE"], EXECUTION: ["CREATE"] } }],
      users: [{ id: "u1", username: "alice@example.com" }],
      bindings: [{ id: "b1", type: "USER", externalId: "u1", roleId: "dev", namespaceId: "company" }],
    },
  },
});

const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
function mint(email, { expired = false } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: ISSUER, aud: "kestra-client", sub: email, email, iat: now - 600, exp: expired ? now - 1 : now + 300 };
  const input = `${b64({ alg: "ES256", kid: "k1", typ: "JWT" })}.${b64(claims)}`;
  return `${input}.${sign("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url")}`;
}

/** The same requests and answers for every server-side host. */
async function exercise(base) {
  const call = async (method, path, token) => {
    const response = await fetch(`${base}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, body: await response.json() };
  };
  const alice = mint("alice@example.com");
  let r = await call("GET", "/api/v1/main/flows/company.team/hello", alice);
  assert.equal(r.status, 200);
  assert.equal(r.body.code, "ALLOWED");
  assert.equal(r.body.route, "GET /api/v1/{tenant}/flows/{namespace}/{id}");
  assert.deepEqual(r.body.checks.map((c) => [c.permission, c.action, c.namespace]), [["FLOW", "READ", "company.team"]]);
  r = await call("POST", "/api/v1/main/executions/company.team/hello", alice);
  assert.equal(r.status, 200);
  r = await call("DELETE", "/api/v1/main/flows/company.team/hello", alice);
  assert.deepEqual([r.status, r.body.code], [403, "DENIED_NO_GRANT"]);
  r = await call("GET", "/api/v1/main/flows/companyx/hello", alice);
  assert.deepEqual([r.status, r.body.code], [403, "DENIED_NAMESPACE_NOT_COVERED"]);
  r = await call("GET", "/api/v1/main/secrets/company", alice);
  assert.deepEqual([r.status, r.body.code], [403, "ROUTE_NOT_MAPPED"]);
  r = await call("GET", "/api/v1/main/flows/company.team/hello");
  assert.deepEqual([r.status, r.body.code], [401, "SESSION_REQUIRED"]);
  r = await call("POST", "/api/v1/main/executions/webhook/company.team/hello/the-key");
  assert.deepEqual([r.status, r.body.code], [200, "PUBLIC_ROUTE"]);
  assert.doesNotMatch(JSON.stringify(r.body), /the-key/);
  r = await call("GET", "/api/v1/main/flows/company.team/hello", mint("alice@example.com", { expired: true }));
  assert.deepEqual([r.status, r.body.code], [401, "ERR_JWT_EXPIRED"]);
  r = await call("GET", "/api/v1/main/flows/company.team/hello", `${alice.slice(0, -4)}AAAA`);
  assert.deepEqual([r.status, r.body.code], [401, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"]);
  r = await call("GET", "/api/v1/main/flows/company.team/hello", mint("mallory@example.com"));
  assert.deepEqual([r.status, r.body.code], [403, "DENIED_NO_TENANT_ACCESS"]);
}

test("Node middleware", async () => {
  const authz = new Authorizer({ kestraConfig: KESTRA_CONFIG, jwks: JWKS, policy: POLICY });
  const guard = kestraAuthz(authz);
  const server = createServer((req, res) => guard(req, res, () => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(req.kestraDecision))));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await exercise(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.close();
    authz.free();
  }
});

test("Cloudflare worker (miniflare)", async () => {
  const worker = await startWorker("examples/worker/worker.mjs", { KESTRA_CONFIG, JWKS, POLICY });
  try {
    await exercise(worker.origin);
  } finally {
    await worker.stop();
  }
});

test("Deno server", async () => {
  const deno = await startDeno("examples/deno/server.mjs", { KESTRA_CONFIG, JWKS, POLICY });
  try {
    await exercise(deno.origin);
  } finally {
    deno.stop();
  }
});

let site;
before(async () => {
  site = await serveRepo({
    "/examples/frontend/config.json": { kestraConfig: KESTRA_CONFIG, jwks: JWKS, policy: POLICY, authority: ISSUER, clientId: "kestra-client", tenant: "main" },
  });
});
after(() => site?.close());

test("vanilla front end with an oidc-client-ts User (headless Chromium)", async () => {
  const browser = await launchChromium();
  const visible = async (page) => page.$$eval("button[data-permission]", (bs) => bs.filter((b) => !b.hidden).map((b) => b.textContent));
  try {
    const page = await browser.newPage();
    const user = { id_token: mint("alice@example.com"), access_token: "a", token_type: "Bearer", profile: { email: "alice@example.com" }, expires_at: 0 };
    await page.addInitScript((stored) => sessionStorage.setItem("oidc.user:https://sso.example.com/application/o/kestra/:kestra-client", stored), JSON.stringify(user));
    await page.goto(`${site.origin}/examples/frontend/index.html`);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.textContent("#who"), "Signed in as alice@example.com.");
    assert.deepEqual(await visible(page), ["Edit flow", "Run flow"]);

    const signedOut = await browser.newPage();
    await signedOut.goto(`${site.origin}/examples/frontend/index.html`);
    await signedOut.waitForSelector("body[data-ready=true]");
    assert.deepEqual(await visible(signedOut), []);
    assert.match(await signedOut.textContent("#error"), /^NO_USER/);
  } finally {
    await browser.close();
  }
});
