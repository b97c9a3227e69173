//! The JavaScript API: the only module that names wasm_bindgen or js_sys. The core (token,
//! config, rbac) knows nothing of it.
//!
//! - `api`: the classes JavaScript sees, each method a few lines.
//! - `transport` (with transport.js): how strings, JSON and requests cross into wasm memory.
//! - `decision` (with decision.js): how a decision becomes a JS object.
//! - `http`: an HTTP request as JS hosts describe it, for the gateway methods.
//! - kestra_authz.d.ts: the TypeScript declarations of the options and answers, appended to
//!   the generated declarations.

mod api;
mod decision;
mod http;
mod transport;

pub use api::{JsAuthorizer, JsSession, kestra_route};

use crate::error::Error;
use serde::Serialize;
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

/// A serializable answer as a plain JS value (objects, not Maps).
fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::UNDEFINED)
}

/// A larger answer as a JS value: serialized as JSON in wasm and parsed by `JSON.parse` in one
/// call, where building it member by member across the boundary cost one call per member.
fn to_js_via_json<T: Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("kestra_authz.d.ts");
