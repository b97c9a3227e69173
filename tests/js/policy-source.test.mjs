// KestraPolicySource against the loopback Kestra stand-in: every page read, the module's shapes
// built, each failure with its code, the token never shown, stale bounds, lookups cached within
// a bound, and a reload between verify and authorize never judging a session by a mix.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { KestraPolicySource, RemoteAuthorizer } from "../../pkg/remote.js";
import { PAGE, SERVICE_TOKEN, key, standIn } from "./kestra-stand-in.mjs";

const require = createRequire(import.meta.url);
const { Authorizer } = require("../../pkg/nodejs/kestra_authz.js");

let kestra;
before(async () => {
  kestra = await standIn();
});
after(() => kestra?.close());

const source = (extra = {}) => new KestraPolicySource({ url: kestra.origin, token: SERVICE_TOKEN, tenants: ["main"], ...extra });

test("reads every page of every search into the module's shapes", async () => {
  kestra.reset();
  // More items than a page holds: five tenant-access answers at two a page.
  kestra.policy.access.push({ userId: "u-dan", username: "dan@example.com" }, { user: { id: "u-eve", username: "eve@example.com" }, instanceOwner: true });
  const s = source({ pageSize: 100 });
  const { text, version } = await s.snapshot();
  const policy = JSON.parse(text);
  assert.equal(version, 1);
  const main = policy.tenants.main;
  assert.deepEqual(main.roles.map((r) => r.id), ["dev", "imp"], "the deleted role is left out");
  assert.deepEqual(Object.keys(main.roles[0]).sort(), ["id", "isDefault", "isManaged", "name", "permissions"]);
  assert.deepEqual(main.groups, [{ id: "g-data", name: "data" }]);
  assert.deepEqual(
    main.users.map((u) => [u.id, u.username, u.groups, u.superAdmin ?? false]),
    [
      ["u-alice", "alice@example.com", ["g-data"], false],
      ["u-bob", "bob@example.com", [], false],
      ["u-carol", "carol@example.com", [], false],
      ["u-dan", "dan@example.com", [], false],
      ["u-eve", "eve@example.com", [], true],
    ],
  );
  assert.deepEqual(main.bindings, [
    { id: "b1", type: "GROUP", namespace: "company", role: { id: "dev" }, group: { id: "g-data" }, user: null },
    { id: "b2", type: "USER", externalId: "u-carol", roleId: "imp", namespaceId: null },
  ]);
  assert.ok(PAGE < 5 && s.fetches >= 3 + 3, "paged");
  assert.equal(s.lastError, null);
  assert.equal(typeof s.lastSuccessAt, "number");
  // The module takes it as it is.
  new Authorizer({ issuer: "https://sso.example.com/application/o/kestra/", clientId: "c", clientSecret: "0123456789abcdef".repeat(4), jwks: "{}", policy: text }).free();
});

test("every failure has its code, and no message shows the token", async () => {
  kestra.reset();
  const cases = [
    [() => source({ token: "wrong-token-42" }), null, "ERR_POLICY_UNAUTHORIZED"],
    [() => source(), { status: 500, text: "{}" }, "ERR_POLICY_FETCH_FAILED"],
    [() => source(), { status: 200, text: "<html>" }, "ERR_POLICY_MALFORMED"],
    [() => source(), { status: 200, text: '{"results": {}, "total": 1}' }, "ERR_POLICY_MALFORMED"],
    [() => source(), { status: 200, text: '{"results": [], "total": 2000000}' }, "ERR_POLICY_TOO_LARGE"],
    [() => source({ maxBytes: 300 }), null, "ERR_POLICY_TOO_LARGE"],
  ];
  for (const [make, override, code] of cases) {
    kestra.override = override ? (path) => (path === "roles/search" ? override : null) : null;
    const s = make();
    await assert.rejects(s.snapshot(), (e) => {
      assert.equal(e.code, code, e.message);
      assert.doesNotMatch(`${e.message} ${e.stack} ${JSON.stringify(e)}`, /service-token|wrong-token/);
      return true;
    });
    assert.equal(s.lastError?.code, code);
    assert.doesNotMatch(JSON.stringify(s) + Object.keys(s).join(), /service-token|wrong-token/);
  }
  kestra.override = null;
  kestra.policyDelay = 400;
  await assert.rejects(source({ timeout: 50 }).refresh(), { code: "ERR_POLICY_FETCH_TIMEOUT" });
  kestra.policyDelay = 0;
  assert.throws(() => new KestraPolicySource({ url: kestra.origin, token: "", tenants: ["main"] }), { code: "ERR_OPTION_INVALID" });
  assert.throws(() => new KestraPolicySource({ url: kestra.origin, token: "t", tenants: ["Main"] }), { code: "ERR_OPTION_INVALID" });
});

test("serves the last good policy while Kestra is down, up to staleAfter, then refuses", async () => {
  kestra.reset();
  let clock = 1_000_000;
  const s = source({ now: () => clock, interval: 1000, staleAfter: 5000, random: () => 0 });
  const first = await s.snapshot();
  kestra.policyDown = true;
  clock += 1500;
  assert.equal((await s.snapshot()).version, first.version, "due: refreshed in the background, the last good one served");
  await s.pending?.catch(() => {});
  assert.equal(s.lastError?.code, "ERR_POLICY_FETCH_FAILED");
  clock += 4000;
  await assert.rejects(s.snapshot(), { code: "ERR_POLICY_FETCH_FAILED" });
  await assert.rejects(s.snapshot(), { code: "ERR_POLICY_STALE" });
  kestra.policyDown = false;
  clock += 60_000;
  const back = await s.snapshot();
  assert.equal(back.fetchedAt, clock);
  assert.equal(back.version, first.version, "the same policy again is the same version: nothing is rebuilt");
  assert.equal(s.lastError, null);
  kestra.policy.roles[0].name = "Developers";
  assert.equal((await s.refresh()).version, first.version + 1);
});

test("a reload between verify and authorize never judges a session by a mix", async () => {
  kestra.reset();
  const policySource = source();
  const remote = new RemoteAuthorizer({ Authorizer, issuer: kestra.issuer, options: { clientId: "kestra-client" }, policySource });
  const { authorizer: before, session } = await remote.verify(kestra.mint("bob@example.com"));
  const request = { permission: "FLOW", action: "READ", namespace: "sales" };
  assert.equal(before.authorize(session, request).allowed, false);
  // Kestra grants bob sales; the policy is reloaded while the session is held.
  kestra.policy.bindings.push({ id: "b3", type: "USER", externalId: "u-bob", roleId: "dev", namespaceId: "sales" });
  await policySource.refresh();
  const after = await remote.authorizer();
  assert.notEqual(after, before);
  // The old Authorizer still decides the session entirely by the old policy; the new one (same
  // keys, so the same verifier) entirely by the new one. Each decision is one policy's.
  assert.equal(before.authorize(session, request).allowed, false);
  assert.equal(after.authorize(session, request).allowed, true);
  assert.equal(session.isAllowed("FLOW", "READ", "sales"), false, "a session's own checks stay with the Authorizer that made it");
  const again = await remote.verify(kestra.mint("bob@example.com"));
  assert.equal(again.authorizer, after);
  assert.equal(after.authorize(again.session, request).allowed, true);
  session.free();
  again.session.free();

  remote.free();
});

test("a policy the module refuses: the last good one serves, with new keys, up to the stale bound, and the refusal stays visible", async () => {
  kestra.reset();
  let clock = 5_000_000;
  const policySource = source({ now: () => clock, interval: 1000, staleAfter: 10_000, random: () => 0 });
  const remote = new RemoteAuthorizer({ Authorizer, issuer: kestra.issuer, options: { clientId: "kestra-client" }, policySource, now: () => clock, maxAge: 1000, grace: 0 });
  const carol = () => kestra.mint("carol@example.com");
  const { authorizer: good, release } = await remote.verify(carol());
  release();
  // Kestra revokes carol's binding and, in the same read, serves a binding the module refuses.
  kestra.policy.bindings = [kestra.policy.bindings[0], { id: "b9", type: "USER", externalId: "u-bob", roleId: "no-such-role", namespaceId: "x" }];
  await policySource.refresh();
  const impersonate = { permission: "IMPERSONATE", action: "READ" };
  const held = await remote.verify(carol());
  assert.equal(held.authorizer, good, "the last good policy serves");
  assert.equal(held.authorizer.authorize(held.session, impersonate).allowed, true);
  held.release();
  assert.equal(policySource.lastError?.code, "ERR_POLICY_INVALID");
  // The same refused text read again: still visible.
  clock += 1500;
  await policySource.refresh();
  assert.equal(policySource.lastError?.code, "ERR_POLICY_INVALID");
  // authentik rotates its key: the new key is taken, with the last good policy.
  kestra.key = key("k-new");
  await remote.refresh();
  const rotated = await remote.verify(carol());
  assert.notEqual(rotated.authorizer, good);
  rotated.release();
  // Past the stale bound counted from the refusal: no decision.
  clock += 10_000;
  await policySource.refresh();
  await assert.rejects(remote.verify(carol()), { code: "ERR_POLICY_STALE" });
  // Kestra fixed: served again.
  kestra.policy.bindings.pop();
  await policySource.refresh();
  await remote.refresh();
  const fixed = await remote.verify(carol());
  assert.equal(fixed.authorizer.authorize(fixed.session, impersonate).allowed, false, "carol's binding is gone");
  fixed.release();
  assert.equal(policySource.lastError, null);
  remote.free();
});

test("the keys an Authorizer is built from are the keys its version names, however long the policy read takes", async () => {
  kestra.reset();
  const policySource = source();
  const remote = new RemoteAuthorizer({ Authorizer, issuer: kestra.issuer, options: { clientId: "kestra-client" }, policySource });
  await remote.keys.refresh();
  kestra.policyDelay = 300;
  const first = remote.authorizer();
  await new Promise((r) => setTimeout(r, 50));
  // The keys rotate while the first build waits for the policy.
  kestra.key = key("k-rotated");
  await remote.keys.refresh();
  await first;
  kestra.policyDelay = 0;
  const { session, release } = await remote.verify(kestra.mint("alice@example.com"));
  assert.equal(session.username, "alice@example.com");
  release();
  remote.free();
});

test("what narrows access, or cannot be read, is never dropped", async () => {
  kestra.reset();
  // A stored-shape binding with the detail shape's namespace member: passed on, not dropped.
  kestra.policy.bindings.push({ id: "b5", type: "USER", externalId: "u-bob", roleId: "dev", namespace: "company.narrow" });
  const text = (await source().snapshot()).text;
  assert.deepEqual(JSON.parse(text).tenants.main.bindings.at(-1), { id: "b5", type: "USER", externalId: "u-bob", roleId: "dev", namespace: "company.narrow" });
  for (const [change, what] of [
    [(p) => p.access.push({ userId: 42, username: "x@example.com" }), "a user id that is not text"],
    [(p) => p.access.push({ username: "x@example.com" }), "a user without an id"],
    [(p) => (p.roles[0].deleted = "true"), "a deleted flag that is not a boolean"],
    [(p) => (p.members["g-data"] = [{ username: "alice@example.com" }]), "a member without an id"],
    [(p) => p.bindings.push({ id: "b6", type: "USER", user: { username: "x" }, role: { id: "dev" } }), "a binding's user without an id"],
  ]) {
    kestra.reset();
    change(kestra.policy);
    await assert.rejects(source().snapshot(), { code: "ERR_POLICY_MALFORMED" }, what);
  }
});

test("execution lookups go through Kestra's API, kept in a bounded cache", async () => {
  kestra.reset();
  const s = source({ lookupCacheSize: 2 });
  kestra.lookups = 0;
  assert.deepEqual(await s.answer("main", [{ kind: "execution", id: "E1" }, { kind: "execution", id: "E2" }]), { "execution:E1": "company.team", "execution:E2": "other" });
  await s.lookup("main", "execution", "E1");
  assert.equal(kestra.lookups, 2, "cached");
  await s.lookup("main", "execution", "E3");
  assert.equal(kestra.lookups, 3);
  await s.lookup("main", "execution", "E1");
  assert.equal(kestra.lookups, 3, "E1 was used last: kept");
  await s.lookup("main", "execution", "E2");
  assert.equal(kestra.lookups, 4, "E2 was the least recently used: evicted");
  assert.equal(s.lookups.size, 2);
  // Other kinds, other tenants and hostile ids are not looked up.
  const before = kestra.lookups;
  assert.equal(await s.lookup("main", "app", "a1"), null);
  assert.equal(await s.lookup("other", "execution", "E1"), null);
  assert.equal(await s.lookup("../x", "execution", "E1"), null);
  for (const id of ["E9/../../users", ".", "..", "", "E1?x=1", "x".repeat(129)]) assert.equal(await s.lookup("main", "execution", id), null, id);
  assert.equal(kestra.lookups, before);
  // One request per id at a time; not-found is remembered too.
  const t = source({ maxLookups: 3 });
  kestra.lookups = 0;
  await Promise.all([t.lookup("main", "execution", "E1"), t.lookup("main", "execution", "E1")]);
  assert.equal(kestra.lookups, 1);
  // A list longer than maxLookups is not answered at all.
  assert.deepEqual(await t.answer("main", ["E4", "E5", "E6", "E7"].map((id) => ({ kind: "execution", id }))), {});
  assert.equal(kestra.lookups, 1);
});
