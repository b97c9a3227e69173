// How text crosses into wasm memory (src/wasm/transport.rs calls these). One call each,
// where reading a string from wasm-bindgen's glue or driving `TextEncoder.encodeInto` from
// wasm took several.
//
// `writeText` / `writeJson` (which runs `JSON.stringify` first) write a string's UTF-8 at `at`
// (`room` bytes) and answer its length in bytes; -1 when there is no string (not a string,
// or stringify threw or gave none); -2 when it has more than `maxUnits` UTF-16 units; else
// the room it needs, negated, and `writePending` then writes that same text. Lone surrogates
// become U+FFFD, as in wasm-bindgen's glue.
//
// `readRequest` reads a request's four members and writes them in one call (reading each
// member, then each string, from wasm took seven). Layout at `at`: four little-endian u32
// lengths (ABSENT: undefined or null; NOT_A_STRING: anything else), then the UTF-8 of each
// string in order. It answers the bytes written, -1 when `request` is not an object, -3 when
// it could not be read, else the room it needs, negated. A throwing getter reads as absent.
//
// Nothing thrown leaves these functions: an exception must not unwind through wasm, and
// catching it here spares the cost of wasm-bindgen's `catch` wrapper.

/** A request member's length slot when the member is undefined or null. */
export const ABSENT = 0xffffffff;
/** A request member's length slot when the member is there but not a string. */
export const NOT_A_STRING = 0xfffffffe;

const encoder = new TextEncoder();
/** @type {Uint8Array<ArrayBufferLike>} */
let memoryView = new Uint8Array(0);
/** @type {string | null} */
let pending = null;

/**
 * A view of wasm memory, renewed when memory has grown (its buffer is then another).
 * @param {{ buffer: ArrayBufferLike }} memory
 */
function heapOf(memory) {
  let heap = memoryView;
  if (heap.buffer !== memory.buffer) heap = memoryView = new Uint8Array(memory.buffer);
  return heap;
}

/**
 * @param {{ buffer: ArrayBufferLike }} memory
 * @param {string} text
 * @param {number} at
 * @param {number} room
 */
function write(memory, text, at, room) {
  const units = text.length;
  if (units <= room) {
    const { read, written } = encoder.encodeInto(text, heapOf(memory).subarray(at, at + room));
    if (read === units) {
      pending = null;
      return written;
    }
    pending = text;
    return -(written + (units - read) * 3 + 8);
  }
  pending = text;
  return -(units + 8);
}

/**
 * @param {{ buffer: ArrayBufferLike }} memory
 * @param {unknown} text
 * @param {number} at
 * @param {number} room
 * @param {number} maxUnits
 */
export function writeText(memory, text, at, room, maxUnits) {
  pending = null;
  if (typeof text !== "string") return -1;
  if (text.length > maxUnits) return -2;
  try {
    return write(memory, text, at, room);
  } catch (_) {
    return -1;
  }
}

/**
 * @param {{ buffer: ArrayBufferLike }} memory
 * @param {unknown} value
 * @param {number} at
 * @param {number} room
 */
export function writeJson(memory, value, at, room) {
  pending = null;
  try {
    const text = JSON.stringify(value);
    return typeof text === "string" ? write(memory, text, at, room) : -1;
  } catch (_) {
    return -1;
  }
}

/**
 * @param {{ buffer: ArrayBufferLike }} memory
 * @param {number} at
 * @param {number} room
 */
export function writePending(memory, at, room) {
  const text = pending;
  if (text === null) return -1;
  try {
    return write(memory, text, at, room);
  } catch (_) {
    return -1;
  }
}

/**
 * @param {Uint8Array} heap
 * @param {number} at
 * @param {number} n
 */
function setLength(heap, at, n) {
  heap[at] = n & 255;
  heap[at + 1] = (n >>> 8) & 255;
  heap[at + 2] = (n >>> 16) & 255;
  heap[at + 3] = n >>> 24;
}

/**
 * Writes one member's length at `slot` and its UTF-8 at `end`; answers the new end, or -1
 * past `limit`.
 * @param {Uint8Array} heap
 * @param {unknown} value
 * @param {number} slot
 * @param {number} end
 * @param {number} limit
 */
function put(heap, value, slot, end, limit) {
  if (value === undefined || value === null) {
    setLength(heap, slot, ABSENT);
    return end;
  }
  if (typeof value !== "string") {
    setLength(heap, slot, NOT_A_STRING);
    return end;
  }
  const units = value.length;
  if (end + units > limit) return -1;
  // Long text (a body) goes to the encoder at once; short names byte by byte, which is faster
  // than a call into the encoder.
  if (units > 64) {
    if (end + units * 3 > limit) return -1;
    const { read, written } = encoder.encodeInto(value, heap.subarray(end, limit));
    if (read !== units) return -1;
    setLength(heap, slot, written);
    return end + written;
  }
  let i = 0;
  for (; i < units; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7f) break;
    heap[end + i] = c;
  }
  if (i < units) {
    const rest = value.slice(i);
    if (end + i + rest.length * 3 > limit) return -1;
    i += encoder.encodeInto(rest, heap.subarray(end + i, limit)).written;
  }
  setLength(heap, slot, i);
  return end + i;
}

/** @param {unknown} value */
const units = (value) => (typeof value === "string" ? value.length : 0);

/**
 * @param {{ buffer: ArrayBufferLike }} memory
 * @param {any} request
 * @param {number} at
 * @param {number} room
 */
export function readRequest(memory, request, at, room) {
  if (typeof request !== "object" || request === null) return -1;
  try {
    let permission, action, namespace, tenant;
    try { permission = request.permission; } catch (_) {}
    try { action = request.action; } catch (_) {}
    try { namespace = request.namespace; } catch (_) {}
    try { tenant = request.tenant; } catch (_) {}
    // After the getters: one may have called back into the module and grown its memory.
    const heap = heapOf(memory);
    const limit = at + room;
    let end = put(heap, permission, at, at + 16, limit);
    if (end >= 0) end = put(heap, action, at + 4, end, limit);
    if (end >= 0) end = put(heap, namespace, at + 8, end, limit);
    if (end >= 0) end = put(heap, tenant, at + 12, end, limit);
    if (end >= 0) return end - at;
    return -(16 + 3 * (units(permission) + units(action) + units(namespace) + units(tenant)) + 8);
  } catch (_) {
    return -3;
  }
}

/**
 * A shallow copy of an object without one member, or null when reading it threw (a getter,
 * a proxy): the copy is a plain object whose members can be read without running code.
 * @param {object} value
 * @param {string} key
 * @returns {Record<string, unknown> | null}
 */
export function withoutMember(value, key) {
  try {
    /** @type {Record<string, unknown>} */
    const copy = Object.assign({}, /** @type {Record<string, unknown>} */ (value));
    delete copy[key];
    return copy;
  } catch (_) {
    return null;
  }
}

/**
 * The value of one HTTP header in a `Headers` object or a plain object of headers (the name
 * in any case). Answers the value, null when absent, -1 when not readable or not one string
 * (a header given twice in a plain object, a non-string value).
 * @param {unknown} headers
 * @param {string} name lower case
 * @returns {string | null | -1}
 */
export function headerValue(headers, name) {
  try {
    if (headers === undefined || headers === null) return null;
    if (typeof headers !== "object") return -1;
    const get = /** @type {{ get?: unknown }} */ (headers).get;
    if (typeof get === "function") {
      const value = get.call(headers, name);
      return typeof value === "string" ? value : value === null || value === undefined ? null : -1;
    }
    /** @type {string | null} */
    let found = null;
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() !== name) continue;
      if (typeof value !== "string" || found !== null) return -1;
      found = value;
    }
    return found;
  } catch (_) {
    return -1;
  }
}

/**
 * The first own member of `value` not in `known`, null when there is none, -1 when the object
 * could not be read (a proxy that throws).
 * @param {object} value
 * @param {string[]} known
 * @returns {string | null | -1}
 */
export function unknownMember(value, known) {
  try {
    for (const key of Object.keys(value)) if (!known.includes(key)) return key;
    return null;
  } catch (_) {
    return -1;
  }
}

const HTTP_MEMBERS = ["method", "url", "headers", "body", "namespaces", "mode", "model", "requireNamespaceCreate"];

/**
 * Reads a gateway request `{ method, url, headers?, body?, namespaces?, mode?, model? }` and
 * writes it in one call, as `readRequest` does: seven little-endian u32 lengths (method, url,
 * body, the X-Kestra-Impersonate header, mode, model, namespaces as JSON; ABSENT or
 * NOT_A_STRING as there), then the UTF-8 of each in order. A body that is not text is written
 * as its JSON. Answers the bytes written; -1 when `request` is not an object; -3 when it could
 * not be read; -4 for an unknown member; -5 for unusable headers; else the room it needs,
 * negated.
 * @param {{ buffer: ArrayBufferLike }} memory
 * @param {any} request
 * @param {number} at
 * @param {number} room
 */
export function readHttpRequest(memory, request, at, room) {
  if (typeof request !== "object" || request === null) return -1;
  try {
    if (unknownMember(request, HTTP_MEMBERS) !== null) return -4;
    const impersonate = headerValue(request.headers, "x-kestra-impersonate");
    if (impersonate === -1) return -5;
    const body = request.body;
    const text = body === undefined || body === null || typeof body === "string" ? body : JSON.stringify(body);
    const namespaces = request.namespaces;
    const answers =
      namespaces === undefined || namespaces === null ? namespaces : typeof namespaces === "object" ? JSON.stringify(namespaces) : 0;
    const create = request.requireNamespaceCreate;
    const values = [request.method, request.url, text, impersonate, request.mode, request.model, answers, typeof create === "boolean" ? String(create) : create];
    // After the getters: one may have called back into the module and grown its memory.
    const heap = heapOf(memory);
    const limit = at + room;
    let end = at + 4 * values.length;
    let need = end - at;
    for (let i = 0; i < values.length; i++) {
      need += 3 * units(values[i]);
      if (end >= 0) end = put(heap, values[i], at + 4 * i, end, limit);
    }
    if (end >= 0) return end - at;
    return -(need + 8);
  } catch (_) {
    return -3;
  }
}
