// How a decision becomes a JS object (src/wasm/decision.rs calls these). Decisions are
// assembled by object literals from indexes into a table of strings the Authorizer keeps, in
// one call that carries the reasons `authorize` lists, where filling objects member by member
// from wasm took one call per member. Literals define members without running setters someone
// put on `Object.prototype`.

/**
 * @typedef {{ via: unknown, role: unknown, roleName: unknown, binding: unknown,
 *   namespace: unknown, group: unknown, tenant: unknown }} Reason
 * @typedef {{ allowed: boolean, code: unknown, reasons: Reason[], moreReasons: number, tenant: unknown }} Decision
 */

// Captured when the module loads, so a later change to `Object.defineProperty` cannot reach
// the arrays below.
const define = Object.defineProperty;

/**
 * Appends a value to an array the module made, as an element of its own: no setter or method
 * someone put on `Array.prototype` runs (`push` and assignment to a new index run both).
 * Answers its index, or -1 when it could not be added (nothing may unwind through wasm).
 * @param {unknown[]} list
 * @param {unknown} value
 * @returns {number}
 */
export function append(list, value) {
  try {
    const at = list.length;
    define(list, at, { value, writable: true, enumerable: true, configurable: true });
    return at;
  } catch (_) {
    return -1;
  }
}

/** A new empty array, for `append`. @returns {unknown[]} */
export function newList() {
  return [];
}

/**
 * @param {unknown[]} s the string table
 * @param {number} via
 * @param {number} role
 * @param {number} roleName
 * @param {number} binding
 * @param {number} namespace
 * @param {number} group
 * @param {number} tenant
 * @returns {Reason}
 */
const reason = (s, via, role, roleName, binding, namespace, group, tenant) => ({
  via: s[via],
  role: s[role],
  roleName: s[roleName],
  binding: s[binding],
  namespace: s[namespace],
  group: s[group],
  tenant: s[tenant],
});

/**
 * Makes a decision with its reasons, up to four (what `authorize` lists), in one call:
 * `count` says how many of the four groups of seven indexes (via, role, roleName, binding,
 * namespace, group, tenant) carry one. Numbers are indexes into the string table `s`. Array
 * literals define their elements, so no setter someone put on `Array.prototype` runs.
 * @type {(s: unknown[], allowed: boolean, code: number, tenant: number, moreReasons: number,
 *   count: number, ...ids: number[]) => Decision}
 */
export const decision = function (s, allowed, code, tenant, moreReasons, count,
  v0, r0, n0, b0, ns0, g0, t0, v1, r1, n1, b1, ns1, g1, t1,
  v2, r2, n2, b2, ns2, g2, t2, v3, r3, n3, b3, ns3, g3, t3) {
  /** @type {Reason[]} */
  let reasons;
  if (count === 0) reasons = [];
  else if (count === 1) reasons = [reason(s, v0, r0, n0, b0, ns0, g0, t0)];
  else if (count === 2) reasons = [reason(s, v0, r0, n0, b0, ns0, g0, t0), reason(s, v1, r1, n1, b1, ns1, g1, t1)];
  else if (count === 3) {
    reasons = [reason(s, v0, r0, n0, b0, ns0, g0, t0), reason(s, v1, r1, n1, b1, ns1, g1, t1),
      reason(s, v2, r2, n2, b2, ns2, g2, t2)];
  } else {
    reasons = [reason(s, v0, r0, n0, b0, ns0, g0, t0), reason(s, v1, r1, n1, b1, ns1, g1, t1),
      reason(s, v2, r2, n2, b2, ns2, g2, t2), reason(s, v3, r3, n3, b3, ns3, g3, t3)];
  }
  return { allowed, code: s[code], reasons, moreReasons, tenant: s[tenant] };
};

/**
 * An `authorizeMany` entry for a request that was bad input: the error's code and message,
 * so one bad entry does not hide the others.
 * @param {string} code
 * @param {string} message
 */
export function batchError(code, message) {
  return { allowed: false, code, error: message, reasons: [], moreReasons: 0 };
}

/**
 * The module's errors: a real Error named KestraAuthzError with `code` (and `claim`, `reason`
 * for claims), each an own member, so no setter someone put on a prototype runs or hides it.
 * @param {string} message
 * @param {string} code
 * @param {string | undefined} claim
 * @param {string | undefined} reason
 */
export function makeError(message, code, claim, reason) {
  try {
    const error = new Error(message);
    /** @param {string} key @param {string} value */
    const own = (key, value) => Object.defineProperty(error, key, { value, writable: true, configurable: true, enumerable: key !== "name" });
    own("name", "KestraAuthzError");
    own("code", code);
    if (claim !== undefined) own("claim", claim);
    if (reason !== undefined) own("reason", reason);
    return error;
  } catch (_) {
    return { name: "KestraAuthzError", message, code, claim, reason };
  }
}

/**
 * An answer made in wasm as JSON: parsed here, its members defined, not assigned.
 * @param {string} json
 */
export function parseAnswer(json) {
  try {
    return JSON.parse(json);
  } catch (_) {
    return undefined;
  }
}

/**
 * A gateway decision from indexes into the string table `s`; `checks` and `lookup` start
 * empty and `httpCheck` / `httpLookup` append to them.
 * @param {unknown[]} s
 * @param {boolean} allowed
 * @param {number} code
 * @param {number} status
 * @param {number} route
 * @param {number} tenant
 * @param {number} impersonated
 * @param {number} reason
 */
export function httpDecision(s, allowed, code, status, route, tenant, impersonated, reason) {
  return { allowed, code: s[code], status, route: s[route], tenant: s[tenant], checks: [], lookup: [], impersonated: s[impersonated], reason: s[reason] };
}

/**
 * Appends one decided check; false when it could not be added.
 * @param {{ checks: unknown[] }} d
 * @param {unknown[]} s
 * @param {number} permission
 * @param {number} action
 * @param {number} namespace
 * @param {number} scope
 * @param {number} from
 * @param {boolean} allowed
 * @param {number} code
 */
export function httpCheck(d, s, permission, action, namespace, scope, from, allowed, code) {
  const check = { permission: s[permission], action: s[action], namespace: s[namespace], scope: s[scope], from: s[from], allowed, code: s[code] };
  return append(d.checks, check) >= 0;
}

/**
 * Appends one lookup the host must answer; false when it could not be added.
 * @param {{ lookup: unknown[] }} d
 * @param {unknown[]} s
 * @param {number} kind
 * @param {number} id
 */
export function httpLookup(d, s, kind, id) {
  return append(d.lookup, { kind: s[kind], id: s[id] }) >= 0;
}
