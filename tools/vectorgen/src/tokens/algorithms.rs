//! Which algorithm and which key: every algorithm signed correctly, those outside the
//! allow-list refused, and the algorithm-confusion attacks (numbered 1-4 in the vectors):
//! `none`, HMAC keyed with the public key, an algorithm the key cannot do, a swapped `kid`.

use super::{Cases, claims, err, ok, rs256};
use crate::jose::{Sig, compact, header, token};
use crate::keys::Keys;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

pub fn add(v: &mut Cases, k: &Keys) {
    let (rs, h_rsa) = rs256(k);
    let secret = k.secret.as_bytes();
    let rsa_key = k.provider_jwk();

    // Every algorithm, signed correctly.
    for (bits, ps) in [
        (256, false),
        (384, false),
        (512, false),
        (256, true),
        (384, true),
        (512, true),
    ] {
        let alg = format!("{}{bits}", if ps { "PS" } else { "RS" });
        let sig = if ps {
            Sig::Ps(&k.rsa, bits)
        } else {
            Sig::Rs(&k.rsa, bits)
        };
        v.add(
            "alg",
            &alg,
            "rsa-all",
            token(&header(&alg, Some("rsa-1")), &claims(), &sig),
            json!({}),
            ok(),
        );
    }
    v.add(
        "alg",
        "RS256 (authentik's only RSA algorithm)",
        "rsa",
        token(&h_rsa, &claims(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "ES256",
        "es256",
        token(&header("ES256", Some("ec-256")), &claims(), &Sig::Es256(&k.p256)),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "ES384",
        "es384",
        token(&header("ES384", Some("ec-384")), &claims(), &Sig::Es384(&k.p384)),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "ES512",
        "es512",
        token(&header("ES512", Some("ec-521")), &claims(), &Sig::Es512(&k.p521)),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "EdDSA",
        "eddsa",
        token(&header("EdDSA", Some("ed-1")), &claims(), &Sig::Ed(&k.ed25519)),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "HS256 keyed with the client secret",
        "hs256",
        token(&header("HS256", None), &claims(), &Sig::Hs(secret, 256)),
        json!({}),
        ok(),
    );
    for bits in [256, 384, 512] {
        let alg = format!("HS{bits}");
        v.add(
            "alg",
            &alg,
            "hs-all",
            token(&header(&alg, None), &claims(), &Sig::Hs(secret, bits)),
            json!({}),
            ok(),
        );
    }
    v.add(
        "alg",
        "RS256 via discovery",
        "rsa-discovery",
        token(&h_rsa, &claims(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "RS384 outside the JWKS-derived allow-list",
        "rsa",
        token(&header("RS384", Some("rsa-1")), &claims(), &Sig::Rs(&k.rsa, 384)),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "alg",
        "PS256 against a key pinned to RS256",
        "rsa-discovery",
        token(&header("PS256", Some("rsa-1")), &claims(), &Sig::Ps(&k.rsa, 256)),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "alg",
        "HS256 when the provider signs with a key",
        "rsa",
        token(&header("HS256", None), &claims(), &Sig::Hs(secret, 256)),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "alg",
        "HS384 not allowed by default",
        "hs256",
        token(&header("HS384", None), &claims(), &Sig::Hs(secret, 384)),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "alg",
        "RS256 signed with the wrong key",
        "rsa",
        token(&h_rsa, &claims(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "alg",
        "ES256 signed with the wrong key",
        "es256",
        token(&header("ES256", Some("ec-256")), &claims(), &Sig::Es256(&k.p256_other)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "alg",
        "ES512 signed with a wrong signature",
        "es512",
        token(&header("ES512", Some("ec-521")), &claims(), &Sig::Bytes(vec![1; 132])),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "alg",
        "HS256 with the wrong secret",
        "hs256",
        token(
            &header("HS256", None),
            &claims(),
            &Sig::Hs(b"not-the-client-secret-but-long-enough-0123456789", 256),
        ),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );

    // The algorithm-confusion attacks 1-4: `none`, HMAC keyed with the public key, an algorithm
    // the key cannot do, a swapped `kid`.
    for (i, alg) in ["none", "None", "NONE", "nOnE"].iter().enumerate() {
        let t = compact(
            &format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
            &Value::Object(claims()).to_string(),
            &Sig::Segment(String::new()),
        );
        v.add(
            "attack 1",
            &format!("alg {alg} with an empty signature ({i})"),
            "rsa",
            t,
            json!({}),
            err("ERR_JWS_INVALID"),
        );
        let t = compact(
            &format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
            &Value::Object(claims()).to_string(),
            &Sig::Bytes(vec![0]),
        );
        v.add(
            "attack 1",
            &format!("alg {alg} with a signature"),
            "rsa",
            t,
            json!({}),
            err("ERR_JOSE_ALG_NOT_ALLOWED"),
        );
    }
    let public = k.rsa.to_public_key();
    let jwk_text = rsa_key.to_string();
    let n_bytes = public.n_bytes().to_vec();
    let pem_like = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(&n_bytes)
    );
    for (label, hmac_key) in [
        ("JWK JSON", jwk_text.as_bytes()),
        ("modulus bytes", &n_bytes[..]),
        ("PEM text", pem_like.as_bytes()),
    ] {
        let hs_header = header("HS256", Some("rsa-1"));
        v.add(
            "attack 2",
            &format!("HS256 keyed with the RSA public key ({label})"),
            "rsa",
            token(&hs_header, &claims(), &Sig::Hs(hmac_key, 256)),
            json!({}),
            err("ERR_JOSE_ALG_NOT_ALLOWED"),
        );
        v.add(
            "attack 2",
            &format!("HS256 keyed with the RSA public key ({label}) where HS256 is allowed"),
            "rsa-and-hs256",
            token(&hs_header, &claims(), &Sig::Hs(hmac_key, 256)),
            json!({}),
            err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
        );
    }
    v.add(
        "attack 3",
        "ES256 header against an RSA JWKS",
        "rsa",
        token(&header("ES256", Some("rsa-1")), &claims(), &Sig::Es256(&k.p256)),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "attack 3",
        "ES256 allowed but the JWKS holds only RSA",
        "rsa-jwks-es256-allowed",
        token(&header("ES256", Some("rsa-1")), &claims(), &Sig::Es256(&k.p256)),
        json!({}),
        err("ERR_JWKS_NO_MATCHING_KEY"),
    );
    v.add(
        "attack 3",
        "RS256 header against an EC JWKS",
        "es256",
        token(&header("RS256", Some("ec-256")), &claims(), &rs),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "attack 4",
        "kid of key 1 on a token signed by key 2",
        "multi",
        token(&header("RS256", Some("k1")), &claims(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "attack 4",
        "kid of key 2 on a token signed by key 1",
        "multi",
        token(&header("RS256", Some("k2")), &claims(), &rs),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
}
