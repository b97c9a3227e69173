// What the package benchmarks share: an HS256 provider, the policy of N bindings the native
// benchmark also uses (N/10 users, 50 roles, 20 groups, namespaces three or four segments
// deep), and a token for its first user, alice.
import { createHmac } from "node:crypto";

export const SECRET = "0123456789abcdef".repeat(4);
export const ISSUER = "https://sso.example.com/application/o/kestra/";
export const NOW = 1800000060;
/** A namespace alice is granted FLOW:UPDATE on. */
export const HIT = "org0.team0.svc0.flows";

export function policy(bindings) {
  const users = Math.max(1, Math.floor(bindings / 10));
  const roles = Array.from({ length: 50 }, (_, r) => ({ id: `r${r}`, permissions: { FLOW: ["READ", "UPDATE"], EXECUTION: ["READ"], SECRET: [["READ", "CREATE", "UPDATE", "DELETE"][r % 4]] } }));
  const groups = Array.from({ length: 20 }, (_, g) => ({ id: `g${g}` }));
  const userList = Array.from({ length: users }, (_, u) => ({ id: `u${u}`, username: u === 0 ? "alice@example.com" : `user${u}@example.com`, groups: [`g${u % 20}`] }));
  const bindingList = Array.from({ length: bindings }, (_, b) =>
    b % 7 === 0
      ? { type: "GROUP", externalId: `g${b % 20}`, roleId: `r${b % 50}`, namespaceId: `org${b % 13}.team${b % 31}` }
      : { type: "USER", externalId: `u${b % users}`, roleId: `r${b % 50}`, namespaceId: `org${b % 13}.team${b % 31}.svc${b % 5}` },
  );
  return { tenants: { main: { roles, groups, users: userList, bindings: bindingList } } };
}

/**
 * The case of many applying grants: `policy(100_000)` with alice in three groups and 1,100 more
 * bindings (hers and group g0's) on HIT's chain, which all grant FLOW:UPDATE on HIT.
 */
export function manyGrantsPolicy() {
  const p = policy(100_000);
  const main = p.tenants.main;
  main.users[0].groups = ["g0", "g1", "g2"];
  const chain = HIT.split(".").map((_, i, parts) => parts.slice(0, i + 1).join("."));
  for (let i = 0; i < 1100; i++) {
    main.bindings.push(i % 3 === 0
      ? { type: "GROUP", externalId: "g0", roleId: "r0", namespaceId: chain[i % chain.length] }
      : { type: "USER", externalId: "u0", roleId: "r0", namespaceId: chain[i % chain.length] });
  }
  return p;
}

const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iss: ISSUER, aud: "kestra-client", sub: "s", email: "alice@example.com", iat: NOW - 60, exp: NOW + 240 })}`;
/** alice's ID token, valid at NOW. */
export const token = `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
