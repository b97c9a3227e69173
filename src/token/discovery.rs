//! The OpenID Provider discovery document (`/.well-known/openid-configuration`).

use super::alg::Alg;
use crate::error::{Error, Result};
use crate::json;
use serde_json::Value;

pub const MAX_DISCOVERY_BYTES: usize = 256 * 1024;

/// The parts of a discovery document a relying party acts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    pub issuer: String,
    pub jwks_uri: Option<String>,
    /// `id_token_signing_alg_values_supported`, restricted to algorithms this crate knows;
    /// `none` is never among them.
    pub id_token_algs: Vec<Alg>,
}

impl Discovery {
    pub fn parse(text: &str) -> Result<Self> {
        if text.len() > MAX_DISCOVERY_BYTES {
            return Err(Error::InputTooLarge {
                what: "discovery document",
                size: text.len(),
                max: MAX_DISCOVERY_BYTES,
            });
        }
        let doc = json::parse_object(text.as_bytes()).map_err(|fault| invalid(fault.describe()))?;
        Self::from_object(&doc)
    }

    /// Reads a discovery document the host has already parsed.
    pub fn from_json(value: &Value) -> Result<Self> {
        match value {
            Value::Object(doc) => Self::from_object(doc),
            _ => Err(invalid("not a JSON object")),
        }
    }

    fn from_object(doc: &serde_json::Map<String, Value>) -> Result<Self> {
        let issuer = match doc.get("issuer") {
            Some(Value::String(issuer)) if !issuer.is_empty() => issuer.clone(),
            _ => return Err(invalid("\"issuer\" must be a non-empty string")),
        };
        let jwks_uri = match doc.get("jwks_uri") {
            None => None,
            Some(Value::String(uri)) => Some(uri.clone()),
            Some(_) => return Err(invalid("\"jwks_uri\" is not a string")),
        };
        let id_token_algs = match doc.get("id_token_signing_alg_values_supported") {
            Some(Value::Array(names)) => {
                let mut algs = Vec::new();
                for name in names {
                    let Value::String(name) = name else {
                        return Err(invalid("\"id_token_signing_alg_values_supported\" holds a non-string"));
                    };
                    if let Some(alg) = Alg::parse(name)
                        && !algs.contains(&alg)
                    {
                        algs.push(alg);
                    }
                }
                algs
            }
            _ => return Err(invalid("\"id_token_signing_alg_values_supported\" must be an array")),
        };
        Ok(Discovery {
            issuer,
            jwks_uri,
            id_token_algs,
        })
    }
}

fn invalid(reason: &str) -> Error {
    Error::DiscoveryInvalid { reason: reason.into() }
}
