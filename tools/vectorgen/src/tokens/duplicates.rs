//! Duplicate JSON members: a parser keeping the first and one keeping the last would read
//! different tokens, so any duplicate is refused.

use super::{Cases, NONCE, T0, claims, err, rs256, with};
use crate::jose::compact;
use crate::keys::Keys;
use serde_json::{Value, json};

pub fn add(v: &mut Cases, k: &Keys) {
    let (rs, h_rsa) = rs256(k);

    let p = h_rsa.clone();
    let payload_text = Value::Object(claims()).to_string();
    let dup_payload = |member: &str, value: &str| payload_text.replacen('{', &format!("{{\"{member}\":{value},"), 1);
    let with_nbf_text = Value::Object(with(claims(), "nbf", json!(T0))).to_string();
    for (member, value) in [
        ("exp", "1"),
        ("iss", "\"https://evil.example/\""),
        ("aud", "\"evil\""),
        ("sub", "\"admin\""),
        ("nbf", "1"),
    ] {
        let payload = if member == "nbf" {
            with_nbf_text.replacen('{', &format!("{{\"{member}\":{value},"), 1)
        } else {
            dup_payload(member, value)
        };
        let t = compact(&Value::Object(p.clone()).to_string(), &payload, &rs);
        v.add(
            "attack 11",
            &format!("duplicate {member} in the payload"),
            "rsa",
            t,
            json!({}),
            err("ERR_JWT_INVALID"),
        );
    }
    let t = compact(
        r#"{"alg":"HS256","alg":"RS256","kid":"rsa-1","typ":"JWT"}"#,
        &payload_text,
        &rs,
    );
    v.add(
        "attack 11",
        "duplicate alg in the header",
        "rsa",
        t,
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let t = compact(
        &Value::Object(p.clone()).to_string(),
        &dup_payload("nonce", "\"other\""),
        &rs,
    );
    v.add(
        "attack 12",
        "duplicate nonce in the payload",
        "rsa",
        t,
        json!({"nonce": NONCE}),
        err("ERR_JWT_INVALID"),
    );
    let t = compact(
        &Value::Object(p.clone()).to_string(),
        &payload_text.replacen("\"groups\":[", "\"groups\":[{\"a\":1,\"a\":2},", 1),
        &rs,
    );
    v.add(
        "attack 12",
        "duplicate member nested in a claim",
        "rsa",
        t,
        json!({}),
        err("ERR_JWT_INVALID"),
    );
}
