//! The gateway's JS surface: an HTTP request as JS hosts describe it (`{ method, url,
//! headers?, body?, namespaces?, mode?, model? }`) read into the core's types.

use super::js_error;
use super::transport::{from_js, header_value, unknown_member};
use crate::error::Error;
use crate::http::{HttpOptions, Mode};
use crate::rbac::Model;
use serde_json::Value;
use wasm_bindgen::prelude::*;

const IMPERSONATE: &str = "x-kestra-impersonate";

/// A request read from JS, owning its text.
pub(super) struct JsHttpRequest {
    pub method: String,
    pub url: String,
    pub body: Option<String>,
    pub impersonate: Option<String>,
    pub options: HttpOptions,
    pub model: Option<Model>,
}

impl JsHttpRequest {
    pub fn request(&self) -> crate::http::HttpRequest<'_> {
        crate::http::HttpRequest {
            method: &self.method,
            url: &self.url,
            body: self.body.as_deref(),
            impersonate: self.impersonate.as_deref(),
        }
    }
}

fn invalid(option: &'static str, reason: &str) -> JsValue {
    js_error(Error::OptionInvalid {
        option,
        reason: reason.into(),
    })
}

/// A member of the request, read once (a throwing getter is an error).
fn member(value: &JsValue, key: &'static str) -> Result<JsValue, JsValue> {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).map_err(|_| invalid(key, "could not be read"))
}

/// A string member: absent (`undefined`, `null`) or a string.
fn text_member(value: &JsValue, key: &'static str) -> Result<Option<String>, JsValue> {
    let v = member(value, key)?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| invalid(key, "must be a string"))
}

const KNOWN: [&str; 7] = ["method", "url", "headers", "body", "namespaces", "mode", "model"];

/// Reads `{ method, url, headers?, body?, namespaces?, mode?, model? }`, member by member: a
/// body crosses as its own text, never re-encoded.
pub(super) fn read_request(value: JsValue) -> Result<JsHttpRequest, JsValue> {
    if !value.is_object() {
        return Err(invalid("request", "pass { method, url, headers?, body? }"));
    }
    match unknown_member(&value, &KNOWN) {
        Ok(None) => {}
        Ok(Some(name)) => {
            return Err(js_error(Error::OptionInvalid {
                option: "request",
                reason: format!("unknown member \"{}\"", crate::error::shorten(&name)),
            }));
        }
        Err(()) => return Err(invalid("request", "could not be read")),
    }
    let impersonate = header_value(&member(&value, "headers")?, IMPERSONATE).map_err(|_| {
        invalid(
            "headers",
            "must be a Headers or an object of strings, X-Kestra-Impersonate at most once",
        )
    })?;
    let method = text_member(&value, "method")?.ok_or_else(|| invalid("method", "is required"))?;
    let url = text_member(&value, "url")?.ok_or_else(|| invalid("url", "is required"))?;
    let body = member(&value, "body")?;
    let body = if body.is_undefined() || body.is_null() {
        None
    } else if let Some(text) = body.as_string() {
        Some(text)
    } else {
        // A parsed JSON body is read as the JSON it was.
        Some(from_js(body, "body")?.to_string())
    };
    let mut options = HttpOptions::default();
    if let Some(mode) = text_member(&value, "mode")? {
        options.mode = Mode::parse(&mode).ok_or_else(|| invalid("mode", "must be \"sole\" or \"defense\""))?;
    }
    let namespaces = member(&value, "namespaces")?;
    if !(namespaces.is_undefined() || namespaces.is_null()) {
        let Value::Object(answers) = from_js(namespaces, "namespaces")? else {
            return Err(invalid("namespaces", "must be an object of \"kind:id\" -> namespace"));
        };
        for (key, ns) in answers {
            let ns = ns
                .as_str()
                .ok_or_else(|| invalid("namespaces", "values must be namespaces"))?;
            options.namespaces.insert(key, ns.to_owned());
        }
    }
    let model = match text_member(&value, "model")?.as_deref() {
        None => None,
        Some("crud") | Some("v1") => Some(Model::Crud),
        Some("v2") => Some(Model::V2),
        Some(_) => return Err(invalid("model", "must be \"crud\" or \"v2\"")),
    };
    Ok(JsHttpRequest {
        method,
        url,
        body,
        impersonate,
        options,
        model,
    })
}
