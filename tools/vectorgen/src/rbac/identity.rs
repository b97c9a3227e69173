//! Who a session is and who may judge it. Identity: a token is matched to the policy's users by
//! username only. Provenance: a session verified by one Authorizer is judged by another only
//! for its own identity, and is foreign to an Authorizer of another issuer, client or secret.

use super::checks::{allow, deny, error, ui};
use super::fixtures::{one_tenant_policy, user_binding, viewer_role, yaml};
use super::{Scenarios, alice};
use serde_json::json;

pub fn add(s: &mut Scenarios) {
    // Identity: a token is matched to policy users by username only.
    let owner_policy = json!({"model": "v2", "tenants": {"main": {
        "roles": [{"id": "admin", "permissions": {"FLOW": ["VIEW", "DELETE"]}}, viewer_role()],
        "groups": [{"id": "g-ops", "name": "ops"}, {"id": "ops", "name": "shadow"}],
        "users": [
            {"id": "u-root", "username": "root@example.com", "superAdmin": true},
            {"id": "u-boss", "username": "boss@example.com", "email": "boss@example.com"},
            {"id": "u-alice", "username": "alice@example.com", "email": "alice.other@example.com"},
        ],
        "bindings": [
            {"type": "USER", "externalId": "u-boss", "roleId": "admin"},
            {"type": "USER", "externalId": "u-alice", "roleId": "viewer"},
            {"type": "USER", "externalId": "ext-carol", "roleId": "admin"},
            {"type": "GROUP", "externalId": "g-ops", "roleId": "admin", "namespaceId": "ops"},
        ],
    }}});
    for (who, what) in [
        ("u-root", "a user id (the instance owner's)"),
        ("u-boss", "a user id with bindings"),
        ("ext-carol", "a binding externalId"),
        ("g-ops", "a group id"),
        ("ops", "a group name"),
        ("alice.other@example.com", "another user's email"),
        ("BOSS@example.com", "a username in other case"),
    ] {
        s.add(
            &format!("identity: a username equal to {what} is nobody"),
            "",
            owner_policy.clone(),
            json!({}),
            json!({"email": who}),
            None,
            vec![
                deny("FLOW", "DELETE", Some("ops"), "DENIED_NO_TENANT_ACCESS"),
                deny("TENANT", "VIEW", None, "DENIED_INSTANCE_OWNER_ONLY"),
                ui("hasAnyRole", &[], false),
            ],
        );
    }
    s.add(
        "identity: the username finds the user, the user id finds the bindings",
        "",
        owner_policy.clone(),
        json!({}),
        json!({"email": "boss@example.com"}),
        None,
        vec![allow("FLOW", "DELETE", Some("x")), ui("hasAnyRole", &[], true)],
    );
    s.add(
        "identity: a token group equal to another group's id matches by name first",
        yaml::GROUPS_CLAIM,
        owner_policy.clone(),
        json!({}),
        json!({"email": "dave@example.com", "groups": ["ops"]}),
        None,
        // "ops" is g-ops's name and the id of group "shadow": the name wins, whatever the order.
        vec![
            allow("FLOW", "DELETE", Some("ops.team")),
            deny("FLOW", "DELETE", Some("x"), "DENIED_NAMESPACE_NOT_COVERED"),
        ],
    );
    s.add(
        "identity: requireVerifiedEmail takes a verified email",
        "",
        owner_policy.clone(),
        json!({"requireVerifiedEmail": true}),
        json!({"email": "boss@example.com", "email_verified": true}),
        None,
        vec![allow("FLOW", "DELETE", Some("x"))],
    );

    // Provenance: a session judged by another Authorizer.
    let alice_viewer = one_tenant_policy("v2", json!([viewer_role()]), json!([user_binding("viewer", None)]));
    let bob_admin = json!({"model": "v2", "tenants": {"main": {
        "roles": [{"id": "admin", "permissions": {"FLOW": ["VIEW", "DELETE"]}}],
        "users": [{"id": "u-bob", "username": "bob@example.com"}, {"id": "u-alice", "username": "alice@example.com"}],
        "bindings": [{"type": "USER", "externalId": "u-bob", "roleId": "admin"}],
    }}});
    s.add(
        "provenance: a reloaded policy judges a live session for its own identity",
        "",
        alice_viewer.clone(),
        json!({"judgedBy": {"policy": bob_admin.clone()}}),
        alice(),
        None,
        vec![
            // alice is listed in the new policy, with no binding: bob's admin binding is not hers.
            deny("FLOW", "DELETE", Some("x"), "DENIED_NO_GRANT"),
            deny("FLOW", "VIEW", Some("x"), "DENIED_NO_GRANT"),
            json!({"kind": "allowedNamespaces", "args": ["FLOW", "DELETE"], "expect": {"everywhere": false, "namespaces": []}}),
            json!({"kind": "matrixCells", "args": ["x"], "expect": {"FLOW:DELETE": false, "FLOW:VIEW": false}}),
        ],
    );
    s.add(
        "provenance: a session verified for another client id is foreign",
        "",
        alice_viewer.clone(),
        json!({"judgedBy": {"clientId": "other-client"}}),
        alice(),
        None,
        vec![
            error("FLOW", "VIEW", Some("x"), None, "ERR_SESSION_FOREIGN"),
            json!({"kind": "allowedNamespaces", "args": ["FLOW", "VIEW"], "expect": {"error": "ERR_SESSION_FOREIGN"}}),
        ],
    );
    s.add(
        "provenance: a session verified with another secret is foreign",
        "",
        alice_viewer.clone(),
        json!({"judgedBy": {"clientSecret": "f".repeat(64)}}),
        alice(),
        None,
        vec![error("FLOW", "VIEW", Some("x"), None, "ERR_SESSION_FOREIGN")],
    );
    s.add(
        "provenance: a session verified for another issuer is foreign",
        "",
        alice_viewer.clone(),
        json!({"judgedBy": {"issuer": "https://sso.example.com/application/o/other/"}}),
        alice(),
        None,
        vec![error("FLOW", "VIEW", Some("x"), None, "ERR_SESSION_FOREIGN")],
    );
    s.add(
        "provenance: a judge that requires a verified email refuses an unverified session",
        "",
        alice_viewer.clone(),
        json!({"judgedBy": {"requireVerifiedEmail": true}}),
        json!({"email": "alice@example.com", "email_verified": false}),
        None,
        vec![error(
            "FLOW",
            "VIEW",
            Some("x"),
            None,
            "ERR_JWT_CLAIM_VALIDATION_FAILED",
        )],
    );
}
