//! Relying-party checks (OIDC Core §3.1.3.7): the issuer compared exactly, expiry at the
//! second, `sub` and the identity claims' types; and verify options that are refused.

use super::{Cases, ISSUER, NONCE, NOW, claim_err, claims, expired, ok, rs256, with, without};
use crate::jose::token;
use crate::keys::Keys;
use serde_json::json;

pub fn add(v: &mut Cases, k: &Keys) {
    let (rs, h_rsa) = rs256(k);
    let good = token(&h_rsa, &claims(), &rs);
    v.add(
        "check 12",
        "issuer without the trailing slash",
        "rsa",
        token(&h_rsa, &with(claims(), "iss", json!(ISSUER.trim_end_matches('/'))), &rs),
        json!({}),
        claim_err("iss", "check_failed"),
    );
    v.add(
        "check 12",
        "issuer with a second trailing slash",
        "rsa",
        token(&h_rsa, &with(claims(), "iss", json!(format!("{ISSUER}/"))), &rs),
        json!({}),
        claim_err("iss", "check_failed"),
    );
    v.add(
        "check 12",
        "issuer in upper case",
        "rsa",
        token(&h_rsa, &with(claims(), "iss", json!(ISSUER.to_uppercase())), &rs),
        json!({}),
        claim_err("iss", "check_failed"),
    );
    v.add(
        "check 12",
        "issuer missing",
        "rsa",
        token(&h_rsa, &without(claims(), "iss"), &rs),
        json!({}),
        claim_err("iss", "missing"),
    );
    v.add(
        "check 15",
        "expired by one second",
        "rsa",
        token(&h_rsa, &with(claims(), "exp", json!(NOW - 1)), &rs),
        json!({}),
        expired(),
    );
    v.add(
        "check 15",
        "expires exactly now",
        "rsa",
        token(&h_rsa, &with(claims(), "exp", json!(NOW)), &rs),
        json!({}),
        expired(),
    );
    v.add(
        "check 15",
        "expires in one second",
        "rsa",
        token(&h_rsa, &with(claims(), "exp", json!(NOW + 1)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "check 15",
        "expired 20 s ago within a 30 s tolerance",
        "tolerance-30",
        token(&h_rsa, &with(claims(), "exp", json!(NOW - 20)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "check 15",
        "expired 30 s ago with a 30 s tolerance",
        "tolerance-30",
        token(&h_rsa, &with(claims(), "exp", json!(NOW - 30)), &rs),
        json!({}),
        expired(),
    );
    v.add(
        "check 15",
        "exp missing",
        "rsa",
        token(&h_rsa, &without(claims(), "exp"), &rs),
        json!({}),
        claim_err("exp", "missing"),
    );
    v.add(
        "check 23",
        "sub empty",
        "rsa",
        token(&h_rsa, &with(claims(), "sub", json!("")), &rs),
        json!({}),
        claim_err("sub", "invalid"),
    );
    v.add(
        "check 23",
        "sub missing",
        "rsa",
        token(&h_rsa, &without(claims(), "sub"), &rs),
        json!({}),
        claim_err("sub", "missing"),
    );
    v.add(
        "check 23",
        "sub a number",
        "rsa",
        token(&h_rsa, &with(claims(), "sub", json!(42)), &rs),
        json!({}),
        claim_err("sub", "invalid"),
    );
    v.add(
        "check 24",
        "groups holds a number",
        "rsa",
        token(&h_rsa, &with(claims(), "groups", json!(["a", 1])), &rs),
        json!({}),
        claim_err("groups", "invalid"),
    );
    v.add(
        "check 24",
        "email not a string",
        "rsa",
        token(&h_rsa, &with(claims(), "email", json!(["a@b"])), &rs),
        json!({}),
        claim_err("email", "invalid"),
    );
    v.add(
        "check 24",
        "email_verified the string true",
        "rsa",
        token(&h_rsa, &with(claims(), "email_verified", json!("true")), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "check 24",
        "minimal token (iss sub aud exp iat only)",
        "rsa",
        token(
            &h_rsa,
            &claims()
                .into_iter()
                .filter(|(k, _)| ["iss", "sub", "aud", "exp", "iat"].contains(&k.as_str()))
                .collect(),
            &rs,
        ),
        json!({}),
        ok(),
    );
    v.add(
        "options",
        "now negative",
        "rsa",
        good.clone(),
        json!({"now": -1}),
        json!({"ok": false, "code": "ERR_OPTION_INVALID"}),
    );
    v.add(
        "options",
        "unknown option",
        "rsa",
        good.clone(),
        json!({"nonse": NONCE}),
        json!({"ok": false, "code": "ERR_OPTION_INVALID"}),
    );
}
