//! The authentik guide end to end (its YAML, no policy: every permission of its default role
//! with every CRUD action), the default role for users the policy does not list (row 33), and
//! how a request finds its tenant.

use super::checks::{allow, deny, request, ui};
use super::fixtures::{
    CLIENT_ID, GUIDE_ROLE_PERMISSIONS, ISSUER, SECRET, guide_yaml, one_tenant_policy, user_binding, yaml,
};
use super::{Scenarios, alice};
use serde_json::{Value, json};

pub fn add(s: &mut Scenarios) {
    // The guide: its YAML, no policy, every permission of its default role x CRUD.
    let mut checks = Vec::new();
    for p in GUIDE_ROLE_PERMISSIONS {
        for a in ["CREATE", "READ", "UPDATE", "DELETE"] {
            checks.push(request(
                p,
                a,
                Some("company.team"),
                Some("main"),
                json!({"allowed": true, "code": "ALLOWED"}),
            ));
            checks.push(request(
                p,
                a,
                Some("company.team"),
                None,
                json!({"allowed": false, "code": "DENIED_TENANT_REQUIRED"}),
            ));
        }
    }
    checks.push(request(
        "DASHBOARD",
        "READ",
        None,
        Some("main"),
        json!({"allowed": false, "code": "DENIED_NO_GRANT"}),
    ));
    s.add(
        "the authentik guide: default role in every tenant, tenant required",
        &guide_yaml(CLIENT_ID, SECRET, ISSUER),
        Value::Null,
        json!({"issuer": null, "clientId": null, "clientSecret": null}),
        json!({"email": "new@example.com"}),
        None,
        checks,
    );

    s.add(
        "row 33: the default role for users the policy does not know",
        yaml::DEFAULT_VIEWER,
        one_tenant_policy(
            "crud",
            json!([{"id": "r", "permissions": {"KVSTORE": ["READ"]}}]),
            json!([user_binding("r", None)]),
        ),
        json!({}),
        json!({"email": "new@example.com"}),
        None,
        vec![
            request(
                "FLOW",
                "READ",
                Some("x"),
                Some("main"),
                json!({"allowed": true, "code": "ALLOWED"}),
            ),
            request(
                "FLOW",
                "READ",
                Some("x"),
                Some("other"),
                json!({"allowed": true, "code": "ALLOWED"}),
            ),
            deny("KVSTORE", "READ", Some("x"), "DENIED_NO_GRANT"),
        ],
    );
    s.add(
        "row 33: a listed user has exactly the listed bindings",
        yaml::DEFAULT_VIEWER,
        one_tenant_policy(
            "crud",
            json!([{"id": "r", "permissions": {"KVSTORE": ["READ"]}}]),
            json!([user_binding("r", None)]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            deny("FLOW", "READ", Some("x"), "DENIED_NO_GRANT"),
            allow("KVSTORE", "READ", Some("x")),
        ],
    );
    s.add(
        "the default role's tenant-id",
        yaml::DEFAULT_VIEWER_IN_MAIN,
        Value::Null,
        json!({}),
        json!({"email": "new@example.com"}),
        None,
        vec![
            request(
                "FLOW",
                "READ",
                None,
                Some("main"),
                json!({"allowed": true, "code": "ALLOWED"}),
            ),
            request(
                "FLOW",
                "READ",
                None,
                Some("other"),
                json!({"allowed": false, "code": "DENIED_NO_TENANT_ACCESS"}),
            ),
        ],
    );
    s.add(
        "fallbackTenant routes requests without a tenant",
        &yaml::fallback_tenant(),
        Value::Null,
        json!({}),
        alice(),
        None,
        vec![allow("FLOW", "READ", None)],
    );
    s.add(
        "the session's tenant",
        &yaml::tenant_required(),
        Value::Null,
        json!({}),
        alice(),
        Some("main"),
        vec![
            allow("FLOW", "READ", Some("x")),
            ui("isAllowed", &["FLOW", "READ", "x"], true),
        ],
    );
}
