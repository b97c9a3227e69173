// The demo page: a demo signer (keys made here with WebCrypto), and the package's web build
// deciding. No bundler, no network beyond this page's own files.
import init, { Authorizer, diffPolicies } from "../pkg/web/kestra_authz.js";

const ISSUER = "http://localhost:9000/application/o/kestra/";
const CLIENT_ID = "kestra-demo";
const DEFAULT_YAML = `micronaut:
  security:
    oauth2:
      enabled: true
      clients:
        authentik:
          client-id: "${CLIENT_ID}"
          client-secret: "CLIENT_SECRET"
          openid:
            issuer: "${ISSUER}"
kestra:
  security:
    defaultRole:
      name: default_admin_role
      description: "Default Admin Role"
      permissions:
        NAMESPACE: ["CREATE", "READ", "UPDATE", "DELETE"]
        ROLE: ["CREATE", "READ", "UPDATE", "DELETE"]
        GROUP: ["CREATE", "READ", "UPDATE", "DELETE"]
        EXECUTION: ["CREATE", "READ", "UPDATE", "DELETE"]
        AUDITLOG: ["CREATE", "READ", "UPDATE", "DELETE"]
        USER: ["CREATE", "READ", "UPDATE", "DELETE"]
        BINDING: ["CREATE", "READ", "UPDATE", "DELETE"]
        FLOW: ["CREATE", "READ", "UPDATE", "DELETE"]
        SECRET: ["CREATE", "READ", "UPDATE", "DELETE"]
        BLUEPRINT: ["CREATE", "READ", "UPDATE", "DELETE"]
        INFRASTRUCTURE: ["CREATE", "READ", "UPDATE", "DELETE"]
        KVSTORE: ["CREATE", "READ", "UPDATE", "DELETE"]
  ee:
    tenants:
      enabled: true
      defaultTenant: false
`;

/** What each code means, in plain words. */
const EXPLAIN = {
  ERR_JWT_EXPIRED: "The token has expired: its exp is not after the current time.",
  ERR_JWT_CLAIM_VALIDATION_FAILED: "A claim of the token is missing, malformed, or not what this client expects.",
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "The signature does not match: the token was changed, or signed with another key.",
  ERR_JOSE_ALG_NOT_ALLOWED: "The token's algorithm is not one this provider uses (the allow-list comes from the JWKS, the discovery document or the configuration, never from the token).",
  ERR_JOSE_NOT_SUPPORTED: "The token uses something this module does not support (an encrypted token, an unknown algorithm, a critical header).",
  ERR_JWKS_NO_MATCHING_KEY: "No key of the JWKS fits the token's algorithm and kid.",
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: "Several keys fit and the token names no kid to choose between them.",
  ERR_JWS_INVALID: "This is not a well-formed signed token (three base64url parts).",
  ERR_JWT_INVALID: "The token's payload is not a JSON object.",
  ERR_JWKS_INVALID: "The JWKS is not usable: not JSON, no keys array, or a weak or malformed key.",
  ERR_CONFIG_INVALID: "The Kestra configuration cannot be used.",
  ERR_POLICY_INVALID: "The policy JSON cannot be used.",
  ERR_OPTION_INVALID: "An input is missing or out of range.",
  ERR_DISCOVERY_INVALID: "The discovery document cannot be used, or names another issuer.",
  ERR_TOKEN_TOO_LARGE: "The token is larger than the limit.",
  ERR_KID_TOO_LONG: "The token's kid is longer than any key id a provider uses.",
  ERR_JWKS_TOO_MANY_KEYS: "The JWKS holds more keys than a provider publishes.",
  ERR_INPUT_TOO_LARGE: "A JWKS, discovery document, configuration or policy is larger than its limit.",
  ERR_UNKNOWN_PERMISSION: "No Kestra version has this permission (in this policy's model).",
  ERR_UNKNOWN_ACTION: "This action does not exist for this permission (in this policy's model).",
  ERR_NAMESPACE_INVALID: "Kestra namespaces are lower-case letters, digits, '.', '_' and '-', in whole segments.",
  ERR_TENANT_INVALID: "Kestra tenant ids are lower-case letters, digits, '_' and '-'.",
  ERR_SESSION_FOREIGN: "The session was verified by an Authorizer for another issuer or client: verify the token with this one.",
  ALLOWED: "Granted.",
  DENIED_NO_GRANT: "No binding, group or default role grants it.",
  DENIED_NAMESPACE_NOT_COVERED: "It is granted on other namespaces, not on this one.",
  DENIED_GLOBAL_ONLY: "This permission is global-only: only a binding without a namespace grants it.",
  DENIED_TENANT_REQUIRED: "Tenants are enabled without a default tenant: name a tenant.",
  DENIED_NO_TENANT_ACCESS: "The user has no access to this tenant.",
  DENIED_INSTANCE_OWNER_ONLY: "Only the Instance Owner may do this.",
  DENIED_NO_USERNAME: "The token has no email (the Kestra username).",
};

const $ = (id) => document.getElementById(id);
const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const text = (s) => b64url(new TextEncoder().encode(s));

const keys = {};
async function makeKeys() {
  keys.RS256 = await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"]);
  keys.ES256 = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
}

async function jwksFor(alg) {
  if (alg === "HS256") return "{}";
  const jwk = await crypto.subtle.exportKey("jwk", keys[alg].publicKey);
  const { kty, n, e, crv, x, y } = jwk;
  const key = kty === "RSA" ? { kty, n, e } : { kty, crv, x, y };
  return JSON.stringify({ keys: [{ ...key, kid: `demo-${alg.toLowerCase()}`, alg, use: "sig" }] }, null, 2);
}

async function mint() {
  const alg = $("alg").value;
  const now = Math.floor(Date.now() / 1000);
  const email = $("email").value;
  const header = { alg, typ: "JWT", ...(alg === "HS256" ? {} : { kid: `demo-${alg.toLowerCase()}` }) };
  const claims = {
    iss: ISSUER,
    sub: "5f0b6a1c9d0e4b7f8a2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607182",
    aud: CLIENT_ID,
    exp: now + Number($("expires").value || 0),
    iat: now - 5,
    auth_time: now - 10,
    acr: "goauthentik.io/providers/oauth2/default",
    amr: ["pwd"],
    ...($("nonce").value ? { nonce: $("nonce").value } : {}),
    email,
    email_verified: true,
    name: email.split("@")[0],
    given_name: email.split("@")[0],
    preferred_username: email.split("@")[0],
    nickname: email.split("@")[0],
    groups: $("groups").value.split(",").map((g) => g.trim()).filter(Boolean),
  };
  // An expired demo token still has iat before exp, and auth_time before iat.
  if (claims.exp <= claims.iat) claims.iat = claims.exp - 60;
  claims.auth_time = Math.min(claims.auth_time, claims.iat - 5);
  const input = `${text(JSON.stringify(header))}.${text(JSON.stringify(claims))}`;
  const data = new TextEncoder().encode(input);
  let signature;
  if (alg === "RS256") signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", keys.RS256.privateKey, data);
  else if (alg === "ES256") signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, keys.ES256.privateKey, data);
  else {
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode($("secret").value), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    signature = await crypto.subtle.sign("HMAC", key, data);
  }
  $("token").value = `${input}.${b64url(signature)}`;
}

let current = { authz: null, session: null };
function release() {
  current.session?.free();
  current.authz?.free();
  current = { authz: null, session: null };
}

function errorBlock(e, title) {
  const code = e?.code ?? "ERROR";
  const div = document.createElement("div");
  div.className = "error";
  div.dataset.code = code;
  const strong = document.createElement("strong");
  strong.textContent = `${title}: ${code}`;
  const p = document.createElement("p");
  p.textContent = EXPLAIN[code] ?? "";
  const evidence = document.createElement("p");
  evidence.textContent = [e?.message, e?.claim && `claim: ${e.claim}`, e?.reason && `reason: ${e.reason}`].filter(Boolean).join(" — ");
  div.append(strong, p, evidence);
  return div;
}

function keysOptions() {
  const raw = $("keys").value.trim();
  if (!raw) return {};
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { jwks: raw }; // the module reports the error with its code
  }
  return parsed && typeof parsed === "object" && "jwks_uri" in parsed ? { discovery: raw } : { jwks: raw };
}

function evaluate() {
  release();
  const warnings = $("warnings");
  const verification = $("verification");
  warnings.replaceChildren();
  verification.replaceChildren();
  $("matrix").replaceChildren();
  $("reasons").replaceChildren();
  $("where").textContent = "";
  $("who").replaceChildren();
  renderDiff();
  try {
    current.authz = new Authorizer({
      kestraConfig: $("yaml").value,
      ...keysOptions(),
      policy: $("policy").value.trim() || undefined,
      model: $("model").value,
      ...($("alg").value === "HS256" ? { clientSecret: $("secret").value } : {}),
    });
  } catch (e) {
    warnings.append(errorBlock(e, "Configuration"));
    return done();
  }
  renderWho();
  for (const w of current.authz.warnings) {
    const li = document.createElement("li");
    li.dataset.code = w.code;
    li.textContent = `${w.code} (${w.path}): ${w.message}`;
    warnings.append(li);
  }
  try {
    const nonce = $("nonce").value;
    current.session = current.authz.verifyIdToken($("token").value.trim(), { ...(nonce ? { nonce } : {}), tenant: $("tenant").value || undefined });
  } catch (e) {
    verification.append(errorBlock(e, "Token refused"));
    return done();
  }
  const ok = document.createElement("div");
  ok.className = "ok";
  ok.dataset.code = "VERIFIED";
  const strong = document.createElement("strong");
  strong.textContent = `Verified ${current.session.alg} token of ${current.session.username ?? current.session.subject} (model: ${current.authz.model})`;
  const dl = document.createElement("dl");
  for (const [k, v] of Object.entries(current.session.claims)) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = typeof v === "string" ? v : JSON.stringify(v);
    dl.append(dt, dd);
  }
  ok.append(strong, dl);
  verification.append(ok);
  renderMatrix();
  renderWhere();
  done();
}

function request(permission, action) {
  return { permission, action, namespace: $("namespace").value || undefined, tenant: $("tenant").value || undefined };
}

function renderMatrix() {
  const table = $("matrix");
  table.replaceChildren();
  let matrix;
  try {
    matrix = current.authz.matrix(current.session, { namespace: $("namespace").value || undefined, tenant: $("tenant").value || undefined });
  } catch (e) {
    $("reasons").replaceChildren(errorBlock(e, "Matrix"));
    return;
  }
  const actions = [];
  for (const row of Object.values(matrix)) for (const a of Object.keys(row)) if (!actions.includes(a)) actions.push(a);
  const head = document.createElement("tr");
  head.append(Object.assign(document.createElement("th"), { textContent: "permission", scope: "col" }));
  for (const a of actions) head.append(Object.assign(document.createElement("th"), { textContent: a, scope: "col" }));
  table.append(head);
  for (const [permission, row] of Object.entries(matrix)) {
    const tr = document.createElement("tr");
    tr.append(Object.assign(document.createElement("th"), { textContent: permission, scope: "row" }));
    for (const action of actions) {
      const td = document.createElement("td");
      if (!(action in row)) {
        td.className = "none";
        td.textContent = "–";
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.dataset.permission = permission;
        button.dataset.action = action;
        button.dataset.allowed = String(row[action]);
        button.textContent = row[action] ? "✓" : "✗";
        button.setAttribute("aria-label", `${permission} ${action}: ${row[action] ? "granted" : "not granted"}`);
        button.setAttribute("aria-pressed", "false");
        button.addEventListener("click", () => showReasons(button));
        td.append(button);
      }
      tr.append(td);
    }
    table.append(tr);
  }
}

function showReasons(button) {
  for (const b of document.querySelectorAll("#matrix button[aria-pressed=true]")) b.setAttribute("aria-pressed", "false");
  button.setAttribute("aria-pressed", "true");
  const out = $("reasons");
  out.replaceChildren();
  const { permission, action } = button.dataset;
  let decision;
  let suggestions = [];
  try {
    ({ decision, suggestions } = current.authz.explain(current.session, request(permission, action)));
  } catch (e) {
    out.append(errorBlock(e, `${permission} ${action}`));
    return;
  }
  const box = document.createElement("div");
  box.className = decision.allowed ? "ok" : "error";
  box.dataset.code = decision.code;
  const strong = document.createElement("strong");
  strong.textContent = `${permission} ${action} in ${$("namespace").value || "(no namespace)"}, tenant ${decision.tenant ?? "(none)"}: ${decision.code}`;
  const p = document.createElement("p");
  p.textContent = EXPLAIN[decision.code] ?? "";
  box.append(strong, p);
  if (decision.reasons.length) {
    const ul = document.createElement("ul");
    for (const r of decision.reasons) {
      const li = document.createElement("li");
      li.textContent = `via ${r.via}: role ${r.roleName ?? r.role ?? "–"}${r.binding ? `, binding ${r.binding}` : ""}${r.group ? `, group ${r.group}` : ""}, ${r.namespace ? `namespace ${r.namespace}` : "tenant-wide"}`;
      ul.append(li);
    }
    box.append(ul);
  }
  if (suggestions.length) {
    const title = document.createElement("p");
    title.textContent = "What would grant it, smallest change first:";
    const ol = document.createElement("ol");
    ol.className = "suggestions";
    for (const s of suggestions) {
      const li = document.createElement("li");
      li.dataset.kind = s.kind;
      li.textContent = s.message;
      ol.append(li);
    }
    box.append(title, ol);
  }
  out.append(box);
}

function renderWhere() {
  const out = $("where");
  try {
    const grants = current.authz.allowedNamespaces(current.session, $("where-permission").value, $("where-action").value, $("tenant").value || undefined);
    out.textContent = grants.everywhere ? "Everywhere in the tenant (a tenant-wide grant)." : grants.namespaces.length ? `In ${grants.namespaces.join(", ")} and below.` : "Nowhere.";
    out.dataset.code = "OK";
  } catch (e) {
    out.textContent = `${e.code}: ${EXPLAIN[e.code] ?? e.message}`;
    out.dataset.code = e.code;
  }
}

/** Who holds the "where" panel's permission and action, on the matrix's namespace and tenant. */
function renderWho() {
  const out = $("who");
  out.replaceChildren();
  const line = (text, code) => {
    const p = document.createElement("p");
    p.textContent = text;
    if (code) p.dataset.code = code;
    out.append(p);
    return p;
  };
  try {
    const who = current.authz.whoCan({
      permission: $("where-permission").value,
      action: $("where-action").value,
      ...($("namespace").value ? { namespace: $("namespace").value } : {}),
      ...($("tenant").value ? { tenant: $("tenant").value } : {}),
    });
    out.dataset.code = "OK";
    if (who.tenant === null) return line("Nobody: the configuration requires a tenant, and none is named.", "NO_TENANT");
    const list = (title, items, describe) => {
      line(`${title} (${items.length})${items.length ? ":" : ""}`);
      if (!items.length) return;
      const ul = document.createElement("ul");
      ul.className = "who";
      for (const item of items) {
        const li = document.createElement("li");
        li.textContent = describe(item);
        ul.append(li);
      }
      out.append(ul);
    };
    const why = (reasons) => reasons.map((r) => `${r.roleName ?? r.role ?? r.via} via ${r.via}${r.group ? ` ${r.group}` : ""}${r.namespace ? ` on ${r.namespace}` : " tenant-wide"}`).join("; ");
    list("Users", who.users, (u) => `${u.username}: ${why(u.reasons)}`);
    list("Groups", who.groups, (g) => `${g.name} (${g.id}): ${why(g.reasons)}`);
    line(who.defaultRole ? `Every user the policy does not list, through the first-login role ${who.defaultRole.name}.` : "The first-login role does not grant it.", "DEFAULT_ROLE");
    if (who.instanceOwners.length) line(`Instance Owners: ${who.instanceOwners.join(", ")}.`);
  } catch (e) {
    line(`${e.code}: ${EXPLAIN[e.code] ?? e.message}`, e.code);
    out.dataset.code = e.code;
  }
}

/** What the pasted "after" policy changes, against the policy above. */
function renderDiff() {
  const out = $("diff");
  out.replaceChildren();
  const after = $("policy-after").value.trim();
  const line = (text, code) => {
    const p = document.createElement("p");
    p.textContent = text;
    if (code) p.dataset.code = code;
    out.append(p);
  };
  if (!after) return line("Paste a changed policy to see what it does.", "EMPTY");
  const side = (policy) => ({ policy: policy || "{}", kestraConfig: $("yaml").value });
  let diff;
  try {
    diff = diffPolicies(side($("policy").value.trim()), side(after), { model: $("model").value });
  } catch (e) {
    return line(`${e.code}: ${EXPLAIN[e.code] ?? ""} ${e.message}`, e.code);
  }
  if (!diff.changes.length) return line("No one's access changes.", "NO_CHANGE");
  const where = (r) => `${r.namespace === null ? "everywhere" : `on ${r.namespace}`}${r.except.length ? ` (except ${r.except.join(", ")})` : ""}${r.also.length ? `; also ${r.also.join(", ")}` : ""}`;
  const kinds = { USER: "User", GROUP: "Group", DEFAULT_ROLE: "First-login role" };
  const ul = document.createElement("ul");
  ul.className = "diff";
  for (const c of diff.changes) {
    const li = document.createElement("li");
    li.dataset.principal = c.principal.type;
    const strong = document.createElement("strong");
    strong.textContent = `${kinds[c.principal.type]} ${c.principal.name}, ${c.tenant === null ? "every tenant neither policy lists" : `tenant ${c.tenant}`}`;
    li.append(strong);
    for (const [sign, list, cls] of [["+", c.gained, "gained"], ["−", c.lost, "lost"]]) {
      for (const r of list) {
        const span = document.createElement("span");
        span.className = cls;
        span.textContent = `${sign} ${r.permission} ${r.action} ${where(r)}`;
        li.append(span);
      }
    }
    ul.append(li);
  }
  line(`${diff.changes.length} change(s) of access (${diff.model} model):`, "CHANGES");
  out.append(ul);
}

function done() {
  document.body.dataset.evaluations = String(Number(document.body.dataset.evaluations ?? 0) + 1);
}

let timer;
const later = () => {
  clearTimeout(timer);
  timer = setTimeout(evaluate, 150);
};

await init();
await makeKeys();
$("yaml").value = DEFAULT_YAML;
$("keys").value = await jwksFor($("alg").value);
await mint();
evaluate();

for (const id of ["yaml", "keys", "policy", "token", "tenant", "namespace", "model", "where-permission", "where-action", "policy-after"]) $(id).addEventListener("input", later);
$("model").addEventListener("change", evaluate);
$("mint").addEventListener("click", async () => {
  await mint();
  evaluate();
});
$("alg").addEventListener("change", async () => {
  $("keys").value = await jwksFor($("alg").value);
  await mint();
  evaluate();
});
document.body.dataset.ready = "true";
