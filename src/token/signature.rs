//! Signature verification with the RustCrypto crates, one Cargo feature per family (`rsa`,
//! `ecdsa`, `eddsa`, `hmac`). Keys are built once, when the JWKS is loaded.

use super::alg::{Alg, Family};
use super::jwks::{KeyMaterial, PublicKey};
use crate::error::{Error, Result};

/// The client secret, for HS256/384/512.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) Vec<u8>);

/// The key a token is checked with: a JWKS key, or the client secret for HS*.
pub(crate) enum VerifyKey<'a> {
    Public(&'a PublicKey),
    Secret(&'a Secret),
}

/// Verifies `signature` (the raw bytes of the third segment) over `message`
/// (`header.payload` as sent). The caller has already matched `alg` to the key's family.
pub(crate) fn verify(alg: Alg, key: VerifyKey<'_>, message: &[u8], signature: &[u8]) -> Result<()> {
    // ECDSA signatures are raw R||S of exactly twice the coordinate size (RFC 7518 §3.4);
    // a DER signature or a truncated one is refused before any arithmetic.
    if let Family::Ec(curve) = alg.family()
        && signature.len() != curve.signature_len()
    {
        return Err(Error::SignatureInvalid);
    }
    let verified = match key {
        VerifyKey::Secret(secret) => verify_hmac(alg, &secret.0, message, signature),
        VerifyKey::Public(public) => verify_public(alg, &public.material, message, signature),
    };
    if verified { Ok(()) } else { Err(Error::SignatureInvalid) }
}

// Builds without some families do not read every argument.
#[cfg_attr(
    not(all(feature = "rsa", feature = "ecdsa", feature = "eddsa")),
    allow(unused_variables)
)]
fn verify_public(alg: Alg, key: &KeyMaterial, message: &[u8], signature: &[u8]) -> bool {
    match key {
        #[cfg(feature = "rsa")]
        KeyMaterial::Rsa(key) => verify_rsa(alg, key, message, signature),
        #[cfg(feature = "ecdsa")]
        KeyMaterial::P256(key) => {
            use p256::ecdsa::signature::Verifier;
            // `from_slice` refuses r or s equal to zero or not below the group order.
            p256::ecdsa::Signature::from_slice(signature).is_ok_and(|s| key.verify(message, &s).is_ok())
        }
        #[cfg(feature = "ecdsa")]
        KeyMaterial::P384(key) => {
            use p384::ecdsa::signature::Verifier;
            p384::ecdsa::Signature::from_slice(signature).is_ok_and(|s| key.verify(message, &s).is_ok())
        }
        #[cfg(feature = "ecdsa")]
        KeyMaterial::P521(key) => {
            use p521::ecdsa::signature::Verifier;
            p521::ecdsa::Signature::from_slice(signature).is_ok_and(|s| key.verify(message, &s).is_ok())
        }
        #[cfg(feature = "eddsa")]
        KeyMaterial::Ed25519(key) => {
            // RFC 8032 with the checks of `verify_strict`: no small-order keys, canonical S.
            ed25519_dalek::Signature::from_slice(signature).is_ok_and(|s| key.verify_strict(message, &s).is_ok())
        }
        #[cfg(not(any(feature = "rsa", feature = "ecdsa", feature = "eddsa")))]
        KeyMaterial::None(never) => match *never {},
    }
}

#[cfg(feature = "rsa")]
fn verify_rsa(alg: Alg, key: &rsa::PublicKey, message: &[u8], signature: &[u8]) -> bool {
    use rsa::{Pkcs1v15Sign, Pss};
    use sha2::{Digest, Sha256, Sha384, Sha512};
    let result = match alg {
        Alg::RS256 => key.verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(message), signature),
        Alg::RS384 => key.verify(Pkcs1v15Sign::new::<Sha384>(), &Sha384::digest(message), signature),
        Alg::RS512 => key.verify(Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(message), signature),
        Alg::PS256 => key.verify(Pss::<Sha256>::new(), &Sha256::digest(message), signature),
        Alg::PS384 => key.verify(Pss::<Sha384>::new(), &Sha384::digest(message), signature),
        Alg::PS512 => key.verify(Pss::<Sha512>::new(), &Sha512::digest(message), signature),
        _ => return false,
    };
    result.is_ok()
}

#[cfg(feature = "hmac")]
fn verify_hmac(alg: Alg, secret: &[u8], message: &[u8], signature: &[u8]) -> bool {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::{Sha256, Sha384, Sha512};
    fn check<M: Mac + KeyInit>(secret: &[u8], message: &[u8], signature: &[u8]) -> bool {
        let Ok(mut mac) = <M as KeyInit>::new_from_slice(secret) else {
            return false;
        };
        mac.update(message);
        // Constant-time comparison.
        mac.verify_slice(signature).is_ok()
    }
    match alg {
        Alg::HS256 => check::<Hmac<Sha256>>(secret, message, signature),
        Alg::HS384 => check::<Hmac<Sha384>>(secret, message, signature),
        Alg::HS512 => check::<Hmac<Sha512>>(secret, message, signature),
        _ => false,
    }
}

#[cfg(not(feature = "hmac"))]
fn verify_hmac(_alg: Alg, _secret: &[u8], _message: &[u8], _signature: &[u8]) -> bool {
    false
}

/// Whether this build verifies an algorithm family.
pub(crate) fn built_with(family: Family) -> bool {
    match family {
        Family::Rsa => cfg!(feature = "rsa"),
        Family::Ec(_) => cfg!(feature = "ecdsa"),
        Family::Ed25519 => cfg!(feature = "eddsa"),
        Family::Hmac => cfg!(feature = "hmac"),
    }
}
