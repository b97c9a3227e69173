//! JWKS entries refused or skipped when the authorizer is built: weak or malformed keys, private
//! material, keys that cannot verify, and JWKS documents that are not one.

use super::{Setups, accepted, with_jwks};
use crate::jose::b64;
use crate::keys::{Keys, ec_jwk, enc_entry_of, p256_jwk, rsa_jwk};
use crate::tokens::err;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

pub fn add(s: &mut Setups, k: &Keys) {
    let secret = k.secret.as_bytes();
    let rsa_key = k.provider_jwk();
    let p384_sec1 = k.p384.verifying_key().to_sec1_point(false);
    let ed_x = k.ed25519.verifying_key().to_bytes();

    s.add(
        "RSA-2048 key",
        with_jwks(json!({"keys": [rsa_key.clone()]}).to_string()),
        accepted(),
    );
    s.add(
        "RSA-1024 key refused",
        with_jwks(json!({"keys": [rsa_jwk(&k.rsa_1024, Some("w"), None)]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut e1 = rsa_key.clone();
    e1["e"] = json!("AQ");
    s.add(
        "RSA exponent 1 refused",
        with_jwks(json!({"keys": [e1]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut e2 = rsa_key.clone();
    e2["e"] = json!("AAE");
    s.add(
        "RSA exponent with leading zero is 1, refused",
        with_jwks(json!({"keys": [e2]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut even = rsa_key.clone();
    even["e"] = json!("AQAA");
    s.add(
        "RSA even exponent refused",
        with_jwks(json!({"keys": [even]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    s.add(
        "oct key in a JWKS refused",
        with_jwks(json!({"keys": [{"kty": "oct", "k": b64(secret)}]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut private = rsa_key.clone();
    private["d"] = json!("AQAB");
    s.add(
        "private key material refused",
        with_jwks(json!({"keys": [private]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut off_curve = p256_jwk(&k.p256, "ec-256");
    off_curve["y"] = off_curve["x"].clone();
    s.add(
        "EC point not on P-256",
        with_jwks(json!({"keys": [off_curve]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut p384_as_256 = ec_jwk(p384_sec1.as_bytes(), "P-384", "x", "ES256");
    p384_as_256["crv"] = json!("P-256");
    s.add(
        "P-384 point labelled P-256",
        with_jwks(json!({"keys": [p384_as_256]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut short_x = p256_jwk(&k.p256, "ec-256");
    let x = URL_SAFE_NO_PAD.decode(short_x["x"].as_str().unwrap()).unwrap();
    short_x["x"] = json!(b64(&x[1..]));
    s.add(
        "EC x of 31 bytes",
        with_jwks(json!({"keys": [short_x]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    s.add(
        "Ed25519 x of 31 bytes (panics jsonwebtoken)",
        with_jwks(json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": b64(&ed_x[1..])}]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut rsa_as_es = rsa_key.clone();
    rsa_as_es["alg"] = json!("ES256");
    s.add(
        "RSA key labelled ES256",
        with_jwks(json!({"keys": [rsa_as_es]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut long_kid_key = rsa_key.clone();
    long_kid_key["kid"] = json!("k".repeat(300));
    s.add(
        "JWKS kid over 256 bytes",
        with_jwks(json!({"keys": [long_kid_key]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    s.add(
        "authentik's {} JWKS without a client secret",
        with_jwks("{}".into()),
        err("ERR_CONFIG_INVALID"),
    );
    let mut hs_ok = with_jwks("{}".into());
    hs_ok["clientSecret"] = json!(k.secret);
    s.add("authentik's {} JWKS with the client secret", hs_ok, accepted());
    let mut hs_short = with_jwks("{}".into());
    hs_short["clientSecret"] = json!("short-secret");
    s.add(
        "client secret under 32 bytes for HS256",
        hs_short,
        err("ERR_CONFIG_INVALID"),
    );
    s.add(
        "only an encryption key",
        with_jwks(json!({"keys": [enc_entry_of(k)]}).to_string()),
        err("ERR_CONFIG_INVALID"),
    );
    let mut encrypt_only = rsa_key.clone();
    encrypt_only["key_ops"] = json!(["encrypt"]);
    s.add(
        "only a key whose key_ops exclude verify",
        with_jwks(json!({"keys": [encrypt_only]}).to_string()),
        err("ERR_CONFIG_INVALID"),
    );
    let mut bad_ops = rsa_key.clone();
    bad_ops["key_ops"] = json!("verify");
    s.add(
        "key_ops not an array",
        with_jwks(json!({"keys": [bad_ops]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    s.add(
        "only an unknown key type",
        with_jwks(json!({"keys": [{"kty": "AKP", "alg": "ML-DSA-44", "pub": "AAAA"}]}).to_string()),
        err("ERR_CONFIG_INVALID"),
    );
    s.add(
        "keys not an array",
        with_jwks(r#"{"keys":"x"}"#.into()),
        err("ERR_JWKS_INVALID"),
    );
    s.add(
        "keys missing",
        with_jwks(r#"{"foo":1}"#.into()),
        err("ERR_JWKS_INVALID"),
    );
    s.add(
        "duplicate keys member",
        with_jwks(r#"{"keys":[],"keys":[]}"#.into()),
        err("ERR_JWKS_INVALID"),
    );
    s.add("JWKS not JSON", with_jwks("<html>".into()), err("ERR_JWKS_INVALID"));
    s.add("JWKS an array", with_jwks("[]".into()), err("ERR_JWKS_INVALID"));
    let many: Vec<Value> = (0..65).map(|i| rsa_jwk(&k.rsa, Some(&format!("k{i}")), None)).collect();
    s.add(
        "65 keys",
        with_jwks(json!({"keys": many}).to_string()),
        err("ERR_JWKS_TOO_MANY_KEYS"),
    );
}
