//! authentik ID-token validation: signature first (against the configured JWKS or the client
//! secret), then the claims. Pure: the clock is a parameter.

pub mod alg;
mod b64;
pub mod claims;
pub mod discovery;
mod header;
pub mod jwks;
mod signature;

use crate::error::{Error, Result};
use crate::json;
use crate::time::UnixTime;
use alg::{Alg, Family};
pub use claims::{VerifiedIdToken, VerifyOptions};
pub use discovery::Discovery;
pub use jwks::{Jwks, PublicKey};
use signature::VerifyKey;

/// Default and ceiling of the clock tolerance in seconds: none by default, as jose, and at
/// most five minutes.
pub const DEFAULT_CLOCK_TOLERANCE: u32 = 0;
pub const MAX_CLOCK_TOLERANCE: u32 = 300;
/// Default bound on `exp - iat` (one day): it refuses tokens that never expire.
pub const DEFAULT_MAX_TOKEN_LIFETIME: u64 = 86_400;
/// Default and ceiling of the compact token size; a larger token is refused before parsing.
pub const DEFAULT_MAX_TOKEN_SIZE: usize = 64 * 1024;
pub const MAX_TOKEN_SIZE_CEILING: usize = 1024 * 1024;

/// Where the algorithm allow-list came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlgSource {
    /// The host named the algorithms.
    Configured,
    /// `id_token_signing_alg_values_supported` of the discovery document.
    Discovery,
    /// The keys of the JWKS (and HS256 when the JWKS is empty and a client secret is set).
    Jwks,
}

/// Everything a [`TokenVerifier`] is built from.
#[derive(Clone)]
pub struct VerifierConfig {
    /// The expected `iss`, byte for byte (authentik's has a trailing slash).
    pub issuer: String,
    /// The OAuth client id: the expected audience.
    pub client_id: String,
    /// The client secret. Keys HS256/384/512 when those are allowed.
    pub client_secret: Option<String>,
    pub jwks: Jwks,
    pub discovery: Option<Discovery>,
    /// An explicit allow-list; otherwise the discovery document's, otherwise the JWKS's.
    pub algorithms: Option<Vec<Alg>>,
    /// Audiences besides the client id that a token may also name.
    pub trusted_audiences: Vec<String>,
    pub clock_tolerance: u32,
    pub max_token_lifetime: u64,
    pub max_token_size: usize,
}

impl VerifierConfig {
    pub fn new(issuer: impl Into<String>, client_id: impl Into<String>, jwks: Jwks) -> Self {
        VerifierConfig {
            issuer: issuer.into(),
            client_id: client_id.into(),
            client_secret: None,
            jwks,
            discovery: None,
            algorithms: None,
            trusted_audiences: Vec::new(),
            clock_tolerance: DEFAULT_CLOCK_TOLERANCE,
            max_token_lifetime: DEFAULT_MAX_TOKEN_LIFETIME,
            max_token_size: DEFAULT_MAX_TOKEN_SIZE,
        }
    }
}

/// A compiled ID-token verifier for one provider and client.
#[derive(Clone)]
pub struct TokenVerifier {
    issuer: String,
    client_id: String,
    secret: Option<signature::Secret>,
    jwks: Jwks,
    allowed: Vec<Alg>,
    alg_source: AlgSource,
    trusted_audiences: Vec<String>,
    clock_tolerance: u32,
    max_token_lifetime: u64,
    max_token_size: usize,
    /// A digest of everything above: the tokens this verifier accepts carry it, so another
    /// verifier can tell whether it would have accepted them too: none vouches for a token it
    /// would have refused.
    fingerprint: [u8; 32],
}

impl TokenVerifier {
    pub fn new(config: VerifierConfig) -> Result<Self> {
        if config.issuer.is_empty() {
            return Err(Error::OptionInvalid {
                option: "issuer",
                reason: "is empty".into(),
            });
        }
        if config.client_id.is_empty() {
            return Err(Error::OptionInvalid {
                option: "clientId",
                reason: "is empty".into(),
            });
        }
        if config.clock_tolerance > MAX_CLOCK_TOLERANCE {
            return Err(Error::OptionInvalid {
                option: "clockTolerance",
                reason: format!("must be at most {MAX_CLOCK_TOLERANCE} seconds"),
            });
        }
        if config.max_token_lifetime == 0 {
            return Err(Error::OptionInvalid {
                option: "maxTokenLifetime",
                reason: "must be positive".into(),
            });
        }
        if config.max_token_size == 0 || config.max_token_size > MAX_TOKEN_SIZE_CEILING {
            return Err(Error::OptionInvalid {
                option: "maxTokenSize",
                reason: format!("must be between 1 and {MAX_TOKEN_SIZE_CEILING} bytes"),
            });
        }
        if let Some(discovery) = &config.discovery
            && discovery.issuer != config.issuer
        {
            return Err(Error::DiscoveryInvalid {
                reason: "its \"issuer\" differs from the configured issuer (they must match byte for byte)".into(),
            });
        }

        let secret = config.client_secret.as_deref().filter(|s| !s.is_empty());
        let (allowed, alg_source) = match (&config.algorithms, &config.discovery) {
            (Some(algs), _) => (dedup(algs.iter().copied()), AlgSource::Configured),
            (None, Some(discovery)) => (discovery.id_token_algs.clone(), AlgSource::Discovery),
            (None, None) => {
                let mut algs = dedup(config.jwks.keys.iter().map(PublicKey::implied_alg));
                if algs.is_empty() && secret.is_some() {
                    algs.push(Alg::HS256);
                }
                (algs, AlgSource::Jwks)
            }
        };
        // A build without a family (Cargo features) cannot verify its algorithms: named by
        // the host that is an error; from the provider's documents they are left out.
        let mut allowed = allowed;
        if alg_source == AlgSource::Configured {
            if let Some(missing) = allowed.iter().find(|a| !signature::built_with(a.family())) {
                return Err(Error::OptionInvalid {
                    option: "algorithms",
                    reason: format!(
                        "this build of kestra-authz does not verify {} (see its Cargo features)",
                        missing.name()
                    ),
                });
            }
        } else {
            allowed.retain(|a| signature::built_with(a.family()));
        }
        if allowed.is_empty() {
            return Err(Error::config(
                "",
                if config.jwks.is_empty() {
                    "no algorithm can verify tokens: the JWKS has no signing key (authentik serves `{}` for a provider without a signing key, which signs with HS256 and the client secret: configure the client secret, or select a signing key in authentik)"
                } else {
                    "no algorithm can verify tokens: the allow-list is empty"
                },
            ));
        }
        for alg in &allowed {
            if alg.family() == Family::Hmac {
                let len = secret.map_or(0, str::len);
                if len < alg.min_hmac_key_len() {
                    return Err(Error::config(
                        "client-secret",
                        format!(
                            "{} needs a client secret of at least {} bytes (RFC 7518 §3.2), got {len}",
                            alg.name(),
                            alg.min_hmac_key_len()
                        ),
                    ));
                }
            }
        }
        let secret = match secret {
            Some(s) if allowed.iter().any(|a| a.family() == Family::Hmac) => {
                Some(signature::Secret(s.as_bytes().to_vec()))
            }
            _ => None,
        };
        let mut verifier = TokenVerifier {
            issuer: config.issuer,
            client_id: config.client_id,
            secret,
            jwks: config.jwks,
            allowed,
            alg_source,
            trusted_audiences: config.trusted_audiences,
            clock_tolerance: config.clock_tolerance,
            max_token_lifetime: config.max_token_lifetime,
            max_token_size: config.max_token_size,
            fingerprint: [0; 32],
        };
        verifier.fingerprint = verifier.digest();
        Ok(verifier)
    }

    /// The digest of what decides which tokens this verifier accepts; each field with its
    /// length, so no two configurations run together into one.
    fn digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut d = Sha256::new();
        let mut field = |bytes: &[u8]| {
            d.update((bytes.len() as u64).to_be_bytes());
            d.update(bytes);
        };
        field(self.issuer.as_bytes());
        field(self.client_id.as_bytes());
        field(&self.jwks.fingerprint());
        field(
            &self
                .secret
                .as_ref()
                .map(|s| <[u8; 32]>::from(Sha256::digest(&s.0)))
                .unwrap_or_default(),
        );
        for alg in &self.allowed {
            field(alg.name().as_bytes());
        }
        field(b"");
        for audience in &self.trusted_audiences {
            field(audience.as_bytes());
        }
        field(b"");
        field(&self.clock_tolerance.to_be_bytes());
        field(&self.max_token_lifetime.to_be_bytes());
        field(&(self.max_token_size as u64).to_be_bytes());
        d.finalize().into()
    }

    /// Whether `token` was verified by a verifier identical to this one (the same issuer,
    /// client, keys, secret, algorithms, audiences and limits).
    pub fn accepts_tokens_of(&self, token: &VerifiedIdToken) -> bool {
        token.verified_by == self.fingerprint
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
    pub fn allowed_algorithms(&self) -> &[Alg] {
        &self.allowed
    }
    pub fn alg_source(&self) -> AlgSource {
        self.alg_source
    }
    /// True when HS* tokens are verified with the client secret.
    pub fn uses_client_secret(&self) -> bool {
        self.secret.is_some()
    }

    /// The largest token accepted, in bytes.
    pub fn max_token_size(&self) -> usize {
        self.max_token_size
    }

    /// Verifies a compact ID token at `now`, which the host supplies: the core reads no clock.
    pub fn verify(&self, token: &str, now: UnixTime, options: &VerifyOptions) -> Result<VerifiedIdToken> {
        let opened = self.open(token)?;
        signature::verify(opened.alg, opened.key, opened.message, &opened.signature)?;
        self.claims_of(opened, now, options)
    }

    /// Reads `token` once up to its signature, every check before it done: an RSA or ECDSA
    /// signature is left for the host's own crypto (WebCrypto); any other (the client secret
    /// of HS*, Ed25519) the module checks, and the token is verified whole.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn prepare(&self, token: &str, now: UnixTime, options: &VerifyOptions) -> Result<Prepared> {
        let opened = self.open(token)?;
        signature::precheck(opened.alg, &opened.key, &opened.signature)?;
        let host_key = match opened.key {
            VerifyKey::Public(key) if matches!(key.family(), Family::Rsa | Family::Ec(_)) => {
                self.jwks.keys.iter().position(|k| std::ptr::eq(k, key))
            }
            _ => None,
        };
        let Some(key) = host_key else {
            signature::verify(opened.alg, opened.key, opened.message, &opened.signature)?;
            return self
                .claims_of(opened, now, options)
                .map(|v| Prepared::Verified(Box::new(v)));
        };
        Ok(Prepared::ForHost(HostSignature {
            verified_by: self.fingerprint,
            token: token.to_owned(),
            key,
            alg: opened.alg,
            kid: opened.kid,
            message_len: opened.message.len(),
            signature: opened.signature,
        }))
    }

    /// Finishes what [`Self::prepare`] left to the host, for the token it carries: the host's
    /// verdict on the signature (`None`: the host could not check it, so the module does),
    /// then the claims. Only this verifier's own signatures are finished.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn verify_with_host_verdict(
        &self,
        pending: &HostSignature,
        verdict: Option<bool>,
        now: UnixTime,
        options: &VerifyOptions,
    ) -> Result<VerifiedIdToken> {
        let key = self
            .jwks
            .keys
            .get(pending.key)
            .filter(|_| pending.verified_by == self.fingerprint)
            .ok_or(Error::SessionForeign {
                reason: "the signature was prepared by another verifier",
            })?;
        let message = pending.message();
        let payload_b64 = message
            .iter()
            .position(|b| *b == b'.')
            .and_then(|dot| pending.token.get(dot.saturating_add(1)..pending.message_len))
            .ok_or(Error::JwsInvalid { reason: "truncated" })?;
        let opened = Opened {
            alg: pending.alg,
            kid: pending.kid.clone(),
            key: VerifyKey::Public(key),
            message,
            signature: pending.signature.clone(),
            payload_b64,
        };
        match verdict {
            Some(true) => {}
            Some(false) => return Err(Error::SignatureInvalid),
            None => signature::verify(opened.alg, opened.key, opened.message, &opened.signature)?,
        }
        self.claims_of(opened, now, options)
    }

    #[cfg(test)]
    pub(crate) fn host_key_for_tests(&self, index: usize) -> PublicKey {
        self.jwks.keys[index].clone()
    }

    /// The public keys, in JWK form, for a host to import (`kty`, `n`, `e` or `kty`, `crv`,
    /// `x`, `y`), in the order [`HostSignature::key`] counts them.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn host_keys(&self) -> Vec<serde_json::Value> {
        self.jwks.keys.iter().map(PublicKey::host_jwk).collect()
    }

    /// Everything before the signature: size, segments, header, algorithm allow-list, key
    /// selection.
    fn open<'v, 't>(&'v self, token: &'t str) -> Result<Opened<'v, 't>> {
        if token.len() > self.max_token_size {
            return Err(Error::TokenTooLarge {
                size: token.len(),
                max: self.max_token_size,
            });
        }
        let segments: Vec<&str> = token.split('.').collect();
        let (header_b64, payload_b64, signature_b64) = match segments.as_slice() {
            [h, p, s] => (*h, *p, *s),
            [_, _, _, _, _] => return Err(Error::EncryptedTokenUnsupported),
            _ => {
                return Err(Error::JwsInvalid {
                    reason: "a compact JWS has exactly three segments",
                });
            }
        };
        if header_b64.is_empty() || payload_b64.is_empty() || signature_b64.is_empty() {
            return Err(Error::JwsInvalid {
                reason: "empty segment",
            });
        }
        let header_bytes = b64::decode(header_b64).ok_or(Error::JwsInvalid {
            reason: "header is not canonical base64url",
        })?;
        let header_json = json::parse_object(&header_bytes).map_err(|fault| Error::JwsInvalid {
            reason: match fault {
                json::JsonFault::DuplicateMember => "header repeats a member name",
                json::JsonFault::NotAnObject => "header is not a JSON object",
                json::JsonFault::Syntax => "header is not JSON",
            },
        })?;
        let header = header::check(&header_json)?;
        if !self.allowed.contains(&header.alg) {
            return Err(Error::AlgNotAllowed {
                alg: header.alg.name().into(),
            });
        }
        let signature = b64::decode(signature_b64).ok_or(Error::JwsInvalid {
            reason: "signature is not canonical base64url",
        })?;
        let key = self.select_key(header.alg, header.kid.as_deref())?;
        // The signed message is the ASCII `header.payload` exactly as received.
        let message = token
            .rfind('.')
            .and_then(|last_dot| token.as_bytes().get(..last_dot))
            .ok_or(Error::JwsInvalid { reason: "truncated" })?;
        Ok(Opened {
            alg: header.alg,
            kid: header.kid,
            key,
            message,
            signature,
            payload_b64,
        })
    }

    /// The claims of a token whose signature holds.
    fn claims_of(&self, opened: Opened<'_, '_>, now: UnixTime, options: &VerifyOptions) -> Result<VerifiedIdToken> {
        let payload = b64::decode(opened.payload_b64).ok_or(Error::JwsInvalid {
            reason: "payload is not canonical base64url",
        })?;
        let claims = json::parse_object(&payload).map_err(|fault| Error::JwtInvalid {
            reason: match fault {
                json::JsonFault::DuplicateMember => "claims set repeats a member name",
                json::JsonFault::NotAnObject => "claims set is not a JSON object",
                json::JsonFault::Syntax => "claims set is not JSON",
            },
        })?;
        let expect = claims::Expectations {
            issuer: &self.issuer,
            client_id: &self.client_id,
            verified_by: self.fingerprint,
            trusted_audiences: &self.trusted_audiences,
            tolerance: self.clock_tolerance,
            max_lifetime: self.max_token_lifetime,
        };
        claims::validate(opened.alg, opened.kid, claims, &expect, options, now)
    }

    /// The checks that depend on the clock and the call's options, for a token verified
    /// before (the verified-token cache): time, nonce, max_age, at_hash, c_hash.
    pub fn recheck(&self, token: &VerifiedIdToken, now: UnixTime, options: &VerifyOptions) -> Result<()> {
        claims::check_per_call(token, self.clock_tolerance, options, now)
    }

    /// Strict key selection: family, curve and the JWK's own `alg` must fit the token's `alg`;
    /// then `kid`. Without a `kid` exactly one key may fit.
    fn select_key(&self, alg: Alg, kid: Option<&str>) -> Result<VerifyKey<'_>> {
        if alg.family() == Family::Hmac {
            return match &self.secret {
                Some(secret) => Ok(VerifyKey::Secret(secret)),
                None => Err(Error::NoMatchingKey {
                    alg: alg.name(),
                    kid: kid.map(str::to_owned),
                    hint: "no client secret is configured",
                }),
            };
        }
        let mut candidates = self
            .jwks
            .keys
            .iter()
            .filter(|key| key.fits(alg))
            .filter(|key| match kid {
                Some(kid) => key.kid.as_deref() == Some(kid),
                None => true,
            });
        let first = candidates.next();
        let more = candidates.count();
        match first {
            Some(key) if more == 0 => Ok(VerifyKey::Public(key)),
            Some(_) => Err(Error::MultipleMatchingKeys {
                alg: alg.name(),
                count: more.saturating_add(1),
            }),
            None => Err(Error::NoMatchingKey {
                alg: alg.name(),
                kid: kid.map(str::to_owned),
                hint: if self.jwks.is_empty() {
                    "the JWKS has no signing key (authentik serves `{}` for a provider that signs with HS256 and the client secret)"
                } else if kid.is_some() {
                    "the key may have been replaced in authentik: fetch the JWKS again"
                } else {
                    ""
                },
            }),
        }
    }
}

/// A token read up to its signature.
struct Opened<'v, 't> {
    alg: Alg,
    kid: Option<String>,
    key: VerifyKey<'v>,
    /// `header.payload` as received.
    message: &'t [u8],
    signature: Vec<u8>,
    payload_b64: &'t str,
}

/// What [`TokenVerifier::prepare`] reads: a token verified whole, or its signature left to the
/// host.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) enum Prepared {
    Verified(Box<VerifiedIdToken>),
    ForHost(HostSignature),
}

/// A token whose signature the host is to check, every check before it done: the token it
/// was read from (so the verdict cannot be applied to another), the key (an index into
/// [`TokenVerifier::host_keys`]), the algorithm and the signature.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) struct HostSignature {
    verified_by: [u8; 32],
    token: String,
    pub(crate) key: usize,
    pub(crate) alg: Alg,
    kid: Option<String>,
    /// `token[..message_len]` is the signed `header.payload`.
    message_len: usize,
    pub(crate) signature: Vec<u8>,
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
impl HostSignature {
    /// The signed bytes: `header.payload` as received.
    pub(crate) fn message(&self) -> &[u8] {
        self.token.as_bytes().get(..self.message_len).unwrap_or_default()
    }

    pub(crate) fn token(&self) -> &str {
        &self.token
    }
}

fn dedup(algs: impl Iterator<Item = Alg>) -> Vec<Alg> {
    let mut out: Vec<Alg> = Vec::new();
    for alg in algs {
        if !out.contains(&alg) {
            out.push(alg);
        }
    }
    out
}
