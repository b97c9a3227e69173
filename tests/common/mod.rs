//! Helpers for RBAC tests: an authorizer for a policy and sessions for verified HS256 tokens.
#![allow(dead_code)]

use kestra_authz::{Authorizer, AuthorizerOptions, Session, VerifyOptions};
use serde_json::{Value, json};

pub const ISSUER: &str = "https://sso.example.com/application/o/kestra/";
pub const CLIENT_ID: &str = "kestra-client";
pub const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
pub const NOW: u64 = 1_800_000_060;

/// An authorizer over `yaml` (may be empty) and `policy` (may be null), keyed for HS256.
pub fn authz_with(yaml: &str, policy: Value, extra: Value) -> Authorizer {
    let mut options = json!({
        "kestraConfig": yaml,
        "issuer": ISSUER,
        "clientId": CLIENT_ID,
        "clientSecret": SECRET,
        "jwks": "{}",
        "policy": policy,
    });
    if let (Value::Object(o), Value::Object(e)) = (&mut options, extra) {
        o.extend(e);
    }
    Authorizer::new(AuthorizerOptions::from_json(&options).unwrap()).unwrap()
}

pub fn authz(policy: Value) -> Authorizer {
    authz_with("", policy, json!({}))
}

/// A signed ID token for `email` with extra claims.
pub fn token(email: &str, extra: Value) -> String {
    let mut claims = json!({
        "iss": ISSUER, "sub": format!("sub-{email}"), "aud": CLIENT_ID,
        "iat": NOW - 60, "exp": NOW + 240, "email": email,
    });
    if let (Value::Object(c), Value::Object(e)) = (&mut claims, extra) {
        c.extend(e);
    }
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
    )
    .unwrap()
}

pub fn session_in(authz: &Authorizer, email: &str, extra: Value, tenant: Option<&str>) -> Session {
    let (now, options) = VerifyOptions::from_json(&json!({"now": NOW, "tenant": tenant}), None).unwrap();
    authz.verify_id_token(&token(email, extra), now, &options).unwrap()
}

pub fn session(authz: &Authorizer, email: &str) -> Session {
    session_in(authz, email, json!({}), None)
}
