//! The cases of Kestra's RBAC documentation, migration guide and permissions reference a
//! decision engine can answer (numbered rows 1-32): namespace subtrees, tenant-wide and group
//! bindings, scope classes, the Instance Owner, the managed roles, the UI's checks, and both
//! permission models.

use super::checks::{allow, deny, request, ui};
use super::fixtures::{
    group_only_policy, instance_owner_policy, launcher_role, one_tenant_policy, user_binding, viewer_role, yaml,
};
use super::{Scenarios, alice};
use serde_json::json;

pub fn add(s: &mut Scenarios) {
    s.add(
        "rows 1-5: subtree on whole segments (2.0)",
        "",
        one_tenant_policy(
            "v2",
            json!([{"id": "r", "name": "R", "permissions": {"FLOW": ["UPDATE"]}}]),
            json!([user_binding("r", Some("io.acme.data"))]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("FLOW", "UPDATE", Some("io.acme.data.etl")),
            deny("FLOW", "UPDATE", Some("io.acme.datax"), "DENIED_NAMESPACE_NOT_COVERED"),
            deny(
                "FLOW",
                "UPDATE",
                Some("io.acme.finance"),
                "DENIED_NAMESPACE_NOT_COVERED",
            ),
            allow("FLOW", "UPDATE", Some("io.acme.data")),
            deny("FLOW", "UPDATE", Some("io.acme"), "DENIED_NAMESPACE_NOT_COVERED"),
            deny("FLOW", "UPDATE", None, "DENIED_NAMESPACE_NOT_COVERED"),
            deny("FLOW", "VIEW", Some("io.acme.data"), "DENIED_NO_GRANT"),
            ui("isAllowed", &["FLOW", "UPDATE", "io.acme.data.x"], true),
            ui("isAllowed", &["FLOW", "UPDATE"], false),
            ui("hasAnyActionOnAnyNamespace", &["FLOW", "UPDATE"], true),
            ui("hasAnyAction", &["FLOW", "UPDATE", "io.acme"], true),
            ui("hasAnyAction", &["FLOW", "UPDATE", "io.acmex"], false),
            json!({"kind": "allowedNamespaces", "args": ["FLOW", "UPDATE"], "expect": {"everywhere": false, "namespaces": ["io.acme.data"]}}),
        ],
    );
    s.add(
        "company does not cover companyx (CRUD)",
        "",
        one_tenant_policy(
            "crud",
            json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
            json!([user_binding("r", Some("company"))]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("FLOW", "READ", Some("company")),
            allow("FLOW", "READ", Some("company.team.data")),
            deny("FLOW", "READ", Some("companyx"), "DENIED_NAMESPACE_NOT_COVERED"),
            deny("FLOW", "READ", Some("companyx.team"), "DENIED_NAMESPACE_NOT_COVERED"),
            deny("FLOW", "READ", Some("compan"), "DENIED_NAMESPACE_NOT_COVERED"),
        ],
    );
    s.add(
        "row 6: a tenant-wide binding covers every namespace",
        "",
        one_tenant_policy(
            "v2",
            json!([{"id": "r", "permissions": {"FLOW": ["VIEW"]}}]),
            json!([user_binding("r", None)]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("FLOW", "VIEW", Some("created.later")),
            allow("FLOW", "VIEW", None),
            ui("isAllowedGlobal", &["FLOW", "VIEW"], true),
            json!({"kind": "allowedNamespaces", "args": ["FLOW", "VIEW"], "expect": {"everywhere": true, "namespaces": []}}),
        ],
    );
    let bob = json!({"email": "bob@example.com", "groups": ["data-team"]});
    s.add(
        "row 7 (revised): group membership from the token gives tenant access (2.0)",
        yaml::GROUPS_CLAIM,
        group_only_policy("v2", "VIEW"),
        json!({}),
        bob.clone(),
        None,
        vec![allow("FLOW", "VIEW", Some("x")), ui("hasAnyRole", &[], true)],
    );
    s.add(
        "row 7 in 1.x: group membership gives tenant access",
        yaml::GROUPS_CLAIM,
        group_only_policy("crud", "READ"),
        json!({}),
        bob,
        None,
        vec![allow("FLOW", "READ", Some("x")), ui("hasAnyRole", &[], true)],
    );
    s.add(
        "row 8: grants add up",
        "",
        one_tenant_policy(
            "v2",
            json!([viewer_role(), {"id": "custom", "permissions": {"FLOW": ["VIEW"]}}]),
            json!([user_binding("viewer", None), user_binding("custom", Some("x"))]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("EXECUTION", "ACCESS_LOGS", Some("y")),
            allow("FLOW", "VIEW", Some("x.z")),
            deny("EXECUTION", "KILL", Some("y"), "DENIED_NO_GRANT"),
        ],
    );
    s.add(
        "rows 9-11: scope classes",
        "",
        one_tenant_policy(
            "v2",
            json!([
                {"id": "users", "permissions": {"USER": ["VIEW"]}},
                {"id": "blueprints", "permissions": {"BLUEPRINT": ["CREATE"]}},
                {"id": "delegate", "permissions": {"BINDING": ["CREATE"]}},
            ]),
            json!([
                user_binding("users", Some("prod")),
                user_binding("blueprints", Some("prod")),
                user_binding("delegate", Some("team"))
            ]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("USER", "VIEW", None),
            allow("USER", "VIEW", Some("elsewhere")),
            deny("BLUEPRINT", "CREATE", None, "DENIED_GLOBAL_ONLY"),
            deny("BLUEPRINT", "CREATE", Some("prod"), "DENIED_GLOBAL_ONLY"),
            allow("BINDING", "CREATE", Some("team.sub")),
            deny("BINDING", "CREATE", Some("other"), "DENIED_NAMESPACE_NOT_COVERED"),
        ],
    );
    s.add(
        "rows 12-13: the Instance Owner",
        "",
        instance_owner_policy(),
        json!({}),
        json!({"email": "root@example.com"}),
        None,
        vec![
            deny("FLOW", "VIEW", Some("x"), "DENIED_NO_GRANT"),
            allow("TENANT", "CREATE", None),
            allow("WORKER_GROUP", "CREATE", None),
            allow("USER", "CREATE", None),
            request(
                "WORKER_GROUP",
                "VIEW",
                None,
                Some("other"),
                json!({"allowed": true, "code": "ALLOWED"}),
            ),
        ],
    );
    s.add(
        "row 13 the other way: instance resources need the Instance Owner",
        "",
        one_tenant_policy("v2", json!([]), json!([])),
        json!({}),
        alice(),
        None,
        vec![
            deny("TENANT", "CREATE", None, "DENIED_INSTANCE_OWNER_ONLY"),
            deny("KILL_SWITCH", "UPDATE", None, "DENIED_INSTANCE_OWNER_ONLY"),
        ],
    );
    s.add(
        "rows 14-15: Launcher and Viewer",
        "",
        one_tenant_policy(
            "v2",
            json!([launcher_role(), viewer_role()]),
            json!([user_binding("launcher", None)]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("EXECUTION", "RESTART", Some("x")),
            deny("FLOW", "UPDATE", Some("x"), "DENIED_NO_GRANT"),
            allow("FLOW", "EXECUTE", Some("x")),
        ],
    );
    s.add(
        "row 15: Viewer",
        "",
        one_tenant_policy("v2", json!([viewer_role()]), json!([user_binding("viewer", None)])),
        json!({}),
        alice(),
        None,
        vec![
            allow("EXECUTION", "ACCESS_LOGS", Some("x")),
            deny("EXECUTION", "KILL", Some("x"), "DENIED_NO_GRANT"),
        ],
    );
    s.add(
        "row 16: MCP server view without FLOW:EXECUTE",
        "",
        one_tenant_policy(
            "v2",
            json!([{"id": "mcp", "permissions": {"MCP_SERVER": ["VIEW", "LIST"]}}]),
            json!([user_binding("mcp", None)]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("MCP_SERVER", "VIEW", None),
            deny("FLOW", "EXECUTE", Some("tools"), "DENIED_NO_GRANT"),
        ],
    );
    s.add(
        "row 17: a group binding",
        "",
        one_tenant_policy(
            "v2",
            json!([{"id": "r", "permissions": {"FLOW": ["VIEW"]}}]),
            json!([{"type": "GROUP", "externalId": "g1", "roleId": "r", "namespaceId": "x"}]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("FLOW", "VIEW", Some("x.y")),
            deny("FLOW", "VIEW", Some("y"), "DENIED_NAMESPACE_NOT_COVERED"),
        ],
    );
    s.add(
        "row 19: the UI checks without a namespace",
        "",
        one_tenant_policy(
            "v2",
            json!([{"id": "k", "permissions": {"EXECUTION": ["KILL"]}}]),
            json!([user_binding("k", Some("x"))]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            ui("isAllowed", &["EXECUTION", "KILL"], false),
            ui("isAllowedGlobal", &["EXECUTION", "KILL"], false),
            ui("hasAnyActionOnAnyNamespace", &["EXECUTION", "KILL"], true),
            ui("hasAnyAction", &["EXECUTION", "KILL"], true),
            ui("hasAnyAction", &["EXECUTION", "KILL", "x.y"], true),
            ui("hasAnyAction", &["EXECUTION", "KILL", "z"], false),
            ui("hasAny", &["EXECUTION"], true),
            ui("hasAny", &["FLOW"], false),
            ui("hasAnyRole", &[], true),
            deny("EXECUTION", "KILL", None, "DENIED_NAMESPACE_NOT_COVERED"),
        ],
    );
    s.add(
        "rows 20-22: a CRUD policy answers 2.0 requests by the expansion",
        "",
        one_tenant_policy(
            "crud",
            json!([{"id": "r", "permissions": {"FLOW": ["READ"], "IMPERSONATE": ["READ"], "SETTING": ["UPDATE"], "EXECUTION": ["UPDATE"]}}]),
            json!([user_binding("r", None)]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("FLOW", "EXPORT", Some("x")),
            allow("FLOW", "LIST", Some("x")),
            allow("FLOW", "VIEW", Some("x")),
            allow("FLOW", "READ", Some("x")),
            deny("FLOW", "EXECUTE", Some("x"), "DENIED_NO_GRANT"),
            deny("USER", "IMPERSONATE", None, "DENIED_NO_GRANT"),
            allow("IMPERSONATE", "READ", None),
            allow("SYSTEM_SETTINGS", "UPDATE", None),
            allow("TENANT_SETTINGS", "UPDATE", None),
            deny("SYSTEM_SETTINGS", "VIEW", None, "DENIED_NO_GRANT"),
            allow("EXECUTION", "KILL", Some("x")),
            allow("EXECUTION", "FORCE_RUN", Some("x")),
            deny("EXECUTION", "ACCESS_LOGS", Some("x"), "DENIED_NO_GRANT"),
        ],
    );
    s.add(
        "row 21: READ in a 2.0 policy is VIEW only",
        "",
        one_tenant_policy(
            "v2",
            json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
            json!([user_binding("r", None)]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("FLOW", "VIEW", Some("x")),
            deny("FLOW", "LIST", Some("x"), "DENIED_NO_GRANT"),
            allow("FLOW", "READ", Some("x")),
        ],
    );
    s.add(
        "rows 23-31: CRUD semantics",
        "",
        one_tenant_policy(
            "crud",
            json!([
                {"id": "read-prod", "permissions": {"FLOW": ["READ"]}},
                {"id": "ns", "permissions": {"NAMESPACE": ["READ"]}},
                {"id": "kv", "permissions": {"KVSTORE": ["UPDATE"]}},
                {"id": "secret", "permissions": {"SECRET": ["CREATE"]}},
                {"id": "exec-delete", "permissions": {"EXECUTION": ["DELETE"]}},
                {"id": "flows", "permissions": {"FLOW": ["CREATE", "READ", "UPDATE", "DELETE"]}},
            ]),
            json!([
                user_binding("read-prod", Some("prod")),
                user_binding("ns", None),
                user_binding("kv", None),
                user_binding("secret", None),
                user_binding("exec-delete", None),
                user_binding("flows", Some("dev"))
            ]),
        ),
        json!({}),
        alice(),
        None,
        vec![
            allow("FLOW", "READ", Some("prod.engineering")),
            allow("NAMESPACE", "READ", None),
            deny("KVSTORE", "CREATE", Some("x"), "DENIED_NO_GRANT"),
            allow("KVSTORE", "UPDATE", Some("x")),
            deny("SECRET", "UPDATE", Some("x"), "DENIED_NO_GRANT"),
            ui("hasAny", &["EXECUTION"], true),
            allow("FLOW", "CREATE", Some("dev")),
            deny("NAMESPACE", "CREATE", Some("dev"), "DENIED_NO_GRANT"),
        ],
    );
    s.add(
        "row 32: no role at all",
        "",
        one_tenant_policy("crud", json!([]), json!([])),
        json!({}),
        alice(),
        None,
        vec![
            deny("NAMESPACE", "READ", None, "DENIED_NO_GRANT"),
            ui("hasAnyRole", &[], false),
        ],
    );
}
