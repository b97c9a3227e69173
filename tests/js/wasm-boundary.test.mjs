// Unit tests of the JS half of the wasm boundary (src/wasm/*.js), run on their own: a
// WebAssembly.Memory stands in for the module's memory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ABSENT, NOT_A_STRING, headerValue, readRequest, withoutMember, writeJson, writePending, writeText } from "../../src/wasm/transport.js";
import { append, batchError, decision, makeError, newList, parseAnswer } from "../../src/wasm/decision.js";

const memory = () => new WebAssembly.Memory({ initial: 1 });
const bytes = (m, at, n) => new Uint8Array(m.buffer, at, n);
const text = (m, at, n) => new TextDecoder().decode(bytes(m, at, n));
const u32 = (m, at) => new DataView(m.buffer).getUint32(at, true);

test("writeText writes UTF-8 and answers its length", () => {
  const m = memory();
  assert.equal(writeText(m, "FLOW", 8, 64, 100), 4);
  assert.equal(text(m, 8, 4), "FLOW");
  assert.equal(writeText(m, "é€😀", 0, 64, 100), 2 + 3 + 4);
  assert.equal(text(m, 0, 9), "é€😀");
});

test("writeText answers -1 for a non-string and -2 past maxUnits", () => {
  const m = memory();
  for (const value of [undefined, null, 42, {}, [], Symbol("s"), 1n]) assert.equal(writeText(m, value, 0, 64, 100), -1);
  assert.equal(writeText(m, "abcdef", 0, 64, 5), -2);
  assert.equal(writeText(m, "abcde", 0, 64, 5), 5);
});

test("too little room answers the room needed, negated; writePending then writes the same text", () => {
  const m = memory();
  const long = "é".repeat(40);
  let status = writeText(m, long, 0, 16, 1000);
  assert.ok(status < -3, `status ${status}`);
  // The first need counts a byte per UTF-16 unit; a second, once some text is written, three
  // bytes for each unit not yet written: enough by then.
  status = writePending(m, 100, -status);
  if (status < 0) status = writePending(m, 100, -status);
  assert.equal(status, 80);
  assert.equal(text(m, 100, 80), long);
  // Once written, nothing is pending.
  assert.equal(writePending(m, 100, 200), -1);
});

test("longer in UTF-16 units than the room: the need counts every unit", () => {
  const m = memory();
  const status = writeText(m, "a".repeat(100), 0, 10, 1000);
  assert.ok(-status >= 100);
  assert.equal(writePending(m, 0, -status), 100);
});

test("lone surrogates become U+FFFD", () => {
  const m = memory();
  const n = writeText(m, "a\uD800b", 0, 64, 100);
  assert.equal(text(m, 0, n), "a\uFFFDb");
});

test("writeJson stringifies, and answers -1 when stringify throws or gives nothing", () => {
  const m = memory();
  const n = writeJson(m, { a: [1, "é"] }, 0, 64);
  assert.equal(text(m, 0, n), '{"a":[1,"é"]}');
  const cycle = {};
  cycle.self = cycle;
  for (const value of [undefined, () => 1, Symbol("s"), 1n, cycle, { toJSON() { throw new Error("no"); } }]) {
    assert.equal(writeJson(m, value, 0, 64), -1);
  }
  // A failed write leaves nothing pending.
  assert.equal(writePending(m, 0, 64), -1);
});

test("readRequest writes four lengths, then each member's UTF-8 in order", () => {
  const m = memory();
  const n = readRequest(m, { permission: "FLOW", action: "READ", namespace: "company.é" }, 32, 256);
  assert.equal(n, 16 + 4 + 4 + 10);
  assert.deepEqual([u32(m, 32), u32(m, 36), u32(m, 40), u32(m, 44)], [4, 4, 10, ABSENT]);
  assert.equal(text(m, 48, 18), "FLOWREADcompany.é");
});

test("readRequest marks members that are not strings, and reads throwing getters as absent", () => {
  const m = memory();
  const request = {
    permission: 7,
    action: null,
    get namespace() {
      throw new Error("getter");
    },
    tenant: { toString: () => "main" },
  };
  assert.equal(readRequest(m, request, 0, 64), 16);
  assert.deepEqual([u32(m, 0), u32(m, 4), u32(m, 8), u32(m, 12)], [NOT_A_STRING, ABSENT, ABSENT, NOT_A_STRING]);
});

test("readRequest: -1 for a non-object, the room needed when it does not fit", () => {
  const m = memory();
  for (const value of [undefined, null, "FLOW", 3]) assert.equal(readRequest(m, value, 0, 64), -1);
  const status = readRequest(m, { permission: "FLOW", action: "€".repeat(20) }, 0, 24);
  assert.ok(status < -3);
  assert.ok(readRequest(m, { permission: "FLOW", action: "€".repeat(20) }, 0, -status) > 0);
});

test("readRequest sees memory grown by a getter", () => {
  const m = memory();
  const request = {
    permission: "FLOW",
    get action() {
      m.grow(1);
      return "READ";
    },
  };
  const n = readRequest(m, request, 70000, 64);
  assert.equal(n, 24);
  assert.equal(text(m, 70016, 8), "FLOWREAD");
});

test("decision builds a decision with up to four reasons from string indexes", () => {
  const s = [null, "user", "group", "ALLOWED", "admin", "Admin", "b1", "company", "main", "b2", "b3", "b4"];
  const r = (via, binding) => [via, 4, 5, binding, 7, 0, 8];
  const unused = [99, 99, 99, 99, 99, 99, 99];
  const d = decision(s, true, 3, 8, 5, 1, ...r(1, 6), ...unused, ...unused, ...unused);
  assert.deepEqual(d, {
    allowed: true,
    code: "ALLOWED",
    reasons: [{ via: "user", role: "admin", roleName: "Admin", binding: "b1", namespace: "company", group: null, tenant: "main" }],
    moreReasons: 5,
    tenant: "main",
  });
  for (let count = 0; count <= 4; count++) {
    const ids = [r(1, 6), r(2, 9), r(1, 10), r(2, 11)].map((x, i) => (i < count ? x : unused)).flat();
    const many = decision(s, true, 3, 8, 0, count, ...ids);
    assert.deepEqual(many.reasons.map((x) => [x.via, x.binding]), [["user", "b1"], ["group", "b2"], ["user", "b3"], ["group", "b4"]].slice(0, count));
  }
  const none = decision(s, false, 3, 0, 0, 0, ...unused, ...unused, ...unused, ...unused);
  assert.deepEqual(none.reasons, []);
  assert.equal(none.tenant, null);
});

test("decisions and append ignore setters and methods on Array.prototype and Object.prototype", () => {
  const s = [null, "user"];
  const one = [1, 0, 0, 0, 0, 0, 0];
  const indexes = ["0", "3", "4", "5"];
  const push = Array.prototype.push;
  for (const index of indexes) Object.defineProperty(Array.prototype, index, { get() { return "TRAP"; }, set() { throw new Error("no"); }, configurable: true });
  Object.defineProperty(Object.prototype, "via", { set() { throw new Error("no"); }, configurable: true });
  Array.prototype.push = () => { throw new Error("no"); };
  try {
    const fresh = decision(s, true, 0, 0, 0, 4, ...one, ...one, ...one, ...one);
    assert.deepEqual(fresh.reasons.map((x) => x.via), ["user", "user", "user", "user"]);
    assert.equal(Object.getOwnPropertyDescriptor(fresh.reasons, "3")?.value.via, "user");
    const list = newList();
    assert.equal(append(list, "a"), 0);
    assert.equal(append(list, null), 1);
    assert.deepEqual([Object.getOwnPropertyDescriptor(list, "0")?.value, Object.getOwnPropertyDescriptor(list, "1")?.value, list.length], ["a", null, 2]);
  } finally {
    for (const index of indexes) delete Array.prototype[index];
    delete Object.prototype.via;
    Array.prototype.push = push;
  }
});

test("append answers -1 for an array that cannot take an element, and throws nothing", () => {
  const frozen = Object.freeze(newList());
  assert.equal(append(frozen, "a"), -1);
});

test("batchError is an entry with the error's code and message", () => {
  assert.deepEqual(batchError("ERR_OPTION_INVALID", "bad request"), { allowed: false, code: "ERR_OPTION_INVALID", error: "bad request", reasons: [], moreReasons: 0 });
});

test("makeError makes a KestraAuthzError whose members are its own, whatever the prototypes say", () => {
  const e = makeError("expired", "ERR_JWT_EXPIRED", "exp", "check_failed");
  assert.ok(e instanceof Error);
  assert.deepEqual([e.name, e.message, e.code, e.claim, e.reason], ["KestraAuthzError", "expired", "ERR_JWT_EXPIRED", "exp", "check_failed"]);
  const plain = makeError("x", "ERR_OPTION_INVALID", undefined, undefined);
  assert.equal(Object.hasOwn(plain, "claim"), false);
  Object.defineProperty(Object.prototype, "code", { configurable: true, set() { throw new Error("setter"); } });
  try {
    assert.equal(makeError("x", "ERR_OPTION_INVALID", undefined, undefined).code, "ERR_OPTION_INVALID");
  } finally {
    delete Object.prototype.code;
  }
});

test("parseAnswer defines members without running setters", () => {
  Object.defineProperty(Object.prototype, "allowed", { configurable: true, set() { throw new Error("setter"); } });
  try {
    assert.equal(parseAnswer('{"allowed":true}').allowed, true);
  } finally {
    delete Object.prototype.allowed;
  }
  assert.equal(parseAnswer("{"), undefined);
});

test("withoutMember copies an object without one member, and answers null when reading throws", () => {
  assert.deepEqual(withoutMember({ a: 1, policy: {}, b: "x" }, "policy"), { a: 1, b: "x" });
  const hostile = { get a() { throw new Error("getter"); } };
  assert.equal(withoutMember(hostile, "policy"), null);
  const proxy = new Proxy({}, { ownKeys() { throw new Error("trap"); } });
  assert.equal(withoutMember(proxy, "policy"), null);
});

test("headerValue reads one header of a Headers or a plain object, in any case", () => {
  assert.equal(headerValue(new Headers({ "X-Kestra-Impersonate": "bob" }), "x-kestra-impersonate"), "bob");
  assert.equal(headerValue({ "X-KESTRA-impersonate": "bob" }, "x-kestra-impersonate"), "bob");
  assert.equal(headerValue({}, "x-kestra-impersonate"), null);
  assert.equal(headerValue(undefined, "x-kestra-impersonate"), null);
  assert.equal(headerValue({ "x-kestra-impersonate": "a", "X-Kestra-Impersonate": "b" }, "x-kestra-impersonate"), -1);
  assert.equal(headerValue({ "x-kestra-impersonate": ["a"] }, "x-kestra-impersonate"), -1);
  assert.equal(headerValue("x", "x-kestra-impersonate"), -1);
  assert.equal(headerValue({ get() { throw new Error("no"); } }, "x-kestra-impersonate"), -1);
  assert.equal(headerValue({ get ["x-kestra-impersonate"]() { throw new Error("no"); } }, "x-kestra-impersonate"), -1);
});
