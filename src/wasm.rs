//! The JavaScript API. The only module that names wasm_bindgen or js_sys: it converts values
//! and errors at the boundary and holds no logic of its own.

use crate::authorizer::{Authorizer, AuthorizerOptions, Session};
use crate::config::Finding;
use crate::error::{Error, shorten};
use crate::rbac::{Decision, Request};
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

#[wasm_bindgen]
extern "C" {
    /// The host's `TextEncoder`: `encodeInto` copies a string straight into wasm memory, far
    /// faster than wasm-bindgen's per-character copy for a token or a policy's JSON.
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, source: &js_sys::JsString, destination: &js_sys::Uint8Array)
    -> EncodeIntoResult;
    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeIntoResult) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
    /// Reused for small strings (tokens, options): no allocation per call.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Strings up to this many UTF-16 units are copied by wasm-bindgen's own glue.
const SHORT_STRING: usize = 128;
/// Strings up to this many UTF-16 units go through the reused scratch buffer.
const SCRATCH_UNITS: usize = 64 * 1024;

/// Calls `f` with a JS string's UTF-8 text (lone surrogates become U+FFFD, as wasm-bindgen
/// does); `None` when `value` is not a string.
fn with_js_text<R>(value: &JsValue, f: impl FnOnce(&str) -> R) -> Option<R> {
    let text: &js_sys::JsString = value.dyn_ref()?;
    let units = text.length() as usize;
    if units <= SHORT_STRING {
        // One call back into JS beats the several an `encodeInto` takes.
        return value.as_string().map(|s| f(&s));
    }
    let with_buffer = |buf: &mut Vec<u8>| -> Option<R> {
        let written = encode_into(text, units, buf)?;
        Some(f(std::str::from_utf8(buf.get(..written)?).ok()?))
    };
    if units <= SCRATCH_UNITS {
        // Busy only if `f` ever came back here: then a buffer of its own.
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut buf) => with_buffer(&mut buf),
            Err(_) => with_buffer(&mut Vec::new()),
        })
    } else {
        with_buffer(&mut Vec::new())
    }
}

/// Writes a string's UTF-8 into `buf` (grown as needed) and says how many bytes. Room for one
/// byte per UTF-16 unit first (JSON and tokens are ASCII: a 9 MB policy takes 9 MB, not the
/// 27 MB its worst case would), then three per unit for whatever did not fit.
fn encode_into(text: &js_sys::JsString, units: usize, buf: &mut Vec<u8>) -> Option<usize> {
    // A little slack: with four bytes to spare, a stop means nothing was left (no character
    // is wider), so the common case needs no second call to ask what was read.
    let first = units.saturating_add(4);
    let result = encode_window(text, buf, 0, first)?;
    let written = (result.written() as usize).min(first);
    if written.saturating_add(4) <= first {
        return Some(written);
    }
    let read = result.read();
    let rest = text.slice(read, u32::try_from(units).ok()?);
    let remaining = units.saturating_sub(read as usize);
    let capacity = written.saturating_add(remaining.saturating_mul(3));
    let result = encode_window(&rest, buf, written, capacity)?;
    (result.read() as usize >= remaining).then(|| written.saturating_add(result.written() as usize).min(capacity))
}

/// `encodeInto` into `buf[start..end]`, growing `buf` to `end` first.
fn encode_window(text: &js_sys::JsString, buf: &mut Vec<u8>, start: usize, end: usize) -> Option<EncodeIntoResult> {
    if buf.len() < end {
        buf.resize(end, 0);
    }
    let window = buf.get_mut(start..end)?;
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    // No allocation between taking the view and writing through it: memory cannot grow (and
    // detach the buffer) in between.
    let view = js_sys::Uint8Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        u32::try_from(window.as_ptr() as usize).ok()?,
        u32::try_from(window.len()).ok()?,
    );
    Some(ENCODER.with(|e| e.encode_into(text, &view)))
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
    let invalid = || {
        js_error(Error::OptionInvalid {
            option,
            reason: "cannot be written as JSON".into(),
        })
    };
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|t| t.dyn_into::<js_sys::JsString>().ok())
        .ok_or_else(invalid)?;
    reserve_heap(text.length() as usize);
    with_js_text(&text, f).ok_or_else(invalid)
}

/// `options.policy` when it is a plain object (not an array, a string or absent).
fn policy_object(options: &JsValue) -> Option<JsValue> {
    if !options.is_object() {
        return None;
    }
    js_sys::Reflect::get(options, &JsValue::from_str("policy"))
        .ok()
        .filter(|p| p.is_object() && !js_sys::Array::is_array(p))
}

/// Grows the heap once, in proportion to a large input, before parsing and compiling it. The
/// allocator otherwise grows wasm memory a few pages at a time, and each growth costs the
/// host: building from 100,000 bindings spent most of its time there. Copying, reading and
/// compiling a policy peaks at ~10x its JSON size (9 MB -> 91 MiB of wasm memory), which is
/// what is reserved, before the text is copied in.
fn reserve_heap(input_len: usize) {
    const SMALL: usize = 256 * 1024;
    if input_len > SMALL {
        // Freed at once: the allocator keeps the block as free space for what follows.
        drop(std::hint::black_box(Vec::<u8>::with_capacity(
            input_len.saturating_mul(10),
        )));
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

/// `{ permission, action, namespace?, tenant? }`, read field by field (no JSON round trip).
fn request_fields(request: &JsValue) -> Result<[Option<String>; 4], JsValue> {
    if !request.is_object() {
        return Err(js_error(Error::OptionInvalid {
            option: "request",
            reason: "pass { permission, action, namespace?, tenant? }".into(),
        }));
    }
    let fields: &RequestFields = request.unchecked_ref();
    let read = |field: Result<JsValue, JsValue>| field.unwrap_or(JsValue::UNDEFINED);
    Ok([
        Some(string_arg(&read(fields.permission()), "permission")?),
        Some(string_arg(&read(fields.action()), "action")?),
        optional_string_arg(&read(fields.namespace()), "namespace")?,
        optional_string_arg(&read(fields.tenant()), "tenant")?,
    ])
}

#[wasm_bindgen]
extern "C" {
    /// A request object's members, read as `request.permission` (no key string made per
    /// call); a throwing getter is caught and reads as absent.
    type RequestFields;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn permission(this: &RequestFields) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn action(this: &RequestFields) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn namespace(this: &RequestFields) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, getter, structural, catch)]
    fn tenant(this: &RequestFields) -> Result<JsValue, JsValue>;
}

fn decide(authz: &Authorizer, session: &Session, request: &JsValue) -> Result<Decision, JsValue> {
    let [permission, action, namespace, tenant] = request_fields(request)?;
    let request = Request {
        permission: permission.as_deref().unwrap_or_default(),
        action: action.as_deref().unwrap_or_default(),
        namespace: namespace.as_deref(),
        tenant: tenant.as_deref(),
    };
    authz.authorize(session, &request).map_err(js_error)
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
/// tenants), made once per Authorizer rather than once per decision: creating them was most of
/// `authorize`. Bounded: emptied when full.
#[derive(Default)]
struct JsStrings(std::cell::RefCell<rustc_hash::FxHashMap<Box<str>, JsValue>>);

const JS_STRINGS_MAX: usize = 4096;

impl Fields {
    fn set(&self, key: &JsValue, value: &JsValue) {
        let _ = self.set_member(key, value);
    }
    /// Sets `key` to the JS string for `text` (`null` when absent), from the cache without
    /// copying the handle.
    fn set_text(&self, key: &JsValue, text: Option<&str>, strings: &JsStrings) {
        match text {
            None => self.set(key, &JsValue::NULL),
            Some(text) => strings.with(text, |value| self.set(key, value)),
        }
    }
}

impl JsStrings {
    fn with<R>(&self, text: &str, f: impl FnOnce(&JsValue) -> R) -> R {
        let Ok(mut known) = self.0.try_borrow_mut() else {
            return f(&JsValue::from_str(text));
        };
        if let Some(value) = known.get(text) {
            return f(value);
        }
        if known.len() >= JS_STRINGS_MAX {
            known.clear();
        }
        let value = JsValue::from_str(text);
        let answer = f(&value);
        known.insert(text.into(), value);
        answer
    }
}

#[wasm_bindgen]
extern "C" {
    /// A plain object filled member by member (`object[key] = value`). Caught: a setter
    /// someone put on `Object.prototype` may throw, and must not unwind through wasm.
    #[wasm_bindgen(extends = js_sys::Object)]
    type Fields;
    #[wasm_bindgen(method, structural, indexing_setter, catch)]
    fn set_member(this: &Fields, key: &JsValue, value: &JsValue) -> Result<(), JsValue>;
}

/// The member names of a decision, as JS strings made once.
struct DecisionKeys {
    allowed: JsValue,
    code: JsValue,
    reasons: JsValue,
    tenant: JsValue,
    via: JsValue,
    role: JsValue,
    role_name: JsValue,
    binding: JsValue,
    namespace: JsValue,
    group: JsValue,
}

thread_local! {
    static DECISION_KEYS: DecisionKeys = DecisionKeys {
        allowed: JsValue::from_str("allowed"),
        code: JsValue::from_str("code"),
        reasons: JsValue::from_str("reasons"),
        tenant: JsValue::from_str("tenant"),
        via: JsValue::from_str("via"),
        role: JsValue::from_str("role"),
        role_name: JsValue::from_str("roleName"),
        binding: JsValue::from_str("binding"),
        namespace: JsValue::from_str("namespace"),
        group: JsValue::from_str("group"),
    };
}

/// `{ allowed, code, reasons: [{ via, role, roleName, binding, namespace, group, tenant }],
/// tenant }`, absent values as `null`: what serializing `Decision` gives, built directly.
fn decision_to_js(decision: &Decision, strings: &JsStrings) -> JsValue {
    DECISION_KEYS.with(|k| {
        let reasons = js_sys::Array::new();
        for r in &decision.reasons {
            let reason: Fields = js_sys::Object::new().unchecked_into();
            reason.set_text(&k.via, Some(r.via.name()), strings);
            reason.set_text(&k.role, r.role.as_deref(), strings);
            reason.set_text(&k.role_name, r.role_name.as_deref(), strings);
            reason.set_text(&k.binding, r.binding.as_deref(), strings);
            reason.set_text(&k.namespace, r.namespace.as_deref(), strings);
            reason.set_text(&k.group, r.group.as_deref(), strings);
            reason.set_text(&k.tenant, Some(&r.tenant), strings);
            reasons.push(&reason);
        }
        let out: Fields = js_sys::Object::new().unchecked_into();
        out.set(&k.allowed, &JsValue::from_bool(decision.allowed));
        out.set_text(&k.code, Some(decision.code), strings);
        out.set(&k.reasons, &reasons);
        out.set_text(&k.tenant, decision.tenant.as_deref(), strings);
        out.into()
    })
}

#[wasm_bindgen(js_class = Authorizer)]
impl JsAuthorizer {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AuthorizerOptions")] options: JsValue,
    ) -> Result<JsAuthorizer, JsValue> {
        let inner = match policy_object(&options) {
            // A policy object (100,000 bindings is ~9 MB of JSON) goes across as its own text
            // and is read without a JSON tree; the rest of the options as before.
            Some(policy) => {
                let rest = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref());
                let _ = js_sys::Reflect::delete_property(&rest, &JsValue::from_str("policy"));
                let rest = from_js(rest.into(), "options")?;
                with_json_text(&policy, "policy", |text| {
                    AuthorizerOptions::from_json_with_policy_text(&rest, text)
                })?
            }
            None => AuthorizerOptions::from_json(&from_js(options, "options")?),
        }
        .and_then(Authorizer::new)
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
        decide(&self.inner, &session.inner, &request).map(|d| decision_to_js(&d, &self.strings))
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
            let answer = match decide(&self.inner, &session.inner, &request) {
                Ok(decision) => decision_to_js(&decision, &self.strings),
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
        if let Some(text) = token.dyn_ref::<js_sys::JsString>()
            && text.length() as usize > max
        {
            return Err(js_error(Error::TokenTooLarge {
                size: text.length() as usize,
                max,
            }));
        }
        let inner = with_js_text(&token, |token| self.inner.verify_id_token(token, &options))
            .unwrap_or(Err(Error::JwsInvalid {
                reason: "the token must be a string",
            }))
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
    | "WARN_DEFAULT_ROLE_EMPTY" | "WARN_PERMISSION_IGNORED" | "WARN_ACTION_IGNORED" | "WARN_LEGACY_ACTION";
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
  | "ERR_UNKNOWN_ACTION" | "ERR_NAMESPACE_INVALID" | "ERR_TENANT_INVALID";

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
