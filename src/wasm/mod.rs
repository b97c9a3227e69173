//! The JavaScript API: the only module that names wasm_bindgen or js_sys. The core (token,
//! config, rbac) knows nothing of it.
//!
//! - `api`: the classes JavaScript sees, each method a few lines.
//! - `transport` (with transport.js): how strings, JSON and requests cross into wasm memory.
//! - `decision` (with decision.js): how a decision becomes a JS object.
//! - `http`: an HTTP request as JS hosts describe it, for the gateway methods.
//! - hostcrypto.js: the host's own crypto for RSA and ECDSA signatures (WebCrypto for
//!   `verifyIdTokenAsync`, node:crypto in the Node build), every check around it in the core.
//! - kestra_authz.d.ts: the TypeScript declarations of the options and answers, appended to
//!   the generated declarations.

mod api;
mod decision;
#[cfg(feature = "gateway")]
mod http;
mod transport;

#[cfg(feature = "audit")]
pub use api::diff_policies;
#[cfg(feature = "gateway")]
pub use api::kestra_route;
pub use api::{JsAuthorizer, JsSession};

use crate::error::Error;
use serde::Serialize;
use wasm_bindgen::prelude::*;

// Errors and answers are made in JS (decision.js) from plain values: no setter or getter
// someone put on a prototype runs from wasm, and nothing thrown unwinds through it.
#[wasm_bindgen(module = "/src/wasm/decision.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(message: &str, code: &str, claim: Option<String>, reason: Option<String>) -> JsValue;
    #[wasm_bindgen(js_name = parseAnswer)]
    fn parse_answer(json: &str) -> JsValue;
}

/// Turns an error into a real JS `Error` with `code` (and `claim` / `reason` for claims), its
/// members its own.
fn js_error(error: Error) -> JsValue {
    make_error(
        &error.to_string(),
        error.code(),
        error.claim().map(str::to_owned),
        error.reason().map(str::to_owned),
    )
}

/// An answer as a plain JS value: serialized as JSON in wasm and parsed in one call (members
/// defined, not assigned, so no prototype setter runs; and faster than building it member by
/// member across the boundary).
fn to_js<T: Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .map(|text| parse_answer(&text))
        .unwrap_or(JsValue::UNDEFINED)
}

/// A JS array of values, each defined as its own element (`decision::append`): wasm-bindgen's
/// own conversion pushes them, which runs whatever someone put on `Array.prototype`.
fn to_array(values: Vec<JsValue>) -> Result<JsValue, JsValue> {
    let list = decision::new_list();
    for value in &values {
        if decision::append(&list, value) < 0 {
            return Err(not_added());
        }
    }
    Ok(list.into())
}

/// The error of an answer whose JS array would not take an element (`decision::append`
/// answered -1): refused rather than given incomplete.
fn not_added() -> JsValue {
    js_error(Error::OptionInvalid {
        option: "Array.prototype",
        reason: "a member of the answer could not be added".into(),
    })
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = include_str!("kestra_authz.d.ts");
