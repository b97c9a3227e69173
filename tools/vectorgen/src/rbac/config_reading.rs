//! The configuration read as SnakeYAML reads it: merge keys, placeholders resolved from the
//! host's values, YAML 1.1 booleans.

use super::checks::{deny, request};
use super::fixtures::{one_tenant_policy, user_binding, viewer_role};
use super::{Scenarios, alice};
use serde_json::{Value, json};

pub fn add(s: &mut Scenarios) {
    let only_in_main = || {
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
                json!({"allowed": false, "code": "DENIED_NO_TENANT_ACCESS"}),
            ),
        ]
    };
    s.add(
        "YAML merge keys: a merged tenant-id restricts the default role",
        "base: &base\n  tenant-id: main\nkestra.security.defaultRole:\n  <<: *base\n  name: viewer\n  permissions:\n    FLOW: [READ]\n",
        Value::Null,
        json!({}),
        json!({"email": "new@example.com"}),
        None,
        only_in_main(),
    );
    s.add(
        "placeholders resolved from the host's values restrict the default role",
        "kestra.security.defaultRole:\n  name: viewer\n  tenant-id: ${KESTRA_TENANT}\n  permissions:\n    FLOW: [READ]\n",
        Value::Null,
        json!({"placeholders": {"KESTRA_TENANT": "main"}}),
        json!({"email": "new@example.com"}),
        None,
        only_in_main(),
    );
    s.add(
        "YAML 1.1: on and yes are true, as SnakeYAML reads them",
        "kestra:\n  ee:\n    tenants:\n      enabled: on\n      defaultTenant: no\n",
        one_tenant_policy("v2", json!([viewer_role()]), json!([user_binding("viewer", None)])),
        json!({}),
        alice(),
        None,
        vec![deny("FLOW", "VIEW", Some("x"), "DENIED_TENANT_REQUIRED")],
    );
}
