//! Signature verification: jsonwebtoken's pure-Rust provider for every algorithm it has, the
//! `p521` crate for ES512.

use super::alg::{Alg, Family};
use super::jwks::{KeyMaterial, PublicKey};
use crate::error::{Error, Result};
use jsonwebtoken::DecodingKey;

/// The key a token is checked with: a JWKS key, or the client secret for HS*.
pub(crate) enum VerifyKey<'a> {
    Public(&'a PublicKey),
    Secret(&'a DecodingKey),
}

/// Verifies `signature` (the raw bytes of the third segment) over `message`
/// (`header.payload` as sent). The caller has already matched `alg` to the key's family.
pub(crate) fn verify(
    alg: Alg,
    key: VerifyKey<'_>,
    message: &[u8],
    signature_segment: &str,
    signature: &[u8],
) -> Result<()> {
    // ECDSA signatures are raw R||S of exactly twice the coordinate size (RFC 7518 §3.4);
    // a DER signature or a truncated one is refused before any arithmetic.
    if let Family::Ec(curve) = alg.family()
        && signature.len() != curve.signature_len()
    {
        return Err(Error::SignatureInvalid);
    }
    let decoding_key = match key {
        VerifyKey::Secret(secret) => secret,
        VerifyKey::Public(public) => match &public.material {
            KeyMaterial::Rsa(k) | KeyMaterial::Ec(_, k) | KeyMaterial::Ed25519(k) => k,
            KeyMaterial::P521(verifying_key) => return verify_p521(verifying_key, message, signature),
        },
    };
    let Some(algorithm) = alg.jsonwebtoken() else {
        return Err(Error::NotSupported {
            what: format!("{} with this key", alg.name()),
        });
    };
    match jsonwebtoken::crypto::verify(signature_segment, message, decoding_key, algorithm) {
        Ok(true) => Ok(()),
        // A key the verifier refuses (for instance an Ed25519 `x` that is no curve point)
        // can verify nothing: the token is refused like a bad signature.
        Ok(false) | Err(_) => Err(Error::SignatureInvalid),
    }
}

fn verify_p521(key: &p521::ecdsa::VerifyingKey, message: &[u8], signature: &[u8]) -> Result<()> {
    use p521::ecdsa::signature::Verifier;
    // `from_slice` refuses r or s equal to zero or not below the group order.
    let signature = p521::ecdsa::Signature::from_slice(signature).map_err(|_| Error::SignatureInvalid)?;
    key.verify(message, &signature).map_err(|_| Error::SignatureInvalid)
}
