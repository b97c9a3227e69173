//! The JOSE header: what is read, what is refused, what is ignored.

use super::alg::Alg;
use super::jwks::MAX_KID_BYTES;
use crate::error::{ClaimReason, Error, Result};
use serde_json::{Map, Value};

/// The header members this crate acts on. `jku`, `x5u`, `jwk` and `x5c` are never read:
/// keys come from the configured JWKS only (RFC 8725 §3.10).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    pub alg: Alg,
    pub kid: Option<String>,
}

pub(crate) fn check(header: &Map<String, Value>) -> Result<Header> {
    let alg_name = match header.get("alg") {
        Some(Value::String(name)) => name,
        Some(_) => {
            return Err(Error::JwsInvalid {
                reason: "\"alg\" is not a string",
            });
        }
        None => {
            return Err(Error::JwsInvalid {
                reason: "\"alg\" is missing",
            });
        }
    };
    if alg_name.eq_ignore_ascii_case("none") {
        return Err(Error::AlgNotAllowed { alg: alg_name.clone() });
    }
    let alg = Alg::parse(alg_name).ok_or_else(|| Error::NotSupported {
        what: format!("\"alg\" {}", crate::error::shorten(alg_name)),
    })?;

    if let Some(crit) = header.get("crit") {
        // RFC 7515 §4.1.11: an empty, malformed or standard-naming `crit` is invalid; any
        // extension is one this crate does not understand.
        let Value::Array(names) = crit else {
            return Err(Error::JwsInvalid {
                reason: "\"crit\" is not an array",
            });
        };
        if names.is_empty() || names.iter().any(|name| !name.is_string()) {
            return Err(Error::JwsInvalid {
                reason: "\"crit\" must be a non-empty array of strings",
            });
        }
        return Err(Error::NotSupported {
            what: "critical header extensions (\"crit\")".into(),
        });
    }

    match header.get("typ") {
        None => {}
        Some(Value::String(typ)) if typ.eq_ignore_ascii_case("JWT") => {}
        Some(Value::String(typ)) => {
            return Err(Error::claim_failed(
                "typ",
                ClaimReason::CheckFailed,
                format!(
                    "\"typ\" is \"{}\", an ID token has \"JWT\" or none",
                    crate::error::shorten(typ)
                ),
            ));
        }
        Some(_) => {
            return Err(Error::JwsInvalid {
                reason: "\"typ\" is not a string",
            });
        }
    }

    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(kid)) if kid.len() > MAX_KID_BYTES => {
            return Err(Error::KidTooLong {
                len: kid.len(),
                max: MAX_KID_BYTES,
            });
        }
        Some(Value::String(kid)) => Some(kid.clone()),
        Some(_) => {
            return Err(Error::JwsInvalid {
                reason: "\"kid\" is not a string",
            });
        }
    };
    Ok(Header { alg, kid })
}
