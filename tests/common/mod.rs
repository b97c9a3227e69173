//! Helpers for RBAC tests: an authorizer for a policy and sessions for verified HS256 tokens.
#![allow(dead_code)]

pub mod rbac_fixtures;

use kestra_authz::{Authorizer, AuthorizerOptions, Session, VerifyOptions};
// Each test binary uses some of them (dead_code, allowed above, does not cover re-exports).
#[allow(unused_imports)]
pub use rbac_fixtures::{CLIENT_ID, ISSUER, NOW, SECRET};
use rbac_fixtures::{authorizer_options, id_token_claims, merge};
use serde_json::{Value, json};

/// An authorizer over `yaml` (may be empty) and `policy` (may be null), keyed for HS256.
pub fn authz_with(yaml: &str, policy: Value, extra: Value) -> Authorizer {
    let options = authorizer_options(yaml, policy, extra);
    Authorizer::new(AuthorizerOptions::from_json(&options).unwrap()).unwrap()
}

pub fn authz(policy: Value) -> Authorizer {
    authz_with("", policy, json!({}))
}

/// A signed ID token for `email` with extra claims.
pub fn token(email: &str, extra: Value) -> String {
    let mut claims = id_token_claims(&format!("sub-{email}"), json!({"email": email}));
    merge(&mut claims, extra);
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
