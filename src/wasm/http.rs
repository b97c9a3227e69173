//! The gateway's JS surface: an HTTP request as JS hosts describe it (`{ method, url,
//! headers?, body?, namespaces?, mode?, model? }`) read into the core's types.

use super::js_error;
use super::transport::{from_js, header_value, without_member};
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

fn string_member(map: &serde_json::Map<String, Value>, key: &'static str) -> Result<Option<String>, JsValue> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(key, "must be a string")),
    }
}

/// Reads `{ method, url, headers?, body?, namespaces?, mode?, model? }`.
pub(super) fn read_request(value: JsValue) -> Result<JsHttpRequest, JsValue> {
    if !value.is_object() {
        return Err(invalid("request", "pass { method, url, headers?, body? }"));
    }
    let headers = js_sys::Reflect::get(&value, &JsValue::from_str("headers"))
        .map_err(|_| invalid("headers", "could not be read"))?;
    let impersonate = header_value(&headers, IMPERSONATE).map_err(|_| {
        invalid(
            "headers",
            "must be a Headers or an object of strings, X-Kestra-Impersonate at most once",
        )
    })?;
    // The rest as JSON, without the headers (a Headers object has no JSON form).
    let rest = without_member(&value, "headers").ok_or_else(|| invalid("request", "could not be read"))?;
    let json = from_js(rest, "request")?;
    let Value::Object(map) = json else {
        return Err(invalid("request", "pass { method, url, headers?, body? }"));
    };
    const KNOWN: [&str; 7] = ["method", "url", "headers", "body", "namespaces", "mode", "model"];
    if let Some(unknown) = map.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(js_error(Error::OptionInvalid {
            option: "request",
            reason: format!("unknown member \"{}\"", crate::error::shorten(unknown)),
        }));
    }
    let method = string_member(&map, "method")?.ok_or_else(|| invalid("method", "is required"))?;
    let url = string_member(&map, "url")?.ok_or_else(|| invalid("url", "is required"))?;
    let body = match map.get("body") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        // A parsed JSON body is read as the JSON it was.
        Some(other) => Some(other.to_string()),
    };
    let mut options = HttpOptions::default();
    if let Some(mode) = string_member(&map, "mode")? {
        options.mode = Mode::parse(&mode).ok_or_else(|| invalid("mode", "must be \"sole\" or \"defense\""))?;
    }
    match map.get("namespaces") {
        None | Some(Value::Null) => {}
        Some(Value::Object(answers)) => {
            for (key, ns) in answers {
                let ns = ns
                    .as_str()
                    .ok_or_else(|| invalid("namespaces", "values must be namespaces"))?;
                options.namespaces.insert(key.clone(), ns.to_owned());
            }
        }
        Some(_) => return Err(invalid("namespaces", "must be an object of \"kind:id\" -> namespace")),
    }
    let model = match string_member(&map, "model")?.as_deref() {
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
