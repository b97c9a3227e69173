// Two builds of the package, A and B, measured in one process with their rounds interleaved,
// so that a change's effect on the hot calls is seen through the machine's noise.
// Run: node bench/ab.mjs <pkg dir A> <pkg dir B>   (e.g. a copy of pkg/ built before a change).
// Prints the median per call of each, and B / A.
import { createRequire } from "node:module";
import { HIT, ISSUER, NOW, SECRET, manyGrantsPolicy, policy as policyOf, token } from "./fixtures.mjs";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";

const require = createRequire(import.meta.url);
const [dirA, dirB] = process.argv.slice(2).map((d) => resolve(d));
if (!dirA || !dirB) throw new Error("usage: node bench/ab.mjs <pkg dir A> <pkg dir B>");

const bindings = 10_000;
const hit = HIT;
const vectors = JSON.parse(readFileSync(fileURLToPath(new URL("../tests/vectors/tokens.json", import.meta.url)), "utf8"));
const es256 = vectors.cases.find((c) => c.name === "alg: ES256");
const rs256 = vectors.cases.find((c) => c.name === "alg: RS256 (authentik's only RSA algorithm)");
const request = { permission: "FLOW", action: "UPDATE", namespace: hit };
const http = { method: "PUT", url: `/api/v1/main/flows/${hit}/hello` };
let flow = "id: hello\nnamespace: company.team\ntasks:\n";
while (flow.length < 10240) flow += `  - id: t${flow.length}\n    type: io.kestra.plugin.core.log.Log\n    message: hello world\n`;
const post = { method: "POST", url: "/api/v1/main/flows", body: flow };

function firstTime(Authorizer, c) {
  const cold = new Authorizer({ ...vectors.providers[c.provider], tokenCacheSize: 0 });
  return () => cold.verifyIdToken(c.token, { now: c.options.now }).free();
}

const manyPolicy = manyGrantsPolicy();

function calls(dir) {
  const { Authorizer, kestraRoute } = require(join(dir, "nodejs/kestra_authz.js"));
  const authz = new Authorizer({ issuer: ISSUER, clientId: "kestra-client", clientSecret: SECRET, jwks: "{}", policy: policyOf(bindings) });
  const session = authz.verifyIdToken(token, { now: NOW });
  const many = new Authorizer({ issuer: ISSUER, clientId: "kestra-client", clientSecret: SECRET, jwks: "{}", policy: manyPolicy });
  const manySession = many.verifyIdToken(token, { now: NOW });
  return {
    "session.isAllowed (hit)": () => session.isAllowed("FLOW", "UPDATE", hit),
    "session.isAllowed (miss)": () => session.isAllowed("EXECUTION", "DELETE", hit),
    "session.isAllowedGlobal": () => session.isAllowedGlobal("FLOW", "UPDATE"),
    "session.hasAnyAction": () => session.hasAnyAction("FLOW", "UPDATE", "org0"),
    "session.hasAnyRole": () => session.hasAnyRole(),
    "authz.authorize (with reasons)": () => authz.authorize(session, request),
    "authz.authorize, 1,100+ applying grants, 101,100 bindings": () => many.authorize(manySession, request),
    "session.isAllowed, the same": () => manySession.isAllowed("FLOW", "UPDATE", hit),
    "authz.authorizeHttp, a path-namespace route": () => authz.authorizeHttp(session, http),
    "kestraRoute, POST /flows with a 10 KB YAML body": () => kestraRoute(post),
    "verifyIdToken, repeat (cache)": () => authz.verifyIdToken(token, { now: NOW }).free(),
    "verifyIdToken, first time, RS256 (cache off)": firstTime(Authorizer, rs256),
    "verifyIdToken, first time, ES256 (cache off)": firstTime(Authorizer, es256),
  };
}

const a = calls(dirA);
const b = calls(dirB);
const time = (fn, n) => {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1000 / n;
};
const median = (xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
console.log(`A: ${dirA}\nB: ${dirB}\n`);
console.log("| call | A (µs) | B (µs) | B / A |\n|---|---|---|---|");
for (const name of Object.keys(a)) {
  const n = name.includes("first time") ? 50 : name.includes("10 KB") ? 2_000 : 20_000;
  time(a[name], n);
  time(b[name], n);
  const ta = [];
  const tb = [];
  for (let round = 0; round < 21; round++) {
    ta.push(time(a[name], n));
    tb.push(time(b[name], n));
  }
  const [ma, mb] = [median(ta), median(tb)];
  console.log(`| ${name} | ${ma.toFixed(3)} | ${mb.toFixed(3)} | ${(mb / ma).toFixed(3)} |`);
}
