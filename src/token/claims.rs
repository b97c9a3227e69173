//! ID-token claim validation (OIDC Core §3.1.3.7, with the stricter rules of `docs/decisions.md`
//! under "Tokens") and the verified identity.

use super::alg::{Alg, HashSize};
use super::b64;
use crate::error::{ClaimReason, Error, Result};
use crate::time::{UnixTime, is_valid_seconds};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};
use subtle::ConstantTimeEq;

/// What the relying party expects of every token (from configuration).
pub(crate) struct Expectations<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub verified_by: [u8; 32],
    pub trusted_audiences: &'a [String],
    pub tolerance: u32,
    pub max_lifetime: u64,
}

/// What the host knows about this one sign-in (per call).
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The nonce this client sent with the authorization request. When given, the token must
    /// carry it.
    pub nonce: Option<String>,
    /// The access token returned with the ID token; checked against `at_hash` when the token
    /// has one.
    pub access_token: Option<String>,
    /// The authorization code returned with the ID token (hybrid flow); the token must then
    /// carry a matching `c_hash`.
    pub code: Option<String>,
    /// Seconds since the user authenticated that the client accepts (`max_age`); requires
    /// `auth_time`.
    pub max_age: Option<u64>,
    /// The tenant the session's UI checks ask about.
    pub tenant: Option<String>,
}

impl VerifyOptions {
    /// Reads a JS host's `{ now?, nonce?, accessToken?, code?, maxAge?, tenant? }` (as
    /// `verifyIdToken` takes it): the time (`now`, else `default_now`; one of them is required)
    /// and the options. Unknown members are errors.
    pub fn from_json(value: &serde_json::Value, default_now: Option<f64>) -> Result<(UnixTime, VerifyOptions)> {
        crate::options::verify_options(value, default_now)
    }
}

/// A token whose signature and claims have been verified. Only [`super::TokenVerifier`]
/// can create one, so nothing downstream ever sees unverified claims.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedIdToken {
    pub(crate) alg: Alg,
    pub(crate) kid: Option<String>,
    pub(crate) issuer: String,
    pub(crate) subject: String,
    pub(crate) audiences: Vec<String>,
    /// The client id it was verified for (one of `audiences`): with `issuer`, whose identity
    /// it is, so a verifier for another issuer or client never vouches for it.
    pub(crate) client_id: String,
    /// The fingerprint of the verifier that accepted it (`TokenVerifier::accepts_tokens_of`).
    pub(crate) verified_by: [u8; 32],
    pub(crate) expires_at: f64,
    pub(crate) issued_at: f64,
    pub(crate) not_before: Option<f64>,
    pub(crate) auth_time: Option<f64>,
    pub(crate) nonce: Option<String>,
    pub(crate) at_hash: Option<String>,
    pub(crate) c_hash: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) email_verified: bool,
    pub(crate) name: Option<String>,
    pub(crate) given_name: Option<String>,
    pub(crate) preferred_username: Option<String>,
    pub(crate) groups: Vec<String>,
    pub(crate) claims: Map<String, Value>,
}

impl VerifiedIdToken {
    pub fn alg(&self) -> Alg {
        self.alg
    }
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    pub fn subject(&self) -> &str {
        &self.subject
    }
    pub fn audiences(&self) -> &[String] {
        &self.audiences
    }
    /// The client id the token was verified for.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
    pub fn expires_at(&self) -> f64 {
        self.expires_at
    }
    pub fn issued_at(&self) -> f64 {
        self.issued_at
    }
    pub fn auth_time(&self) -> Option<f64> {
        self.auth_time
    }
    pub fn nonce(&self) -> Option<&str> {
        self.nonce.as_deref()
    }
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
    /// `true` only when the claim is the JSON boolean `true`.
    pub fn email_verified(&self) -> bool {
        self.email_verified
    }
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    pub fn given_name(&self) -> Option<&str> {
        self.given_name.as_deref()
    }
    pub fn preferred_username(&self) -> Option<&str> {
        self.preferred_username.as_deref()
    }
    /// authentik's `groups` claim (group names); empty when absent.
    pub fn groups(&self) -> &[String] {
        &self.groups
    }
    /// Every claim of the payload, as sent.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }
}

fn string_claim<'a>(claims: &'a Map<String, Value>, name: &'static str) -> Result<Option<&'a str>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::claim_failed(name, ClaimReason::Invalid, "not a string")),
    }
}

fn time_claim(claims: &Map<String, Value>, name: &'static str) -> Result<Option<f64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(seconds) if is_valid_seconds(seconds) => Ok(Some(seconds)),
            _ => Err(Error::claim_failed(
                name,
                ClaimReason::Invalid,
                "not a NumericDate between 0 and 2^53 - 1",
            )),
        },
        Some(_) => Err(Error::claim_failed(name, ClaimReason::Invalid, "not a number")),
    }
}

fn required<T>(value: Option<T>, name: &'static str) -> Result<T> {
    value.ok_or_else(|| Error::claim_failed(name, ClaimReason::Missing, ""))
}

fn strings(value: &Value, name: &'static str) -> Result<Vec<String>> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                _ => Err(Error::claim_failed(name, ClaimReason::Invalid, "holds a non-string")),
            })
            .collect(),
        _ => Err(Error::claim_failed(
            name,
            ClaimReason::Invalid,
            "not an array of strings",
        )),
    }
}

pub(crate) fn validate(
    alg: Alg,
    kid: Option<String>,
    claims: Map<String, Value>,
    expect: &Expectations<'_>,
    options: &VerifyOptions,
    now: UnixTime,
) -> Result<VerifiedIdToken> {
    if claims.contains_key("events") {
        return Err(Error::claim_failed(
            "events",
            ClaimReason::LogoutToken,
            "a logout token is not an ID token",
        ));
    }

    let issuer = required(string_claim(&claims, "iss")?, "iss")?;
    if issuer != expect.issuer {
        return Err(Error::claim_failed(
            "iss",
            ClaimReason::CheckFailed,
            "not the configured issuer",
        ));
    }

    let subject = required(string_claim(&claims, "sub")?, "sub")?;
    if subject.is_empty() {
        return Err(Error::claim_failed("sub", ClaimReason::Invalid, "empty"));
    }

    let audiences = match required(claims.get("aud"), "aud")? {
        Value::String(aud) => vec![aud.clone()],
        list => strings(list, "aud")?,
    };
    if !audiences.iter().any(|aud| aud == expect.client_id) {
        return Err(Error::claim_failed(
            "aud",
            ClaimReason::CheckFailed,
            "does not contain the client id",
        ));
    }
    if audiences
        .iter()
        .any(|aud| aud != expect.client_id && !expect.trusted_audiences.contains(aud))
    {
        return Err(Error::claim_failed(
            "aud",
            ClaimReason::UntrustedAudience,
            "names an audience that is not trusted",
        ));
    }

    match string_claim(&claims, "azp")? {
        Some(azp) if azp != expect.client_id => {
            return Err(Error::claim_failed(
                "azp",
                ClaimReason::CheckFailed,
                "not the client id",
            ));
        }
        Some(_) if claims.contains_key("uid") || claims.contains_key("scope") => {
            return Err(Error::claim_failed(
                "azp",
                ClaimReason::AccessToken,
                "an authentik access token (azp with uid or scope) is not an ID token",
            ));
        }
        Some(_) => {}
        None if audiences.len() > 1 => {
            return Err(Error::claim_failed(
                "azp",
                ClaimReason::Missing,
                "required with several audiences",
            ));
        }
        None => {}
    }

    let expires_at = required(time_claim(&claims, "exp")?, "exp")?;
    let issued_at = required(time_claim(&claims, "iat")?, "iat")?;
    let not_before = time_claim(&claims, "nbf")?;
    let auth_time = time_claim(&claims, "auth_time")?;
    let tolerance = f64::from(expect.tolerance);
    // Both values are at most 2^53, so the difference is exact and cannot overflow.
    if expires_at - issued_at > expect.max_lifetime as f64 {
        return Err(Error::claim_failed(
            "exp",
            ClaimReason::LifetimeExceeded,
            format!("lifetime {}s exceeds {}s", expires_at - issued_at, expect.max_lifetime),
        ));
    }
    if let Some(auth) = auth_time
        && auth > issued_at + tolerance
    {
        return Err(Error::claim_failed(
            "auth_time",
            ClaimReason::InTheFuture,
            "after the token was issued",
        ));
    }
    let groups = match claims.get("groups") {
        None => Vec::new(),
        Some(value) => strings(value, "groups")?,
    };
    let token = VerifiedIdToken {
        alg,
        kid,
        issuer: issuer.to_owned(),
        subject: subject.to_owned(),
        audiences,
        client_id: expect.client_id.to_owned(),
        verified_by: expect.verified_by,
        expires_at,
        issued_at,
        not_before,
        auth_time,
        nonce: string_claim(&claims, "nonce")?.map(str::to_owned),
        at_hash: string_claim(&claims, "at_hash")?.map(str::to_owned),
        c_hash: string_claim(&claims, "c_hash")?.map(str::to_owned),
        email: string_claim(&claims, "email")?.map(str::to_owned),
        email_verified: claims.get("email_verified") == Some(&Value::Bool(true)),
        name: string_claim(&claims, "name")?.map(str::to_owned),
        given_name: string_claim(&claims, "given_name")?.map(str::to_owned),
        preferred_username: string_claim(&claims, "preferred_username")?.map(str::to_owned),
        groups,
        claims,
    };
    check_per_call(&token, expect.tolerance, options, now)?;
    Ok(token)
}

/// The checks that depend on the clock and on this call's options: run on every
/// verification, including a repeat of a token whose signature and claims were checked before.
pub(crate) fn check_per_call(
    token: &VerifiedIdToken,
    tolerance: u32,
    options: &VerifyOptions,
    now: UnixTime,
) -> Result<()> {
    let (now_s, slack) = (now.seconds(), f64::from(tolerance));
    if token.issued_at > now_s + slack {
        return Err(Error::claim_failed(
            "iat",
            ClaimReason::InTheFuture,
            format!("issued at {}, now is {now_s}", token.issued_at),
        ));
    }
    if let Some(nbf) = token.not_before
        && nbf > now_s + slack
    {
        return Err(Error::claim_failed(
            "nbf",
            ClaimReason::CheckFailed,
            format!("not before {nbf}, now is {now_s}"),
        ));
    }
    if token.expires_at <= now_s - slack {
        return Err(Error::Expired {
            exp: token.expires_at,
            now: now_s,
            tolerance,
        });
    }
    if let Some(expected) = options.nonce.as_deref() {
        let sent = required(token.nonce.as_deref(), "nonce")?;
        if !bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) {
            return Err(Error::claim_failed(
                "nonce",
                ClaimReason::CheckFailed,
                "not the nonce of this sign-in",
            ));
        }
    }
    if let Some(max_age) = options.max_age {
        let auth = required(token.auth_time, "auth_time")?;
        if now_s - auth > max_age as f64 + slack {
            return Err(Error::claim_failed(
                "auth_time",
                ClaimReason::AuthenticationTooOld,
                format!("authenticated {}s ago, max_age is {max_age}s", now_s - auth),
            ));
        }
    }
    if let (Some(access_token), Some(at_hash)) = (options.access_token.as_deref(), token.at_hash.as_deref())
        && !token_hash_matches(token.alg, access_token, at_hash)
    {
        return Err(Error::claim_failed(
            "at_hash",
            ClaimReason::CheckFailed,
            "does not match the access token",
        ));
    }
    if let Some(code) = options.code.as_deref() {
        let c_hash = required(token.c_hash.as_deref(), "c_hash")?;
        if !token_hash_matches(token.alg, code, c_hash) {
            return Err(Error::claim_failed(
                "c_hash",
                ClaimReason::CheckFailed,
                "does not match the code",
            ));
        }
    }
    Ok(())
}

/// `at_hash` / `c_hash`: the left half of the hash of the ASCII value, base64url. authentik
/// always uses SHA-256 whatever the `alg`, so for ES384 / ES512 that variant is accepted
/// beside the algorithm's own hash (OIDC Core §3.1.3.6).
pub(crate) fn token_hash_matches(alg: Alg, value: &str, claimed: &str) -> bool {
    let spec = half_hash(alg.hash_size(), value);
    if claimed == spec {
        return true;
    }
    matches!(alg, Alg::ES384 | Alg::ES512) && claimed == half_hash(HashSize::Sha256, value)
}

pub(crate) fn half_hash(size: HashSize, value: &str) -> String {
    let digest: Vec<u8> = match size {
        HashSize::Sha256 => Sha256::digest(value.as_bytes()).to_vec(),
        HashSize::Sha384 => Sha384::digest(value.as_bytes()).to_vec(),
        HashSize::Sha512 => Sha512::digest(value.as_bytes()).to_vec(),
    };
    b64::encode(digest.get(..digest.len() / 2).unwrap_or_default())
}
