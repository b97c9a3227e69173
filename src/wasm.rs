//! The JavaScript API. The only module that names wasm_bindgen or js_sys: it converts values
//! and errors at the boundary and holds no logic of its own.

use crate::authorizer::{Authorizer, AuthorizerOptions, Session};
use crate::config::Finding;
use crate::error::{Error, shorten};
use crate::rbac::policy::MAX_POLICY_BYTES;
use crate::rbac::{ALLOWED, Decision, DenyCode, Reason, Request, Via};
use crate::token::VerifyOptions;
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Turns an error into a real JS `Error` with `code` (and `claim` / `reason` for claims).
fn js_error(error: Error) -> JsValue {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name("KestraAuthzError");
    let set = |key: &str, value: &str| {
        let _ = js_sys::Reflect::set(&js, &JsValue::from_str(key), &JsValue::from_str(value));
    };
    set("code", error.code());
    if let Some(claim) = error.claim() {
        set("claim", claim);
    }
    if let Some(reason) = error.reason() {
        set("reason", reason);
    }
    js.into()
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED)
}

// Text crosses into wasm memory through small JS functions: one call each, where reading a
// string from wasm-bindgen's glue or driving `TextEncoder.encodeInto` from wasm took several.
//
// `writeText` / `writeJson` (which runs `JSON.stringify` first) write a string's UTF-8 at `at`
// (`room` bytes) and answer its length in bytes; -1 when there is no string (not a string,
// or stringify threw or gave none); -2 when it has more than `maxUnits` UTF-16 units; else
// the room it needs, negated, and `writePending` then writes that same text. Lone surrogates
// become U+FFFD, as in wasm-bindgen's glue.
//
// `readRequest` reads a request's four members and writes them in one call (reading each
// member, then each string, from wasm took seven). Layout at `at`: four little-endian u32
// lengths (`ABSENT`: undefined or null; `NOT_A_STRING_MEMBER`: anything else), then the UTF-8
// of each string in order. It answers the bytes written, -1 when `request` is not an object,
// -3 when it could not be read, else the room it needs, negated. A throwing getter reads as
// absent.
//
// Nothing thrown leaves these functions: an exception must not unwind through wasm, and
// catching it here spares the cost of wasm-bindgen's `catch` wrapper.
#[wasm_bindgen(inline_js = r#"
const encoder = new TextEncoder();
let memoryView = new Uint8Array(0);
let pending = null;
function heapOf(memory) {
  let heap = memoryView;
  if (heap.buffer !== memory.buffer) heap = memoryView = new Uint8Array(memory.buffer);
  return heap;
}
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
export function writeJson(memory, value, at, room) {
  pending = null;
  try {
    const text = JSON.stringify(value);
    return typeof text === "string" ? write(memory, text, at, room) : -1;
  } catch (_) {
    return -1;
  }
}
export function writePending(memory, at, room) {
  const text = pending;
  if (text === null) return -1;
  try {
    return write(memory, text, at, room);
  } catch (_) {
    return -1;
  }
}
function setLength(heap, at, n) {
  heap[at] = n & 255;
  heap[at + 1] = (n >>> 8) & 255;
  heap[at + 2] = (n >>> 16) & 255;
  heap[at + 3] = n >>> 24;
}
function put(heap, value, slot, end, limit) {
  if (value === undefined || value === null) {
    setLength(heap, slot, 0xffffffff);
    return end;
  }
  if (typeof value !== "string") {
    setLength(heap, slot, 0xfffffffe);
    return end;
  }
  const units = value.length;
  if (end + units > limit) return -1;
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
const units = (value) => (typeof value === "string" ? value.length : 0);
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
"#)]
extern "C" {
    #[wasm_bindgen(js_name = writeText)]
    fn write_text(memory: &JsValue, text: &JsValue, at: u32, room: u32, max_units: f64) -> f64;
    #[wasm_bindgen(js_name = writeJson)]
    fn write_json(memory: &JsValue, value: &JsValue, at: u32, room: u32) -> f64;
    #[wasm_bindgen(js_name = writePending)]
    fn write_pending(memory: &JsValue, at: u32, room: u32) -> f64;
    #[wasm_bindgen(js_name = readRequest)]
    fn read_request_into(memory: &JsValue, request: &JsValue, at: u32, room: u32) -> f64;
}

thread_local! {
    static MEMORY: JsValue = wasm_bindgen::memory();
    /// Reused for tokens, options and requests: no allocation per call.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The scratch buffer's size to begin with (a token, a request, options) and at most; longer
/// text gets a buffer of its own.
const SCRATCH_START: usize = 4 * 1024;
const SCRATCH_MAX: usize = 192 * 1024;

/// Why nothing (or not all of it) came across.
enum NoText {
    /// Not a string, no JSON for the value, or a request that is not an object.
    Missing,
    /// More UTF-16 units than allowed.
    TooLong,
    /// A request whose members could not be read.
    Unreadable,
    /// Still more room wanted after the retries: a getter answering longer each time.
    Unsettled,
    /// Wasm memory could not hold it.
    TooLarge,
}

/// A writer: given wasm memory, where to write and how much room there is, it answers the
/// bytes written, or a negative status (see the JS above).
type Writer<'w> = &'w dyn Fn(&JsValue, u32, u32) -> f64;

/// Calls `f` with the bytes a writer puts in wasm memory: `first` writes into the scratch
/// buffer; when that is too small, `again` writes the same into one large enough, up to
/// `retries` times (for a policy, after the heap is grown for it: `reserve_heap`).
fn with_written<R>(
    first: Writer<'_>,
    again: Writer<'_>,
    retries: usize,
    large_input: bool,
    f: impl FnOnce(&[u8]) -> R,
) -> Result<R, NoText> {
    let run = |buf: &mut Vec<u8>| -> Result<R, NoText> {
        let mut own = Vec::new();
        let (in_own, written) = write_into(first, again, retries, large_input, buf, &mut own)?;
        let target: &[u8] = if in_own { &own } else { buf };
        target.get(..written).map(f).ok_or(NoText::TooLarge)
    };
    // Busy only if `f` ever came back here: then a buffer of its own.
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut buf) => run(&mut buf),
        Err(_) => run(&mut Vec::new()),
    })
}

/// The writing half of `with_written`, not generic (one copy in the module): where the bytes
/// ended up (`own` rather than `buf`) and how many.
fn write_into(
    first: Writer<'_>,
    again: Writer<'_>,
    retries: usize,
    large_input: bool,
    buf: &mut Vec<u8>,
    own: &mut Vec<u8>,
) -> Result<(bool, usize), NoText> {
    if buf.len() < SCRATCH_START {
        buf.resize(SCRATCH_START, 0);
    }
    let mut status = MEMORY.with(|memory| write_at(buf, |at, room| first(memory, at, room)))?;
    let mut in_own = false;
    for _ in 0..retries {
        let Written::Needs(room) = status else { break };
        if large_input {
            reserve_heap(room);
        }
        in_own = room > SCRATCH_MAX;
        let target = if in_own { &mut *own } else { &mut *buf };
        target
            .try_reserve(room.saturating_sub(target.len()))
            .map_err(|_| NoText::TooLarge)?;
        target.resize(room.max(target.len()), 0);
        status = MEMORY.with(|memory| write_at(target, |at, room| again(memory, at, room)))?;
    }
    match status {
        Written::Bytes(n) => Ok((in_own, n)),
        Written::Needs(_) => Err(NoText::Unsettled),
    }
}

enum Written {
    Bytes(usize),
    Needs(usize),
}

/// Runs a writer on `buf` and reads its answer.
fn write_at(buf: &mut [u8], writer: impl FnOnce(u32, u32) -> f64) -> Result<Written, NoText> {
    let at = u32::try_from(buf.as_ptr() as usize).map_err(|_| NoText::TooLarge)?;
    let room = u32::try_from(buf.len()).map_err(|_| NoText::TooLarge)?;
    // Nothing allocates between taking the pointer and JS writing through it: memory cannot
    // grow (and move the buffer) in between.
    let status = writer(at, room);
    if status >= 0.0 && status <= f64::from(room) {
        Ok(Written::Bytes(status as usize))
    } else if status == -1.0 {
        Err(NoText::Missing)
    } else if status == -2.0 {
        Err(NoText::TooLong)
    } else if status == -3.0 {
        Err(NoText::Unreadable)
    } else if status < -3.0 && status > -(u32::MAX as f64) {
        Ok(Written::Needs((-status) as usize))
    } else {
        Err(NoText::TooLarge)
    }
}

/// Calls `f` with the text a writer puts in wasm memory (`writePending` writes it again when
/// the scratch buffer is too small: at most twice, one byte per UTF-16 unit, then three for
/// what did not fit).
fn with_written_text<R>(first: Writer<'_>, large_input: bool, f: impl FnOnce(&str) -> R) -> Result<R, NoText> {
    let again = |memory: &JsValue, at: u32, room: u32| write_pending(memory, at, room);
    with_written(first, &again, 2, large_input, |bytes| std::str::from_utf8(bytes).map(f))?.map_err(|_| NoText::Missing)
}

/// Calls `f` with a JS string's UTF-8 text: `Missing` when `value` is not a string, `TooLong`
/// when it has more than `max_units` UTF-16 units.
fn with_js_text<R>(
    value: &JsValue,
    max_units: usize,
    large_input: bool,
    f: impl FnOnce(&str) -> R,
) -> Result<R, NoText> {
    let first = |memory: &JsValue, at: u32, room: u32| write_text(memory, value, at, room, max_units as f64);
    with_written_text(&first, large_input, f)
}

/// A JS value as JSON; `undefined` becomes `null`. One `JSON.stringify` and one parse in
/// wasm: far cheaper than walking a large object (a policy of 100,000 bindings) property by
/// property across the boundary.
fn from_js(value: JsValue, option: &'static str) -> Result<Value, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    let invalid = |reason: String| js_error(Error::OptionInvalid { option, reason });
    with_json_text(&value, option, |text| {
        serde_json::from_str(text).map_err(|e| invalid(shorten(&e.to_string())))
    })?
}

/// Calls `f` with a JS value written as JSON text (one `JSON.stringify`, copied into wasm
/// memory once, the heap grown for it first). A BigInt, a cycle or a throwing toJSON makes
/// stringify throw; a function, a symbol or a toJSON answering undefined gives no text: all
/// are `ERR_OPTION_INVALID` for `option`.
fn with_json_text<R>(value: &JsValue, option: &'static str, f: impl FnOnce(&str) -> R) -> Result<R, JsValue> {
    let first = |memory: &JsValue, at: u32, room: u32| write_json(memory, value, at, room);
    with_written_text(&first, true, f).map_err(|why| {
        js_error(Error::OptionInvalid {
            option,
            reason: match why {
                NoText::TooLarge => "is too large to read",
                _ => "cannot be written as JSON",
            }
            .into(),
        })
    })
}

/// `options.policy` when it is JSON text or a plain object (not an array, not absent).
fn policy_member(options: &JsValue) -> Option<JsValue> {
    if !options.is_object() {
        return None;
    }
    js_sys::Reflect::get(options, &JsValue::from_str("policy"))
        .ok()
        .filter(|p| p.is_string() || (p.is_object() && !js_sys::Array::is_array(p)))
}

/// Grows the heap once, in proportion to a large input, before parsing and compiling it. The
/// allocator otherwise grows wasm memory a few pages at a time, and each growth costs the
/// host: building from 100,000 bindings spent most of its time there. Copying, reading and
/// compiling a policy peaks at ~7.5x its JSON size (9 MB -> 68 MiB of wasm memory); 8x is
/// reserved, before the text is copied in.
fn reserve_heap(input_len: usize) {
    const SMALL: usize = 256 * 1024;
    if input_len > SMALL {
        // Freed at once: the allocator keeps the block as free space for what follows. Only
        // tried: where memory cannot grow that far (a 64 MB policy asks for 512 MB), the
        // build goes on without it rather than abort the instance.
        let mut reserve = Vec::<u8>::new();
        let _ = reserve.try_reserve_exact(input_len.saturating_mul(8));
        drop(std::hint::black_box(reserve));
    }
}

/// A string argument. Taken as JsValue and checked: wasm-bindgen's `&str` glue corrupts memory
/// when handed a non-string.
fn string_arg(value: &JsValue, what: &'static str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        js_error(Error::OptionInvalid {
            option: what,
            reason: "must be a string".into(),
        })
    })
}

/// An optional string argument: `undefined` and `null` are absent.
fn optional_string_arg(value: &JsValue, what: &'static str) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        string_arg(value, what).map(Some)
    }
}

/// What the package's string glue passes in place of an argument that is not a string
/// (scripts/build-pkg.sh patches wasm-bindgen's `passStringToWasm0`, which would otherwise
/// corrupt memory on one). No valid name, namespace or tenant contains a NUL.
const NOT_A_STRING: &str = "\u{0}";

/// A string argument taken through wasm-bindgen's `&str` glue (one copy, no call back into
/// JS: the UI checks are hot), refused when the glue says it was not a string.
fn text_arg<'s>(value: &'s str, what: &'static str) -> Result<&'s str, JsValue> {
    if value == NOT_A_STRING {
        return Err(js_error(Error::OptionInvalid {
            option: what,
            reason: "must be a string".into(),
        }));
    }
    Ok(value)
}

/// An optional `&str`-glue argument: `undefined` and `null` arrive as `None`.
fn optional_text_arg<'s>(value: &'s Option<String>, what: &'static str) -> Result<Option<&'s str>, JsValue> {
    value.as_deref().map(|v| text_arg(v, what)).transpose()
}

const REQUEST_HEADER: usize = 16;
const ABSENT: u32 = u32::MAX;
const NOT_A_STRING_MEMBER: u32 = u32::MAX - 1;

fn request_invalid(reason: &str) -> JsValue {
    js_error(Error::OptionInvalid {
        option: "request",
        reason: reason.into(),
    })
}

/// `{ permission, action, namespace?, tenant? }` as a `Request`, handed to `f`. Its members
/// are written by `readRequest`; past the scratch room they are read once more into a buffer
/// of their own.
fn with_request<R>(request: &JsValue, f: impl FnOnce(&Request<'_>) -> Result<R, JsValue>) -> Result<R, JsValue> {
    let read = |memory: &JsValue, at: u32, room: u32| read_request_into(memory, request, at, room);
    with_written(&read, &read, 1, false, |bytes| f(&request_from(bytes)?)).unwrap_or_else(|why| {
        Err(request_invalid(match why {
            NoText::Missing => "pass { permission, action, namespace?, tenant? }",
            NoText::Unsettled => "changed while it was read",
            NoText::TooLarge => "is too large to read",
            NoText::TooLong | NoText::Unreadable => "could not be read",
        }))
    })
}

/// Reads what `readRequest` wrote.
fn request_from(buf: &[u8]) -> Result<Request<'_>, JsValue> {
    let mut at = REQUEST_HEADER;
    let mut member = |index: usize, what: &'static str| -> Result<Option<&str>, JsValue> {
        let length = index
            .checked_mul(4)
            .and_then(|start| buf.get(start..start.checked_add(4)?))
            .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
            .map(u32::from_le_bytes)
            .ok_or_else(|| request_invalid("could not be read"))?;
        if length == ABSENT {
            return Ok(None);
        }
        let end = at
            .checked_add(length as usize)
            .filter(|_| length != NOT_A_STRING_MEMBER);
        let text = end
            .and_then(|end| buf.get(at..end))
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .ok_or_else(|| not_a_string(what))?;
        at = end.unwrap_or(at);
        Ok(Some(text))
    };
    let permission = member(0, "permission")?.ok_or_else(|| not_a_string("permission"))?;
    let action = member(1, "action")?.ok_or_else(|| not_a_string("action"))?;
    let namespace = member(2, "namespace")?;
    let tenant = member(3, "tenant")?;
    Ok(Request {
        permission,
        action,
        namespace,
        tenant,
    })
}

fn not_a_string(what: &'static str) -> JsValue {
    js_error(Error::OptionInvalid {
        option: what,
        reason: "must be a string".into(),
    })
}

/// The decision on a JS request, as a JS decision.
fn decide(authz: &Authorizer, session: &Session, request: &JsValue, strings: &JsStrings) -> Result<JsValue, JsValue> {
    with_request(request, |request| {
        decision_to_js(&authz.authorize(session, request).map_err(js_error)?, strings)
    })
}

#[derive(Serialize)]
struct JsFinding<'a> {
    code: &'a str,
    path: &'a str,
    message: &'a str,
}

impl<'a> From<&'a Finding> for JsFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsFinding {
            code: f.code,
            path: &f.path,
            message: &f.message,
        }
    }
}

/// `new Authorizer({ kestraConfig, jwks, discovery, ... })`.
#[wasm_bindgen(js_name = Authorizer)]
pub struct JsAuthorizer {
    inner: Authorizer,
    strings: JsStrings,
}

/// JS strings for the names decisions repeat (codes, roles, bindings, namespaces, groups,
/// tenants), made once per Authorizer and handed to the decision builder by index: creating
/// them was most of `authorize`. Index 0 is `null`. Bounded: started afresh when full.
struct JsStrings(std::cell::RefCell<StringTable>);

struct StringTable {
    ids: rustc_hash::FxHashMap<Box<str>, u32>,
    /// The JS array the builder reads, `ids`' strings at their indexes.
    values: js_sys::Array,
}

const JS_STRINGS_MAX: usize = 4096;

impl StringTable {
    fn new() -> Self {
        let values = js_sys::Array::new();
        values.push(&JsValue::NULL);
        // `via` names and decision codes take fixed ids (`via_id`, `code_id`): no lookup.
        for via in Via::ALL {
            values.push(&JsValue::from_str(via.name()));
        }
        values.push(&JsValue::from_str(ALLOWED));
        for deny in DenyCode::ALL {
            values.push(&JsValue::from_str(deny.code()));
        }
        StringTable {
            ids: rustc_hash::FxHashMap::default(),
            values,
        }
    }

    fn via_id(via: Via) -> u32 {
        match via {
            Via::User => 1,
            Via::Group => 2,
            Via::DefaultRole => 3,
            Via::InstanceOwner => 4,
        }
    }

    fn code_id(&mut self, code: &str) -> u32 {
        let fixed = std::iter::once(ALLOWED).chain(DenyCode::ALL.map(DenyCode::code));
        match (5..).zip(fixed).find(|(_, known)| *known == code) {
            Some((id, _)) => id,
            None => self.id(Some(code)),
        }
    }

    /// Starts afresh if `count` new strings might not fit. Never done between handing out ids
    /// and passing them to the builder, so every id passed is from the array passed.
    /// Says whether it did: ids handed out before are then stale.
    fn make_room(&mut self, count: usize) -> bool {
        let full = self.ids.len().saturating_add(count) > JS_STRINGS_MAX;
        if full {
            *self = StringTable::new();
        }
        full
    }

    fn id(&mut self, text: Option<&str>) -> u32 {
        let Some(text) = text else { return 0 };
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.values.push(&JsValue::from_str(text)).saturating_sub(1);
        self.ids.insert(text.into(), id);
        id
    }
}

impl Default for JsStrings {
    fn default() -> Self {
        JsStrings(std::cell::RefCell::new(StringTable::new()))
    }
}

/// A reason's strings as indexes into the Authorizer's string table.
struct ReasonIds([u32; 7]);

impl ReasonIds {
    /// `known` is a string with its id already looked up in this decision (its tenant): a
    /// reason naming the same text in the same place needs no lookup.
    fn of(r: &Reason<'_>, table: &mut StringTable, known: (Option<&str>, u32)) -> Self {
        let tenant = match known {
            (Some(text), id) if std::ptr::eq(text, &*r.tenant) => id,
            _ => table.id(Some(&r.tenant)),
        };
        let role = table.id(r.role.as_deref());
        // A role without a name of its own is named by its id.
        let role_name = if r.role_name == r.role {
            role
        } else {
            table.id(r.role_name.as_deref())
        };
        ReasonIds([
            StringTable::via_id(r.via),
            role,
            role_name,
            table.id(r.binding.as_deref()),
            table.id(r.namespace.as_deref()),
            table.id(r.group.as_deref()),
            tenant,
        ])
    }
}

// Decisions are assembled by object literals in JS from string indexes: one call per decision
// (carrying its first reason) and one per further reason, where filling objects member by
// member from wasm took one call per member. Called with `d` null, `decision` makes the
// decision; with a decision, it appends a reason to it and answers it, or null when a setter
// someone put on `Array.prototype` threw (caught: nothing may unwind through wasm). Literals
// define members without running setters on `Object.prototype`.
#[wasm_bindgen(inline_js = r#"
const reason = (s, via, role, roleName, binding, namespace, group, tenant) => ({
  via: s[via],
  role: s[role],
  roleName: s[roleName],
  binding: s[binding],
  namespace: s[namespace],
  group: s[group],
  tenant: s[tenant],
});
export function decision(d, s, allowed, code, tenant, hasReason, via, role, roleName, binding, namespace, group, reasonTenant) {
  if (d === null) {
    const reasons = hasReason === 0 ? [] : [reason(s, via, role, roleName, binding, namespace, group, reasonTenant)];
    return { allowed, code: s[code], reasons, tenant: s[tenant] };
  }
  try {
    const reasons = d.reasons;
    reasons[reasons.length] = reason(s, via, role, roleName, binding, namespace, group, reasonTenant);
    return d;
  } catch (_) {
    return null;
  }
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = decision)]
    #[allow(clippy::too_many_arguments)]
    fn build_decision(
        decision: &JsValue,
        strings: &js_sys::Array,
        allowed: bool,
        code: u32,
        tenant: u32,
        has_reason: u32,
        via: u32,
        role: u32,
        role_name: u32,
        binding: u32,
        namespace: u32,
        group: u32,
        reason_tenant: u32,
    ) -> JsValue;
}

/// `{ allowed, code, reasons: [{ via, role, roleName, binding, namespace, group, tenant }],
/// tenant }`, absent values as `null`: what serializing `Decision` gives, built directly.
fn decision_to_js(decision: &Decision<'_>, strings: &JsStrings) -> Result<JsValue, JsValue> {
    let Ok(mut table) = strings.0.try_borrow_mut() else {
        // Only re-entrance could hold the table; a fresh one answers the same.
        return decision_to_js(decision, &JsStrings::default());
    };
    let table = &mut *table;
    let _ = table.make_room(9);
    let code = table.code_id(decision.code);
    let tenant = table.id(decision.tenant.as_deref());
    let mut known = (decision.tenant.as_deref(), tenant);
    let build = |d: &JsValue, values: &js_sys::Array, has_reason: bool, ids: ReasonIds| {
        let ReasonIds([via, role, role_name, binding, namespace, group, reason_tenant]) = ids;
        build_decision(
            d,
            values,
            decision.allowed,
            code,
            tenant,
            u32::from(has_reason),
            via,
            role,
            role_name,
            binding,
            namespace,
            group,
            reason_tenant,
        )
    };
    let mut reasons = decision.reasons.iter();
    let out = match reasons.next() {
        Some(first) => {
            let ids = ReasonIds::of(first, table, known);
            build(&JsValue::NULL, &table.values, true, ids)
        }
        None => build(&JsValue::NULL, &table.values, false, ReasonIds([0; 7])),
    };
    for reason in reasons {
        if table.make_room(7) {
            known = (None, 0);
        }
        let ids = ReasonIds::of(reason, table, known);
        if build(&out, &table.values, true, ids).is_null() {
            return Err(js_error(Error::OptionInvalid {
                option: "Array.prototype",
                reason: "a setter on it refused a reason of the decision".into(),
            }));
        }
    }
    Ok(out)
}

#[wasm_bindgen(js_class = Authorizer)]
impl JsAuthorizer {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AuthorizerOptions")] options: JsValue,
    ) -> Result<JsAuthorizer, JsValue> {
        let inner = match policy_member(&options) {
            // A policy (100,000 bindings is ~9 MB of JSON) goes across as its own text, and is
            // read and compiled borrowing from it; the rest of the options as before.
            Some(policy) => {
                let rest = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref());
                let _ = js_sys::Reflect::delete_property(&rest, &JsValue::from_str("policy"));
                let rest = from_js(rest.into(), "options")?;
                let rest = AuthorizerOptions::from_json(&rest).map_err(js_error)?;
                if policy.is_string() {
                    with_js_text(&policy, MAX_POLICY_BYTES, true, |text| {
                        Authorizer::with_policy_text(rest, text)
                    })
                    .unwrap_or_else(|why| {
                        Err(match why {
                            NoText::Missing | NoText::Unreadable | NoText::Unsettled => Error::OptionInvalid {
                                option: "policy",
                                reason: "could not be read".into(),
                            },
                            NoText::TooLong | NoText::TooLarge => Error::InputTooLarge {
                                what: "policy",
                                size: policy.dyn_ref::<js_sys::JsString>().map_or(0, |t| t.length() as usize),
                                max: MAX_POLICY_BYTES,
                            },
                        })
                    })
                } else {
                    with_json_text(&policy, "policy", |text| Authorizer::with_policy_text(rest, text))?
                }
            }
            None => AuthorizerOptions::from_json(&from_js(options, "options")?).and_then(Authorizer::new),
        }
        .map_err(js_error)?;
        Ok(JsAuthorizer {
            inner,
            strings: JsStrings::default(),
        })
    }

    /// Configuration findings: `[{ code, path, message }]`.
    #[wasm_bindgen(getter, unchecked_return_type = "Finding[]")]
    pub fn warnings(&self) -> JsValue {
        let findings: Vec<JsFinding<'_>> = self.inner.warnings().iter().map(JsFinding::from).collect();
        to_js(&findings)
    }

    /// The algorithms tokens may be signed with.
    #[wasm_bindgen(getter, js_name = allowedAlgorithms)]
    pub fn allowed_algorithms(&self) -> Vec<String> {
        self.inner
            .verifier()
            .allowed_algorithms()
            .iter()
            .map(|a| a.name().to_owned())
            .collect()
    }

    #[wasm_bindgen(getter)]
    pub fn issuer(&self) -> String {
        self.inner.verifier().issuer().to_owned()
    }

    #[wasm_bindgen(getter, js_name = clientId)]
    pub fn client_id(&self) -> String {
        self.inner.verifier().client_id().to_owned()
    }

    /// `authorize(session, { permission, action, namespace?, tenant? })` ->
    /// `{ allowed, code, reasons, tenant }`. A denial is a value; bad input throws.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn authorize(
        &self,
        session: &JsSession,
        #[wasm_bindgen(unchecked_param_type = "AuthorizationRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        decide(&self.inner, &session.inner, &request, &self.strings)
    }

    /// `authorizeMany(session, requests)`: one decision per request, in order. A request that
    /// is bad input answers `{ allowed: false, code: <ERR_* code>, error: <message>, reasons: [] }`
    /// instead of throwing, so one bad entry does not hide the others.
    #[wasm_bindgen(js_name = authorizeMany, unchecked_return_type = "Array<Decision | BatchError>")]
    pub fn authorize_many(
        &self,
        session: &JsSession,
        #[wasm_bindgen(unchecked_param_type = "AuthorizationRequest[]")] requests: JsValue,
    ) -> Result<JsValue, JsValue> {
        let list: js_sys::Array = requests.dyn_into().map_err(|_| {
            js_error(Error::OptionInvalid {
                option: "requests",
                reason: "must be an array".into(),
            })
        })?;
        let out = js_sys::Array::new();
        for request in list.iter() {
            let answer = match decide(&self.inner, &session.inner, &request, &self.strings) {
                Ok(decision) => decision,
                Err(error) => {
                    let get =
                        |key: &str| js_sys::Reflect::get(&error, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
                    let entry = js_sys::Object::new();
                    let set = |key: &str, value: JsValue| {
                        let _ = js_sys::Reflect::set(&entry, &JsValue::from_str(key), &value);
                    };
                    set("allowed", JsValue::FALSE);
                    set("code", get("code"));
                    set("error", get("message"));
                    set("reasons", js_sys::Array::new().into());
                    entry.into()
                }
            };
            out.push(&answer);
        }
        Ok(out.into())
    }

    /// `matrix(session, { namespace?, tenant? })` -> `{ FLOW: { READ: true, ... }, ... }`: every
    /// permission of the policy's model x each valid action.
    #[wasm_bindgen(unchecked_return_type = "Matrix")]
    pub fn matrix(
        &self,
        session: &JsSession,
        #[wasm_bindgen(unchecked_param_type = "MatrixOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (namespace, tenant) = if options.is_object() {
            let get = |key: &str| js_sys::Reflect::get(&options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
            (
                optional_string_arg(&get("namespace"), "namespace")?,
                optional_string_arg(&get("tenant"), "tenant")?,
            )
        } else {
            (None, None)
        };
        let rows = self
            .inner
            .matrix(&session.inner, namespace.as_deref(), tenant.as_deref())
            .map_err(js_error)?;
        let out = js_sys::Object::new();
        for (permission, cells) in rows {
            let row = js_sys::Object::new();
            for (action, allowed) in cells {
                let _ = js_sys::Reflect::set(&row, &JsValue::from_str(action), &JsValue::from_bool(allowed));
            }
            let _ = js_sys::Reflect::set(&out, &JsValue::from_str(permission), &row);
        }
        Ok(out.into())
    }

    /// `allowedNamespaces(session, permission, action, tenant?)` -> `{ everywhere, namespaces }`.
    #[wasm_bindgen(js_name = allowedNamespaces, unchecked_return_type = "NamespaceGrants")]
    pub fn allowed_namespaces(
        &self,
        session: &JsSession,
        permission: &str,
        action: &str,
        tenant: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let tenant = optional_text_arg(&tenant, "tenant")?;
        self.inner
            .allowed_namespaces(
                &session.inner,
                text_arg(permission, "permission")?,
                text_arg(action, "action")?,
                tenant,
            )
            .map(|g| to_js(&g))
            .map_err(js_error)
    }

    /// The verified-token cache: `{ entries, capacity, hits, misses }`.
    #[wasm_bindgen(getter, js_name = tokenCache, unchecked_return_type = "TokenCacheStats")]
    pub fn token_cache(&self) -> JsValue {
        let stats = self.inner.token_cache_stats();
        let out = js_sys::Object::new();
        for (key, value) in [
            ("entries", stats.entries as f64),
            ("capacity", stats.capacity as f64),
            ("hits", stats.hits as f64),
            ("misses", stats.misses as f64),
        ] {
            let _ = js_sys::Reflect::set(&out, &JsValue::from_str(key), &JsValue::from_f64(value));
        }
        out.into()
    }

    /// The permission model the policy uses: `"crud"` or `"v2"`.
    #[wasm_bindgen(getter)]
    pub fn model(&self) -> String {
        self.inner.policy().model().name().to_owned()
    }

    /// Verifies an ID token: `verifyIdToken(token, { now, nonce, accessToken, code, maxAge, tenant })`.
    /// `now` (seconds since the epoch) defaults to the host clock.
    #[wasm_bindgen(js_name = verifyIdToken)]
    pub fn verify_id_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
        #[wasm_bindgen(unchecked_param_type = "VerifyOptions | undefined")] options: JsValue,
    ) -> Result<JsSession, JsValue> {
        let options = from_js(options, "verifyIdToken options")?;
        // The host clock only when the call gives no `now`.
        let clock = match options.get("now") {
            Some(now) if !now.is_null() => None,
            _ => Some(js_sys::Date::now() / 1000.0),
        };
        let options = VerifyOptions::from_json(&options, clock).map_err(js_error)?;
        // Refused before it is copied: UTF-16 units never outnumber UTF-8 bytes.
        let max = self.inner.verifier().max_token_size();
        let inner = with_js_text(&token, max, false, |token| self.inner.verify_id_token(token, &options))
            .unwrap_or_else(|why| {
                Err(match why {
                    NoText::Missing | NoText::Unreadable | NoText::Unsettled => Error::JwsInvalid {
                        reason: "the token must be a string",
                    },
                    NoText::TooLong | NoText::TooLarge => Error::TokenTooLarge {
                        size: token.dyn_ref::<js_sys::JsString>().map_or(0, |t| t.length() as usize),
                        max,
                    },
                })
            })
            .map_err(js_error)?;
        Ok(JsSession { inner })
    }
}

/// A verified sign-in.
#[wasm_bindgen(js_name = Session)]
pub struct JsSession {
    inner: Session,
}

#[wasm_bindgen(js_class = Session)]
impl JsSession {
    /// Every claim of the ID token, as a plain object.
    #[wasm_bindgen(getter, unchecked_return_type = "IdTokenClaims")]
    pub fn claims(&self) -> JsValue {
        to_js(self.inner.token().claims())
    }
    #[wasm_bindgen(getter)]
    pub fn subject(&self) -> String {
        self.inner.token().subject().to_owned()
    }
    #[wasm_bindgen(getter)]
    pub fn email(&self) -> Option<String> {
        self.inner.token().email().map(str::to_owned)
    }
    #[wasm_bindgen(getter, js_name = emailVerified)]
    pub fn email_verified(&self) -> bool {
        self.inner.token().email_verified()
    }
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> Option<String> {
        self.inner.token().name().map(str::to_owned)
    }
    #[wasm_bindgen(getter, js_name = preferredUsername)]
    pub fn preferred_username(&self) -> Option<String> {
        self.inner.token().preferred_username().map(str::to_owned)
    }
    /// The Kestra username (the `usernameClaim`, `email` by default).
    #[wasm_bindgen(getter)]
    pub fn username(&self) -> Option<String> {
        self.inner.username().map(str::to_owned)
    }
    /// The groups Kestra takes from the token (`kestra.security.oidc.groups-claim-path`);
    /// empty when that is not configured. The raw `groups` claim is in `claims`.
    #[wasm_bindgen(getter)]
    pub fn groups(&self) -> Vec<String> {
        self.inner.groups().to_vec()
    }
    /// The tenant the UI checks ask about.
    #[wasm_bindgen(getter)]
    pub fn tenant(&self) -> Option<String> {
        self.inner.tenant().map(str::to_owned)
    }

    /// The Kestra UI's `isAllowed(permission, action, namespace?)`.
    #[wasm_bindgen(js_name = isAllowed)]
    pub fn is_allowed(&self, permission: &str, action: &str, namespace: Option<String>) -> Result<bool, JsValue> {
        let ns = optional_text_arg(&namespace, "namespace")?;
        self.inner
            .is_allowed(text_arg(permission, "permission")?, text_arg(action, "action")?, ns)
            .map_err(js_error)
    }
    /// The Kestra UI's `isAllowedGlobal(permission, action)`.
    #[wasm_bindgen(js_name = isAllowedGlobal)]
    pub fn is_allowed_global(&self, permission: &str, action: &str) -> Result<bool, JsValue> {
        self.inner
            .is_allowed_global(text_arg(permission, "permission")?, text_arg(action, "action")?)
            .map_err(js_error)
    }
    /// The Kestra UI's `hasAny(permission, namespace?)`.
    #[wasm_bindgen(js_name = hasAny)]
    pub fn has_any(&self, permission: &str, namespace: Option<String>) -> Result<bool, JsValue> {
        let ns = optional_text_arg(&namespace, "namespace")?;
        self.inner
            .has_any(text_arg(permission, "permission")?, ns)
            .map_err(js_error)
    }
    /// The Kestra UI's `hasAnyAction(permission, action, namespace?)`.
    #[wasm_bindgen(js_name = hasAnyAction)]
    pub fn has_any_action(&self, permission: &str, action: &str, namespace: Option<String>) -> Result<bool, JsValue> {
        let ns = optional_text_arg(&namespace, "namespace")?;
        self.inner
            .has_any_action(text_arg(permission, "permission")?, text_arg(action, "action")?, ns)
            .map_err(js_error)
    }
    /// The Kestra UI's `hasAnyActionOnAnyNamespace(permission, action)`.
    #[wasm_bindgen(js_name = hasAnyActionOnAnyNamespace)]
    pub fn has_any_action_on_any_namespace(&self, permission: &str, action: &str) -> Result<bool, JsValue> {
        self.inner
            .has_any_action_on_any_namespace(text_arg(permission, "permission")?, text_arg(action, "action")?)
            .map_err(js_error)
    }
    /// The Kestra UI's `hasAnyRole()`.
    #[wasm_bindgen(js_name = hasAnyRole)]
    pub fn has_any_role(&self) -> Result<bool, JsValue> {
        self.inner.has_any_role().map_err(js_error)
    }
    #[wasm_bindgen(getter)]
    pub fn issuer(&self) -> String {
        self.inner.token().issuer().to_owned()
    }
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> f64 {
        self.inner.token().expires_at()
    }
    #[wasm_bindgen(getter, js_name = issuedAt)]
    pub fn issued_at(&self) -> f64 {
        self.inner.token().issued_at()
    }
    #[wasm_bindgen(getter)]
    pub fn alg(&self) -> String {
        self.inner.token().alg().name().to_owned()
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** A JWS algorithm this module verifies (`none` is none of them). */
export type Algorithm =
  | "HS256" | "HS384" | "HS512" | "RS256" | "RS384" | "RS512"
  | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" | "ES512" | "EdDSA";

/** A JSON value, as claims and configuration objects hold them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One key of a JWKS (RFC 7517); members this module does not read are allowed. */
export interface Jwk {
  kty: string;
  kid?: string;
  use?: string;
  alg?: string;
  key_ops?: string[];
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
  [member: string]: JsonValue | undefined;
}

/** A JWKS; authentik serves `{}` for a provider without a signing key. */
export interface Jwks {
  keys?: Jwk[];
  [member: string]: unknown;
}

/** The parts of an OpenID Provider discovery document this module reads. */
export interface DiscoveryDocument {
  issuer: string;
  jwks_uri?: string;
  id_token_signing_alg_values_supported: string[];
  [member: string]: JsonValue | undefined;
}

/** A role's permissions: permission -> actions, or Kestra's list shape. */
export type RolePermissions =
  | { [permission: string]: string[] }
  | Array<{ permission?: string; resource?: string; actions: string[] }>;

export interface Role {
  id: string;
  name?: string;
  description?: string;
  permissions?: RolePermissions;
  isDefault?: boolean;
  isManaged?: boolean;
}

export interface Group {
  id: string;
  name?: string;
  description?: string;
}

export interface User {
  id?: string;
  username?: string;
  email?: string;
  groups?: Array<string | { id: string; name?: string } | { groupId: string }>;
  superAdmin?: boolean;
  instanceOwner?: boolean;
}

/** A binding in the stored shape (`externalId`, `roleId`, `namespaceId`) or the detail shape. */
export interface Binding {
  id?: string;
  type: "USER" | "GROUP";
  externalId?: string;
  roleId?: string;
  namespaceId?: string | null;
  namespace?: string | null;
  role?: { id: string; name?: string };
  user?: { id: string; username?: string } | null;
  group?: { id: string; name?: string } | null;
}

export interface TenantPolicy {
  roles?: Role[];
  groups?: Group[];
  users?: User[];
  bindings?: Binding[];
}

/** One answer of `GET /api/v1/{tenant}/tenant-access/{userId}`. */
export interface TenantAccess {
  tenantId: string;
  userId: string;
  username?: string;
  groups?: Group[];
  roles?: Array<{
    id: string;
    name?: string;
    namespace?: string | null;
    origin?: "BINDING" | "GROUP";
    sourceId?: string;
    permissions?: RolePermissions;
  }>;
  superAdmin?: boolean;
  instanceOwner?: boolean;
}

/** Roles, groups, users and bindings in Kestra's shapes, per tenant or for one tenant. */
export interface Policy extends TenantPolicy {
  model?: "auto" | "crud" | "v2";
  tenants?: { [tenant: string]: TenantPolicy };
  tenant?: string;
  tenantAccess?: TenantAccess[];
}

export interface AuthorizerOptions {
  /** Kestra's application.yaml, as text or as an object of the same shape. */
  kestraConfig?: string | { [key: string]: JsonValue };
  /** The provider's JWKS, as text or object. */
  jwks?: string | Jwks;
  /** The provider's discovery document, as text or object. */
  discovery?: string | DiscoveryDocument;
  client?: string;
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  algorithms?: Algorithm[];
  trustedAudiences?: string[];
  /** Seconds, 0 to 300 (default 0). */
  clockTolerance?: number;
  /** Largest `exp - iat` in seconds (default 86400). */
  maxTokenLifetime?: number;
  /** Largest token in bytes (default 65536). */
  maxTokenSize?: number;
  policy?: string | Policy;
  model?: "auto" | "crud" | "v2";
  usernameClaim?: string;
  defaultTenant?: string;
  /** Refuse tokens whose email_verified is not true when the username is the email claim. */
  requireVerifiedEmail?: boolean;
  /** Values for `${NAME}` placeholders of kestraConfig, as Micronaut resolves them from the environment. */
  placeholders?: Record<string, string>;
  /** Verified tokens remembered (default 1000, at most 100000; 0 turns the cache off). */
  tokenCacheSize?: number;
}

export interface VerifyOptions {
  /** Seconds since the epoch; defaults to the host clock. */
  now?: number;
  nonce?: string;
  accessToken?: string;
  code?: string;
  maxAge?: number;
  tenant?: string;
}

/** The claims of a verified ID token. */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  auth_time?: number;
  nonce?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  preferred_username?: string;
  groups?: string[];
  [claim: string]: JsonValue | undefined;
}

export interface Finding {
  code:
    | "WARN_DEFAULT_ROLE_MISPLACED" | "WARN_ISSUER_SHAPE" | "WARN_UNRESOLVED_PLACEHOLDER"
    | "WARN_OAUTH2_DISABLED" | "WARN_CLIENT_SECRET_IN_USE" | "WARN_DEFAULT_ROLE_IAM_WRITE"
    | "WARN_DEFAULT_ROLE_EMPTY" | "WARN_PERMISSION_IGNORED" | "WARN_ACTION_IGNORED" | "WARN_LEGACY_ACTION"
    | "WARN_DEFAULT_ROLE_MIGRATED" | "WARN_TENANTS_KEY_REMOVED" | "WARN_BINDING_USER_UNLISTED"
    | "WARN_USER_WITHOUT_USERNAME" | "WARN_JWKS_PRIVATE_KEY" | "WARN_EMAIL_UNVERIFIED_ACCEPTED";
  path: string;
  message: string;
}

export interface AuthorizationRequest {
  permission: string;
  action: string;
  namespace?: string | null;
  tenant?: string | null;
}

export interface Reason {
  via: "user" | "group" | "default-role" | "instance-owner";
  role: string | null;
  roleName: string | null;
  binding: string | null;
  namespace: string | null;
  group: string | null;
  tenant: string;
}

export type DecisionCode =
  | "ALLOWED" | "DENIED_NO_GRANT" | "DENIED_NAMESPACE_NOT_COVERED" | "DENIED_GLOBAL_ONLY"
  | "DENIED_TENANT_REQUIRED" | "DENIED_NO_TENANT_ACCESS" | "DENIED_INSTANCE_OWNER_ONLY" | "DENIED_NO_USERNAME";

export interface Decision {
  allowed: boolean;
  code: DecisionCode;
  reasons: Reason[];
  tenant: string | null;
}

export type ErrorCode =
  | "ERR_JWS_INVALID" | "ERR_JWT_INVALID" | "ERR_JOSE_ALG_NOT_ALLOWED" | "ERR_JOSE_NOT_SUPPORTED"
  | "ERR_JWKS_NO_MATCHING_KEY" | "ERR_JWKS_MULTIPLE_MATCHING_KEYS" | "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
  | "ERR_JWT_EXPIRED" | "ERR_JWT_CLAIM_VALIDATION_FAILED" | "ERR_JWKS_INVALID" | "ERR_JWKS_TOO_MANY_KEYS"
  | "ERR_TOKEN_TOO_LARGE" | "ERR_KID_TOO_LONG" | "ERR_INPUT_TOO_LARGE" | "ERR_DISCOVERY_INVALID"
  | "ERR_CONFIG_INVALID" | "ERR_OPTION_INVALID" | "ERR_POLICY_INVALID" | "ERR_UNKNOWN_PERMISSION"
  | "ERR_UNKNOWN_ACTION" | "ERR_NAMESPACE_INVALID" | "ERR_TENANT_INVALID"
  | "ERR_SESSION_FOREIGN";

/** What every method throws: a real Error with a stable code. */
export interface KestraAuthzError extends Error {
  name: "KestraAuthzError";
  code: ErrorCode;
  /** For claim failures: the claim, as in jose. */
  claim?: string;
  /** For claim failures: missing, invalid, check_failed, ... */
  reason?: string;
}

/** An `authorizeMany` entry whose request was bad input. */
export interface BatchError {
  allowed: false;
  code: ErrorCode;
  error: string;
  reasons: [];
}

export interface MatrixOptions {
  namespace?: string | null;
  tenant?: string | null;
}

/** permission -> action -> allowed. */
export type Matrix = { [permission: string]: { [action: string]: boolean } };

export interface TokenCacheStats {
  entries: number;
  capacity: number;
  hits: number;
  misses: number;
}

export interface NamespaceGrants {
  everywhere: boolean;
  namespaces: string[];
}
"#;
