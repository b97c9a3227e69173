//! Options as a JS host writes them (camelCase JSON), turned into the typed Rust options.
//! The JS bindings and the native vector runner both go through here, so a host's options
//! mean the same on every target.

use crate::authorizer::AuthorizerOptions;
use crate::config::KestraConfig;
use crate::error::{Error, Result, shorten};
use crate::rbac::{ModelChoice, PolicyInput, RbacOptions};
use crate::time::{MAX_SAFE_SECONDS, UnixTime};
use crate::token::alg::Alg;
use crate::token::{Discovery, Jwks, VerifyOptions};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawAuthorizerOptions {
    // Documents are read from the options object in place (`document`), not copied out; here
    // they are only allowed members.
    #[serde(rename = "kestraConfig")]
    _kestra_config: Option<IgnoredAny>,
    #[serde(rename = "jwks")]
    _jwks: Option<IgnoredAny>,
    #[serde(rename = "discovery")]
    _discovery: Option<IgnoredAny>,
    client: Option<String>,
    issuer: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    algorithms: Option<Vec<String>>,
    trusted_audiences: Option<Vec<String>>,
    clock_tolerance: Option<f64>,
    max_token_lifetime: Option<f64>,
    max_token_size: Option<f64>,
    #[serde(rename = "policy")]
    _policy: Option<IgnoredAny>,
    model: Option<String>,
    username_claim: Option<String>,
    default_tenant: Option<String>,
    token_cache_size: Option<f64>,
    placeholders: Option<std::collections::BTreeMap<String, String>>,
    require_verified_email: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawVerifyOptions {
    now: Option<f64>,
    nonce: Option<String>,
    access_token: Option<String>,
    code: Option<String>,
    max_age: Option<f64>,
    tenant: Option<String>,
}

fn parse<T: for<'de> Deserialize<'de>>(value: &Value, what: &'static str) -> Result<T> {
    T::deserialize(value).map_err(|e| Error::OptionInvalid {
        option: what,
        reason: shorten(&e.to_string()),
    })
}

/// A whole number in `0..=max` from a JSON number.
fn whole(value: Option<f64>, option: &'static str, max: f64) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && (0.0..=max).contains(&v) && v.fract() == 0.0 => Ok(Some(v as u64)),
        Some(_) => Err(Error::OptionInvalid {
            option,
            reason: format!("must be a whole number between 0 and {}", max as u64),
        }),
    }
}

/// A document given either as JSON text or as an already parsed object.
fn document<T>(
    value: Option<&Value>,
    text: impl FnOnce(&str) -> Result<T>,
    object: impl FnOnce(&Value) -> Result<T>,
) -> Result<Option<T>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => text(s).map(Some),
        Some(other) => object(other).map(Some),
    }
}

/// `AuthorizerOptions::from_json`: see there.
pub(crate) fn authorizer_options(value: &Value) -> Result<AuthorizerOptions> {
    if !value.is_object() {
        return Err(Error::OptionInvalid {
            option: "options",
            reason: "pass an object such as { kestraConfig, jwks }".into(),
        });
    }
    let raw: RawAuthorizerOptions = parse(value, "options")?;
    let algorithms = match raw.algorithms {
        None => None,
        Some(names) => Some(
            names
                .iter()
                .map(|name| {
                    Alg::parse(name).ok_or_else(|| Error::OptionInvalid {
                        option: "algorithms",
                        reason: format!("unknown or forbidden algorithm \"{}\"", shorten(name)),
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        ),
    };
    let placeholders = raw.placeholders.unwrap_or_default();
    Ok(AuthorizerOptions {
        kestra_config: document(
            value.get("kestraConfig"),
            |text| KestraConfig::parse_with(text, &placeholders),
            |object| KestraConfig::from_json_with(object, &placeholders),
        )?,
        jwks: document(value.get("jwks"), Jwks::parse, Jwks::from_json)?,
        discovery: document(value.get("discovery"), Discovery::parse, Discovery::from_json)?,
        client: raw.client,
        issuer: raw.issuer,
        client_id: raw.client_id,
        client_secret: raw.client_secret,
        algorithms,
        trusted_audiences: raw.trusted_audiences.unwrap_or_default(),
        clock_tolerance: whole(raw.clock_tolerance, "clockTolerance", f64::from(u32::MAX))?.map(|v| v as u32),
        max_token_lifetime: whole(raw.max_token_lifetime, "maxTokenLifetime", MAX_SAFE_SECONDS)?,
        max_token_size: whole(raw.max_token_size, "maxTokenSize", f64::from(u32::MAX))?.map(|v| v as usize),
        policy: document(
            value.get("policy"),
            |text| PolicyInput::parse(text).map(PolicyInput::into_owned),
            PolicyInput::from_json,
        )?,
        token_cache_size: whole(raw.token_cache_size, "tokenCacheSize", f64::from(u32::MAX))?.map(|v| v as usize),
        rbac: RbacOptions {
            model: model_choice(raw.model.as_deref())?,
            username_claim: raw.username_claim,
            default_tenant: raw.default_tenant,
            require_verified_email: raw.require_verified_email.unwrap_or(false),
        },
    })
}

fn model_choice(name: Option<&str>) -> Result<Option<ModelChoice>> {
    match name {
        None | Some("auto") => Ok(None),
        Some("crud") | Some("v1") => Ok(Some(ModelChoice::Crud)),
        Some("v2") => Ok(Some(ModelChoice::V2)),
        Some(_) => Err(Error::OptionInvalid {
            option: "model",
            reason: "must be \"auto\", \"crud\" or \"v2\"".into(),
        }),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(not(feature = "audit"), allow(dead_code))]
struct RawPolicySetup {
    #[serde(rename = "kestraConfig")]
    _kestra_config: Option<IgnoredAny>,
    model: Option<String>,
    username_claim: Option<String>,
    default_tenant: Option<String>,
    placeholders: Option<std::collections::BTreeMap<String, String>>,
}

/// What compiles a policy without verifying tokens (`diffPolicies`): `{ kestraConfig, model,
/// usernameClaim, defaultTenant, placeholders }`, each optional; unknown members are errors.
#[cfg_attr(not(feature = "audit"), allow(dead_code))]
pub(crate) fn policy_setup(value: &Value) -> Result<(KestraConfig, RbacOptions)> {
    if value.is_null() {
        return Ok((KestraConfig::default(), RbacOptions::default()));
    }
    if !value.is_object() {
        return Err(Error::OptionInvalid {
            option: "options",
            reason: "pass an object such as { kestraConfig, model }".into(),
        });
    }
    let raw: RawPolicySetup = parse(value, "options")?;
    let placeholders = raw.placeholders.unwrap_or_default();
    let config = document(
        value.get("kestraConfig"),
        |text| KestraConfig::parse_with(text, &placeholders),
        |object| KestraConfig::from_json_with(object, &placeholders),
    )?;
    Ok((
        config.unwrap_or_default(),
        RbacOptions {
            model: model_choice(raw.model.as_deref())?,
            username_claim: raw.username_claim,
            default_tenant: raw.default_tenant,
            require_verified_email: false,
        },
    ))
}

/// `VerifyOptions::from_json`: see there.
pub(crate) fn verify_options(value: &Value, default_now: Option<f64>) -> Result<(UnixTime, VerifyOptions)> {
    let raw: RawVerifyOptions = match value {
        Value::Null => RawVerifyOptions {
            now: None,
            nonce: None,
            access_token: None,
            code: None,
            max_age: None,
            tenant: None,
        },
        _ => parse(value, "verifyIdToken options")?,
    };
    let now = raw.now.or(default_now).ok_or_else(|| Error::OptionInvalid {
        option: "now",
        reason: "the current time is required (the core reads no clock)".into(),
    })?;
    let now = UnixTime::from_seconds(now)?;
    let options = VerifyOptions {
        nonce: raw.nonce,
        access_token: raw.access_token,
        code: raw.code,
        max_age: whole(raw.max_age, "maxAge", MAX_SAFE_SECONDS)?,
        tenant: raw.tenant,
    };
    Ok((now, options))
}
