// Two builds of the package, A and B, measured in one process with their rounds interleaved,
// so that a change's effect on the hot calls is seen through the machine's noise.
// Run: node bench/ab.mjs <pkg dir A> <pkg dir B>   (e.g. a copy of pkg/ built before a change).
// Prints the median per call of each, and B / A.
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join, resolve } from "node:path";

const require = createRequire(import.meta.url);
const [dirA, dirB] = process.argv.slice(2).map((d) => resolve(d));
if (!dirA || !dirB) throw new Error("usage: node bench/ab.mjs <pkg dir A> <pkg dir B>");

const SECRET = "0123456789abcdef".repeat(4);
const ISSUER = "https://sso.example.com/application/o/kestra/";
const bindings = 10_000;
const users = bindings / 10;
const roles = Array.from({ length: 50 }, (_, r) => ({ id: `r${r}`, permissions: { FLOW: ["READ", "UPDATE"], EXECUTION: ["READ"] } }));
const groups = Array.from({ length: 20 }, (_, g) => ({ id: `g${g}` }));
const userList = Array.from({ length: users }, (_, u) => ({ id: `u${u}`, username: u === 0 ? "alice@example.com" : `user${u}@example.com`, groups: [`g${u % 20}`] }));
const bindingList = Array.from({ length: bindings }, (_, b) =>
  b % 7 === 0
    ? { type: "GROUP", externalId: `g${b % 20}`, roleId: `r${b % 50}`, namespaceId: `org${b % 13}.team${b % 31}` }
    : { type: "USER", externalId: `u${b % users}`, roleId: `r${b % 50}`, namespaceId: `org${b % 13}.team${b % 31}.svc${b % 5}` },
);
const policy = { tenants: { main: { roles, groups, users: userList, bindings: bindingList } } };
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: ISSUER, aud: "kestra-client", sub: "s", email: "alice@example.com", iat: 1800000000, exp: 1800000300 })}`;
const token = `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
const hit = "org0.team0.svc0.flows";
const vectors = JSON.parse(readFileSync(fileURLToPath(new URL("../tests/vectors/tokens.json", import.meta.url)), "utf8"));
const es256 = vectors.cases.find((c) => c.name === "alg: ES256");
const rs256 = vectors.cases.find((c) => c.name === "alg: RS256 (authentik's only RSA algorithm)");
const request = { permission: "FLOW", action: "UPDATE", namespace: hit };

function firstTime(Authorizer, c) {
  const cold = new Authorizer({ ...vectors.providers[c.provider], tokenCacheSize: 0 });
  return () => cold.verifyIdToken(c.token, { now: c.options.now }).free();
}

function calls(dir) {
  const { Authorizer } = require(join(dir, "nodejs/kestra_authz.js"));
  const authz = new Authorizer({ issuer: ISSUER, clientId: "kestra-client", clientSecret: SECRET, jwks: "{}", policy });
  const session = authz.verifyIdToken(token, { now: 1800000060 });
  return {
    "session.isAllowed (hit)": () => session.isAllowed("FLOW", "UPDATE", hit),
    "session.isAllowed (miss)": () => session.isAllowed("SECRET", "DELETE", hit),
    "session.isAllowedGlobal": () => session.isAllowedGlobal("FLOW", "UPDATE"),
    "session.hasAnyAction": () => session.hasAnyAction("FLOW", "UPDATE", "org0"),
    "session.hasAnyRole": () => session.hasAnyRole(),
    "authz.authorize (with reasons)": () => authz.authorize(session, request),
    "verifyIdToken, repeat (cache)": () => authz.verifyIdToken(token, { now: 1800000060 }).free(),
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
  const n = name.includes("first time") ? 50 : 20_000;
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
