//! Typed errors. Every variant carries its evidence and maps to a stable machine `code()`
//! (jose's `ERR_*` vocabulary for tokens, codes of our own for limits and configuration).
//! Messages are one line and never echo keys, secrets or whole tokens.

use std::fmt;

/// The stable machine code of an [`Error`]: the codes JS hosts see as `error.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    TokenTooLarge,
    JoseNotSupported,
    JwsInvalid,
    JwtInvalid,
    JoseAlgNotAllowed,
    KidTooLong,
    JwksNoMatchingKey,
    JwksMultipleMatchingKeys,
    JwsSignatureVerificationFailed,
    JwtExpired,
    JwtClaimValidationFailed,
    JwksInvalid,
    JwksTooManyKeys,
    InputTooLarge,
    DiscoveryInvalid,
    ConfigInvalid,
    OptionInvalid,
    PolicyInvalid,
    UnknownPermission,
    UnknownAction,
    NamespaceInvalid,
    TenantInvalid,
    SessionForeign,
}

impl ErrorCode {
    /// Every code, in the order they are documented.
    pub const ALL: [ErrorCode; 23] = [
        ErrorCode::TokenTooLarge,
        ErrorCode::JoseNotSupported,
        ErrorCode::JwsInvalid,
        ErrorCode::JwtInvalid,
        ErrorCode::JoseAlgNotAllowed,
        ErrorCode::KidTooLong,
        ErrorCode::JwksNoMatchingKey,
        ErrorCode::JwksMultipleMatchingKeys,
        ErrorCode::JwsSignatureVerificationFailed,
        ErrorCode::JwtExpired,
        ErrorCode::JwtClaimValidationFailed,
        ErrorCode::JwksInvalid,
        ErrorCode::JwksTooManyKeys,
        ErrorCode::InputTooLarge,
        ErrorCode::DiscoveryInvalid,
        ErrorCode::ConfigInvalid,
        ErrorCode::OptionInvalid,
        ErrorCode::PolicyInvalid,
        ErrorCode::UnknownPermission,
        ErrorCode::UnknownAction,
        ErrorCode::NamespaceInvalid,
        ErrorCode::TenantInvalid,
        ErrorCode::SessionForeign,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::TokenTooLarge => "ERR_TOKEN_TOO_LARGE",
            ErrorCode::JoseNotSupported => "ERR_JOSE_NOT_SUPPORTED",
            ErrorCode::JwsInvalid => "ERR_JWS_INVALID",
            ErrorCode::JwtInvalid => "ERR_JWT_INVALID",
            ErrorCode::JoseAlgNotAllowed => "ERR_JOSE_ALG_NOT_ALLOWED",
            ErrorCode::KidTooLong => "ERR_KID_TOO_LONG",
            ErrorCode::JwksNoMatchingKey => "ERR_JWKS_NO_MATCHING_KEY",
            ErrorCode::JwksMultipleMatchingKeys => "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
            ErrorCode::JwsSignatureVerificationFailed => "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            ErrorCode::JwtExpired => "ERR_JWT_EXPIRED",
            ErrorCode::JwtClaimValidationFailed => "ERR_JWT_CLAIM_VALIDATION_FAILED",
            ErrorCode::JwksInvalid => "ERR_JWKS_INVALID",
            ErrorCode::JwksTooManyKeys => "ERR_JWKS_TOO_MANY_KEYS",
            ErrorCode::InputTooLarge => "ERR_INPUT_TOO_LARGE",
            ErrorCode::DiscoveryInvalid => "ERR_DISCOVERY_INVALID",
            ErrorCode::ConfigInvalid => "ERR_CONFIG_INVALID",
            ErrorCode::OptionInvalid => "ERR_OPTION_INVALID",
            ErrorCode::PolicyInvalid => "ERR_POLICY_INVALID",
            ErrorCode::UnknownPermission => "ERR_UNKNOWN_PERMISSION",
            ErrorCode::UnknownAction => "ERR_UNKNOWN_ACTION",
            ErrorCode::NamespaceInvalid => "ERR_NAMESPACE_INVALID",
            ErrorCode::TenantInvalid => "ERR_TENANT_INVALID",
            ErrorCode::SessionForeign => "ERR_SESSION_FOREIGN",
        }
    }
}

/// Why a claim failed. `as_str` is the stable `reason` that reaches JS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimReason {
    /// The claim is required and absent.
    Missing,
    /// The claim has the wrong JSON type or an impossible value.
    Invalid,
    /// The claim is well formed but its value is not the expected one.
    CheckFailed,
    /// `aud` names an audience that is neither the client id nor a trusted one.
    UntrustedAudience,
    /// `exp - iat` exceeds the configured maximum token lifetime.
    LifetimeExceeded,
    /// `iat` (or `auth_time`) lies in the future beyond the clock tolerance.
    InTheFuture,
    /// `auth_time` is older than `maxAge` allows.
    AuthenticationTooOld,
    /// The token is a back-channel logout token, not an ID token.
    LogoutToken,
    /// The token is an authentik access token (it carries `azp` with `uid` or `scope`).
    AccessToken,
}

impl ClaimReason {
    /// Every reason, in the order they are documented.
    pub const ALL: [ClaimReason; 9] = [
        ClaimReason::Missing,
        ClaimReason::Invalid,
        ClaimReason::CheckFailed,
        ClaimReason::UntrustedAudience,
        ClaimReason::LifetimeExceeded,
        ClaimReason::InTheFuture,
        ClaimReason::AuthenticationTooOld,
        ClaimReason::LogoutToken,
        ClaimReason::AccessToken,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimReason::Missing => "missing",
            ClaimReason::Invalid => "invalid",
            ClaimReason::CheckFailed => "check_failed",
            ClaimReason::UntrustedAudience => "untrusted_audience",
            ClaimReason::LifetimeExceeded => "lifetime_exceeded",
            ClaimReason::InTheFuture => "in_the_future",
            ClaimReason::AuthenticationTooOld => "auth_time_too_old",
            ClaimReason::LogoutToken => "logout_token",
            ClaimReason::AccessToken => "access_token",
        }
    }
}

/// Every error this crate returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The compact token is longer than `maxTokenSize`.
    TokenTooLarge { size: usize, max: usize },
    /// Five segments: an encrypted ID token (JWE), which a relying party without the
    /// provider's private key cannot read.
    EncryptedTokenUnsupported,
    /// The JWS structure is broken: segment count, base64url, header JSON, `crit`.
    JwsInvalid { reason: &'static str },
    /// The payload is not a JSON object (or repeats a member name).
    JwtInvalid { reason: &'static str },
    /// `alg` is `none`, or is not in the allow-list for this provider.
    AlgNotAllowed { alg: String },
    /// Something this crate deliberately does not implement (unknown `alg`, `crit`).
    NotSupported { what: String },
    /// The header's `kid` is longer than the limit.
    KidTooLong { len: usize, max: usize },
    /// No key in the JWKS (or client secret) can verify this token.
    NoMatchingKey {
        alg: &'static str,
        kid: Option<String>,
        hint: &'static str,
    },
    /// More than one key matches and the token does not say which.
    MultipleMatchingKeys { alg: &'static str, count: usize },
    /// The signature does not verify.
    SignatureInvalid,
    /// `exp` has passed (`exp <= now - tolerance`).
    Expired { exp: f64, now: f64, tolerance: u32 },
    /// A claim failed validation.
    ClaimInvalid {
        claim: &'static str,
        reason: ClaimReason,
        detail: String,
    },
    /// The JWKS document is unusable.
    JwksInvalid { reason: String },
    /// The JWKS holds more keys than the limit.
    JwksTooManyKeys { count: usize, max: usize },
    /// A document handed to the crate (JWKS, discovery, YAML) exceeds its size limit.
    InputTooLarge {
        what: &'static str,
        size: usize,
        max: usize,
    },
    /// The discovery document is unusable or contradicts the configuration.
    DiscoveryInvalid { reason: String },
    /// The Kestra configuration is unusable. `path` locates the bad entry.
    ConfigInvalid { path: String, reason: String },
    /// An option passed by the host is out of range or of the wrong type.
    OptionInvalid { option: &'static str, reason: String },
    /// The RBAC policy (roles, groups, users, bindings) is unusable. `path` locates the entry.
    PolicyInvalid { path: String, reason: String },
    /// A permission or resource name no Kestra version knows, or not one of the policy's model.
    UnknownPermission { name: String, reason: String },
    /// An action name no Kestra version knows, or not valid for the permission.
    UnknownAction {
        permission: String,
        action: String,
        reason: String,
    },
    /// A namespace that does not match Kestra's pattern.
    NamespaceInvalid { namespace: String, reason: String },
    /// A tenant id that does not match Kestra's pattern.
    TenantInvalid { tenant: String },
    /// A session or verified token used with an Authorizer (or a principal with a compiled
    /// policy) it does not belong to: verified for another issuer or client.
    SessionForeign { reason: &'static str },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The stable machine code.
    /// The stable machine code: `ERR_*`.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The code as an enum.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Error::TokenTooLarge { .. } => ErrorCode::TokenTooLarge,
            Error::EncryptedTokenUnsupported => ErrorCode::JoseNotSupported,
            Error::JwsInvalid { .. } => ErrorCode::JwsInvalid,
            Error::JwtInvalid { .. } => ErrorCode::JwtInvalid,
            Error::AlgNotAllowed { .. } => ErrorCode::JoseAlgNotAllowed,
            Error::NotSupported { .. } => ErrorCode::JoseNotSupported,
            Error::KidTooLong { .. } => ErrorCode::KidTooLong,
            Error::NoMatchingKey { .. } => ErrorCode::JwksNoMatchingKey,
            Error::MultipleMatchingKeys { .. } => ErrorCode::JwksMultipleMatchingKeys,
            Error::SignatureInvalid => ErrorCode::JwsSignatureVerificationFailed,
            Error::Expired { .. } => ErrorCode::JwtExpired,
            Error::ClaimInvalid { .. } => ErrorCode::JwtClaimValidationFailed,
            Error::JwksInvalid { .. } => ErrorCode::JwksInvalid,
            Error::JwksTooManyKeys { .. } => ErrorCode::JwksTooManyKeys,
            Error::InputTooLarge { .. } => ErrorCode::InputTooLarge,
            Error::DiscoveryInvalid { .. } => ErrorCode::DiscoveryInvalid,
            Error::ConfigInvalid { .. } => ErrorCode::ConfigInvalid,
            Error::OptionInvalid { .. } => ErrorCode::OptionInvalid,
            Error::PolicyInvalid { .. } => ErrorCode::PolicyInvalid,
            Error::UnknownPermission { .. } => ErrorCode::UnknownPermission,
            Error::UnknownAction { .. } => ErrorCode::UnknownAction,
            Error::NamespaceInvalid { .. } => ErrorCode::NamespaceInvalid,
            Error::TenantInvalid { .. } => ErrorCode::TenantInvalid,
            Error::SessionForeign { .. } => ErrorCode::SessionForeign,
        }
    }

    /// The claim a claim error is about (`exp` for an expired token), as jose's `claim`.
    pub fn claim(&self) -> Option<&'static str> {
        match self {
            Error::ClaimInvalid { claim, .. } => Some(claim),
            Error::Expired { .. } => Some("exp"),
            _ => None,
        }
    }

    /// The reason of a claim error, as jose's `reason`.
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            Error::ClaimInvalid { reason, .. } => Some(reason.as_str()),
            Error::Expired { .. } => Some(ClaimReason::CheckFailed.as_str()),
            _ => None,
        }
    }

    pub(crate) fn claim_failed(claim: &'static str, reason: ClaimReason, detail: impl Into<String>) -> Self {
        Error::ClaimInvalid {
            claim,
            reason,
            detail: detail.into(),
        }
    }

    pub(crate) fn policy(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::PolicyInvalid {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn config(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::ConfigInvalid {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// Shows at most 64 characters of an untrusted value, escaped, so that a hostile `kid` or
/// `alg` cannot flood a log line or inject control characters.
pub(crate) fn shorten(value: &str) -> String {
    const MAX: usize = 64;
    let mut out: String = value.chars().take(MAX).flat_map(char::escape_debug).collect();
    if value.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TokenTooLarge { size, max } => {
                write!(f, "token is {size} bytes, more than the limit of {max}")
            }
            Error::EncryptedTokenUnsupported => f.write_str(
                "encrypted ID tokens (JWE, 5 segments) are not supported: remove the provider's encryption key in authentik",
            ),
            Error::JwsInvalid { reason } => write!(f, "invalid compact JWS: {reason}"),
            Error::JwtInvalid { reason } => write!(f, "invalid JWT claims set: {reason}"),
            Error::AlgNotAllowed { alg } => {
                write!(f, "\"alg\" (Algorithm) header value \"{}\" is not allowed", shorten(alg))
            }
            Error::NotSupported { what } => write!(f, "not supported: {what}"),
            Error::KidTooLong { len, max } => {
                write!(f, "\"kid\" header is {len} bytes, more than the limit of {max}")
            }
            Error::NoMatchingKey { alg, kid, hint } => {
                match kid {
                    Some(kid) => write!(f, "no key in the JWKS matches alg {alg} and kid \"{}\"", shorten(kid))?,
                    None => write!(f, "no key in the JWKS matches alg {alg}")?,
                }
                if !hint.is_empty() {
                    write!(f, ": {hint}")?;
                }
                Ok(())
            }
            Error::MultipleMatchingKeys { alg, count } => write!(
                f,
                "{count} keys in the JWKS match alg {alg} and the token names no kid that tells them apart"
            ),
            Error::SignatureInvalid => f.write_str("signature verification failed"),
            Error::Expired { exp, now, tolerance } => write!(
                f,
                "\"exp\" claim timestamp check failed: expired at {exp}, now is {now}, tolerance {tolerance}s"
            ),
            Error::ClaimInvalid { claim, reason, detail } => {
                write!(f, "\"{claim}\" claim check failed ({})", reason.as_str())?;
                if !detail.is_empty() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            Error::JwksInvalid { reason } => write!(f, "invalid JWKS: {reason}"),
            Error::JwksTooManyKeys { count, max } => {
                write!(f, "JWKS holds {count} keys, more than the limit of {max}")
            }
            Error::InputTooLarge { what, size, max } => {
                write!(f, "{what} is {size} bytes, more than the limit of {max}")
            }
            Error::DiscoveryInvalid { reason } => write!(f, "invalid discovery document: {reason}"),
            Error::ConfigInvalid { path, reason } => {
                if path.is_empty() {
                    write!(f, "invalid configuration: {reason}")
                } else {
                    write!(f, "invalid configuration at {path}: {reason}")
                }
            }
            Error::OptionInvalid { option, reason } => write!(f, "invalid option {option}: {reason}"),
            Error::PolicyInvalid { path, reason } => write!(f, "invalid policy at {path}: {reason}"),
            Error::UnknownPermission { name, reason } => {
                write!(f, "unknown permission \"{}\": {reason}", shorten(name))
            }
            Error::UnknownAction { permission, action, reason } => {
                write!(f, "unknown action \"{}\" on {}: {reason}", shorten(action), shorten(permission))
            }
            Error::NamespaceInvalid { namespace, reason } => write!(f, "invalid namespace \"{namespace}\": {reason}"),
            Error::TenantInvalid { tenant } => {
                write!(f, "invalid tenant id \"{tenant}\": Kestra tenant ids match ^[a-z0-9][a-z0-9_-]*")
            }
            Error::SessionForeign { reason } => write!(f, "foreign session: {reason}"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_escapes_and_truncates() {
        assert_eq!(shorten("a\nb"), "a\\nb");
        let long = "x".repeat(1000);
        let shown = shorten(&long);
        assert_eq!(shown.chars().count(), 65);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn expired_reports_exp_claim() {
        let e = Error::Expired {
            exp: 10.0,
            now: 10.0,
            tolerance: 0,
        };
        assert_eq!(e.code(), "ERR_JWT_EXPIRED");
        assert_eq!(e.claim(), Some("exp"));
        assert_eq!(e.reason(), Some("check_failed"));
    }
}
