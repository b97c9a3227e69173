//! The token cases of `tests/vectors/tokens.json`, by family, and the providers they name. An
//! ID token as authentik 2025.8 issues it is the starting point; each case changes one thing
//! and says what verifying it must produce.

mod algorithms;
mod checklist;
mod duplicates;
mod encoding;
mod header;
mod key_selection;
mod providers;
mod registered_claims;
mod sign_in;
mod signatures;
mod token_kind;

pub use providers::providers;

use crate::jose::{Sig, header};
use crate::keys::Keys;
use serde_json::{Map, Value, json};

pub const T0: u64 = 1_800_000_000;
/// The clock of every case unless its options say otherwise.
pub const NOW: u64 = T0 + 60;
pub const ISSUER: &str = "https://sso.example.com/application/o/kestra/";
pub const CLIENT_ID: &str = "Kx7ClientIdOfTheKestraApplication0000001";
pub const SUBJECT: &str = "5f0b6a1c9d0e4b7f8a2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607182";
pub const NONCE: &str = "dslAhVZnwQ6O14QDuDMkVA";
pub const ACCESS_TOKEN: &str = "access-token-of-this-sign-in";
pub const CODE: &str = "authorization-code-of-this-sign-in";

/// Every token case, in the order the file lists them.
pub fn cases(k: &Keys) -> Vec<Value> {
    let mut v = Cases { cases: Vec::new() };
    algorithms::add(&mut v, k);
    header::add(&mut v, k);
    signatures::add(&mut v, k);
    duplicates::add(&mut v, k);
    registered_claims::add(&mut v, k);
    sign_in::add(&mut v, k);
    token_kind::add(&mut v, k);
    encoding::add(&mut v, k);
    key_selection::add(&mut v, k);
    checklist::add(&mut v, k);
    v.cases
}

pub struct Cases {
    cases: Vec<Value>,
}

impl Cases {
    /// A case named "`group`: `name`": `token` verified for `provider` with `options` (`now` is
    /// `NOW` unless they set it) must produce `expect`.
    pub fn add(&mut self, group: &str, name: &str, provider: &str, token: String, options: Value, expect: Value) {
        let mut opts = json!({"now": NOW});
        if let (Value::Object(base), Value::Object(extra)) = (&mut opts, options) {
            base.extend(extra);
        }
        self.cases.push(json!({
            "name": format!("{group}: {name}"), "provider": provider, "token": token, "options": opts, "expect": expect
        }));
    }
}

/// RS256 with the provider's key, and the header authentik writes for it: how most cases are
/// signed.
pub fn rs256(k: &Keys) -> (Sig<'_>, Map<String, Value>) {
    (Sig::Rs(&k.rsa, 256), header("RS256", Some("rsa-1")))
}

/// An ID token as authentik 2025.8 issues it from the token endpoint.
pub fn claims() -> Map<String, Value> {
    let v = json!({
        "iss": ISSUER, "sub": SUBJECT, "aud": CLIENT_ID,
        "exp": T0 + 3600, "iat": T0, "auth_time": T0 - 5,
        "acr": "goauthentik.io/providers/oauth2/default", "amr": ["pwd"],
        "nonce": NONCE,
        "sid": "e95b5f5c84287916855409c74d0040b9d920fa34f8ad9344ff74ef56d4bdf56c",
        "email": "alice@example.com", "email_verified": true,
        "name": "Alice Example", "given_name": "Alice Example",
        "preferred_username": "alice", "nickname": "alice",
        "groups": ["kestra-admins", "data-team"]
    });
    match v {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// `c` with member `key` set to `value`: for claims and headers alike.
pub fn with(mut c: Map<String, Value>, key: &str, value: Value) -> Map<String, Value> {
    c.insert(key.into(), value);
    c
}

/// `c` without member `key`.
pub fn without(mut c: Map<String, Value>, key: &str) -> Map<String, Value> {
    c.remove(key);
    c
}

/// Verified: the session's subject is authentik's.
pub fn ok() -> Value {
    json!({"ok": true, "sub": SUBJECT})
}

/// Refused with `code`.
pub fn err(code: &str) -> Value {
    json!({"ok": false, "code": code})
}

/// Refused for `claim`, for `reason`.
pub fn claim_err(claim: &str, reason: &str) -> Value {
    json!({"ok": false, "code": "ERR_JWT_CLAIM_VALIDATION_FAILED", "claim": claim, "reason": reason})
}

pub fn expired() -> Value {
    json!({"ok": false, "code": "ERR_JWT_EXPIRED", "claim": "exp", "reason": "check_failed"})
}
