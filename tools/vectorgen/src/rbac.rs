//! RBAC vectors: scenarios (authorizer options with a Kestra configuration and a policy, a
//! signed ID token, verify options) and checks (a request or UI check and its expected answer,
//! written from kestra-rbac.md §7, the authentik guide and decisions 12–20).

use serde_json::{Value, json};

pub const ISSUER: &str = "https://sso.example.com/application/o/kestra/";
pub const CLIENT_ID: &str = "kestra-client";
pub const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
pub const NOW: u64 = 1_800_000_060;

/// `sign` turns claims into a compact HS256 token keyed with `SECRET`.
pub fn vectors(sign: &dyn Fn(&Value) -> String) -> Value {
    let mut scenarios = Vec::new();
    let mut add = |name: &str,
                   yaml: &str,
                   policy: Value,
                   extra: Value,
                   claims: Value,
                   tenant: Option<&str>,
                   checks: Vec<Value>| {
        let mut options = json!({
            "issuer": ISSUER, "clientId": CLIENT_ID, "clientSecret": SECRET, "jwks": "{}",
            "kestraConfig": yaml, "policy": policy,
        });
        let mut extra = extra;
        // `judgedBy`: the options of a second Authorizer that runs the checks on the session
        // the first one verified (a reloaded policy, or another issuer's Authorizer).
        let judged_by = extra.as_object_mut().and_then(|e| e.remove("judgedBy")).map(|j| {
            let mut judge = options.clone();
            if let (Value::Object(o), Value::Object(e)) = (&mut judge, j) {
                o.extend(e);
            }
            judge
        });
        if let (Value::Object(o), Value::Object(e)) = (&mut options, extra) {
            o.extend(e);
        }
        let mut all = json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "subject-1", "iat": NOW - 60, "exp": NOW + 240});
        if let (Value::Object(a), Value::Object(c)) = (&mut all, claims) {
            a.extend(c);
        }
        let mut verify = json!({"now": NOW});
        if let Some(t) = tenant {
            verify["tenant"] = json!(t);
        }
        let mut scenario =
            json!({"name": name, "options": options, "token": sign(&all), "verify": verify, "checks": checks});
        if let Some(judge) = judged_by {
            scenario["judgedBy"] = judge;
        }
        scenarios.push(scenario);
    };
    let alice = json!({"email": "alice@example.com"});

    add(
        "rows 1-5: subtree on whole segments (2.0)",
        "",
        one_tenant(
            "v2",
            json!([{"id": "r", "name": "R", "permissions": {"FLOW": ["UPDATE"]}}]),
            json!([user("r", Some("io.acme.data"))]),
        ),
        json!({}),
        alice.clone(),
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
    add(
        "company does not cover companyx (CRUD)",
        "",
        one_tenant(
            "crud",
            json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
            json!([user("r", Some("company"))]),
        ),
        json!({}),
        alice.clone(),
        None,
        vec![
            allow("FLOW", "READ", Some("company")),
            allow("FLOW", "READ", Some("company.team.data")),
            deny("FLOW", "READ", Some("companyx"), "DENIED_NAMESPACE_NOT_COVERED"),
            deny("FLOW", "READ", Some("companyx.team"), "DENIED_NAMESPACE_NOT_COVERED"),
            deny("FLOW", "READ", Some("compan"), "DENIED_NAMESPACE_NOT_COVERED"),
        ],
    );
    add(
        "row 6: a tenant-wide binding covers every namespace",
        "",
        one_tenant(
            "v2",
            json!([{"id": "r", "permissions": {"FLOW": ["VIEW"]}}]),
            json!([user("r", None)]),
        ),
        json!({}),
        alice.clone(),
        None,
        vec![
            allow("FLOW", "VIEW", Some("created.later")),
            allow("FLOW", "VIEW", None),
            ui("isAllowedGlobal", &["FLOW", "VIEW"], true),
            json!({"kind": "allowedNamespaces", "args": ["FLOW", "VIEW"], "expect": {"everywhere": true, "namespaces": []}}),
        ],
    );
    let group_only = |model: &str, action: &str| {
        json!({"model": model, "tenants": {"main": {
            "roles": [{"id": "r", "permissions": {"FLOW": [action]}}],
            "groups": [{"id": "g1", "name": "data-team"}],
            "bindings": [{"type": "GROUP", "externalId": "g1", "roleId": "r"}],
        }}})
    };
    let bob = json!({"email": "bob@example.com", "groups": ["data-team"]});
    add(
        "row 7 (revised, decision 23): group membership from the token gives tenant access (2.0)",
        "kestra.security.oidc.groups-claim-path: groups\n",
        group_only("v2", "VIEW"),
        json!({}),
        bob.clone(),
        None,
        vec![allow("FLOW", "VIEW", Some("x")), ui("hasAnyRole", &[], true)],
    );
    add(
        "row 7 in 1.x: group membership gives tenant access",
        "kestra.security.oidc.groups-claim-path: groups\n",
        group_only("crud", "READ"),
        json!({}),
        bob,
        None,
        vec![allow("FLOW", "READ", Some("x")), ui("hasAnyRole", &[], true)],
    );
    add(
        "row 8: grants add up",
        "",
        one_tenant(
            "v2",
            json!([viewer(), {"id": "custom", "permissions": {"FLOW": ["VIEW"]}}]),
            json!([user("viewer", None), user("custom", Some("x"))]),
        ),
        json!({}),
        alice.clone(),
        None,
        vec![
            allow("EXECUTION", "ACCESS_LOGS", Some("y")),
            allow("FLOW", "VIEW", Some("x.z")),
            deny("EXECUTION", "KILL", Some("y"), "DENIED_NO_GRANT"),
        ],
    );
    add(
        "rows 9-11: scope classes",
        "",
        one_tenant(
            "v2",
            json!([
                {"id": "users", "permissions": {"USER": ["VIEW"]}},
                {"id": "blueprints", "permissions": {"BLUEPRINT": ["CREATE"]}},
                {"id": "delegate", "permissions": {"BINDING": ["CREATE"]}},
            ]),
            json!([
                user("users", Some("prod")),
                user("blueprints", Some("prod")),
                user("delegate", Some("team"))
            ]),
        ),
        json!({}),
        alice.clone(),
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
    add(
        "rows 12-13: the Instance Owner",
        "",
        json!({"model": "v2", "tenants": {"main": {"users": [{"id": "root", "username": "root@example.com", "superAdmin": true}]}}}),
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
    add(
        "row 13 the other way: instance resources need the Instance Owner",
        "",
        one_tenant("v2", json!([]), json!([])),
        json!({}),
        alice.clone(),
        None,
        vec![
            deny("TENANT", "CREATE", None, "DENIED_INSTANCE_OWNER_ONLY"),
            deny("KILL_SWITCH", "UPDATE", None, "DENIED_INSTANCE_OWNER_ONLY"),
        ],
    );
    add(
        "rows 14-15: Launcher and Viewer",
        "",
        one_tenant("v2", json!([launcher(), viewer()]), json!([user("launcher", None)])),
        json!({}),
        alice.clone(),
        None,
        vec![
            allow("EXECUTION", "RESTART", Some("x")),
            deny("FLOW", "UPDATE", Some("x"), "DENIED_NO_GRANT"),
            allow("FLOW", "EXECUTE", Some("x")),
        ],
    );
    add(
        "row 15: Viewer",
        "",
        one_tenant("v2", json!([viewer()]), json!([user("viewer", None)])),
        json!({}),
        alice.clone(),
        None,
        vec![
            allow("EXECUTION", "ACCESS_LOGS", Some("x")),
            deny("EXECUTION", "KILL", Some("x"), "DENIED_NO_GRANT"),
        ],
    );
    add(
        "row 16: MCP server view without FLOW:EXECUTE",
        "",
        one_tenant(
            "v2",
            json!([{"id": "mcp", "permissions": {"MCP_SERVER": ["VIEW", "LIST"]}}]),
            json!([user("mcp", None)]),
        ),
        json!({}),
        alice.clone(),
        None,
        vec![
            allow("MCP_SERVER", "VIEW", None),
            deny("FLOW", "EXECUTE", Some("tools"), "DENIED_NO_GRANT"),
        ],
    );
    add(
        "row 17: a group binding",
        "",
        one_tenant(
            "v2",
            json!([{"id": "r", "permissions": {"FLOW": ["VIEW"]}}]),
            json!([{"type": "GROUP", "externalId": "g1", "roleId": "r", "namespaceId": "x"}]),
        ),
        json!({}),
        alice.clone(),
        None,
        vec![
            allow("FLOW", "VIEW", Some("x.y")),
            deny("FLOW", "VIEW", Some("y"), "DENIED_NAMESPACE_NOT_COVERED"),
        ],
    );
    add(
        "row 19: the UI checks without a namespace",
        "",
        one_tenant(
            "v2",
            json!([{"id": "k", "permissions": {"EXECUTION": ["KILL"]}}]),
            json!([user("k", Some("x"))]),
        ),
        json!({}),
        alice.clone(),
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
    add(
        "rows 20-22: a CRUD policy answers 2.0 requests by the expansion",
        "",
        one_tenant(
            "crud",
            json!([{"id": "r", "permissions": {"FLOW": ["READ"], "IMPERSONATE": ["READ"], "SETTING": ["UPDATE"], "EXECUTION": ["UPDATE"]}}]),
            json!([user("r", None)]),
        ),
        json!({}),
        alice.clone(),
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
    add(
        "row 21: READ in a 2.0 policy is VIEW only",
        "",
        one_tenant(
            "v2",
            json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
            json!([user("r", None)]),
        ),
        json!({}),
        alice.clone(),
        None,
        vec![
            allow("FLOW", "VIEW", Some("x")),
            deny("FLOW", "LIST", Some("x"), "DENIED_NO_GRANT"),
            allow("FLOW", "READ", Some("x")),
        ],
    );
    add(
        "rows 23-31: CRUD semantics",
        "",
        one_tenant(
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
                user("read-prod", Some("prod")),
                user("ns", None),
                user("kv", None),
                user("secret", None),
                user("exec-delete", None),
                user("flows", Some("dev"))
            ]),
        ),
        json!({}),
        alice.clone(),
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
    add(
        "row 32: no role at all",
        "",
        one_tenant("crud", json!([]), json!([])),
        json!({}),
        alice.clone(),
        None,
        vec![
            deny("NAMESPACE", "READ", None, "DENIED_NO_GRANT"),
            ui("hasAnyRole", &[], false),
        ],
    );

    // The authentik guide: its YAML, no policy, every permission of its default role x CRUD.
    const GUIDE: &str = include_str!("../../../tests/fixtures/kestra/guide-joined.yaml");
    let guide_yaml = GUIDE
        .replace("CLIENT_ID", CLIENT_ID)
        .replace("CLIENT_SECRET", SECRET)
        .replace("http://localhost:9000/application/o/kestra/", ISSUER);
    let permissions = [
        "NAMESPACE",
        "ROLE",
        "GROUP",
        "EXECUTION",
        "AUDITLOG",
        "USER",
        "BINDING",
        "FLOW",
        "SECRET",
        "BLUEPRINT",
        "INFRASTRUCTURE",
        "KVSTORE",
    ];
    let mut checks = Vec::new();
    for p in permissions {
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
    add(
        "the authentik guide: default role in every tenant, tenant required",
        &guide_yaml,
        Value::Null,
        json!({"issuer": null, "clientId": null, "clientSecret": null}),
        json!({"email": "new@example.com"}),
        None,
        checks,
    );

    let viewer_yaml = "kestra.security.default-role:\n  name: viewer\n  permissions:\n    FLOW: [READ]\n";
    add(
        "row 33: the default role for users the policy does not know",
        viewer_yaml,
        one_tenant(
            "crud",
            json!([{"id": "r", "permissions": {"KVSTORE": ["READ"]}}]),
            json!([user("r", None)]),
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
    add(
        "row 33: a listed user has exactly the listed bindings",
        viewer_yaml,
        one_tenant(
            "crud",
            json!([{"id": "r", "permissions": {"KVSTORE": ["READ"]}}]),
            json!([user("r", None)]),
        ),
        json!({}),
        alice.clone(),
        None,
        vec![
            deny("FLOW", "READ", Some("x"), "DENIED_NO_GRANT"),
            allow("KVSTORE", "READ", Some("x")),
        ],
    );
    add(
        "the default role's tenant-id",
        "kestra.security.default-role:\n  name: viewer\n  tenant-id: main\n  permissions:\n    FLOW: [READ]\n",
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
    add(
        "fallbackTenant routes requests without a tenant",
        "kestra.security.default-role.name: r\nkestra.security.default-role.permissions.FLOW: READ\nkestra.ee.tenants.enabled: true\nkestra.ee.tenants.defaultTenant: false\nkestra.ee.tenants.fallbackTenant: prod\n",
        Value::Null,
        json!({}),
        alice.clone(),
        None,
        vec![allow("FLOW", "READ", None)],
    );
    add(
        "the session's tenant",
        "kestra.security.default-role.name: r\nkestra.security.default-role.permissions.FLOW: READ\nkestra.ee.tenants.enabled: true\nkestra.ee.tenants.defaultTenant: false\n",
        Value::Null,
        json!({}),
        alice.clone(),
        Some("main"),
        vec![
            allow("FLOW", "READ", Some("x")),
            ui("isAllowed", &["FLOW", "READ", "x"], true),
        ],
    );
    // Identity (decision 21): a token is matched to policy users by username only.
    let owner_policy = json!({"model": "v2", "tenants": {"main": {
        "roles": [{"id": "admin", "permissions": {"FLOW": ["VIEW", "DELETE"]}}, viewer()],
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
        add(
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
    add(
        "identity: the username finds the user, the user id finds the bindings",
        "",
        owner_policy.clone(),
        json!({}),
        json!({"email": "boss@example.com"}),
        None,
        vec![allow("FLOW", "DELETE", Some("x")), ui("hasAnyRole", &[], true)],
    );
    add(
        "identity: a token group equal to another group's id matches by name first",
        "kestra.security.oidc.groups-claim-path: groups\n",
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
    add(
        "identity: requireVerifiedEmail takes a verified email",
        "",
        owner_policy.clone(),
        json!({"requireVerifiedEmail": true}),
        json!({"email": "boss@example.com", "email_verified": true}),
        None,
        vec![allow("FLOW", "DELETE", Some("x"))],
    );

    // Provenance (decision 22): a session judged by another Authorizer.
    let alice_viewer = one_tenant("v2", json!([viewer()]), json!([user("viewer", None)]));
    let bob_admin = json!({"model": "v2", "tenants": {"main": {
        "roles": [{"id": "admin", "permissions": {"FLOW": ["VIEW", "DELETE"]}}],
        "users": [{"id": "u-bob", "username": "bob@example.com"}, {"id": "u-alice", "username": "alice@example.com"}],
        "bindings": [{"type": "USER", "externalId": "u-bob", "roleId": "admin"}],
    }}});
    add(
        "provenance: a reloaded policy judges a live session for its own identity",
        "",
        alice_viewer.clone(),
        json!({"judgedBy": {"policy": bob_admin.clone()}}),
        alice.clone(),
        None,
        vec![
            // alice is listed in the new policy, with no binding: bob's admin binding is not hers.
            deny("FLOW", "DELETE", Some("x"), "DENIED_NO_GRANT"),
            deny("FLOW", "VIEW", Some("x"), "DENIED_NO_GRANT"),
            json!({"kind": "allowedNamespaces", "args": ["FLOW", "DELETE"], "expect": {"everywhere": false, "namespaces": []}}),
            json!({"kind": "matrixCells", "args": ["x"], "expect": {"FLOW:DELETE": false, "FLOW:VIEW": false}}),
        ],
    );
    add(
        "provenance: a session verified for another client id is foreign",
        "",
        alice_viewer.clone(),
        json!({"judgedBy": {"clientId": "other-client"}}),
        alice.clone(),
        None,
        vec![
            error("FLOW", "VIEW", Some("x"), None, "ERR_SESSION_FOREIGN"),
            json!({"kind": "allowedNamespaces", "args": ["FLOW", "VIEW"], "expect": {"error": "ERR_SESSION_FOREIGN"}}),
        ],
    );
    add(
        "provenance: a session verified with another secret is foreign",
        "",
        alice_viewer.clone(),
        json!({"judgedBy": {"clientSecret": "f".repeat(64)}}),
        alice.clone(),
        None,
        vec![error("FLOW", "VIEW", Some("x"), None, "ERR_SESSION_FOREIGN")],
    );
    add(
        "provenance: a session verified for another issuer is foreign",
        "",
        alice_viewer.clone(),
        json!({"judgedBy": {"issuer": "https://sso.example.com/application/o/other/"}}),
        alice.clone(),
        None,
        vec![error("FLOW", "VIEW", Some("x"), None, "ERR_SESSION_FOREIGN")],
    );
    add(
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

    // Decisions 23, 24: token groups are the user's groups when the claim path is set.
    let groups_policy = json!({"model": "v2", "tenants": {"main": {
        "roles": [viewer(), {"id": "editor", "permissions": {"FLOW": ["UPDATE"]}}],
        "groups": [{"id": "g1", "name": "data-team"}, {"id": "g2", "name": "editors"}],
        "users": [{"id": "u-alice", "username": "alice@example.com", "groups": ["g2"]}],
        "bindings": [
            {"type": "GROUP", "externalId": "g1", "roleId": "viewer"},
            {"type": "GROUP", "externalId": "g2", "roleId": "editor"},
        ],
    }}});
    add(
        "groups-claim-path: the token's groups replace the policy's memberships",
        "kestra.security.oidc.groups-claim-path: groups\n",
        groups_policy.clone(),
        json!({}),
        json!({"email": "alice@example.com", "groups": ["data-team"]}),
        None,
        vec![
            allow("FLOW", "VIEW", Some("x")),
            deny("FLOW", "UPDATE", Some("x"), "DENIED_NO_GRANT"),
        ],
    );
    add(
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
    add(
        "a token group gives an unlisted user tenant access (2.0)",
        "kestra.security.oidc.groups-claim-path: groups\n",
        groups_policy.clone(),
        json!({}),
        json!({"email": "erin@example.com", "groups": ["data-team"]}),
        None,
        vec![allow("FLOW", "VIEW", Some("x")), ui("hasAnyRole", &[], true)],
    );

    // Decision 25: isDefault roles are first-login roles; the tenant's own wins over the
    // configuration's.
    let default_policy = json!({"model": "v2", "tenants": {
        "main": {
            "roles": [viewer(), {"id": "starter", "name": "Starter", "isDefault": true, "permissions": {"KVSTORE": ["VIEW"]}}],
            "users": [{"id": "u-alice", "username": "alice@example.com"}],
        },
        "other": {"roles": [viewer()]},
    }});
    add(
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
    add(
        "isDefault roles do not apply to users the policy knows",
        "",
        default_policy.clone(),
        json!({}),
        alice.clone(),
        None,
        vec![request(
            "KVSTORE",
            "VIEW",
            Some("x"),
            Some("main"),
            json!({"allowed": false, "code": "DENIED_NO_GRANT"}),
        )],
    );
    add(
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

    // Decision 29: a CRUD default role in a 2.0 policy reads through the migration table.
    add(
        "a CRUD default role in a 2.0 policy is expanded as Kestra's migration does",
        "kestra.security.defaultRole:\n  name: viewer\n  permissions:\n    FLOW: [READ]\n    NAMESPACE: [UPDATE]\n",
        one_tenant("v2", json!([viewer()]), json!([])),
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

    // Decision 26: configuration read as SnakeYAML reads it.
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
    add(
        "YAML merge keys: a merged tenant-id restricts the default role",
        "base: &base\n  tenant-id: main\nkestra.security.defaultRole:\n  <<: *base\n  name: viewer\n  permissions:\n    FLOW: [READ]\n",
        Value::Null,
        json!({}),
        json!({"email": "new@example.com"}),
        None,
        only_in_main(),
    );
    add(
        "placeholders resolved from the host's values restrict the default role",
        "kestra.security.defaultRole:\n  name: viewer\n  tenant-id: ${KESTRA_TENANT}\n  permissions:\n    FLOW: [READ]\n",
        Value::Null,
        json!({"placeholders": {"KESTRA_TENANT": "main"}}),
        json!({"email": "new@example.com"}),
        None,
        only_in_main(),
    );
    add(
        "YAML 1.1: on and yes are true, as SnakeYAML reads them",
        "kestra:\n  ee:\n    tenants:\n      enabled: on\n      defaultTenant: no\n",
        one_tenant("v2", json!([viewer()]), json!([user("viewer", None)])),
        json!({}),
        alice.clone(),
        None,
        vec![deny("FLOW", "VIEW", Some("x"), "DENIED_TENANT_REQUIRED")],
    );

    // Decision 27 and 28: namespaces and names as Kestra accepts them.
    add(
        "namespaces Kestra creates: empty segments, a trailing dot, 75 segments",
        "",
        one_tenant("v2", json!([viewer()]), json!([user("viewer", Some("company."))])),
        json!({}),
        alice.clone(),
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
    add(
        "every name of Kestra 2.0's lists loads",
        "",
        one_tenant(
            "v2",
            json!([{"id": "all", "permissions": {
                "APP_EXECUTION": ["VIEW"], "NAMESPACE_FILE": ["VIEW"], "TESTSUITE_RUN": ["VIEW"],
                "SECURITY_INTEGRATION": ["VIEW"], "TENANT_ACCESS": ["VIEW"], "ASSET": ["LOCK", "UNLOCK"],
                "NAMESPACE": ["EXPORT_PLUGIN_DEFAULTS"],
            }}]),
            json!([user("all", None)]),
        ),
        json!({}),
        alice.clone(),
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
    let mapping = json!({"model": "crud", "tenants": {"main": {
        "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}, {"id": "k", "permissions": {"KVSTORE": ["READ"]}}],
        "groups": [{"id": "g-data", "name": "data-team"}, {"id": "g-ops", "name": "ops"}],
        "users": [{"id": "u1", "username": "alice"}],
        "bindings": [{"type": "GROUP", "externalId": "g-data", "roleId": "r"}, {"type": "GROUP", "externalId": "g-ops", "roleId": "k"}],
    }}});
    add(
        "usernameClaim and groups-claim-path by name and id",
        "kestra.security.oidc.groups-claim-path: realm.groups\n",
        mapping.clone(),
        json!({"usernameClaim": "preferred_username"}),
        json!({"preferred_username": "alice", "realm": {"groups": ["data-team", "g-ops", "unknown"]}}),
        None,
        vec![allow("FLOW", "READ", None), allow("KVSTORE", "READ", None)],
    );
    add(
        "without groups-claim-path the token's groups do not count",
        "",
        mapping.clone(),
        json!({"usernameClaim": "preferred_username"}),
        json!({"preferred_username": "alice", "groups": ["data-team"]}),
        None,
        vec![deny("FLOW", "READ", None, "DENIED_NO_GRANT")],
    );
    add(
        "no value in the username claim",
        "",
        mapping,
        json!({"usernameClaim": "preferred_username"}),
        json!({}),
        None,
        vec![deny("FLOW", "READ", None, "DENIED_NO_USERNAME")],
    );
    add(
        "bad requests are errors",
        "",
        one_tenant(
            "crud",
            json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
            json!([user("r", None)]),
        ),
        json!({}),
        alice.clone(),
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
    add(
        "the matrix, CRUD model",
        "",
        one_tenant(
            "crud",
            json!([{"id": "r", "permissions": {"FLOW": ["READ", "UPDATE"], "SECRET": ["READ"]}}]),
            json!([user("r", Some("company.team"))]),
        ),
        json!({}),
        alice,
        None,
        vec![
            json!({"kind": "matrixCells", "args": ["company.team.x"], "expect": {"FLOW:READ": true, "FLOW:UPDATE": true, "FLOW:DELETE": false, "SECRET:READ": true, "SECRET:UPDATE": false, "USER:READ": false}}),
            json!({"kind": "matrixCells", "args": ["finance"], "expect": {"FLOW:READ": false, "SECRET:READ": false}}),
        ],
    );
    json!({
        "about": "Generated by tools/vectorgen; do not edit by hand. Each scenario builds an Authorizer from `options` (the JS API's own), verifies `token` with `verify`, then runs `checks`.",
        "scenarios": scenarios,
    })
}

fn one_tenant(model: &str, roles: Value, bindings: Value) -> Value {
    json!({"model": model, "tenants": {"main": {
        "roles": roles,
        "groups": [{"id": "g1", "name": "data-team"}],
        "users": [{"id": "u-alice", "username": "alice@example.com", "email": "alice@example.com", "groups": ["g1"]}],
        "bindings": bindings,
    }}})
}

fn user(role: &str, namespace: Option<&str>) -> Value {
    json!({"type": "USER", "externalId": "u-alice", "roleId": role, "namespaceId": namespace})
}

fn viewer() -> Value {
    json!({"id": "viewer", "name": "Viewer", "permissions": {
        "FLOW": ["VIEW", "LIST", "EXPORT"],
        "EXECUTION": ["VIEW", "LIST", "EXPORT", "ACCESS_LOGS", "ACCESS_OUTPUTS", "ACCESS_FILES", "FOLLOW"],
        "TRIGGER": ["VIEW", "LIST", "EXPORT"], "NAMESPACE": ["VIEW", "LIST"]}})
}

fn launcher() -> Value {
    json!({"id": "launcher", "name": "Launcher", "permissions": {
        "FLOW": ["VIEW", "LIST", "EXECUTE"],
        "EXECUTION": ["VIEW", "LIST", "REPLAY", "RESTART", "CHANGE_LABELS", "ACCESS_LOGS", "ACCESS_OUTPUTS", "ACCESS_FILES", "FOLLOW", "EXPORT"]}})
}

fn request(permission: &str, action: &str, namespace: Option<&str>, tenant: Option<&str>, expect: Value) -> Value {
    let mut r = json!({"permission": permission, "action": action});
    if let Some(ns) = namespace {
        r["namespace"] = json!(ns);
    }
    if let Some(t) = tenant {
        r["tenant"] = json!(t);
    }
    json!({"kind": "authorize", "request": r, "expect": expect})
}

fn allow(permission: &str, action: &str, namespace: Option<&str>) -> Value {
    request(
        permission,
        action,
        namespace,
        None,
        json!({"allowed": true, "code": "ALLOWED"}),
    )
}

fn deny(permission: &str, action: &str, namespace: Option<&str>, code: &str) -> Value {
    request(
        permission,
        action,
        namespace,
        None,
        json!({"allowed": false, "code": code}),
    )
}

fn error(permission: &str, action: &str, namespace: Option<&str>, tenant: Option<&str>, code: &str) -> Value {
    request(permission, action, namespace, tenant, json!({"error": code}))
}

fn ui(kind: &str, args: &[&str], expect: bool) -> Value {
    json!({"kind": kind, "args": args, "expect": expect})
}
