//! The audit answers, so that every host gives the same ones byte for byte: `explain` (the
//! decision and its suggestions), `whoCan` and `diffPolicies`.

use super::checks::{diff, explain, who_can};
use super::fixtures::{ALICE, one_tenant_policy, user_binding};
use super::{Scenarios, alice};
use serde_json::{Value, json};

fn editor_policy(namespace: &str) -> Value {
    let roles = json!([
        {"id": "editor", "permissions": {"FLOW": ["READ", "UPDATE"]}},
        {"id": "viewer", "permissions": {"FLOW": ["READ"], "BLUEPRINT": ["CREATE"]}},
    ]);
    let bindings = json!([
        {"id": "b1", "type": "USER", "externalId": "u-alice", "roleId": "editor", "namespaceId": namespace},
        {"id": "b2", "type": "USER", "externalId": "u-alice", "roleId": "viewer", "namespaceId": "company"},
        {"id": "b3", "type": "GROUP", "externalId": "g1", "roleId": "editor", "namespaceId": "ops"},
    ]);
    one_tenant_policy("crud", roles, bindings)
}

pub fn add(s: &mut Scenarios) {
    let denied =
        |code: &str| json!({"allowed": false, "code": code, "reasons": [], "moreReasons": 0, "tenant": "main"});
    let mut stranger_policy = one_tenant_policy(
        "v2",
        json!([{"id": "default", "permissions": {"FLOW": ["VIEW"]}, "isDefault": true}]),
        json!([user_binding("default", Some("x"))]),
    );
    stranger_policy["tenants"]["main"]["groups"] = json!([{"id": "g1", "name": "data-team"}]);
    let moved = {
        let mut p = editor_policy("company.team");
        p["tenants"]["main"]["bindings"][0]["namespaceId"] = json!("company");
        p["tenants"]["main"]["roles"][1]["permissions"]["FLOW"] = json!(["READ", "DELETE"]);
        p
    };
    s.add(
        "audit: explain, who can and a policy diff agree in every host",
        "",
        editor_policy("company.team"),
        json!({}),
        alice(),
        None,
        vec![
            explain("FLOW", "UPDATE", Some("company.teamx"), denied("DENIED_NAMESPACE_NOT_COVERED")),
            explain("FLOW", "DELETE", Some("company.team"), denied("DENIED_NO_GRANT")),
            explain("BLUEPRINT", "CREATE", Some("company"), denied("DENIED_GLOBAL_ONLY")),
            explain("SECRET", "READ", None, denied("DENIED_NO_GRANT")),
            who_can("FLOW", "UPDATE", Some("company.team.x"), json!({"tenant": "main", "defaultRole": null})),
            who_can("FLOW", "UPDATE", Some("ops"), json!({"users": [{"id": "u-alice", "username": ALICE, "reasons": [
                {"via": "group", "role": "editor", "roleName": "editor", "binding": "b3", "namespace": "ops", "group": "g1", "tenant": "main"}], "moreReasons": 0}]})),
            diff(editor_policy("company.team"), moved.clone(), json!({"model": "crud"})),
            diff(editor_policy("company.team"), editor_policy("company.team"), json!({"model": "crud", "changes": []})),
            diff(moved, json!({"model": "v2", "tenants": {}}), json!({"error": "ERR_OPTION_INVALID"})),
        ],
    );
    // Many applying grants: the four most specific, deepest first, and the count of the rest.
    let mut many = vec![
        user_binding("editor", None),
        json!({"type": "GROUP", "externalId": "g1", "roleId": "editor", "namespaceId": "company.team.a"}),
        user_binding("editor", Some("company")),
        user_binding("editor", Some("company.team")),
        user_binding("editor", Some("company.team.a")),
    ];
    many.extend((0..6).map(|_| user_binding("editor", Some("company"))));
    let reason = |via: &str, binding: &str, namespace: &str| {
        json!({"via": via, "role": "editor", "roleName": "editor", "binding": binding, "namespace": namespace,
            "group": if via == "group" { json!("g1") } else { Value::Null }, "tenant": "main"})
    };
    s.add(
        "authorize: the four most specific reasons, and how many more apply",
        "",
        one_tenant_policy(
            "crud",
            json!([{"id": "editor", "permissions": {"FLOW": ["READ", "UPDATE"]}}]),
            Value::Array(many),
        ),
        json!({}),
        alice(),
        None,
        vec![
            super::checks::request(
                "FLOW",
                "UPDATE",
                Some("company.team.a.b"),
                None,
                json!({"allowed": true, "code": "ALLOWED", "moreReasons": 7, "reasons": [
                    reason("user", "#4", "company.team.a"),
                    reason("group", "#1", "company.team.a"),
                    reason("user", "#3", "company.team"),
                    reason("user", "#2", "company"),
                ]}),
            ),
            super::checks::request(
                "FLOW",
                "READ",
                Some("elsewhere"),
                None,
                json!({"allowed": true, "moreReasons": 0, "reasons": [
                    {"via": "user", "role": "editor", "roleName": "editor", "binding": "#0", "namespace": null, "group": null, "tenant": "main"}]}),
            ),
        ],
    );
    s.add(
        "audit: a user the policy does not list is told about the first-login role",
        "",
        stranger_policy,
        json!({}),
        json!({"email": "stranger@example.com"}),
        None,
        vec![
            explain("FLOW", "DELETE", Some("x"), denied("DENIED_NO_GRANT")),
            explain("TENANT", "VIEW", None, denied("DENIED_INSTANCE_OWNER_ONLY")),
            who_can(
                "FLOW",
                "VIEW",
                Some("y"),
                json!({"defaultRole": {"id": "default", "name": "default"}}),
            ),
        ],
    );
}
