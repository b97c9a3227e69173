// The RBAC surface of the built package (pkg/nodejs), in Node: authorize, authorizeMany,
// matrix, allowedNamespaces and the Kestra UI's six checks on the session.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { Authorizer, diffPolicies } = require("../../pkg/nodejs/kestra_authz.js");
const read = (path) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");

const ISSUER = "https://sso.example.com/application/o/kestra/";
const CLIENT_ID = "kestra-client";
const SECRET = "0123456789abcdef".repeat(4);
const NOW = 1800000060;

const b64 = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
function mint(claims) {
  const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: ISSUER, aud: CLIENT_ID, sub: "s", iat: NOW - 60, exp: NOW + 240, ...claims })}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

const policy = {
  model: "v2",
  tenants: {
    main: {
      roles: [
        { id: "dev", name: "Developer", permissions: { FLOW: ["VIEW", "LIST", "UPDATE"], EXECUTION: ["KILL"] } },
        { id: "bp", name: "Blueprints", permissions: { BLUEPRINT: ["CREATE"] } },
      ],
      groups: [{ id: "g1", name: "data-team" }],
      users: [{ id: "u1", username: "alice@example.com", groups: ["g1"] }],
      bindings: [
        { id: "b1", type: "USER", externalId: "u1", roleId: "dev", namespaceId: "company.team" },
        { id: "b2", type: "GROUP", externalId: "g1", roleId: "bp", namespaceId: "company" },
      ],
    },
  },
};

function setup(extra = {}) {
  const authz = new Authorizer({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: SECRET, jwks: "{}", policy, ...extra });
  const session = authz.verifyIdToken(mint({ email: "alice@example.com" }), { now: NOW, tenant: "main" });
  return { authz, session };
}

test("authorize returns the decision with its reasons; a denial is a value", () => {
  const { authz, session } = setup();
  assert.equal(authz.model, "v2");
  const yes = authz.authorize(session, { permission: "FLOW", action: "UPDATE", namespace: "company.team.data" });
  assert.deepEqual(yes, {
    allowed: true,
    code: "ALLOWED",
    tenant: "main",
    reasons: [{ via: "user", role: "dev", roleName: "Developer", binding: "b1", namespace: "company.team", group: null, tenant: "main" }],
    moreReasons: 0,
  });
  const sibling = authz.authorize(session, { permission: "FLOW", action: "UPDATE", namespace: "company.teamx" });
  assert.equal(sibling.allowed, false);
  assert.equal(sibling.code, "DENIED_NAMESPACE_NOT_COVERED");
  assert.equal(authz.authorize(session, { permission: "BLUEPRINT", action: "CREATE" }).code, "DENIED_GLOBAL_ONLY");
  assert.equal(authz.authorize(session, { permission: "FLOW", action: "UPDATE", namespace: "x", tenant: "other" }).code, "DENIED_NO_TENANT_ACCESS");
});

test("bad requests throw Errors with codes", () => {
  const { authz, session } = setup();
  const codeOf = (fn) => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof Error);
      return e.code;
    }
    return "no error";
  };
  assert.equal(codeOf(() => authz.authorize(session, { permission: "FLOWS", action: "VIEW" })), "ERR_UNKNOWN_PERMISSION");
  assert.equal(codeOf(() => authz.authorize(session, { permission: "FLOW", action: "KILL" })), "ERR_UNKNOWN_ACTION");
  assert.equal(codeOf(() => authz.authorize(session, { permission: "FLOW", action: "VIEW", namespace: "Bad NS" })), "ERR_NAMESPACE_INVALID");
  assert.equal(codeOf(() => authz.authorize(session, { permission: 1, action: "VIEW" })), "ERR_OPTION_INVALID");
  assert.equal(codeOf(() => authz.authorize(session, "FLOW:VIEW")), "ERR_OPTION_INVALID");
  assert.equal(codeOf(() => session.isAllowed({}, "VIEW")), "ERR_OPTION_INVALID");
  // The UI checks take strings through wasm-bindgen's own glue, guarded by the build: every
  // argument of every check, given a non-string, is a coded error and the instance answers on.
  const checks = [
    ["isAllowed", ["FLOW", "VIEW", "company.team"]],
    ["isAllowedGlobal", ["FLOW", "VIEW"]],
    ["hasAny", ["FLOW", "company"]],
    ["hasAnyAction", ["FLOW", "VIEW", "company"]],
    ["hasAnyActionOnAnyNamespace", ["FLOW", "VIEW"]],
  ];
  for (const [name, args] of checks) {
    for (let i = 0; i < args.length; i++) {
      for (const notAString of [42, {}, ["FLOW"], true, Symbol("s"), 10n, () => "FLOW"]) {
        const bad = args.with(i, notAString);
        assert.equal(codeOf(() => session[name](...bad)), "ERR_OPTION_INVALID", `${name} argument ${i}: ${String(notAString)}`);
      }
    }
  }
  for (const notAString of [42, {}, true]) {
    assert.equal(codeOf(() => authz.allowedNamespaces(session, notAString, "VIEW")), "ERR_OPTION_INVALID");
    assert.equal(codeOf(() => authz.allowedNamespaces(session, "FLOW", "VIEW", notAString)), "ERR_OPTION_INVALID");
  }
  // A NUL is no name: the same refusal, never a grant.
  assert.equal(codeOf(() => session.isAllowed("\0", "VIEW")), "ERR_OPTION_INVALID");
  assert.equal(session.isAllowed("FLOW", "UPDATE", "company.team"), true);
  assert.equal(session.hasAny("FLOW", null), true);
  assert.equal(codeOf(() => new Authorizer({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: SECRET, jwks: "{}", policy: { roles: [{ id: "r", permissions: { FLOWZ: ["VIEW"] } }] } })), "ERR_POLICY_INVALID");
  // A policy object crosses as its own JSON text; the other options are read as before, in
  // the same order (a bad JWKS is reported before a bad policy), and every policy shape works.
  const base = { issuer: ISSUER, clientId: CLIENT_ID, clientSecret: SECRET, jwks: "{}" };
  const roles = [{ id: "r", permissions: { FLOW: ["READ"] } }];
  // A user binding names the user's id; the token's username finds the user by `username`.
  const users = [{ id: "u-alice", username: "alice@example.com" }];
  const bindings = [{ type: "USER", externalId: "u-alice", roleId: "r", namespaceId: "company" }];
  assert.equal(codeOf(() => new Authorizer({ ...base, jwks: "{", policy: { roles: "x" } })), "ERR_JWKS_INVALID");
  // Policy text crosses on its own too, read borrowing from it; refused by length before it is
  // copied.
  assert.equal(codeOf(() => new Authorizer({ ...base, jwks: "{", policy: "{" })), "ERR_JWKS_INVALID");
  assert.equal(codeOf(() => new Authorizer({ ...base, policy: "{" })), "ERR_POLICY_INVALID");
  assert.equal(codeOf(() => new Authorizer({ ...base, policy: '{"roles": "x"}' })), "ERR_POLICY_INVALID");
  assert.equal(codeOf(() => new Authorizer({ ...base, policy: " ".repeat(64 * 2 ** 20 + 1) })), "ERR_INPUT_TOO_LARGE");
  assert.equal(codeOf(() => new Authorizer({ ...base, policy: [] })), "ERR_POLICY_INVALID");
  // JSON.stringify answers undefined for these: a coded error, never a TypeError.
  assert.equal(codeOf(() => new Authorizer({ ...base, policy: { toJSON: () => undefined } })), "ERR_OPTION_INVALID");
  assert.equal(codeOf(() => new Authorizer({ ...base, toJSON: () => undefined })), "ERR_OPTION_INVALID");
  assert.equal(codeOf(() => new Authorizer({ ...base, policy: { toJSON: () => ({ roles, bindings }) } }).model), "no error");
  assert.equal(codeOf(() => new Authorizer({ ...base, policy: { roles, bindings: [{ type: "USER" }] } })), "ERR_POLICY_INVALID");
  assert.equal(codeOf(() => new Authorizer({ ...base, policy: { roles, bindings: [{ ...bindings[0], namespaceId: "Bad" }] } })), "ERR_POLICY_INVALID");
  assert.equal(codeOf(() => new Authorizer({ ...base, policy: { roles, bindings }, polcy: {} })), "ERR_OPTION_INVALID");
  assert.equal(codeOf(() => new Authorizer({ ...base, policy: { roles, bindings: [{ ...bindings[0], n: 10n }] } })), "ERR_OPTION_INVALID");
  // Text crosses with TextEncoder.encodeInto, one byte per unit first, the rest after: names
  // with two-, three- and four-byte characters (a surrogate pair) come through whole, early
  // and late in the text, in a small policy and in one past the 64 KB scratch buffer.
  for (const padding of [0, 70_000]) {
    const name = "Dév 𝄞 € ü";
    const named = [{ id: "r", name, permissions: { FLOW: ["READ"] } }, { id: "pad", name: "x".repeat(padding), permissions: {} }];
    const a = new Authorizer({ ...base, policy: { roles: named, bindings, users } });
    const s = a.verifyIdToken(mint({ email: "alice@example.com" }), { now: NOW, tenant: "main" });
    assert.equal(a.authorize(s, { permission: "FLOW", action: "READ", namespace: "company" }).reasons[0].roleName, name);
  }
  for (const policy of [{ roles, bindings, users }, JSON.stringify({ roles, bindings, users }), { tenants: { main: { roles, bindings, users } } }, { roles, users, bindings: [{ binding: bindings[0] }] }]) {
    const a = new Authorizer({ ...base, policy });
    const s = a.verifyIdToken(mint({ email: "alice@example.com" }), { now: NOW, tenant: "main" });
    assert.equal(s.isAllowed("FLOW", "READ", "company.team"), true, JSON.stringify(policy));
    assert.equal(s.isAllowed("FLOW", "READ", "companyx"), false);
  }
});

test("a throwing setter or getter on a prototype cannot unwind through the module", () => {
  const { authz, session } = setup();
  const request = { permission: "FLOW", action: "UPDATE", namespace: "company.team" };
  Object.defineProperty(Object.prototype, "roleName", { set() { throw new Error("sabotage"); }, configurable: true });
  Object.defineProperty(Object.prototype, "permission", { get() { throw new Error("sabotage"); }, configurable: true });
  try {
    // Decisions are object literals: an inherited setter is never run.
    const decision = authz.authorize(session, request);
    assert.equal(decision.allowed, true);
    assert.equal(decision.reasons[0].roleName, "Developer");
    // An inherited throwing getter reads as absent: a coded error, not an unwinding exception.
    assert.throws(() => authz.authorize(session, { action: "UPDATE" }), (e) => e.code === "ERR_OPTION_INVALID");
  } finally {
    delete Object.prototype.roleName;
    delete Object.prototype.permission;
  }
  // The reasons are an array literal too: a throwing setter at index 1 is never run.
  const two = new Authorizer({
    issuer: ISSUER, clientId: CLIENT_ID, clientSecret: SECRET, jwks: "{}",
    policy: { roles: [{ id: "r", permissions: { FLOW: ["READ"] } }], users: [{ id: "u-alice", username: "alice@example.com" }], bindings: [
      { id: "b1", type: "USER", externalId: "u-alice", roleId: "r", namespaceId: "company" },
      { id: "b2", type: "USER", externalId: "u-alice", roleId: "r", namespaceId: "company.team" },
    ] },
  });
  const alice = two.verifyIdToken(mint({ email: "alice@example.com" }), { now: NOW, tenant: "main" });
  const asked = { permission: "FLOW", action: "READ", namespace: "company.team" };
  Object.defineProperty(Array.prototype, "1", { set() { throw new Error("sabotage"); }, configurable: true });
  try {
    assert.deepEqual(two.authorize(alice, asked).reasons.map((r) => r.binding), ["b2", "b1"]);
  } finally {
    delete Array.prototype[1];
  }
  // The deeper binding first.
  assert.deepEqual(two.authorize(alice, asked).reasons.map((r) => r.binding), ["b2", "b1"]);
  assert.equal(authz.authorize(session, request).reasons[0].roleName, "Developer");
  session.free();
  authz.free();
});

test("no setter on Array.prototype runs: not when the string table starts afresh, not in authorizeMany's list", () => {
  // 3,000 bindings with names of their own: about four new strings per decision, so the table
  // of 4,096 starts afresh near decision 1,000.
  const roles = [];
  const bindings = [];
  for (let i = 0; i < 3000; i++) {
    roles.push({ id: `role-${i}`, name: `Rolle ${i}`, permissions: { FLOW: ["READ"] } });
    bindings.push({ id: `b-${i}`, type: "USER", externalId: "u-alice", roleId: `role-${i}`, namespaceId: `ns${i}` });
  }
  const authz = new Authorizer({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: SECRET, jwks: "{}",
    policy: { roles, users: [{ id: "u-alice", username: "alice@example.com" }], bindings } });
  const session = authz.verifyIdToken(mint({ email: "alice@example.com" }), { now: NOW, tenant: "main" });
  const indexes = ["0", "1", "2", "3", "4", "5", "6"];
  let ran = 0;
  for (const index of indexes) {
    Object.defineProperty(Array.prototype, index, { get() { ran++; return "TRAP"; }, set() { ran++; throw new Error("sabotage"); }, configurable: true });
  }
  const push = Array.prototype.push;
  Array.prototype.push = () => { ran++; throw new Error("sabotage"); };
  const own = (object, key) => Object.getOwnPropertyDescriptor(object, key)?.value;
  let wrong = 0;
  let many;
  let lists;
  try {
    for (let i = 0; i < 1500; i++) {
      const d = authz.authorize(session, { permission: "FLOW", action: "READ", namespace: `ns${i}` });
      const r = own(d.reasons, "0");
      const right = d.code === "ALLOWED" && d.tenant === "main" && d.reasons.length === 1 && r?.via === "user"
        && r.role === `role-${i}` && r.roleName === `Rolle ${i}` && r.binding === `b-${i}` && r.namespace === `ns${i}` && r.group === null;
      if (!right) wrong++;
    }
    many = authz.authorizeMany(session, [1, 2, 3].map((i) => ({ permission: "FLOW", action: "READ", namespace: `ns${i}` })));
    // The module's other lists, made the same way.
    const algorithms = authz.allowedAlgorithms;
    lists = [algorithms.length, own(algorithms, "0"), session.groups.length];
  } finally {
    for (const index of indexes) delete Array.prototype[index];
    Array.prototype.push = push;
  }
  assert.deepEqual(lists, [authz.allowedAlgorithms.length, authz.allowedAlgorithms[0], 0]);
  assert.ok(lists[0] > 0);
  assert.equal(wrong, 0);
  assert.equal(ran, 0);
  assert.equal(many.length, 3);
  assert.deepEqual(many.map((d) => d.reasons[0].binding), ["b-1", "b-2", "b-3"]);
  session.free();
  authz.free();
  // wasm-bindgen turns a returned Vec into an array by `push`: no method returns one.
  for (const build of ["nodejs", "web", "lite"]) {
    const glue = read(`../pkg/${build}/kestra_authz.js`);
    assert.equal(glue.includes(".push("), false, `${build}'s glue pushes`);
  }
});

test("a request's members cross in one call and read as the string glue reads them", () => {
  const { authz, session } = setup();
  const outcome = (fn) => {
    try {
      const answer = fn();
      return typeof answer === "boolean" ? answer : answer.allowed;
    } catch (e) {
      assert.ok(e instanceof Error);
      return e.code;
    }
  };
  // Past the 1 KB scratch room (a buffer of its own), non-ASCII, lone surrogates, NUL: each
  // answers as the UI check, whose argument crosses through wasm-bindgen's own glue. (A NUL is
  // that glue's mark for a non-string, so there it is ERR_OPTION_INVALID; here the name is
  // refused as invalid: both refusals.)
  const agree = (glue, ours, label, text) => (text === "\0" ? assert.match(String(ours), /^ERR_/, label) : assert.equal(ours, glue, label));
  const texts = ["company.team", "company", "companyx", "FLOW", "VIEW", "", "\0", "compañía", "équipe.team", "\ud800", "a\udc00b", "𝄞", "x".repeat(5000), `company.${"t".repeat(400)}`, `company.${"é".repeat(400)}`];
  for (const text of texts) {
    const label = JSON.stringify(text.slice(0, 40));
    agree(outcome(() => session.isAllowed("FLOW", "UPDATE", text)), outcome(() => authz.authorize(session, { permission: "FLOW", action: "UPDATE", namespace: text })), `namespace ${label}`, text);
    agree(outcome(() => session.isAllowed(text, "VIEW", "company.team")), outcome(() => authz.authorize(session, { permission: text, action: "VIEW", namespace: "company.team" })), `permission ${label}`, text);
    agree(outcome(() => session.isAllowed("FLOW", text, "company.team")), outcome(() => authz.authorize(session, { permission: "FLOW", action: text, namespace: "company.team" })), `action ${label}`, text);
    const tenantAnswer = outcome(() => authz.authorize(session, { permission: "FLOW", action: "UPDATE", namespace: "company.team", tenant: text }));
    const matrixAnswer = outcome(() => authz.matrix(session, { namespace: "company.team", tenant: text }).FLOW.UPDATE);
    agree(matrixAnswer, tenantAnswer, `tenant ${label}`, text);
  }
  // Absent members: undefined and null alike; a required one absent is a coded error.
  const plain = authz.authorize(session, { permission: "FLOW", action: "UPDATE", namespace: "company.team" });
  assert.deepEqual(authz.authorize(session, { permission: "FLOW", action: "UPDATE", namespace: "company.team", tenant: null }), plain);
  assert.deepEqual(authz.authorize(session, { permission: "FLOW", action: "UPDATE", namespace: "company.team", tenant: undefined }), plain);
  for (const member of ["permission", "action", "namespace", "tenant"]) {
    for (const bad of [42, {}, true, Symbol("s"), 10n, ["FLOW"]]) {
      const request = { permission: "FLOW", action: "UPDATE", namespace: "company.team", [member]: bad };
      assert.throws(() => authz.authorize(session, request), (e) => e.code === "ERR_OPTION_INVALID" && e.message.includes(member), `${member}: ${String(bad)}`);
    }
  }
  for (const member of ["permission", "action"]) {
    for (const absent of [null, undefined]) {
      assert.throws(() => authz.authorize(session, { permission: "FLOW", action: "UPDATE", [member]: absent }), (e) => e.code === "ERR_OPTION_INVALID" && e.message.includes(member));
    }
  }
  for (const notAnObject of [null, undefined, "FLOW", 42, () => ({})]) {
    assert.throws(() => authz.authorize(session, notAnObject), (e) => e.code === "ERR_OPTION_INVALID");
  }
  // Getters run once per read; a Proxy whose traps throw reads as empty.
  let reads = 0;
  const counted = { get permission() { reads++; return "FLOW"; }, action: "UPDATE", namespace: "company.team" };
  assert.equal(authz.authorize(session, counted).allowed, true);
  assert.equal(reads, 1);
  const hostile = new Proxy({}, { get() { throw new Error("sabotage"); } });
  assert.throws(() => authz.authorize(session, hostile), (e) => e.code === "ERR_OPTION_INVALID");
  // Past the room, members are read again into a buffer of their own; one that grows on
  // every read cannot be pinned down and is refused.
  let length = 300_000;
  const growing = { permission: "FLOW", action: "UPDATE", get namespace() { length *= 10; return "a".repeat(length); } };
  assert.throws(() => authz.authorize(session, growing), (e) => e.code === "ERR_OPTION_INVALID" && /changed/.test(e.message));
  assert.deepEqual(authz.authorize(session, { permission: "FLOW", action: "UPDATE", namespace: "company.team" }), plain);
  session.free();
  authz.free();
});

test("a getter that calls back into the module, growing its memory, still reads its own request", () => {
  const { authz, session } = setup();
  const asked = { permission: "FLOW", action: "UPDATE", namespace: "company.team" };
  const expected = authz.authorize(session, asked);
  let inner;
  const reentrant = {
    get permission() {
      inner = authz.authorize(session, { permission: "EXECUTION", action: "KILL", namespace: "finance" });
      // 16 MB of policy text: the heap is reserved at 4x, so wasm memory grows and its old
      // buffer is detached while the outer request is being read.
      new Authorizer({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: SECRET, jwks: "{}", policy: `${" ".repeat(16 * 2 ** 20)}{}` }).free();
      return "FLOW";
    },
    action: "UPDATE",
    namespace: "company.team",
  };
  // The scratch buffer last held another request: a write lost to a detached buffer would
  // leave that one to be decided.
  assert.equal(authz.authorize(session, { permission: "SECRET", action: "READ", namespace: "finance" }).allowed, false);
  assert.deepEqual(authz.authorize(session, reentrant), expected);
  assert.equal(inner.allowed, false);
  // The same for options read through JSON.stringify: a toJSON that calls back in.
  const options = {
    toJSON() {
      authz.verifyIdToken(mint({ email: "bob@example.com" }), { now: NOW, tenant: "main" }).free();
      new Authorizer({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: SECRET, jwks: "{}", policy: `${" ".repeat(20 * 2 ** 20)}{}` }).free();
      return { now: NOW, tenant: "main" };
    },
  };
  const again = authz.verifyIdToken(mint({ email: "alice@example.com" }), options);
  assert.equal(again.username, "alice@example.com");
  again.free();
  session.free();
  authz.free();
});

test("the UI's six checks on the session", () => {
  const { session } = setup();
  assert.equal(session.username, "alice@example.com");
  assert.equal(session.tenant, "main");
  assert.equal(session.isAllowed("FLOW", "UPDATE", "company.team"), true);
  assert.equal(session.isAllowed("FLOW", "UPDATE"), false, "no namespace: tenant-wide grants only");
  assert.equal(session.isAllowedGlobal("FLOW", "VIEW"), false);
  assert.equal(session.hasAnyActionOnAnyNamespace("EXECUTION", "KILL"), true);
  assert.equal(session.hasAnyAction("EXECUTION", "KILL", "company"), true, "granted below company");
  assert.equal(session.hasAnyAction("EXECUTION", "KILL", "finance"), false);
  assert.equal(session.hasAny("FLOW"), true);
  assert.equal(session.hasAny("SECRET"), false);
  assert.equal(session.hasAnyRole(), true);
});

test("authorizeMany agrees with single calls and reports bad entries in place", () => {
  const { authz, session } = setup();
  const requests = [
    { permission: "FLOW", action: "VIEW", namespace: "company.team" },
    { permission: "FLOW", action: "DELETE", namespace: "company.team" },
    { permission: "NOPE", action: "VIEW" },
    { permission: "EXECUTION", action: "KILL", namespace: "company.team.x" },
  ];
  const many = authz.authorizeMany(session, requests);
  assert.equal(many.length, 4);
  for (const i of [0, 1, 3]) assert.deepEqual(many[i], authz.authorize(session, requests[i]));
  assert.equal(many[2].allowed, false);
  assert.equal(many[2].code, "ERR_UNKNOWN_PERMISSION");
  assert.match(many[2].error, /NOPE/);
});

test("matrix and allowed namespaces", () => {
  const { authz, session } = setup();
  const m = authz.matrix(session, { namespace: "company.team" });
  assert.equal(m.FLOW.UPDATE, true);
  assert.equal(m.FLOW.DELETE, false);
  assert.equal(m.EXECUTION.KILL, true);
  assert.equal(m.COPILOT.USE, false);
  assert.deepEqual(Object.keys(m.AUDITLOG), ["VIEW", "LIST", "EXPORT"]);
  assert.equal(authz.matrix(session, { namespace: "finance" }).FLOW.UPDATE, false);
  assert.deepEqual(authz.allowedNamespaces(session, "FLOW", "UPDATE"), { everywhere: false, namespaces: ["company.team"] });
});

test("the guide's configuration: default role everywhere, tenant required, IAM warning", () => {
  const yaml = `${read("fixtures/kestra/guide-micronaut.yaml").replace("CLIENT_ID", CLIENT_ID).replace("http://localhost:9000/application/o/kestra/", ISSUER)}\n${read("fixtures/kestra/guide-kestra.yaml")}`;
  const authz = new Authorizer({ kestraConfig: yaml, clientSecret: SECRET, jwks: "{}" });
  const session = authz.verifyIdToken(mint({ email: "new@example.com" }), { now: NOW });
  const d = authz.authorize(session, { permission: "FLOW", action: "CREATE", namespace: "company", tenant: "main" });
  assert.equal(d.allowed, true);
  assert.equal(d.reasons[0].via, "default-role");
  assert.equal(authz.authorize(session, { permission: "FLOW", action: "CREATE", namespace: "company" }).code, "DENIED_TENANT_REQUIRED");
  assert.ok(authz.warnings.some((w) => w.code === "WARN_DEFAULT_ROLE_IAM_WRITE"));
  assert.equal(authz.model, "crud");
});

test("whoCan lists exactly whom authorize allows, with the same reasons", () => {
  const crowd = {
    model: "v2",
    tenants: {
      main: {
        roles: [
          { id: "dev", name: "Developer", permissions: { FLOW: ["VIEW", "LIST", "UPDATE"] } },
          { id: "viewer", name: "Viewer", permissions: { FLOW: ["VIEW"] }, isDefault: true },
        ],
        groups: [{ id: "g1", name: "data-team" }, { id: "g2", name: "ops" }],
        users: [
          { id: "u1", username: "alice@example.com", groups: ["g1"] },
          { id: "u2", username: "bob@example.com" },
          { id: "u3", username: "carol@example.com", groups: ["g2"] },
          { id: "u4", username: "root@example.com", superAdmin: true },
        ],
        bindings: [
          { id: "b1", type: "USER", externalId: "u2", roleId: "dev", namespaceId: "company.team" },
          { id: "b2", type: "GROUP", externalId: "g1", roleId: "dev", namespaceId: "company" },
          { id: "b3", type: "GROUP", externalId: "g2", roleId: "dev", namespaceId: "companyx" },
        ],
      },
    },
  };
  const authz = new Authorizer({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: SECRET, jwks: "{}", policy: crowd });
  const names = ["alice@example.com", "bob@example.com", "carol@example.com", "root@example.com", "stranger@example.com"];
  const sessions = names.map((email) => authz.verifyIdToken(mint({ email }), { now: NOW }));
  for (const request of [
    { permission: "FLOW", action: "UPDATE", namespace: "company.team.data" },
    { permission: "FLOW", action: "VIEW", namespace: "company" },
    { permission: "FLOW", action: "UPDATE", namespace: "companyx" },
    { permission: "USER", action: "VIEW" },
  ]) {
    const who = authz.whoCan(request);
    assert.equal(who.tenant, "main");
    names.forEach((name, i) => {
      const decision = authz.authorize(sessions[i], request);
      const listed = who.users.find((u) => u.username === name);
      if (name === "stranger@example.com") assert.equal(decision.allowed, who.defaultRole !== null, JSON.stringify(request));
      else assert.equal(decision.allowed, listed !== undefined, `${name} ${JSON.stringify(request)}`);
      if (listed) assert.deepEqual([listed.reasons, listed.moreReasons], [decision.reasons, decision.moreReasons]);
    });
  }
  const update = authz.whoCan({ permission: "FLOW", action: "UPDATE", namespace: "company.team.data" });
  assert.deepEqual(update.users.map((u) => [u.id, u.username]), [["u1", "alice@example.com"], ["u2", "bob@example.com"]]);
  assert.deepEqual(update.groups.map((g) => [g.id, g.name, g.reasons.map((r) => r.binding)]), [["g1", "data-team", ["b2"]]]);
  assert.equal(update.defaultRole, null);
  assert.deepEqual(authz.whoCan({ permission: "FLOW", action: "VIEW", namespace: "anything" }).defaultRole, { id: "viewer", name: "Viewer" });
  assert.deepEqual(authz.whoCan({ permission: "USER", action: "VIEW" }).instanceOwners, ["root@example.com"]);
  // Without reasons: the same holders, a fraction of the answer.
  const lean = authz.whoCan({ permission: "FLOW", action: "UPDATE", namespace: "company.team.data" }, { reasons: false });
  assert.deepEqual(lean.users, [{ id: "u1", username: "alice@example.com", reasons: [], moreReasons: 0 }, { id: "u2", username: "bob@example.com", reasons: [], moreReasons: 0 }]);
  assert.deepEqual(lean.groups, [{ id: "g1", name: "data-team", reasons: [] }]);
  assert.throws(() => authz.whoCan({ permission: "FLOW", action: "VIEW" }, { reasons: "no" }), { code: "ERR_OPTION_INVALID" });
  assert.throws(() => authz.whoCan({ permission: "FLOW", action: "VIEW" }, { reason: false }), { code: "ERR_OPTION_INVALID" });
  assert.throws(() => authz.whoCan({ permission: "FLOW", action: "VIEW" }, 5), { code: "ERR_OPTION_INVALID" });
  assert.throws(() => authz.whoCan({ permission: "FLOWS", action: "VIEW" }), { code: "ERR_UNKNOWN_PERMISSION" });
  assert.throws(() => authz.whoCan({ permission: "FLOW" }), { code: "ERR_OPTION_INVALID" });
  for (const s of sessions) s.free();
  authz.free();
});

test("explain: a denial's near misses with the changes that grant it, an allow's reasons", () => {
  const p = {
    model: "v2",
    tenants: {
      main: {
        roles: [
          { id: "viewer", permissions: { FLOW: ["VIEW"] } },
          { id: "dev", permissions: { FLOW: ["VIEW", "UPDATE"] } },
        ],
        users: [{ id: "u1", username: "alice@example.com" }],
        bindings: [
          { id: "b1", type: "USER", externalId: "u1", roleId: "viewer", namespaceId: "company" },
          { id: "b2", type: "USER", externalId: "u1", roleId: "dev", namespaceId: "company.team" },
        ],
      },
    },
  };
  const authz = new Authorizer({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: SECRET, jwks: "{}", policy: p });
  const session = authz.verifyIdToken(mint({ email: "alice@example.com" }), { now: NOW });
  const request = { permission: "FLOW", action: "UPDATE", namespace: "company.teamx" };
  const e = authz.explain(session, request);
  assert.deepEqual(e.decision, authz.authorize(session, request));
  assert.deepEqual(e.suggestions.map((s) => s.kind), ["BINDING_ELSEWHERE", "ROLE_LACKS_ACTION", "BIND_ROLE"]);
  assert.equal(e.suggestions[0].binding, "b2");
  assert.deepEqual(e.suggestions[0].changes, [
    { type: "BIND_ROLE", tenant: "main", role: "dev", subject: { type: "USER", id: "u1" }, namespace: "company.teamx" },
  ]);
  assert.deepEqual(e.suggestions[1].changes, [{ type: "ADD_ACTION", tenant: "main", role: "viewer", permission: "FLOW", action: "UPDATE" }]);
  assert.ok(e.suggestions.every((s) => typeof s.message === "string" && s.message.length > 0 && !s.message.includes("\n")));
  const allowed = authz.explain(session, { permission: "FLOW", action: "VIEW", namespace: "company.x" });
  assert.equal(allowed.decision.allowed, true);
  assert.deepEqual(allowed.suggestions, []);
  assert.throws(() => authz.explain(session, { permission: "FLOWS", action: "VIEW" }), { code: "ERR_UNKNOWN_PERMISSION" });
  session.free();
  authz.free();
});

test("diffPolicies: exact gains and losses per principal, sides as policies or setups, errors with codes", () => {
  const before = {
    model: "crud",
    tenants: {
      main: {
        roles: [{ id: "r", permissions: { FLOW: ["READ"] } }],
        groups: [{ id: "g", name: "data-team" }],
        users: [{ id: "u1", username: "alice@example.com", groups: ["g"] }, { id: "u2", username: "bob@example.com" }],
        bindings: [{ type: "GROUP", externalId: "g", roleId: "r", namespaceId: "company.data" }],
      },
    },
  };
  const after = structuredClone(before);
  after.tenants.main.bindings[0].namespaceId = "company";
  after.tenants.main.bindings.push({ type: "USER", externalId: "u2", roleId: "r" });
  const diff = diffPolicies(before, JSON.stringify(after));
  assert.equal(diff.model, "crud");
  assert.deepEqual(
    diff.changes.map((c) => [c.principal.type, c.principal.name, c.tenant]),
    [["USER", "alice@example.com", "main"], ["USER", "bob@example.com", "main"], ["GROUP", "data-team", "main"]],
  );
  assert.deepEqual(diff.changes[0].gained, [{ permission: "FLOW", action: "READ", namespace: "company", except: ["company.data"], also: ["FLOW:VIEW", "FLOW:LIST", "FLOW:EXPORT"] }]);
  assert.deepEqual(diff.changes[1].gained, [{ permission: "FLOW", action: "READ", namespace: null, except: [], also: ["FLOW:VIEW", "FLOW:LIST", "FLOW:EXPORT"] }]);
  assert.deepEqual(diffPolicies(before, before).changes, []);
  // The configuration's default role, compared through setups.
  const yaml = (actions) => `kestra:\n  security:\n    defaultRole:\n      name: sso\n      permissions:\n        FLOW: [${actions}]\n`;
  const roleDiff = diffPolicies({ policy: before, kestraConfig: yaml("READ") }, { policy: before, kestraConfig: yaml("READ, DELETE") });
  assert.ok(roleDiff.changes.some((c) => c.principal.type === "DEFAULT_ROLE" && c.tenant === null && c.gained[0].action === "DELETE"));
  assert.throws(() => diffPolicies(before, { ...before, model: "v2" }), { code: "ERR_OPTION_INVALID" });
  assert.throws(() => diffPolicies(before, 42), { code: "ERR_OPTION_INVALID" });
  assert.throws(() => diffPolicies(before, after, { jwks: {} }), { code: "ERR_OPTION_INVALID" });
  assert.throws(() => diffPolicies(before, { tenants: { main: { bindings: [{ type: "USER", externalId: "u", roleId: "missing" }] } } }), { code: "ERR_POLICY_INVALID" });
});
