//! ECDSA signatures that must not verify: zero and out-of-range `r` or `s` (CVE-2022-21449),
//! wrong lengths, DER instead of JOSE's fixed-width `r || s`.

use super::{Cases, claims, err};
use crate::jose::{Sig, b64, header, token};
use crate::keys::Keys;
use serde_json::{Value, json};

pub fn add(v: &mut Cases, k: &Keys) {
    let h_es = header("ES256", Some("ec-256"));
    let order = hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
    let good_es = {
        let signing_input = format!(
            "{}.{}",
            b64(Value::Object(h_es.clone()).to_string().as_bytes()),
            b64(Value::Object(claims()).to_string().as_bytes())
        );
        use rsa::signature::Signer;
        let s: p256::ecdsa::Signature = k.p256.sign(signing_input.as_bytes());
        s.to_bytes().to_vec()
    };
    let (good_r, good_s) = good_es.split_at(32);
    for (label, bytes) in [
        ("r = s = 0 (CVE-2022-21449)", vec![0u8; 64]),
        ("r = 0", [vec![0u8; 32], good_s.to_vec()].concat()),
        ("s = 0", [good_r.to_vec(), vec![0u8; 32]].concat()),
        ("r = n", [order.clone(), good_s.to_vec()].concat()),
        ("s = n", [good_r.to_vec(), order.clone()].concat()),
        ("63 bytes", good_es[..63].to_vec()),
        ("65 bytes", [good_es.clone(), vec![0]].concat()),
        ("DER-encoded", der_signature(good_r, good_s)),
    ] {
        v.add(
            "attack 8",
            &format!("ES256 signature {label}"),
            "es256",
            token(&h_es, &claims(), &Sig::Bytes(bytes)),
            json!({}),
            err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
        );
    }
    v.add(
        "attack 8",
        "ES384 signature r = s = 0",
        "es384",
        token(&header("ES384", Some("ec-384")), &claims(), &Sig::Bytes(vec![0; 96])),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "attack 8",
        "ES512 signature r = s = 0",
        "es512",
        token(&header("ES512", Some("ec-521")), &claims(), &Sig::Bytes(vec![0; 132])),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "attack 8",
        "ES512 signature of ES256 length",
        "es512",
        token(
            &header("ES512", Some("ec-521")),
            &claims(),
            &Sig::Bytes(good_es.clone()),
        ),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// A DER `SEQUENCE { INTEGER r, INTEGER s }`, the shape JOSE forbids for ECDSA.
fn der_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
    let int = |v: &[u8]| {
        let mut body = v.to_vec();
        if body[0] & 0x80 != 0 {
            body.insert(0, 0);
        }
        [vec![0x02, body.len() as u8], body].concat()
    };
    let inner = [int(r), int(s)].concat();
    [vec![0x30, inner.len() as u8], inner].concat()
}
