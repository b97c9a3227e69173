//! Test-only keys from fixed seeds, and the JWKS entries that publish them. Fixed seeds make
//! every run derive the same keys, so the vectors are rewritten byte for byte.

use crate::jose::b64;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

/// A random generator from a fixed seed.
pub fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

/// 128 characters of [A-Za-z0-9], like authentik's generated client secrets.
fn client_secret() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..128u32)
        .map(|i| ALPHABET[((i * 37 + 11) % 62) as usize] as char)
        .collect()
}

/// The provider's keys, and `*_other` keys of the same kind that the provider does not trust.
pub struct Keys {
    pub rsa: rsa::PrivateKey,
    pub rsa_other: rsa::PrivateKey,
    pub rsa_1024: rsa::PrivateKey,
    pub p256: p256::ecdsa::SigningKey,
    pub p256_other: p256::ecdsa::SigningKey,
    pub p384: p384::ecdsa::SigningKey,
    pub p521: p521::ecdsa::SigningKey,
    pub ed25519: ed25519_dalek::SigningKey,
    /// The client secret, which keys HS256 tokens.
    pub secret: String,
}

impl Keys {
    pub fn new() -> Self {
        Keys {
            rsa: rsa::PrivateKey::new(&mut rng(1), 2048).expect("rsa"),
            rsa_other: rsa::PrivateKey::new(&mut rng(2), 2048).expect("rsa"),
            rsa_1024: rsa::PrivateKey::new(&mut rng(3), 1024).expect("rsa"),
            p256: p256::ecdsa::SigningKey::from_slice(&[4; 32]).expect("p256"),
            p256_other: p256::ecdsa::SigningKey::from_slice(&[5; 32]).expect("p256"),
            p384: p384::ecdsa::SigningKey::from_slice(&[6; 48]).expect("p384"),
            p521: p521::ecdsa::SigningKey::from_slice(&[[0u8; 1].as_slice(), &[7; 65]].concat()).expect("p521"),
            ed25519: ed25519_dalek::SigningKey::from_bytes(&[8; 32]),
            secret: client_secret(),
        }
    }

    /// The provider's RSA key as its JWKS publishes it: `kid` "rsa-1", `alg` RS256.
    pub fn provider_jwk(&self) -> Value {
        rsa_jwk(&self.rsa, Some("rsa-1"), Some("RS256"))
    }
}

pub fn rsa_jwk(key: &rsa::PrivateKey, kid: Option<&str>, alg: Option<&str>) -> Value {
    let public = key.to_public_key();
    let mut jwk = json!({"kty": "RSA", "use": "sig", "n": b64(&public.n_bytes()), "e": b64(&public.e_bytes())});
    if let Some(kid) = kid {
        jwk["kid"] = json!(kid);
    }
    if let Some(alg) = alg {
        jwk["alg"] = json!(alg);
    }
    jwk
}

/// An EC entry from an uncompressed SEC1 point.
pub fn ec_jwk(sec1: &[u8], crv: &str, kid: &str, alg: &str) -> Value {
    let len = (sec1.len() - 1) / 2;
    json!({"kty": "EC", "use": "sig", "crv": crv, "kid": kid, "alg": alg,
           "x": b64(&sec1[1..1 + len]), "y": b64(&sec1[1 + len..])})
}

pub fn p256_jwk(key: &p256::ecdsa::SigningKey, kid: &str) -> Value {
    ec_jwk(
        key.verifying_key().to_sec1_point(false).as_bytes(),
        "P-256",
        kid,
        "ES256",
    )
}

/// An encryption key (`use` "enc"), which must never verify a signature.
pub fn enc_entry_of(k: &Keys) -> Value {
    let mut e = rsa_jwk(&k.rsa_other, Some("enc"), Some("RSA-OAEP-256"));
    e["use"] = json!("enc");
    e
}
