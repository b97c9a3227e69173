//! Signature verification with the RustCrypto crates, one Cargo feature per family (`rsa`,
//! `ecdsa`, `eddsa`, `hmac`). Keys are built once, when the JWKS is loaded.

use super::alg::{Alg, Family};
use super::jwks::{KeyMaterial, PublicKey};
use crate::error::{Error, Result};

/// The client secret, for HS256/384/512.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) Vec<u8>);

/// The key a token is checked with: a JWKS key, or the client secret for HS*.
#[derive(Clone, Copy)]
pub(crate) enum VerifyKey<'a> {
    Public(&'a PublicKey),
    Secret(&'a Secret),
}

/// Verifies `signature` (the raw bytes of the third segment) over `message`
/// (`header.payload` as sent). The caller has already matched `alg` to the key's family.
pub(crate) fn verify(alg: Alg, key: VerifyKey<'_>, message: &[u8], signature: &[u8]) -> Result<()> {
    precheck(alg, &key, signature)?;
    let verified = match key {
        VerifyKey::Secret(secret) => verify_hmac(alg, &secret.0, message, signature),
        VerifyKey::Public(public) if !arithmetic_built(public.family()) => {
            return Err(Error::NotSupported {
                what: format!(
                    "{} by this build's own arithmetic: it leaves the signature to the host's crypto (verifyIdTokenAsync)",
                    alg.name()
                ),
            });
        }
        VerifyKey::Public(public) => verify_public(alg, &public.material, message, signature),
    };
    if verified { Ok(()) } else { Err(Error::SignatureInvalid) }
}

/// The checks on a signature's shape before any arithmetic, the same whether this module or
/// the host's crypto (verifyIdTokenAsync) does the arithmetic: ECDSA's raw R||S of exactly
/// twice the coordinate size (RFC 7518 §3.4) with r and s in [1, n - 1]; RSA's of exactly the
/// modulus length (RFC 8017 §8.1.2, §8.2.2) and below the modulus; Ed25519's 64 bytes.
pub(crate) fn precheck(alg: Alg, key: &VerifyKey<'_>, signature: &[u8]) -> Result<()> {
    let fits = match (alg.family(), key) {
        (Family::Ec(curve), VerifyKey::Public(key)) => {
            signature.len() == curve.signature_len() && ecdsa_scalars_in_range(&key.material, signature)
        }
        (Family::Rsa, VerifyKey::Public(key)) => rsa_signature_in_range(&key.material, signature),
        (Family::Ed25519, _) => signature.len() == 64,
        _ => true,
    };
    if fits { Ok(()) } else { Err(Error::SignatureInvalid) }
}

fn ecdsa_scalars_in_range(key: &KeyMaterial, signature: &[u8]) -> bool {
    // `from_slice` refuses r or s equal to zero or not below the group order.
    match key {
        #[cfg(feature = "ecdsa")]
        KeyMaterial::P256(_) => p256::ecdsa::Signature::from_slice(signature).is_ok(),
        #[cfg(feature = "ecdsa")]
        KeyMaterial::P384(_) => p384::ecdsa::Signature::from_slice(signature).is_ok(),
        #[cfg(feature = "ecdsa")]
        KeyMaterial::P521(_) => p521::ecdsa::Signature::from_slice(signature).is_ok(),
        #[cfg(not(feature = "ecdsa"))]
        KeyMaterial::HostEc(curve) => {
            let (r, s) = signature.split_at(signature.len() / 2);
            let order = curve_order(*curve);
            [r, s]
                .iter()
                .all(|x| x.len() == order.len() && x.iter().any(|b| *b != 0) && *x < order)
        }
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

/// The group orders of P-256, P-384 and P-521 (SEC 2 §2.4.2, 2.5.1, 2.6.1), big-endian in the
/// signature's scalar length: what `r` and `s` must stay below when no curve crate is built.
#[cfg_attr(feature = "ecdsa", allow(dead_code))]
fn curve_order(curve: super::alg::Curve) -> &'static [u8] {
    use super::alg::Curve;
    match curve {
        Curve::P256 => &[
            0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6,
            0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
        ],
        Curve::P384 => &[
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf, 0x58, 0x1a, 0x0d, 0xb2,
            0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
        ],
        Curve::P521 => &[
            0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfa, 0x51, 0x86,
            0x87, 0x83, 0xbf, 0x2f, 0x96, 0x6b, 0x7f, 0xcc, 0x01, 0x48, 0xf7, 0x09, 0xa5, 0xd0, 0x3b, 0xb5, 0xc9, 0xb8,
            0x89, 0x9c, 0x47, 0xae, 0xbb, 0x6f, 0xb7, 0x1e, 0x91, 0x38, 0x64, 0x09,
        ],
    }
}

fn rsa_signature_in_range(key: &KeyMaterial, signature: &[u8]) -> bool {
    // Both are big-endian of the modulus's length (no leading zero byte in it), so the byte
    // order is the numeric order.
    let modulus: &[u8] = match key {
        #[cfg(feature = "rsa")]
        KeyMaterial::Rsa(key) => key.modulus_bytes.as_slice(),
        #[cfg(not(feature = "rsa"))]
        KeyMaterial::HostRsa(modulus) => modulus,
        #[allow(unreachable_patterns)]
        _ => return false,
    };
    signature.len() == modulus.len() && signature < modulus
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
        // Refused by `verify` before: the host's crypto checks these.
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

#[cfg(feature = "rsa")]
fn verify_rsa(alg: Alg, key: &RsaKey, message: &[u8], signature: &[u8]) -> bool {
    use rsa::Pss;
    use sha2::{Digest, Sha256, Sha384, Sha512};
    match alg {
        Alg::RS256 => key.verify_pkcs1v15(&SHA256_PREFIX, &Sha256::digest(message), signature),
        Alg::RS384 => key.verify_pkcs1v15(&SHA384_PREFIX, &Sha384::digest(message), signature),
        Alg::RS512 => key.verify_pkcs1v15(&SHA512_PREFIX, &Sha512::digest(message), signature),
        Alg::PS256 => key
            .public
            .verify(Pss::<Sha256>::new(), &Sha256::digest(message), signature)
            .is_ok(),
        Alg::PS384 => key
            .public
            .verify(Pss::<Sha384>::new(), &Sha384::digest(message), signature)
            .is_ok(),
        Alg::PS512 => key
            .public
            .verify(Pss::<Sha512>::new(), &Sha512::digest(message), signature)
            .is_ok(),
        _ => false,
    }
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

/// Whether this build verifies an algorithm family: RSA and ECDSA always, by its own
/// arithmetic or, without it, by the host's crypto (verifyIdTokenAsync).
pub(crate) fn built_with(family: Family) -> bool {
    match family {
        Family::Rsa | Family::Ec(_) => true,
        Family::Ed25519 => cfg!(feature = "eddsa"),
        Family::Hmac => cfg!(feature = "hmac"),
    }
}

/// Whether this build has the family's arithmetic itself (Cargo features).
pub(crate) fn arithmetic_built(family: Family) -> bool {
    match family {
        Family::Rsa => cfg!(feature = "rsa"),
        Family::Ec(_) => cfg!(feature = "ecdsa"),
        Family::Ed25519 => cfg!(feature = "eddsa"),
        Family::Hmac => cfg!(feature = "hmac"),
    }
}

/// An RSA public key ready for verification: the `rsa` crate's key (RSASSA-PSS) and the
/// Montgomery parameters for RSASSA-PKCS1-v1_5, both computed once.
#[cfg(feature = "rsa")]
#[derive(Clone)]
pub(crate) struct RsaKey {
    public: rsa::PublicKey,
    modulus: crypto_bigint::BoxedUint,
    params: crypto_bigint::modular::BoxedMontyParams,
    exponent: u64,
    /// The modulus length in bytes (RFC 8017's k).
    len: usize,
    /// The modulus, big-endian, without leading zeros.
    modulus_bytes: Vec<u8>,
}

/// DigestInfo prefixes of RFC 8017 §9.2, note 1.
#[cfg(feature = "rsa")]
const SHA256_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
];
#[cfg(feature = "rsa")]
const SHA384_PREFIX: [u8; 19] = [
    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30,
];
#[cfg(feature = "rsa")]
const SHA512_PREFIX: [u8; 19] = [
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40,
];

#[cfg(feature = "rsa")]
impl RsaKey {
    /// `n` without leading zeros, odd, and `exponent` checked by the JWKS parser.
    pub(crate) fn new(n: &[u8], e: &[u8], exponent: u64) -> std::result::Result<Self, String> {
        use crypto_bigint::{BoxedUint, Odd, modular::BoxedMontyParams};
        let public = rsa::PublicKey::new(BoxedUint::from_be_slice_vartime(n), BoxedUint::from_be_slice_vartime(e))
            .map_err(|e| format!("RSA key refused: {e}"))?;
        let precision = u32::try_from(n.len().saturating_mul(8)).map_err(|_| "RSA modulus too large")?;
        let modulus = BoxedUint::from_be_slice(n, precision).map_err(|_| "RSA modulus unreadable")?;
        let odd = Option::<Odd<BoxedUint>>::from(Odd::new(modulus.clone())).ok_or("RSA modulus is even")?;
        Ok(RsaKey {
            public,
            modulus,
            params: BoxedMontyParams::new_vartime(odd),
            exponent,
            len: n.len(),
            modulus_bytes: n.to_vec(),
        })
    }

    /// RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2): s^e mod n, then the expected encoding
    /// EM = 0x00 0x01 FF..FF 0x00 DigestInfo compared whole; the padding is never parsed. The
    /// power runs in variable time, by square-and-multiply over the public exponent (17
    /// multiplications for 65537): every input here is public.
    fn verify_pkcs1v15(&self, prefix: &[u8], hashed: &[u8], signature: &[u8]) -> bool {
        use crypto_bigint::BoxedUint;
        use crypto_bigint::modular::BoxedMontyForm;
        if signature.len() != self.len {
            return false;
        }
        let Ok(s) = BoxedUint::from_be_slice(signature, self.modulus.bits_precision()) else {
            return false;
        };
        if s.cmp_vartime(&self.modulus) != std::cmp::Ordering::Less {
            return false;
        }
        let base = BoxedMontyForm::new(s, &self.params);
        let mut acc = base.clone();
        for bit in (0..u64::BITS
            .saturating_sub(self.exponent.leading_zeros())
            .saturating_sub(1))
            .rev()
        {
            acc = acc.square();
            if (self.exponent >> bit) & 1 == 1 {
                acc = acc.mul(&base);
            }
        }
        let m = acc.retrieve().to_be_bytes();
        let Some(start) = m.len().checked_sub(self.len) else {
            return false;
        };
        let (high, em) = m.split_at(start);
        // RFC 8017: the padding string has at least 8 bytes ("encoded message too short").
        let t_len = prefix.len().saturating_add(hashed.len());
        let Some(padding) = self.len.checked_sub(t_len.saturating_add(3)).filter(|p| *p >= 8) else {
            return false;
        };
        let mut expected = Vec::with_capacity(self.len);
        expected.extend_from_slice(&[0x00, 0x01]);
        expected.resize(padding.saturating_add(2), 0xff);
        expected.push(0x00);
        expected.extend_from_slice(prefix);
        expected.extend_from_slice(hashed);
        high.iter().all(|b| *b == 0) && em == expected.as_slice()
    }
}

#[cfg(all(test, feature = "ecdsa"))]
mod tests {
    use super::super::alg::Curve;

    /// The orders a build without the curve crates checks `r` and `s` against are the curve
    /// crates' own: n itself is refused, n - 1 taken, for r and for s.
    #[test]
    fn the_group_orders_are_the_curve_crates() {
        for curve in [Curve::P256, Curve::P384, Curve::P521] {
            let n = super::curve_order(curve);
            let mut one = vec![0u8; n.len()];
            one[n.len() - 1] = 1;
            let mut below = n.to_vec();
            below[n.len() - 1] -= 1;
            let takes = |sig: &[u8]| match curve {
                Curve::P256 => p256::ecdsa::Signature::from_slice(sig).is_ok(),
                Curve::P384 => p384::ecdsa::Signature::from_slice(sig).is_ok(),
                Curve::P521 => p521::ecdsa::Signature::from_slice(sig).is_ok(),
            };
            assert!(!takes(&[n, &one[..]].concat()), "{curve:?}");
            assert!(!takes(&[&one[..], n].concat()), "{curve:?}");
            assert!(takes(&[&below[..], &one[..]].concat()), "{curve:?}");
            assert!(takes(&[&one[..], &below[..]].concat()), "{curve:?}");
        }
    }
}
