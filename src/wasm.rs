//! The JavaScript API. The only module that names wasm_bindgen or js_sys: it converts values
//! and errors at the boundary and holds no logic of its own.

use crate::authorizer::{Authorizer, AuthorizerOptions, Session};
use crate::config::Finding;
use crate::error::{Error, shorten};
use crate::token::VerifyOptions;
use serde::Serialize;
use serde_json::Value;
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

/// A JS value as JSON; `undefined` becomes `null`.
fn from_js(value: JsValue, option: &'static str) -> Result<Value, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        js_error(Error::OptionInvalid {
            option,
            reason: shorten(&e.to_string()),
        })
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
}

#[wasm_bindgen(js_class = Authorizer)]
impl JsAuthorizer {
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<JsAuthorizer, JsValue> {
        let options = from_js(options, "options")?;
        let inner = AuthorizerOptions::from_json(&options)
            .and_then(Authorizer::new)
            .map_err(js_error)?;
        Ok(JsAuthorizer { inner })
    }

    /// Configuration findings: `[{ code, path, message }]`.
    #[wasm_bindgen(getter)]
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

    /// Verifies an ID token: `verifyIdToken(token, { now, nonce, accessToken, code, maxAge })`.
    /// `now` (seconds since the epoch) defaults to the host clock.
    #[wasm_bindgen(js_name = verifyIdToken)]
    pub fn verify_id_token(&self, token: JsValue, options: JsValue) -> Result<JsSession, JsValue> {
        // Strings are taken as JsValue and checked here: wasm-bindgen's `&str` glue corrupts
        // memory when handed a non-string.
        let token = token.as_string().ok_or_else(|| {
            js_error(Error::JwsInvalid {
                reason: "the token must be a string",
            })
        })?;
        let options = VerifyOptions::from_json(
            &from_js(options, "verifyIdToken options")?,
            Some(js_sys::Date::now() / 1000.0),
        )
        .map_err(js_error)?;
        let inner = self.inner.verify_id_token(&token, &options).map_err(js_error)?;
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
    #[wasm_bindgen(getter)]
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
    #[wasm_bindgen(getter)]
    pub fn groups(&self) -> Vec<String> {
        self.inner.token().groups().to_vec()
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
