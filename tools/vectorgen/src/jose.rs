//! Compact JWS tokens built piece by piece, so a case can write any header, payload or
//! signature, well-formed or not. Every scheme used is deterministic (RFC 6979 ECDSA, PSS
//! salts from a fixed seed), so the same token comes out on every run.

use crate::keys::rng;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value, json};
use sha2::{Sha256, Sha384, Sha512};

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// How a token is signed; `Bytes` and `Segment` write the third segment literally.
pub enum Sig<'a> {
    Rs(&'a rsa::PrivateKey, u16),
    Ps(&'a rsa::PrivateKey, u16),
    Es256(&'a p256::ecdsa::SigningKey),
    Es384(&'a p384::ecdsa::SigningKey),
    Es512(&'a p521::ecdsa::SigningKey),
    Ed(&'a ed25519_dalek::SigningKey),
    Hs(&'a [u8], u16),
    Bytes(Vec<u8>),
    Segment(String),
}

/// The third segment of a token over `message`, the signing input.
pub fn sign(sig: &Sig<'_>, message: &[u8]) -> String {
    use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
    let bytes = match sig {
        Sig::Rs(key, 256) => rsa::pkcs1v15::SigningKey::<Sha256>::new((*key).clone())
            .sign(message)
            .to_vec(),
        Sig::Rs(key, 384) => rsa::pkcs1v15::SigningKey::<Sha384>::new((*key).clone())
            .sign(message)
            .to_vec(),
        Sig::Rs(key, _) => rsa::pkcs1v15::SigningKey::<Sha512>::new((*key).clone())
            .sign(message)
            .to_vec(),
        Sig::Ps(key, bits) => {
            let mut salt_rng = rng(99);
            match bits {
                256 => rsa::pss::SigningKey::<Sha256>::new((*key).clone())
                    .sign_with_rng(&mut salt_rng, message)
                    .to_vec(),
                384 => rsa::pss::SigningKey::<Sha384>::new((*key).clone())
                    .sign_with_rng(&mut salt_rng, message)
                    .to_vec(),
                _ => rsa::pss::SigningKey::<Sha512>::new((*key).clone())
                    .sign_with_rng(&mut salt_rng, message)
                    .to_vec(),
            }
        }
        Sig::Es256(key) => {
            let s: p256::ecdsa::Signature = key.sign(message);
            s.to_bytes().to_vec()
        }
        Sig::Es384(key) => {
            let s: p384::ecdsa::Signature = key.sign(message);
            s.to_bytes().to_vec()
        }
        Sig::Es512(key) => {
            let s: p521::ecdsa::Signature = key.sign(message);
            s.to_bytes().to_vec()
        }
        Sig::Ed(key) => key.sign(message).to_bytes().to_vec(),
        Sig::Hs(secret, bits) => match bits {
            256 => hmac_tag::<Hmac<Sha256>>(secret, message),
            384 => hmac_tag::<Hmac<Sha384>>(secret, message),
            _ => hmac_tag::<Hmac<Sha512>>(secret, message),
        },
        Sig::Bytes(bytes) => bytes.clone(),
        Sig::Segment(segment) => return segment.clone(),
    };
    b64(&bytes)
}

fn hmac_tag<M: Mac + KeyInit>(secret: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <M as KeyInit>::new_from_slice(secret).expect("hmac key");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// A compact token from raw header and payload JSON text.
pub fn compact(header: &str, payload: &str, sig: &Sig<'_>) -> String {
    let signing_input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let signature = sign(sig, signing_input.as_bytes());
    format!("{signing_input}.{signature}")
}

/// A header as authentik writes it: `alg`, `kid` when given, `typ` "JWT".
pub fn header(alg: &str, kid: Option<&str>) -> Map<String, Value> {
    let mut h = Map::new();
    h.insert("alg".into(), json!(alg));
    if let Some(kid) = kid {
        h.insert("kid".into(), json!(kid));
    }
    h.insert("typ".into(), json!("JWT"));
    h
}

/// A compact token from a header and claims.
pub fn token(h: &Map<String, Value>, c: &Map<String, Value>, sig: &Sig<'_>) -> String {
    compact(
        &Value::Object(h.clone()).to_string(),
        &Value::Object(c.clone()).to_string(),
        sig,
    )
}
