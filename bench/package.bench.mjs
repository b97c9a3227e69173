// Speed of the built package (pkg/nodejs) through its JS API, with the anchors in the same
// run: jose's jwtVerify for tokens; a plain JS evaluator of the same policy and Cedar's wasm
// (`statefulIsAuthorized`, one permit policy per binding) for decisions.
// Run: node bench/package.bench.mjs   (after scripts/build-pkg.sh). Prints a Markdown table.
// KESTRA_AUTHZ_PKG=<dir> measures another build of the package (e.g. a copy made before a change).
import { createRequire } from "node:module";
import { readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import * as jose from "jose";
import { HIT as hit, ISSUER, SECRET, manyGrantsPolicy, policy, token } from "./fixtures.mjs";
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";

const require = createRequire(import.meta.url);
const repo = fileURLToPath(new URL("../", import.meta.url));
const pkg = process.env.KESTRA_AUTHZ_PKG ?? join(repo, "pkg");
const { Authorizer, diffPolicies } = require(join(pkg, "nodejs/kestra_authz.js"));
const rows = [];
/** Start-up rows measured early (in the Chromium block), listed with the module's. */
const startUp = [];
const vectors = JSON.parse(readFileSync(join(repo, "tests/vectors/tokens.json"), "utf8"));
const fixture = (n) => readFileSync(join(repo, "tests/fixtures/authentik-2025.8.1", n), "utf8");

/** The median of samples, with the lowest and highest: `{ median, low, high }`. */
function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], low: sorted[0], high: sorted[sorted.length - 1] };
}

/** Microseconds per call over `rounds` rounds of `n` calls: the median round, and the spread. */
function measure(fn, n = 1000, rounds = 7) {
  for (let i = 0; i < Math.min(n, 200); i++) fn(i);
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1000 / n);
  }
  return stats(times);
}

/** The same figures scaled (µs -> ms). */
const scaled = (m, by) => ({ median: m.median * by, low: m.low * by, high: m.high * by });

const fmt = (us) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));
/** A median with its spread: `0.52 (0.50–0.61)`. */
const spread = (m) => `${fmt(m.median)} (${fmt(m.low)}–${fmt(m.high)})`;
function row(what, ours, anchorName, anchor, target) {
  rows.push(`| ${what} | ${spread(ours)} | ${anchorName} | ${anchor === undefined ? "–" : spread(anchor)} | ${anchor === undefined ? "–" : (ours.median / anchor.median).toPrecision(2)} | ${target} |`);
}

/** `samples` runs of bench/fresh-instance.mjs, each in a new process. */
function freshRuns(what, samples = 5) {
  const runs = [];
  for (let i = 0; i < samples; i++) {
    runs.push(JSON.parse(execFileSync("node", [join(repo, "bench/fresh-instance.mjs"), pkg, what], { encoding: "utf8" })));
  }
  return runs;
}

// ---- tokens ------------------------------------------------------------------------------
// First verifications over distinct tokens (bench/first-verification.mjs), in Node and in
// headless Chromium (the web build; skipped where /usr/bin/chromium is missing).
function firstRows(host, results) {
  for (const r of results) {
    if (r.skipped) {
      rows.push(`| ${host}: first verification, ${r.label} | – | | | | ${r.skipped} |`);
      continue;
    }
    const ratio = (m) => (m.median / r.jose.median).toPrecision(2);
    rows.push(`| ${host}: verifyIdTokenAsync, first time (distinct tokens): ${r.label} | ${spread(r.async)} | jose jwtVerify | ${spread(r.jose)} | ${ratio(r.async)} | ≤ 1× jose |`);
    rows.push(`| ${host}: verifyIdToken, first time (distinct tokens): ${r.label} | ${spread(r.sync)} | jose jwtVerify | ${spread(r.jose)} | ${ratio(r.sync)} | ${host === "Node" ? "≤ 1× jose (node:crypto)" : "≤ 2× jose (RSA-4096)"} |`);
  }
}
{
  const { firstVerifications } = await import("./first-verification.mjs");
  firstRows("Node", await firstVerifications({ Authorizer, jose, subtle: globalThis.crypto.subtle }));
}
if (statSync("/usr/bin/chromium", { throwIfNoEntry: false })) {
  const { inChromiumPage, serveRepo } = await import("../tests/js/hosts.mjs");
  const site = await serveRepo();
  try {
    const results = await inChromiumPage(site.origin, async () => {
      const { default: init, Authorizer } = await import("/pkg/web/kestra_authz.js");
      const jose = await import("/node_modules/jose/dist/webapi/index.js");
      const { firstVerifications } = await import("/bench/first-verification.mjs");
      await init();
      return firstVerifications({ Authorizer, jose, subtle: crypto.subtle });
    });
    firstRows("Chromium", results);
    // Start-up in a page: compiling the web build's module and instantiating it, in a new
    // browser each time (the engine caches a module it has compiled once).
    const instantiate = [];
    for (let i = 0; i < 5; i++) {
      instantiate.push(
        await inChromiumPage(site.origin, async () => {
          const bytes = await (await fetch("/pkg/web/kestra_authz_bg.wasm")).arrayBuffer();
          const { initSync } = await import("/pkg/web/kestra_authz.js");
          const start = performance.now();
          initSync({ module: await WebAssembly.compile(bytes) });
          return performance.now() - start;
        }),
      );
    }
    startUp.push(["module: compile and instantiate the web build in Chromium (ms, 5 browsers)", stats(instantiate)]);
  } finally {
    site.close();
  }
}
// The same token again, cache on: the real authentik token (RSA-4096) and the vectors' ES256.
for (const [label, options, token, now] of [
  ["RS256, authentik's RSA-4096 key (real token)", { issuer: "http://127.0.0.1:9000/application/o/kestra/", clientId: "kestra-client", jwks: fixture("kestra.jwks.json") }, fixture("tokens/kestra.alice.authcode.1.id_token.jwt").trim(), 1795885258],
  ...[["alg: ES256", "ES256"]].map(([name, label]) => {
    const c = vectors.cases.find((x) => x.name === name);
    return [label, vectors.providers[c.provider], c.token, c.options.now];
  }),
]) {
  const warm = new Authorizer(options);
  warm.verifyIdToken(token, { now }).free();
  row(`verifyIdToken, repeat (cache): ${label}`, measure(() => warm.verifyIdToken(token, { now }).free(), 2000), "", undefined, "≤ 2 µs");
  warm.free();
}

// ---- decisions ---------------------------------------------------------------------------


/** The obvious JS evaluator: the user's and their groups' bindings, scanned per question. */
function plainEvaluator(p) {
  const t = p.tenants.main;
  const roles = new Map(t.roles.map((r) => [r.id, new Map(Object.entries(r.permissions).map(([k, v]) => [k, new Set(v)]))]));
  const byPrincipal = new Map();
  for (const b of t.bindings) {
    const key = `${b.type}:${b.externalId}`;
    if (!byPrincipal.has(key)) byPrincipal.set(key, []);
    byPrincipal.get(key).push({ ns: b.namespaceId, perms: roles.get(b.roleId) });
  }
  const users = new Map(t.users.map((u) => [u.username, u]));
  return (username, permission, action, namespace) => {
    const user = users.get(username);
    if (!user) return false;
    for (const key of [`USER:${user.id}`, ...user.groups.map((g) => `GROUP:${g}`)]) {
      for (const b of byPrincipal.get(key) ?? []) {
        if (!b.perms.get(permission)?.has(action)) continue;
        if (b.ns == null || namespace === b.ns || namespace.startsWith(`${b.ns}.`)) return true;
      }
    }
    return false;
  };
}

/** Cedar: one permit per binding; namespaces and groups as entity parents. */
function cedarEvaluator(p, id) {
  const t = p.tenants.main;
  const roles = new Map(t.roles.map((r) => [r.id, r.permissions]));
  const text = [];
  for (const b of t.bindings) {
    const principal = b.type === "USER" ? `User::"${b.externalId}"` : `Group::"${b.externalId}"`;
    const actions = Object.entries(roles.get(b.roleId)).flatMap(([perm, acts]) => acts.map((a) => `Action::"${perm}:${a}"`));
    text.push(`permit(principal in ${principal}, action in [${actions.join(", ")}], resource in Namespace::"${b.namespaceId}");`);
  }
  const answer = cedar.preparsePolicySet(id, { staticPolicies: text.join("\n") });
  if (answer.type !== "success") throw new Error(JSON.stringify(answer.errors).slice(0, 300));
  const alice = t.users.find((u) => u.username === "alice@example.com");
  return (permission, action, namespace) => {
    const segments = namespace.split(".");
    const entities = segments.map((_, i) => ({
      uid: { type: "Namespace", id: segments.slice(0, i + 1).join(".") },
      attrs: {},
      parents: i === 0 ? [] : [{ type: "Namespace", id: segments.slice(0, i).join(".") }],
    }));
    entities.push({ uid: { type: "User", id: alice.id }, attrs: {}, parents: alice.groups.map((g) => ({ type: "Group", id: g })) });
    const result = cedar.statefulIsAuthorized({
      principal: { type: "User", id: alice.id },
      action: { type: "Action", id: `${permission}:${action}` },
      resource: { type: "Namespace", id: namespace },
      context: {},
      preparsedPolicySetId: id,
      entities,
    });
    return result.type === "success" && result.response.decision === "allow";
  };
}

for (const bindings of [100, 10_000, 100_000]) {
  // As a policy arrives from Kestra's API: through JSON.parse. (Built by template literals, its
  // strings are ropes that V8 flattens on the first JSON.stringify: ~25 ms more at 100,000.)
  const p = JSON.parse(JSON.stringify(policy(bindings)));
  const start = process.hrtime.bigint();
  const authz = new Authorizer({ issuer: ISSUER, clientId: "kestra-client", clientSecret: SECRET, jwks: "{}", policy: p });
  const buildMs = Number(process.hrtime.bigint() - start) / 1e6;
  const session = authz.verifyIdToken(token, { now: 1800000060 });
  const plain = plainEvaluator(p);
  if (!session.isAllowed("FLOW", "UPDATE", hit) || !plain("alice@example.com", "FLOW", "UPDATE", hit)) throw new Error("bench policy does not grant");
  const plainUs = measure(() => plain("alice@example.com", "FLOW", "UPDATE", hit), 20000);
  const request = { permission: "FLOW", action: "UPDATE", namespace: hit };
  row(`session.isAllowed, ${bindings} bindings`, measure(() => session.isAllowed("FLOW", "UPDATE", hit), 20000), "plain JS", plainUs, "≤ 0.5 µs, flat");
  row(`authz.authorize (with reasons), ${bindings} bindings`, measure(() => authz.authorize(session, request), 20000), "plain JS", plainUs, "≤ 0.5 µs, flat");
  if (bindings === 100_000) {
    // The gateway: a request mapped to its route and checks, then decided.
    const http = { method: "PUT", url: `/api/v1/main/flows/${hit}/hello` };
    if (!authz.authorizeHttp(session, http).allowed) throw new Error("bench route does not grant");
    // Who can: every holder with its reasons; the anchor is JSON.parse of the same answer.
    for (const [what, request] of [
      ["all 10,000 users hold it", { permission: "FLOW", action: "UPDATE", namespace: hit }],
      ["3,004 users hold it", { permission: "SECRET", action: "DELETE", namespace: hit }],
    ]) {
      const text = JSON.stringify(authz.whoCan(request));
      row(`authz.whoCan, ${what}, ${bindings} bindings (${(text.length / 1e6).toFixed(1)} MB answer)`, measure(() => authz.whoCan(request), 10, 3), "JSON.parse of the answer", measure(() => JSON.parse(text), 10, 3), "≤ 10 ms");
      const lean = JSON.stringify(authz.whoCan(request, { reasons: false }));
      row(`authz.whoCan without reasons, ${what}, ${bindings} bindings (${(lean.length / 1e6).toFixed(2)} MB answer)`, measure(() => authz.whoCan(request, { reasons: false }), 10, 3), "JSON.parse of the answer", measure(() => JSON.parse(lean), 10, 3), "≤ 10 ms");
    }
    // Explain: a refusal (a namespace alice's bindings do not reach), with its suggestions.
    const refused = { permission: "SECRET", action: "DELETE", namespace: "org5.elsewhere" };
    if (authz.explain(session, refused).decision.allowed) throw new Error("bench explain request is allowed");
    row(`authz.explain, a refusal, ${bindings} bindings`, measure(() => authz.explain(session, refused), 200, 5), "authz.authorize", measure(() => authz.authorize(session, refused), 20000), "");
    // A change review: one role edited (every holder of r0 changes) and 1% of bindings moved up
    // a namespace. The anchor is building the two Authorizers the diff compares.
    const changed = structuredClone(p);
    changed.tenants.main.roles[0].permissions.KVSTORE = ["READ"];
    changed.tenants.main.bindings.forEach((b, i) => {
      if (i % 100 === 1) b.namespaceId = b.namespaceId.split(".").slice(0, 2).join(".");
    });
    const diffed = diffPolicies(p, changed);
    if (diffed.changes.length === 0) throw new Error("bench diff finds no change");
    const both = () => {
      for (const policy of [p, changed]) new Authorizer({ issuer: ISSUER, clientId: "kestra-client", clientSecret: SECRET, jwks: "{}", policy }).free();
    };
    row(`diffPolicies (ms), ${bindings} bindings, ${diffed.changes.length} principals changed`, scaled(measure(() => diffPolicies(p, changed), 1, 5), 1 / 1000), "building both Authorizers (ms)", scaled(measure(both, 1, 5), 1 / 1000), "≤ 1000 ms");
        row(`authz.authorizeHttp, a path-namespace route, ${bindings} bindings`, measure(() => authz.authorizeHttp(session, http), 20000), "plain JS", plainUs, "≤ 2 µs");
  }
  if (bindings <= 10_000) {
    const ced = cedarEvaluator(p, `p${bindings}`);
    if (!ced("FLOW", "UPDATE", hit)) throw new Error("cedar does not grant");
    row(`session.isAllowed, ${bindings} bindings (vs Cedar)`, measure(() => session.isAllowed("FLOW", "UPDATE", hit), 20000), "Cedar statefulIsAuthorized", measure(() => ced("FLOW", "UPDATE", hit), bindings > 1000 ? 20 : 500, 5), "");
  }
  rows.push(`| new Authorizer with ${bindings} bindings, first build in this process (ms) | ${buildMs.toFixed(1)} | | | | |`);
  session.free();
  authz.free();
  if (bindings === 100_000) {
    // Again, once the code is warm: from the object, and from the same policy as JSON text
    // (as it comes from an HTTP response; stringified outside the timing).
    const build = (policy) => scaled(measure(() => new Authorizer({ issuer: ISSUER, clientId: "kestra-client", clientSecret: SECRET, jwks: "{}", policy }).free(), 1, 5), 1 / 1000);
    row(`new Authorizer with ${bindings} bindings, warm, from the object (ms)`, build(p), "", undefined, "");
    row(`new Authorizer with ${bindings} bindings, warm, from JSON text (ms)`, build(JSON.stringify(p)), "", undefined, "");
  }
}

// ---- many applying grants ------------------------------------------------------------------
// alice in three groups, with 1,100 bindings that all grant the request (her own and her
// groups', on the namespace's chain): authorize lists four and counts the rest.
{
  const p = manyGrantsPolicy();
  const authz = new Authorizer({ issuer: ISSUER, clientId: "kestra-client", clientSecret: SECRET, jwks: "{}", policy: p });
  const session = authz.verifyIdToken(token, { now: 1800000060 });
  const request = { permission: "FLOW", action: "UPDATE", namespace: hit };
  const d = authz.authorize(session, request);
  if (!d.allowed || d.reasons.length + d.moreReasons < 1100) throw new Error(`bench: ${d.reasons.length} + ${d.moreReasons} reasons`);
  const plain = plainEvaluator(p);
  row(`authz.authorize, ${d.reasons.length + d.moreReasons} applying grants (4 listed), 101,100 bindings`, measure(() => authz.authorize(session, request), 20000), "plain JS", measure(() => plain("alice@example.com", "FLOW", "UPDATE", hit), 2000), "≤ 1 µs");
  row("session.isAllowed, the same", measure(() => session.isAllowed("FLOW", "UPDATE", hit), 20000), "", undefined, "≤ 0.3 µs");
  session.free();
  authz.free();
}

// ---- the gateway's body reader -------------------------------------------------------------
{
  const { kestraRoute } = require(join(pkg, "nodejs/kestra_authz.js"));
  let flow = "id: hello\nnamespace: company.team\ntasks:\n";
  while (flow.length < 10240) flow += `  - id: t${flow.length}\n    type: io.kestra.plugin.core.log.Log\n    message: hello world\n`;
  const post = { method: "POST", url: "/api/v1/main/flows", body: flow };
  if (kestraRoute(post).checks[0]?.namespace !== "company.team") throw new Error("bench flow not read");
  const parse = measure(() => JSON.stringify(flow), 5000);
  row("kestraRoute, POST /flows with a 10 KB YAML body", measure(() => kestraRoute(post), 5000), "JSON.stringify of the body", parse, "≤ 20 µs");
}

// ---- a fresh instance: build, memory, start-up -----------------------------------------------
// Each sample in a new process (bench/fresh-instance.mjs): the web build instantiated anew, so
// its wasm memory can be read (memory never shrinks: it shows the build's peak).
for (const [from, what] of [["the object", "object"], ["JSON text", "text"]]) {
  const runs = freshRuns(what);
  row(`new Authorizer with 100000 bindings in a fresh instance, from ${from} (ms, 5 processes)`, stats(runs.map((r) => r.ms)), "", undefined, "≤ 100 ms");
  row(`wasm memory after it (MiB)`, stats(runs.map((r) => r.mib)), "", undefined, "≤ 40 MiB");
}

// ---- module ------------------------------------------------------------------------------
const wasm = readFileSync(join(pkg, "web/kestra_authz_bg.wasm"));
// `gzip -9` (what scripts/build-pkg.sh prints) and Node's zlib at level 9 differ by ~1.5 %.
const gzip9 = execFileSync("gzip", ["-9", "-c", join(pkg, "web/kestra_authz_bg.wasm")]).length;
rows.push(`| module: raw / \`gzip -9\` / Node zlib level 9 (bytes) | ${statSync(join(pkg, "web/kestra_authz_bg.wasm")).size} / ${gzip9} / ${gzipSync(wasm, { level: 9 }).length} | | | | gzip ≤ 300 KB |`);
row("module: require() of the Node build, fresh process (ms, 5 processes)", stats(freshRuns("start-up").map((r) => r.ms)), "", undefined, "≤ 5 ms");
for (const [what, m] of startUp) row(what, m, "", undefined, "≤ 5 ms");

console.log(`node ${process.version}, jose ${JSON.parse(readFileSync(join(repo, "node_modules/jose/package.json"), "utf8")).version}, cedar-wasm ${cedar.getCedarSDKVersion?.() ?? "?"}`);
console.log("| measure | ours (µs) | anchor | anchor (µs) | ours / anchor | target |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
