//! Names as Kestra accepts them: namespaces, permissions and actions, and the claims that name
//! a user and their groups; requests naming what does not exist are errors, not denials; and
//! the permission matrix over those names.

use super::checks::{allow, deny, error};
use super::fixtures::{one_tenant_policy, user_binding, username_and_groups_policy, viewer_role, yaml};
use super::{Scenarios, alice};
use serde_json::json;

pub fn add(s: &mut Scenarios) {
    s.add(
        "namespaces Kestra creates: empty segments, a trailing dot, 75 segments",
        "",
        one_tenant_policy(
            "v2",
            json!([viewer_role()]),
            json!([user_binding("viewer", Some("company."))]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("FLOW", "VIEW", Some("company.")),
            allow("FLOW", "VIEW", Some("company..team")),
            deny("FLOW", "VIEW", Some("company.team"), "DENIED_NAMESPACE_NOT_COVERED"),
            deny("FLOW", "VIEW", Some("company"), "DENIED_NAMESPACE_NOT_COVERED"),
            deny("FLOW", "VIEW", Some(&"a.".repeat(75)), "DENIED_NAMESPACE_NOT_COVERED"),
            error("FLOW", "VIEW", Some(&"a".repeat(151)), None, "ERR_NAMESPACE_INVALID"),
        ],
    );
    s.add(
        "every name of Kestra 2.0's lists loads",
        "",
        one_tenant_policy(
            "v2",
            json!([{"id": "all", "permissions": {
                "APP_EXECUTION": ["VIEW"], "NAMESPACE_FILE": ["VIEW"], "TESTSUITE_RUN": ["VIEW"],
                "SECURITY_INTEGRATION": ["VIEW"], "TENANT_ACCESS": ["VIEW"], "ASSET": ["LOCK", "UNLOCK"],
                "NAMESPACE": ["EXPORT_PLUGIN_DEFAULTS"],
            }}]),
            json!([user_binding("all", None)]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("APP_EXECUTION", "VIEW", Some("x")),
            allow("NAMESPACE_FILE", "VIEW", Some("x")),
            allow("TESTSUITE_RUN", "VIEW", Some("x")),
            allow("SECURITY_INTEGRATION", "VIEW", None),
            allow("TENANT_ACCESS", "VIEW", None),
            allow("ASSET", "LOCK", Some("x")),
            error(
                "NAMESPACE",
                "EXPORT_PLUGIN_DEFAULTS",
                Some("x"),
                None,
                "ERR_UNKNOWN_ACTION",
            ),
        ],
    );
    let mapping = username_and_groups_policy();
    s.add(
        "usernameClaim and groups-claim-path by name and id",
        yaml::REALM_GROUPS_CLAIM,
        mapping.clone(),
        json!({"usernameClaim": "preferred_username"}),
        json!({"preferred_username": "alice", "realm": {"groups": ["data-team", "g-ops", "unknown"]}}),
        None,
        vec![allow("FLOW", "READ", None), allow("KVSTORE", "READ", None)],
    );
    s.add(
        "without groups-claim-path the token's groups do not count",
        "",
        mapping.clone(),
        json!({"usernameClaim": "preferred_username"}),
        json!({"preferred_username": "alice", "groups": ["data-team"]}),
        None,
        vec![deny("FLOW", "READ", None, "DENIED_NO_GRANT")],
    );
    s.add(
        "no value in the username claim",
        "",
        mapping,
        json!({"usernameClaim": "preferred_username"}),
        json!({}),
        None,
        vec![deny("FLOW", "READ", None, "DENIED_NO_USERNAME")],
    );
    s.add(
        "bad requests are errors",
        "",
        one_tenant_policy(
            "crud",
            json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
            json!([user_binding("r", None)]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            error("FLOWS", "READ", None, None, "ERR_UNKNOWN_PERMISSION"),
            error("FLOW", "REED", None, None, "ERR_UNKNOWN_ACTION"),
            error("FLOW", "KILL", None, None, "ERR_UNKNOWN_ACTION"),
            error("TRIGGER", "READ", None, None, "ERR_UNKNOWN_ACTION"),
            error("TEMPLATE", "VIEW", None, None, "ERR_UNKNOWN_PERMISSION"),
            error("FLOW", "READ", Some("Company"), None, "ERR_NAMESPACE_INVALID"),
            error("FLOW", "READ", Some(".a"), None, "ERR_NAMESPACE_INVALID"),
            error("FLOW", "READ", None, Some("Main!"), "ERR_TENANT_INVALID"),
            error("flow", "READ", None, None, "ERR_UNKNOWN_PERMISSION"),
        ],
    );
    s.add(
        "the matrix, CRUD model",
        "",
        one_tenant_policy(
            "crud",
            json!([{"id": "r", "permissions": {"FLOW": ["READ", "UPDATE"], "SECRET": ["READ"]}}]),
            json!([user_binding("r", Some("company.team"))]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            json!({"kind": "matrixCells", "args": ["company.team.x"], "expect": {"FLOW:READ": true, "FLOW:UPDATE": true, "FLOW:DELETE": false, "SECRET:READ": true, "SECRET:UPDATE": false, "USER:READ": false}}),
            json!({"kind": "matrixCells", "args": ["finance"], "expect": {"FLOW:READ": false, "SECRET:READ": false}}),
        ],
    );
}
