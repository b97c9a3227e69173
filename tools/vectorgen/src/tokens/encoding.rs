//! The compact serialization read strictly: base64url without padding or non-canonical bits,
//! exactly three segments, a header and a payload that are JSON objects, and the size and
//! nesting limits.

use super::{Cases, claims, err, ok, rs256, with, without};
use crate::jose::{b64, compact, sign, token};
use crate::keys::Keys;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

pub fn add(v: &mut Cases, k: &Keys) {
    let (rs, h_rsa) = rs256(k);
    let payload_text = Value::Object(claims()).to_string();
    let good = token(&h_rsa, &claims(), &rs);
    let (signing_input, signature) = good.rsplit_once('.').unwrap();
    v.add(
        "attack 25",
        "signature with = padding",
        "rsa",
        format!("{signing_input}.{signature}=="),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let std_sig = STANDARD
        .encode(URL_SAFE_NO_PAD.decode(signature).unwrap())
        .trim_end_matches('=')
        .to_owned();
    let plus_slash = if std_sig.contains(['+', '/']) {
        std_sig
    } else {
        format!("{}+/", &signature[..signature.len() - 2])
    };
    v.add(
        "attack 25",
        "signature with + and /",
        "rsa",
        format!("{signing_input}.{plus_slash}"),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let mut tweaked = signature.to_owned();
    let last = tweaked.pop().unwrap();
    // 256 bytes = 342 characters, the last holding 4 bits: bump the low unused bits.
    let bumped = URL_SAFE_ALPHABET
        .chars()
        .nth(URL_SAFE_ALPHABET.find(last).unwrap() + 1)
        .unwrap();
    tweaked.push(bumped);
    v.add(
        "attack 25",
        "signature with non-canonical trailing bits",
        "rsa",
        format!("{signing_input}.{tweaked}"),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 25",
        "whitespace in a segment",
        "rsa",
        format!("{signing_input}.{} ", signature),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let header_padded = format!(
        "{}=.{}",
        &signing_input[..signing_input.find('.').unwrap()],
        &good[good.find('.').unwrap() + 1..]
    );
    v.add(
        "attack 25",
        "header with = padding",
        "rsa",
        header_padded,
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 26",
        "two segments",
        "rsa",
        signing_input.to_owned(),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 26",
        "four segments",
        "rsa",
        format!("{good}.x"),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 26",
        "empty payload segment",
        "rsa",
        format!("{}..{signature}", &signing_input[..signing_input.find('.').unwrap()]),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 26",
        "empty string",
        "rsa",
        String::new(),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let jwe_header = b64(br#"{"alg":"RSA-OAEP-256","enc":"A256CBC-HS512","typ":"JWE","kid":"enc-1"}"#);
    v.add(
        "attack 26",
        "five segments (JWE)",
        "rsa",
        format!("{jwe_header}.AAAA.BBBB.CCCC.DDDD"),
        json!({}),
        err("ERR_JOSE_NOT_SUPPORTED"),
    );
    v.add(
        "attack 27",
        "header an array",
        "rsa",
        compact("[\"RS256\"]", &payload_text, &rs),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 27",
        "header not JSON",
        "rsa",
        compact("{alg:RS256}", &payload_text, &rs),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 27",
        "alg a number",
        "rsa",
        token(&with(h_rsa.clone(), "alg", json!(256)), &claims(), &rs),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 27",
        "alg missing",
        "rsa",
        token(&without(h_rsa.clone(), "alg"), &claims(), &rs),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 27",
        "alg unknown (RS1)",
        "rsa",
        token(&with(h_rsa.clone(), "alg", json!("RS1")), &claims(), &rs),
        json!({}),
        err("ERR_JOSE_NOT_SUPPORTED"),
    );
    v.add(
        "attack 27",
        "unknown non-string header member",
        "rsa",
        token(&with(h_rsa.clone(), "x", json!(1)), &claims(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 27",
        "payload an array",
        "rsa",
        compact(&Value::Object(h_rsa.clone()).to_string(), "[1,2]", &rs),
        json!({}),
        err("ERR_JWT_INVALID"),
    );
    v.add(
        "attack 27",
        "payload not JSON",
        "rsa",
        compact(&Value::Object(h_rsa.clone()).to_string(), "not json", &rs),
        json!({}),
        err("ERR_JWT_INVALID"),
    );
    v.add(
        "attack 27",
        "payload not UTF-8",
        "rsa",
        {
            let signing_input = format!(
                "{}.{}",
                b64(Value::Object(h_rsa.clone()).to_string().as_bytes()),
                b64(&[0xff, 0xfe, 0x7b])
            );
            format!("{signing_input}.{}", sign(&rs, signing_input.as_bytes()))
        },
        json!({}),
        err("ERR_JWT_INVALID"),
    );
    let big = with(claims(), "padding", json!("x".repeat(70_000)));
    v.add(
        "attack 28",
        "token over 64 KiB",
        "rsa",
        token(&h_rsa, &big, &rs),
        json!({}),
        err("ERR_TOKEN_TOO_LARGE"),
    );
    let deep = payload_text.replacen('{', &format!("{{\"deep\":{}{},", "[".repeat(500), "]".repeat(500)), 1);
    v.add(
        "attack 28",
        "payload nested 500 deep",
        "rsa",
        compact(&Value::Object(h_rsa.clone()).to_string(), &deep, &rs),
        json!({}),
        err("ERR_JWT_INVALID"),
    );
}

const URL_SAFE_ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
