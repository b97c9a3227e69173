//! Helpers for RBAC tests: an authorizer for a policy and sessions for verified HS256 tokens.
#![allow(dead_code)]

pub mod rbac_fixtures;

use kestra_authz::{Authorizer, AuthorizerOptions, Session, VerifyOptions};
// Each test binary uses some of them (dead_code, allowed above, does not cover re-exports).
#[allow(unused_imports)]
pub use rbac_fixtures::{CLIENT_ID, ISSUER, NOW, SECRET};
use rbac_fixtures::{authorizer_options, id_token_claims, merge};
use serde_json::{Value, json};

/// An authorizer over `yaml` (may be empty) and `policy` (may be null), keyed for HS256.
pub fn authz_with(yaml: &str, policy: Value, extra: Value) -> Authorizer {
    let options = authorizer_options(yaml, policy, extra);
    Authorizer::new(AuthorizerOptions::from_json(&options).unwrap()).unwrap()
}

pub fn authz(policy: Value) -> Authorizer {
    authz_with("", policy, json!({}))
}

/// A signed ID token for `email` with extra claims.
pub fn token(email: &str, extra: Value) -> String {
    let mut claims = id_token_claims(&format!("sub-{email}"), json!({"email": email}));
    merge(&mut claims, extra);
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
    )
    .unwrap()
}

pub fn session_in(authz: &Authorizer, email: &str, extra: Value, tenant: Option<&str>) -> Session {
    let (now, options) = VerifyOptions::from_json(&json!({"now": NOW, "tenant": tenant}), None).unwrap();
    authz.verify_id_token(&token(email, extra), now, &options).unwrap()
}

pub fn session(authz: &Authorizer, email: &str) -> Session {
    session_in(authz, email, json!({}), None)
}

/// Applies one change `explain` suggests to a policy document; an error when it cannot be
/// applied as written (a change of the token or of the configuration, or one naming what the
/// policy lacks).
pub fn apply_change(policy: &mut Value, change: &Value) -> Result<(), String> {
    let kind = change["type"].as_str().unwrap();
    if kind == "CARRY_GROUP" {
        return Err("CARRY_GROUP changes the token, not the policy".into());
    }
    if kind == "MAKE_INSTANCE_OWNER" {
        let mut found = false;
        for (_, t) in policy["tenants"].as_object_mut().unwrap() {
            for u in t["users"].as_array_mut().into_iter().flatten() {
                if u["username"] == change["username"] {
                    u["superAdmin"] = json!(true);
                    found = true;
                }
            }
        }
        return if found {
            Ok(())
        } else {
            Err(format!(
                "MAKE_INSTANCE_OWNER: no user named {} in the policy",
                change["username"]
            ))
        };
    }
    let tenant = change["tenant"]
        .as_str()
        .ok_or_else(|| format!("{kind}: no tenant (configuration change)"))?
        .to_owned();
    if policy["tenants"][&tenant].is_null() {
        policy["tenants"][&tenant] = json!({});
    }
    let t = &mut policy["tenants"][&tenant];
    for list in ["roles", "groups", "users", "bindings"] {
        if t[list].is_null() {
            t[list] = json!([]);
        }
    }
    match kind {
        "BIND_ROLE" => t["bindings"].as_array_mut().unwrap().push(json!({
            "type": change["subject"]["type"], "externalId": change["subject"]["id"],
            "roleId": change["role"], "namespaceId": change["namespace"],
        })),
        "ADD_ACTION" => {
            let role = t["roles"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|r| r["id"] == change["role"])
                .ok_or("ADD_ACTION: no such role")?;
            let p = change["permission"].as_str().unwrap();
            if role["permissions"][p].is_null() {
                role["permissions"][p] = json!([]);
            }
            role["permissions"][p]
                .as_array_mut()
                .unwrap()
                .push(change["action"].clone());
        }
        "CREATE_ROLE" => t["roles"].as_array_mut().unwrap().push(json!({
            "id": change["role"], "permissions": {change["permission"].as_str().unwrap(): [change["action"]]},
        })),
        "ADD_TO_GROUP" => {
            let user = t["users"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|u| u["username"] == change["username"])
                .ok_or_else(|| format!("ADD_TO_GROUP: {} is not a user of tenant {tenant}", change["username"]))?;
            if user["groups"].is_null() {
                user["groups"] = json!([]);
            }
            user["groups"].as_array_mut().unwrap().push(change["group"].clone());
        }
        "ADD_USER" => t["users"].as_array_mut().unwrap().push(json!({
            "id": change["id"], "username": change["username"], "groups": [],
        })),
        other => return Err(format!("unknown change {other}")),
    }
    Ok(())
}
