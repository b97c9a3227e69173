//! What a user gets without a binding of their own: the groups the token names (with
//! `groups-claim-path` set they are the user's groups, and membership gives tenant access),
//! the tenant's first-login roles (`isDefault`, else the configured `defaultRole`), and a CRUD
//! default role read through Kestra's migration table, as an upgraded 2.0 server reads it.

use super::checks::{allow, deny, request, ui};
use super::fixtures::{one_tenant_policy, viewer_role, yaml};
use super::{Scenarios, alice};
use serde_json::{Value, json};

pub fn add(s: &mut Scenarios) {
    // With `groups-claim-path` set, the token's groups are the user's groups.
    let groups_policy = json!({"model": "v2", "tenants": {"main": {
        "roles": [viewer_role(), {"id": "editor", "permissions": {"FLOW": ["UPDATE"]}}],
        "groups": [{"id": "g1", "name": "data-team"}, {"id": "g2", "name": "editors"}],
        "users": [{"id": "u-alice", "username": "alice@example.com", "groups": ["g2"]}],
        "bindings": [
            {"type": "GROUP", "externalId": "g1", "roleId": "viewer"},
            {"type": "GROUP", "externalId": "g2", "roleId": "editor"},
        ],
    }}});
    s.add(
        "groups-claim-path: the token's groups replace the policy's memberships",
        yaml::GROUPS_CLAIM,
        groups_policy.clone(),
        json!({}),
        json!({"email": "alice@example.com", "groups": ["data-team"]}),
        None,
        vec![
            allow("FLOW", "VIEW", Some("x")),
            deny("FLOW", "UPDATE", Some("x"), "DENIED_NO_GRANT"),
        ],
    );
    s.add(
        "without groups-claim-path the policy's memberships stand",
        "",
        groups_policy.clone(),
        json!({}),
        json!({"email": "alice@example.com", "groups": ["data-team"]}),
        None,
        vec![
            allow("FLOW", "UPDATE", Some("x")),
            deny("FLOW", "VIEW", Some("x"), "DENIED_NO_GRANT"),
        ],
    );
    s.add(
        "a token group gives an unlisted user tenant access (2.0)",
        yaml::GROUPS_CLAIM,
        groups_policy.clone(),
        json!({}),
        json!({"email": "erin@example.com", "groups": ["data-team"]}),
        None,
        vec![allow("FLOW", "VIEW", Some("x")), ui("hasAnyRole", &[], true)],
    );

    // `isDefault` roles are first-login roles; the tenant's own wins over the configuration's.
    let default_policy = json!({"model": "v2", "tenants": {
        "main": {
            "roles": [viewer_role(), {"id": "starter", "name": "Starter", "isDefault": true, "permissions": {"KVSTORE": ["VIEW"]}}],
            "users": [{"id": "u-alice", "username": "alice@example.com"}],
        },
        "other": {"roles": [viewer_role()]},
    }});
    s.add(
        "isDefault roles are first-login roles; the configuration's defaultRole elsewhere",
        "kestra.security.defaultRole:\n  name: cfg\n  permissions:\n    FLOW: [VIEW]\n",
        default_policy.clone(),
        json!({}),
        json!({"email": "new@example.com"}),
        None,
        vec![
            request(
                "KVSTORE",
                "VIEW",
                Some("x"),
                Some("main"),
                json!({"allowed": true, "code": "ALLOWED", "reasons": [{"via": "default-role", "role": "starter", "roleName": "Starter", "binding": null, "namespace": null, "group": null, "tenant": "main"}]}),
            ),
            request(
                "FLOW",
                "VIEW",
                Some("x"),
                Some("main"),
                json!({"allowed": false, "code": "DENIED_NO_GRANT"}),
            ),
            request(
                "FLOW",
                "VIEW",
                Some("x"),
                Some("other"),
                json!({"allowed": true, "code": "ALLOWED"}),
            ),
            request(
                "KVSTORE",
                "VIEW",
                Some("x"),
                Some("other"),
                json!({"allowed": false, "code": "DENIED_NO_GRANT"}),
            ),
        ],
    );
    s.add(
        "isDefault roles do not apply to users the policy knows",
        "",
        default_policy.clone(),
        json!({}),
        alice(),
        None,
        vec![request(
            "KVSTORE",
            "VIEW",
            Some("x"),
            Some("main"),
            json!({"allowed": false, "code": "DENIED_NO_GRANT"}),
        )],
    );
    s.add(
        "defaultRole: ~ is no default role",
        "kestra.security.defaultRole: ~\n",
        Value::Null,
        json!({}),
        json!({"email": "new@example.com"}),
        None,
        vec![
            ui("hasAnyRole", &[], false),
            deny("FLOW", "READ", Some("x"), "DENIED_NO_TENANT_ACCESS"),
        ],
    );

    // A CRUD default role in a 2.0 policy reads through the migration table.
    s.add(
        "a CRUD default role in a 2.0 policy is expanded as Kestra's migration does",
        "kestra.security.defaultRole:\n  name: viewer\n  permissions:\n    FLOW: [READ]\n    NAMESPACE: [UPDATE]\n",
        one_tenant_policy("v2", json!([viewer_role()]), json!([])),
        json!({}),
        json!({"email": "new@example.com"}),
        None,
        vec![
            allow("FLOW", "VIEW", Some("x")),
            allow("FLOW", "LIST", Some("x")),
            allow("FLOW", "EXPORT", Some("x")),
            allow("NAMESPACE", "MANAGE_FILES", Some("x")),
            deny("TRIGGER", "VIEW", Some("x"), "DENIED_NO_GRANT"),
            deny("FLOW", "UPDATE", Some("x"), "DENIED_NO_GRANT"),
        ],
    );
}
