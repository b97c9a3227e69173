//! Options refused when the authorizer is built: a discovery document that disagrees, `none`,
//! a clock tolerance over 300 s, a missing issuer, an unknown option; and the issuer and client
//! named by Kestra's YAML instead of the options.

use super::{Setups, accepted};
use crate::keys::Keys;
use crate::tokens::{CLIENT_ID, ISSUER, err};
use serde_json::json;

pub fn add(s: &mut Setups, k: &Keys) {
    let rsa_key = k.provider_jwk();

    let mut disc_slash = json!({"clientId": CLIENT_ID, "issuer": ISSUER, "jwks": {"keys": [rsa_key.clone()]}});
    disc_slash["discovery"] =
        json!({"issuer": ISSUER.trim_end_matches('/'), "id_token_signing_alg_values_supported": ["RS256"]});
    s.add(
        "discovery issuer without the trailing slash",
        disc_slash,
        err("ERR_DISCOVERY_INVALID"),
    );
    let mut disc_none = json!({"clientId": CLIENT_ID, "issuer": ISSUER, "jwks": {"keys": [rsa_key.clone()]}});
    disc_none["discovery"] = json!({"issuer": ISSUER, "id_token_signing_alg_values_supported": ["none"]});
    s.add("discovery allowing only none", disc_none, err("ERR_CONFIG_INVALID"));
    let mut alg_none = json!({"clientId": CLIENT_ID, "issuer": ISSUER, "jwks": {"keys": [rsa_key.clone()]}});
    alg_none["algorithms"] = json!(["none"]);
    s.add("algorithms option naming none", alg_none, err("ERR_OPTION_INVALID"));
    let mut tolerance = json!({"clientId": CLIENT_ID, "issuer": ISSUER, "jwks": {"keys": [rsa_key.clone()]}});
    tolerance["clockTolerance"] = 301.into();
    s.add("clock tolerance over 300 s", tolerance, err("ERR_OPTION_INVALID"));
    s.add(
        "no issuer",
        json!({"clientId": CLIENT_ID, "jwks": {"keys": [rsa_key.clone()]}}),
        err("ERR_OPTION_INVALID"),
    );
    s.add(
        "unknown option",
        json!({"issuer": ISSUER, "clientId": CLIENT_ID, "jwks": {"keys": [rsa_key.clone()]}, "audience": "x"}),
        err("ERR_OPTION_INVALID"),
    );
    s.add(
        "Kestra YAML names issuer and client",
        json!({"kestraConfig": format!("micronaut:\n  security:\n    oauth2:\n      clients:\n        authentik:\n          client-id: {CLIENT_ID}\n          openid:\n            issuer: {ISSUER}\n"), "jwks": {"keys": [rsa_key.clone()]}}),
        accepted(),
    );
}
