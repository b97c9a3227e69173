//! Header members an attacker controls: `kid` values that must find no key, keys offered by
//! `jku`, `x5u`, `jwk` or `x5c` that must never be fetched or trusted, and `crit` extensions
//! that must be refused.

use super::{Cases, claims, err, ok, rs256, with};
use crate::jose::{Sig, header, token};
use crate::keys::{Keys, rsa_jwk};
use serde_json::json;

pub fn add(v: &mut Cases, k: &Keys) {
    let (rs, h_rsa) = rs256(k);

    for (label, kid) in [("path traversal", "../../x"), ("SQL", "' OR 1=1 --"), ("empty", "")] {
        v.add(
            "attack 5",
            &format!("kid {label}"),
            "rsa",
            token(&header("RS256", Some(kid)), &claims(), &rs),
            json!({}),
            err("ERR_JWKS_NO_MATCHING_KEY"),
        );
    }
    let long_kid = "k".repeat(10_000);
    v.add(
        "attack 5",
        "kid of 10 KB",
        "rsa",
        token(&header("RS256", Some(&long_kid)), &claims(), &rs),
        json!({}),
        err("ERR_KID_TOO_LONG"),
    );
    v.add(
        "attack 5",
        "kid a number",
        "rsa",
        token(&with(header("RS256", None), "kid", json!(7)), &claims(), &rs),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let attacker_jwk = rsa_jwk(&k.rsa_other, Some("rsa-1"), Some("RS256"));
    for member in ["jku", "x5u"] {
        let h = with(h_rsa.clone(), member, json!("https://attacker.example/jwks.json"));
        v.add(
            "attack 6",
            &format!("{member} to an attacker key"),
            "rsa",
            token(&h, &claims(), &Sig::Rs(&k.rsa_other, 256)),
            json!({}),
            err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
        );
    }
    let h = with(header("RS256", None), "jwk", attacker_jwk);
    v.add(
        "attack 6",
        "embedded attacker jwk",
        "rsa",
        token(&h, &claims(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    let h = with(h_rsa.clone(), "x5c", json!(["MIIBattackercertificate"]));
    v.add(
        "attack 6",
        "x5c with an attacker certificate",
        "rsa",
        token(&h, &claims(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    let h = with(h_rsa.clone(), "jku", json!("https://attacker.example/jwks.json"));
    v.add(
        "attack 6",
        "jku present but signed by our key: ignored",
        "rsa",
        token(&h, &claims(), &rs),
        json!({}),
        ok(),
    );
    for (label, crit, expect) in [
        ("[\"exp\"]", json!(["exp"]), "ERR_JOSE_NOT_SUPPORTED"),
        ("[]", json!([]), "ERR_JWS_INVALID"),
        ("[\"foo\"]", json!(["foo"]), "ERR_JOSE_NOT_SUPPORTED"),
        ("[\"b64\"]", json!(["b64"]), "ERR_JOSE_NOT_SUPPORTED"),
        ("a string", json!("exp"), "ERR_JWS_INVALID"),
        ("[1]", json!([1]), "ERR_JWS_INVALID"),
    ] {
        v.add(
            "attack 7",
            &format!("crit {label}"),
            "rsa",
            token(&with(h_rsa.clone(), "crit", crit), &claims(), &rs),
            json!({}),
            err(expect),
        );
    }
}
