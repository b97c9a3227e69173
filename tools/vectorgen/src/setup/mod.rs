//! The set-up cases of `tests/vectors/tokens.json`: options an authorizer is built from, and
//! whether building it must succeed or fail with which code.

mod config;
mod jwks;
mod options;

use crate::keys::Keys;
use crate::tokens::{CLIENT_ID, ISSUER};
use serde_json::{Value, json};

/// Every set-up case, in the order the file lists them.
pub fn cases(k: &Keys) -> Vec<Value> {
    let mut s = Setups { cases: Vec::new() };
    config::add(&mut s);
    jwks::add(&mut s, k);
    options::add(&mut s, k);
    s.cases
}

pub struct Setups {
    cases: Vec<Value>,
}

impl Setups {
    pub fn add(&mut self, name: &str, options: Value, expect: Value) {
        self.cases
            .push(json!({"name": name, "options": options, "expect": expect}));
    }
}

/// Options for authentik's Kestra application with `jwks` as the JWKS document's text.
pub fn with_jwks(jwks: String) -> Value {
    json!({"issuer": ISSUER, "clientId": CLIENT_ID, "jwks": jwks})
}

/// The authorizer is built.
pub fn accepted() -> Value {
    json!({"ok": true})
}
