//! How values cross into wasm memory: strings and JSON text written straight into a scratch
//! buffer by small JS functions (transport.js), requests read member by member into a small
//! binary layout, and the argument checks every method shares.

use super::js_error;
use crate::error::{Error, shorten};
use crate::rbac::Request;
use serde_json::Value;
use wasm_bindgen::prelude::*;

// The writers and their status protocol, in transport.js.
#[wasm_bindgen(module = "/src/wasm/transport.js")]
extern "C" {
    #[wasm_bindgen(js_name = writeText)]
    fn write_text(memory: &JsValue, text: &JsValue, at: u32, room: u32, max_units: f64) -> f64;
    #[wasm_bindgen(js_name = writeJson)]
    fn write_json(memory: &JsValue, value: &JsValue, at: u32, room: u32) -> f64;
    #[wasm_bindgen(js_name = writePending)]
    fn write_pending(memory: &JsValue, at: u32, room: u32) -> f64;
    #[wasm_bindgen(js_name = readRequest)]
    fn read_request_into(memory: &JsValue, request: &JsValue, at: u32, room: u32) -> f64;
    #[wasm_bindgen(js_name = withoutMember)]
    fn without_member_js(value: &JsValue, key: &str) -> JsValue;
    #[cfg(feature = "gateway")]
    #[wasm_bindgen(js_name = readHttpRequest)]
    fn read_http_request_into(memory: &JsValue, request: &JsValue, at: u32, room: u32) -> f64;
}

/// A plain copy of an object without `key` (reading a hostile object runs no code in wasm's
/// stead: a throwing getter or proxy is caught in JS); `None` when it could not be read.
pub(super) fn without_member(value: &JsValue, key: &str) -> Option<JsValue> {
    Some(without_member_js(value, key)).filter(|copy| !copy.is_null())
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
/// The largest large input any option takes: a policy's JSON text. A larger one is refused
/// before the heap is reserved for it, so that it cannot leave the instance holding four
/// times its size.
const MAX_INPUT_BYTES: usize = crate::rbac::policy::MAX_POLICY_BYTES;

/// Why nothing (or not all of it) came across.
pub(super) enum NoText {
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
    /// A large input of this many bytes, over what any option accepts (`MAX_INPUT_BYTES`):
    /// refused before wasm memory is grown or anything is copied.
    OverCap(usize),
    /// A gateway request with a member it does not know.
    UnknownMember,
    /// A gateway request whose headers cannot be used.
    BadHeaders,
}

/// A writer: given wasm memory, where to write and how much room there is, it answers the
/// bytes written, or a negative status (see transport.js).
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
            if room > MAX_INPUT_BYTES {
                return Err(NoText::OverCap(room));
            }
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
    } else if status == -4.0 {
        Err(NoText::UnknownMember)
    } else if status == -5.0 {
        Err(NoText::BadHeaders)
    } else if status < -5.0 && status > -(u32::MAX as f64) {
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
pub(super) fn with_js_text<R>(
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
pub(super) fn from_js(value: JsValue, option: &'static str) -> Result<Value, JsValue> {
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
pub(super) fn with_json_text<R>(
    value: &JsValue,
    option: &'static str,
    f: impl FnOnce(&str) -> R,
) -> Result<R, JsValue> {
    with_js_json(value, f).map_err(|why| {
        js_error(Error::OptionInvalid {
            option,
            reason: match why {
                NoText::TooLarge | NoText::OverCap(_) => "is too large to read",
                _ => "cannot be written as JSON",
            }
            .into(),
        })
    })
}

/// Calls `f` with a JS value written as JSON text; why not, when it cannot be.
pub(super) fn with_js_json<R>(value: &JsValue, f: impl FnOnce(&str) -> R) -> Result<R, NoText> {
    let first = |memory: &JsValue, at: u32, room: u32| write_json(memory, value, at, room);
    with_written_text(&first, true, f)
}

/// `options.policy` when it is JSON text or a plain object (not an array, not absent).
pub(super) fn policy_member(options: &JsValue) -> Option<JsValue> {
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
/// compiling a policy peaks at ~4.3x its JSON size (9 MB -> 39 MiB of wasm memory, measured
/// without the reservation); 4x is reserved before the text is copied in, and the allocator
/// grows the rest.
fn reserve_heap(input_len: usize) {
    const SMALL: usize = 256 * 1024;
    if input_len > SMALL {
        // Freed at once: the allocator keeps the block as free space for what follows. Only
        // tried: where memory cannot grow that far (a 64 MB policy asks for 256 MB), the
        // build goes on without it rather than abort the instance.
        let mut reserve = Vec::<u8>::new();
        let _ = reserve.try_reserve_exact(input_len.saturating_mul(4));
        drop(std::hint::black_box(reserve));
    }
}

/// A string argument. Taken as JsValue and checked: wasm-bindgen's `&str` glue corrupts memory
/// when handed a non-string.
pub(super) fn string_arg(value: &JsValue, what: &'static str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| {
        js_error(Error::OptionInvalid {
            option: what,
            reason: "must be a string".into(),
        })
    })
}

/// An optional string argument: `undefined` and `null` are absent.
pub(super) fn optional_string_arg(value: &JsValue, what: &'static str) -> Result<Option<String>, JsValue> {
    if value.is_undefined() || value.is_null() {
        Ok(None)
    } else {
        string_arg(value, what).map(Some)
    }
}

/// What the package's string glue passes in place of an argument that is not a string
/// (scripts/build-pkg.sh patches wasm-bindgen's `passStringToWasm0`, which would otherwise
/// corrupt memory on one: wasm-bindgen has no option to check a `&str` argument's type, and
/// taking a `JsValue` instead costs a call back into JS per argument on the UI checks, the
/// hottest path). No valid name, namespace or tenant contains a NUL; tests/js/rbac.test.mjs
/// fails when the patch stops applying.
const NOT_A_STRING: &str = "\u{0}";

/// A string argument taken through wasm-bindgen's `&str` glue (one copy, no call back into
/// JS: the UI checks are hot), refused when the glue says it was not a string.
pub(super) fn text_arg<'s>(value: &'s str, what: &'static str) -> Result<&'s str, JsValue> {
    if value == NOT_A_STRING {
        return Err(js_error(Error::OptionInvalid {
            option: what,
            reason: "must be a string".into(),
        }));
    }
    Ok(value)
}

/// An optional `&str`-glue argument: `undefined` and `null` arrive as `None`.
pub(super) fn optional_text_arg<'s>(value: &'s Option<String>, what: &'static str) -> Result<Option<&'s str>, JsValue> {
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
pub(super) fn with_request<R>(
    request: &JsValue,
    f: impl FnOnce(&Request<'_>) -> Result<R, JsValue>,
) -> Result<R, JsValue> {
    let read = |memory: &JsValue, at: u32, room: u32| read_request_into(memory, request, at, room);
    with_written(&read, &read, 1, false, |bytes| f(&request_from(bytes)?)).unwrap_or_else(|why| {
        Err(request_invalid(match why {
            NoText::Missing => "pass { permission, action, namespace?, tenant? }",
            NoText::Unsettled => "changed while it was read",
            NoText::TooLarge | NoText::OverCap(_) => "is too large to read",
            NoText::TooLong | NoText::Unreadable | NoText::UnknownMember | NoText::BadHeaders => "could not be read",
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

#[cfg(feature = "gateway")]
/// The members of a gateway request, as `readHttpRequest` wrote them: method, url, body,
/// impersonate, mode, model, namespaces (JSON).
pub(super) struct HttpMembers<'b> {
    pub members: [Option<&'b str>; 8],
}

#[cfg(feature = "gateway")]
/// Calls `f` with a gateway request's members, read from JS in one call.
pub(super) fn with_http_request<R>(
    request: &JsValue,
    f: impl FnOnce(&HttpMembers<'_>) -> Result<R, JsValue>,
) -> Result<R, JsValue> {
    const NAMES: [&str; 8] = [
        "method",
        "url",
        "body",
        "headers",
        "mode",
        "model",
        "namespaces",
        "requireNamespaceCreate",
    ];
    let read = |memory: &JsValue, at: u32, room: u32| read_http_request_into(memory, request, at, room);
    with_written(&read, &read, 1, true, |bytes| {
        let mut at = NAMES.len().saturating_mul(4);
        let mut members: [Option<&str>; 8] = [None; 8];
        for (index, slot) in members.iter_mut().enumerate() {
            let what = NAMES.get(index).copied().unwrap_or("request");
            let length = index
                .checked_mul(4)
                .and_then(|start| bytes.get(start..start.checked_add(4)?))
                .and_then(|b| <[u8; 4]>::try_from(b).ok())
                .map(u32::from_le_bytes)
                .ok_or_else(|| request_invalid("could not be read"))?;
            if length == ABSENT {
                continue;
            }
            let end = at
                .checked_add(length as usize)
                .filter(|_| length != NOT_A_STRING_MEMBER);
            let text = end
                .and_then(|end| bytes.get(at..end))
                .and_then(|b| std::str::from_utf8(b).ok())
                .ok_or_else(|| not_a_string(what))?;
            at = end.unwrap_or(at);
            *slot = Some(text);
        }
        f(&HttpMembers { members })
    })
    .unwrap_or_else(|why| {
        Err(request_invalid(match why {
            NoText::Missing => "pass { method, url, headers?, body? }",
            NoText::UnknownMember => {
                "has a member other than method, url, headers, body, namespaces, mode, model and requireNamespaceCreate"
            }
            NoText::BadHeaders => {
                "headers must be a Headers or an object of strings, X-Kestra-Impersonate at most once"
            }
            NoText::Unsettled => "changed while it was read",
            NoText::TooLarge | NoText::OverCap(_) => "is too large to read",
            NoText::TooLong | NoText::Unreadable => "could not be read",
        }))
    })
}
