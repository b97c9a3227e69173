//! The gateway's JS surface: an HTTP request as JS hosts describe it (`{ method, url,
//! headers?, body?, namespaces?, mode?, model? }`) read into the core's types.

use super::js_error;
use super::transport::with_http_request;
use crate::error::Error;
use crate::http::{HttpOptions, Mode};
use crate::rbac::Model;
use serde_json::Value;
use wasm_bindgen::prelude::*;

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

/// Reads `{ method, url, headers?, body?, namespaces?, mode?, model? }` in one call from JS; a
/// body that is text crosses once, as it is.
pub(super) fn read_request(value: JsValue) -> Result<JsHttpRequest, JsValue> {
    with_http_request(&value, |request| {
        let [method, url, body, impersonate, mode, model, namespaces, create] = request.members;
        let method = method.ok_or_else(|| invalid("method", "is required"))?.to_owned();
        let url = url.ok_or_else(|| invalid("url", "is required"))?.to_owned();
        let mut options = HttpOptions::default();
        if let Some(mode) = mode {
            options.mode = Mode::parse(mode).ok_or_else(|| invalid("mode", "must be \"sole\" or \"defense\""))?;
        }
        if let Some(text) = namespaces {
            let Ok(Value::Object(answers)) = serde_json::from_str::<Value>(text) else {
                return Err(invalid("namespaces", "must be an object of \"kind:id\" -> namespace"));
            };
            for (key, ns) in answers {
                let ns = ns
                    .as_str()
                    .ok_or_else(|| invalid("namespaces", "values must be namespaces"))?;
                options.namespaces.insert(key, ns.to_owned());
            }
        }
        options.require_namespace_create = match create {
            None => None,
            Some("true") => Some(true),
            Some("false") => Some(false),
            Some(_) => return Err(invalid("requireNamespaceCreate", "must be a boolean")),
        };
        let model = match model {
            None => None,
            Some("crud") | Some("v1") => Some(Model::Crud),
            Some("v2") => Some(Model::V2),
            Some(_) => return Err(invalid("model", "must be \"crud\" or \"v2\"")),
        };
        Ok(JsHttpRequest {
            method,
            url,
            body: body.map(str::to_owned),
            impersonate: impersonate.map(str::to_owned),
            options,
            model,
        })
    })
}
