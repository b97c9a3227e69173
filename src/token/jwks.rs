//! JWKS parsing and strict key selection: `use`, `key_ops`, type, curve and the key's own `alg`
//! must fit the token's `alg` before `kid` is compared (authentik may list an encryption key
//! under its signing key's `kid`).
//!
//! Every signing key is checked when the JWKS is loaded, so a weak or malformed key fails
//! loudly at start-up instead of at the first token. Keys for other purposes (`use: enc`,
//! `key_ops` without `verify`, an encryption `alg`, curves this crate does not verify) are
//! skipped, never used.

use super::alg::{Alg, Curve, Family};
use super::b64;
use crate::error::{Error, Result};
use crate::json;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Limits on a JWKS document.
pub const MAX_JWKS_BYTES: usize = 256 * 1024;
pub const MAX_JWKS_KEYS: usize = 64;
pub const MAX_KID_BYTES: usize = 256;
const MIN_RSA_BITS: usize = 2048;
const MAX_RSA_BITS: usize = 8192;
const MAX_RSA_EXPONENT: u64 = (1 << 33) - 1;

/// A verification key taken from a JWKS.
#[derive(Clone)]
pub struct PublicKey {
    pub(crate) kid: Option<String>,
    /// The JWK's own `alg`, which pins the key to one algorithm.
    pub(crate) alg: Option<Alg>,
    pub(crate) material: KeyMaterial,
    /// The key as a JWK with its public members only, canonical (no leading zeros in `n` or
    /// `e`): what a host imports into its own crypto (verifyIdTokenAsync).
    pub(crate) host_jwk: Value,
}

/// A verification key, ready to use: built once, when the JWKS is loaded. A build without a
/// family's arithmetic (Cargo features `rsa`, `ecdsa`) keeps what the checks before the
/// signature need, and leaves the signature to the host's crypto (verifyIdTokenAsync).
#[derive(Clone)]
pub(crate) enum KeyMaterial {
    #[cfg(feature = "rsa")]
    Rsa(Box<super::signature::RsaKey>),
    /// The modulus, big-endian, without leading zeros.
    #[cfg(not(feature = "rsa"))]
    HostRsa(Box<[u8]>),
    #[cfg(feature = "ecdsa")]
    P256(Box<p256::ecdsa::VerifyingKey>),
    #[cfg(feature = "ecdsa")]
    P384(Box<p384::ecdsa::VerifyingKey>),
    #[cfg(feature = "ecdsa")]
    P521(Box<p521::ecdsa::VerifyingKey>),
    /// An EC key whose point the host checks when it imports it.
    #[cfg(not(feature = "ecdsa"))]
    HostEc(Curve),
    #[cfg(feature = "eddsa")]
    Ed25519(Box<ed25519_dalek::VerifyingKey>),
}

impl PublicKey {
    pub(crate) fn family(&self) -> Family {
        match &self.material {
            #[cfg(feature = "rsa")]
            KeyMaterial::Rsa(_) => Family::Rsa,
            #[cfg(not(feature = "rsa"))]
            KeyMaterial::HostRsa(_) => Family::Rsa,
            #[cfg(feature = "ecdsa")]
            KeyMaterial::P256(_) => Family::Ec(Curve::P256),
            #[cfg(feature = "ecdsa")]
            KeyMaterial::P384(_) => Family::Ec(Curve::P384),
            #[cfg(feature = "ecdsa")]
            KeyMaterial::P521(_) => Family::Ec(Curve::P521),
            #[cfg(not(feature = "ecdsa"))]
            KeyMaterial::HostEc(curve) => Family::Ec(*curve),
            #[cfg(feature = "eddsa")]
            KeyMaterial::Ed25519(_) => Family::Ed25519,
        }
    }

    /// The algorithm a key implies when the JWKS is the only source of the allow-list:
    /// its own `alg`, else the one algorithm authentik uses for its key type.
    pub(crate) fn implied_alg(&self) -> Alg {
        self.alg.unwrap_or(match self.family() {
            Family::Rsa | Family::Hmac => Alg::RS256,
            Family::Ec(Curve::P256) => Alg::ES256,
            Family::Ec(Curve::P384) => Alg::ES384,
            Family::Ec(Curve::P521) => Alg::ES512,
            Family::Ed25519 => Alg::EdDSA,
        })
    }

    pub(crate) fn fits(&self, alg: Alg) -> bool {
        self.family() == alg.family() && self.alg.is_none_or(|own| own == alg)
    }

    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn host_jwk(&self) -> Value {
        self.host_jwk.clone()
    }

    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The checks on a signature's shape that come before any arithmetic, by this module or
    /// by the host's crypto.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn precheck_signature(&self, alg: Alg, signature: &[u8]) -> Result<()> {
        if !self.fits(alg) {
            return Err(Error::AlgNotAllowed { alg: alg.name().into() });
        }
        super::signature::precheck(alg, &super::signature::VerifyKey::Public(self), signature)
    }

    /// Verifies a raw JWS signature (the decoded third segment) over `message` with this key,
    /// for `alg`: the layer every token goes through, exposed for signature test suites.
    pub fn verify_signature(&self, alg: Alg, message: &[u8], signature: &[u8]) -> Result<()> {
        if !self.fits(alg) {
            return Err(Error::AlgNotAllowed { alg: alg.name().into() });
        }
        super::signature::verify(alg, super::signature::VerifyKey::Public(self), message, signature)
    }
}

/// A parsed JWKS: the usable signing keys, in document order.
#[derive(Clone, Default)]
pub struct Jwks {
    pub(crate) keys: Vec<PublicKey>,
    /// Indexes of entries skipped as not for verifying signatures (`use: enc`, ...) that
    /// carry private key material: a private key was published.
    published_private: Vec<usize>,
    /// A digest of the usable keys' members, in order (zero for no keys): verifiers with
    /// the same keys have the same one.
    fingerprint: [u8; 32],
}

impl Jwks {
    /// Parses a JWKS document. authentik serves `{}` for a provider without a signing key
    /// (HS256): that parses as a set with no keys.
    pub fn parse(text: &str) -> Result<Self> {
        if text.len() > MAX_JWKS_BYTES {
            return Err(Error::InputTooLarge {
                what: "JWKS",
                size: text.len(),
                max: MAX_JWKS_BYTES,
            });
        }
        let doc = json::parse_object(text.as_bytes()).map_err(|fault| Error::JwksInvalid {
            reason: fault.describe().into(),
        })?;
        Self::from_object(&doc)
    }

    /// Reads a JWKS the host has already parsed.
    pub fn from_json(value: &Value) -> Result<Self> {
        match value {
            Value::Object(doc) => Self::from_object(doc),
            _ => Err(invalid("not a JSON object")),
        }
    }

    pub(crate) fn from_object(doc: &Map<String, Value>) -> Result<Self> {
        let entries = match doc.get("keys") {
            None if doc.is_empty() => return Ok(Jwks::default()),
            None => return Err(invalid("the \"keys\" member is missing")),
            Some(Value::Array(entries)) => entries,
            Some(_) => return Err(invalid("\"keys\" is not an array")),
        };
        if entries.len() > MAX_JWKS_KEYS {
            return Err(Error::JwksTooManyKeys {
                count: entries.len(),
                max: MAX_JWKS_KEYS,
            });
        }
        let mut keys = Vec::new();
        let mut published_private = Vec::new();
        let mut digest = Sha256::new();
        for (index, entry) in entries.iter().enumerate() {
            let Value::Object(jwk) = entry else {
                return Err(invalid(format!("keys[{index}] is not an object")));
            };
            match parse_key(jwk).map_err(|reason| invalid(format!("keys[{index}]: {reason}")))? {
                Some(key) => {
                    for member in ["kty", "crv", "kid", "alg", "n", "e", "x", "y"] {
                        let text = jwk.get(member).and_then(Value::as_str).unwrap_or_default();
                        digest.update((text.len() as u64).to_be_bytes());
                        digest.update(text.as_bytes());
                    }
                    keys.push(key);
                }
                None if has_private_material(jwk) => published_private.push(index),
                None => {}
            }
        }
        let fingerprint = if keys.is_empty() {
            [0; 32]
        } else {
            digest.finalize().into()
        };
        Ok(Jwks {
            keys,
            published_private,
            fingerprint,
        })
    }

    /// Entries skipped as not for signatures that carry private key material: never used,
    /// but someone published a private key (the Authorizer reports it as a finding).
    pub fn published_private_keys(&self) -> &[usize] {
        &self.published_private
    }

    pub(crate) fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }

    pub fn keys(&self) -> &[PublicKey] {
        &self.keys
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn has_private_material(jwk: &Map<String, Value>) -> bool {
    ["d", "p", "q", "dp", "dq", "qi", "k"]
        .iter()
        .any(|member| jwk.contains_key(*member))
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::JwksInvalid { reason: reason.into() }
}

fn optional_str<'a>(jwk: &'a Map<String, Value>, name: &str) -> std::result::Result<Option<&'a str>, String> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("\"{name}\" is not a string")),
    }
}

fn required_bytes(jwk: &Map<String, Value>, name: &str) -> std::result::Result<Vec<u8>, String> {
    let text = optional_str(jwk, name)?.ok_or_else(|| format!("\"{name}\" is missing"))?;
    b64::decode(text).ok_or_else(|| format!("\"{name}\" is not canonical base64url"))
}

/// `Ok(None)` for a key that is well formed but not for verifying signatures here.
fn parse_key(jwk: &Map<String, Value>) -> std::result::Result<Option<PublicKey>, String> {
    let kty = optional_str(jwk, "kty")?.ok_or("\"kty\" is missing")?;
    let kid = optional_str(jwk, "kid")?;
    if kid.is_some_and(|kid| kid.len() > MAX_KID_BYTES) {
        return Err(format!("\"kid\" is longer than {MAX_KID_BYTES} bytes"));
    }
    if optional_str(jwk, "use")?.is_some_and(|usage| usage != "sig") {
        return Ok(None);
    }
    if let Some(ops) = jwk.get("key_ops") {
        let Value::Array(ops) = ops else {
            return Err("\"key_ops\" is not an array".into());
        };
        if ops.iter().any(|op| !op.is_string()) {
            return Err("\"key_ops\" holds a non-string".into());
        }
        if !ops.iter().any(|op| op.as_str() == Some("verify")) {
            return Ok(None);
        }
    }
    let alg = match optional_str(jwk, "alg")? {
        None => None,
        // An encryption or unknown algorithm: not a signing key for us.
        Some(name) => match Alg::parse(name) {
            Some(alg) => Some(alg),
            None => return Ok(None),
        },
    };
    // A public JWKS must never carry private or symmetric key material.
    if has_private_material(jwk) {
        return Err("holds private or symmetric key material".into());
    }
    let material = match kty {
        "RSA" => rsa_key(jwk)?,
        "EC" => ec_key(jwk)?,
        "OKP" => match optional_str(jwk, "crv")? {
            Some("Ed25519") => ed25519_key(jwk)?,
            Some(_) => return Ok(None),
            None => return Err("\"crv\" is missing".into()),
        },
        "oct" => return Err("a symmetric (oct) key has no place in a public JWKS".into()),
        _ => return Ok(None),
    };
    // A family this build leaves out makes the key unusable, like an unknown key type.
    let Some(material) = material else { return Ok(None) };
    let key = PublicKey {
        kid: kid.map(str::to_owned),
        alg,
        material,
        host_jwk: host_jwk(kty, jwk)?,
    };
    if let Some(alg) = alg
        && !key.fits(alg)
    {
        return Err(format!("\"alg\" {} does not fit the key type", alg.name()));
    }
    Ok(Some(key))
}

/// The public members a host needs to import the key, canonical; the key was read from them.
fn host_jwk(kty: &str, jwk: &Map<String, Value>) -> std::result::Result<Value, String> {
    let mut out = Map::new();
    out.insert("kty".into(), Value::String(kty.into()));
    let members: &[&str] = match kty {
        "RSA" => &["n", "e"],
        "EC" => &["crv", "x", "y"],
        _ => &["crv", "x"],
    };
    for member in members {
        let text = optional_str(jwk, member)?.unwrap_or_default();
        let value = if kty == "RSA" {
            b64::encode(strip_leading_zeros(&required_bytes(jwk, member)?))
        } else {
            text.to_owned()
        };
        out.insert((*member).into(), Value::String(value));
    }
    Ok(Value::Object(out))
}

fn rsa_key(jwk: &Map<String, Value>) -> std::result::Result<Option<KeyMaterial>, String> {
    let n = required_bytes(jwk, "n")?;
    let e = required_bytes(jwk, "e")?;
    let n_digits = strip_leading_zeros(&n);
    let bits = match n_digits.first() {
        Some(top) => n_digits
            .len()
            .saturating_mul(8)
            .saturating_sub(top.leading_zeros() as usize),
        None => 0,
    };
    if bits < MIN_RSA_BITS {
        return Err(format!("RSA modulus has {bits} bits, fewer than {MIN_RSA_BITS}"));
    }
    if bits > MAX_RSA_BITS {
        return Err(format!("RSA modulus has {bits} bits, more than {MAX_RSA_BITS}"));
    }
    if n_digits.last().is_some_and(|low| low % 2 == 0) {
        return Err("RSA modulus is even".into());
    }
    let e_digits = strip_leading_zeros(&e);
    if e_digits.len() > 8 {
        return Err("RSA exponent is too large".into());
    }
    let exponent = e_digits.iter().fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte));
    if exponent < 3 || exponent % 2 == 0 || exponent > MAX_RSA_EXPONENT {
        return Err("RSA exponent must be odd and between 3 and 2^33 - 1".into());
    }
    #[cfg(feature = "rsa")]
    {
        let key = super::signature::RsaKey::new(n_digits, e_digits, exponent)?;
        Ok(Some(KeyMaterial::Rsa(Box::new(key))))
    }
    #[cfg(not(feature = "rsa"))]
    {
        let _ = e_digits;
        Ok(Some(KeyMaterial::HostRsa(n_digits.into())))
    }
}

fn ed25519_key(jwk: &Map<String, Value>) -> std::result::Result<Option<KeyMaterial>, String> {
    let x = required_bytes(jwk, "x")?;
    // A key of any other length is refused here, before any verifier sees it: a short Ed25519 key
    // makes some verifiers panic, and no input may reach a panic.
    let Ok(bytes) = <[u8; 32]>::try_from(x.as_slice()) else {
        return Err("Ed25519 \"x\" is not 32 bytes".into());
    };
    #[cfg(feature = "eddsa")]
    {
        let key = ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| "Ed25519 \"x\" is not a curve point")?;
        Ok(Some(KeyMaterial::Ed25519(Box::new(key))))
    }
    #[cfg(not(feature = "eddsa"))]
    {
        let _ = bytes;
        Ok(None)
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

fn ec_key(jwk: &Map<String, Value>) -> std::result::Result<Option<KeyMaterial>, String> {
    let crv = optional_str(jwk, "crv")?.ok_or("\"crv\" is missing")?;
    let Some(curve) = Curve::from_jwk_name(crv) else {
        return Ok(None);
    };
    let x = required_bytes(jwk, "x")?;
    let y = required_bytes(jwk, "y")?;
    let len = curve.coordinate_len();
    if x.len() != len || y.len() != len {
        return Err(format!("{crv} coordinates must be exactly {len} bytes each"));
    }
    let mut sec1 = Vec::with_capacity(133);
    sec1.push(0x04);
    sec1.extend_from_slice(&x);
    sec1.extend_from_slice(&y);
    #[cfg(feature = "ecdsa")]
    {
        // `from_sec1_bytes` refuses a point that is not on the curve.
        let not_on_curve = |_| format!("the point is not on {crv}");
        Ok(Some(match curve {
            Curve::P256 => KeyMaterial::P256(Box::new(
                p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(not_on_curve)?,
            )),
            Curve::P384 => KeyMaterial::P384(Box::new(
                p384::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(not_on_curve)?,
            )),
            Curve::P521 => KeyMaterial::P521(Box::new(
                p521::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).map_err(not_on_curve)?,
            )),
        }))
    }
    #[cfg(not(feature = "ecdsa"))]
    {
        let _ = sec1;
        Ok(Some(KeyMaterial::HostEc(curve)))
    }
}
