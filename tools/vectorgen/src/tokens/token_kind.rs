//! Tokens that verify but are not ID tokens: access tokens (`azp`, `uid`, `scope`; authentik
//! signs them with the ID token's key, issuer and audience), logout tokens (`events`, `typ`),
//! and the `typ` values accepted.

use super::{CLIENT_ID, Cases, claim_err, claims, ok, rs256, with, without};
use crate::jose::{header, token};
use crate::keys::Keys;
use serde_json::json;

pub fn add(v: &mut Cases, k: &Keys) {
    let (rs, h_rsa) = rs256(k);

    let access = with(
        with(claims(), "azp", json!(CLIENT_ID)),
        "uid",
        json!("3igzUsim6CVjCXldKkiz3mZlrdGgzZfKCwGKdUre"),
    );
    v.add(
        "attack 24",
        "authentik access token as ID token",
        "rsa",
        token(&h_rsa, &access, &rs),
        json!({}),
        claim_err("azp", "access_token"),
    );
    v.add(
        "attack 24",
        "access token with scope",
        "rsa",
        token(
            &h_rsa,
            &with(with(claims(), "azp", json!(CLIENT_ID)), "scope", json!("openid")),
            &rs,
        ),
        json!({}),
        claim_err("azp", "access_token"),
    );
    v.add(
        "attack 24",
        "azp of another client",
        "rsa",
        token(&h_rsa, &with(claims(), "azp", json!("other")), &rs),
        json!({}),
        claim_err("azp", "check_failed"),
    );
    v.add(
        "attack 24",
        "azp equal to the client id",
        "rsa",
        token(&h_rsa, &with(claims(), "azp", json!(CLIENT_ID)), &rs),
        json!({}),
        ok(),
    );
    let logout = with(
        without(claims(), "nonce"),
        "events",
        json!({"http://schemas.openid.net/event/backchannel-logout": {}}),
    );
    v.add(
        "attack 24",
        "logout token typ logout+jwt",
        "rsa",
        token(&with(h_rsa.clone(), "typ", json!("logout+jwt")), &logout, &rs),
        json!({}),
        claim_err("typ", "check_failed"),
    );
    v.add(
        "attack 24",
        "logout token events with typ JWT",
        "rsa",
        token(&h_rsa, &logout, &rs),
        json!({}),
        claim_err("events", "logout_token"),
    );
    v.add(
        "attack 24",
        "typ at+jwt",
        "rsa",
        token(&with(h_rsa.clone(), "typ", json!("at+jwt")), &claims(), &rs),
        json!({}),
        claim_err("typ", "check_failed"),
    );
    v.add(
        "attack 24",
        "typ jwt in lower case",
        "rsa",
        token(&with(h_rsa.clone(), "typ", json!("jwt")), &claims(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 24",
        "typ absent",
        "rsa",
        token(
            &header("RS256", Some("rsa-1"))
                .into_iter()
                .filter(|(k, _)| k != "typ")
                .collect(),
            &claims(),
            &rs,
        ),
        json!({}),
        ok(),
    );
}
