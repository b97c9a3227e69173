//! Kestra's RBAC, decided: the cases of Kestra's RBAC documentation, migration guide and
//! permissions reference that a decision engine can answer (numbered rows, as in the vectors),
//! the authentik guide's scenario end to end, and the edges around them.

mod common;

use common::rbac_fixtures::{
    ALICE, GUIDE_ROLE_PERMISSIONS, group_only_policy, guide_yaml, instance_owner_policy, launcher_role,
    one_tenant_policy, user_binding, username_and_groups_policy, viewer_role, yaml,
};
use common::*;
use kestra_authz::rbac::{Decision, Request};
use kestra_authz::{Authorizer, Session};
use serde_json::{Value, json};

fn ask<'a>(
    a: &'a Authorizer,
    s: &'a Session,
    permission: &'a str,
    action: &'a str,
    namespace: Option<&'a str>,
) -> Decision<'a> {
    a.authorize(
        s,
        &Request {
            permission,
            action,
            namespace,
            tenant: None,
        },
    )
    .unwrap()
}

fn allowed(a: &Authorizer, s: &Session, permission: &str, action: &str, namespace: Option<&str>) -> bool {
    let decision = ask(a, s, permission, action, namespace);
    // authorize and the UI's isAllowed must agree.
    assert_eq!(
        decision.allowed,
        s.is_allowed(permission, action, namespace).unwrap(),
        "{permission}:{action} {namespace:?}"
    );
    decision.allowed
}

fn code(a: &Authorizer, s: &Session, permission: &str, action: &str, namespace: Option<&str>) -> &'static str {
    ask(a, s, permission, action, namespace).code
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rows_1_to_5_namespace_subtree_on_whole_segments() {
    let a = authz(one_tenant_policy(
        "v2",
        json!([{"id": "r", "name": "R", "permissions": {"FLOW": ["UPDATE"]}}]),
        json!([user_binding("r", Some("io.acme.data"))]),
    ));
    let s = session(&a, ALICE);
    assert!(allowed(&a, &s, "FLOW", "UPDATE", Some("io.acme.data.etl")));
    assert!(!allowed(&a, &s, "FLOW", "UPDATE", Some("io.acme.datax")));
    assert!(!allowed(&a, &s, "FLOW", "UPDATE", Some("io.acme.finance")));
    assert!(allowed(&a, &s, "FLOW", "UPDATE", Some("io.acme.data")));
    assert!(!allowed(&a, &s, "FLOW", "UPDATE", Some("io.acme")));
    assert_eq!(
        code(&a, &s, "FLOW", "UPDATE", Some("io.acme.datax")),
        "DENIED_NAMESPACE_NOT_COVERED"
    );
    let reasons = ask(&a, &s, "FLOW", "UPDATE", Some("io.acme.data.etl")).reasons;
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0].via.name(), "user");
    assert_eq!(reasons[0].role.as_deref(), Some("r"));
    assert_eq!(reasons[0].namespace.as_deref(), Some("io.acme.data"));
    assert_eq!(reasons[0].binding.as_deref(), Some("#0"));
    assert_eq!(reasons[0].tenant, "main");
    // Detached from the Authorizer, a decision says the same, and outlives it.
    let decision = ask(&a, &s, "FLOW", "UPDATE", Some("io.acme.data.etl"));
    let owned: kestra_authz::rbac::Decision<'static> = decision.clone().into_owned();
    assert_eq!(owned, decision);
    drop(decision);
    drop(a);
    assert_eq!(owned.reasons[0].namespace.as_deref(), Some("io.acme.data"));
    assert_eq!(owned.tenant.as_deref(), Some("main"));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn company_does_not_cover_companyx() {
    let a = authz(one_tenant_policy(
        "crud",
        json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
        json!([user_binding("r", Some("company"))]),
    ));
    let s = session(&a, ALICE);
    assert!(allowed(&a, &s, "FLOW", "READ", Some("company")));
    assert!(allowed(&a, &s, "FLOW", "READ", Some("company.team")));
    assert!(!allowed(&a, &s, "FLOW", "READ", Some("companyx")));
    assert!(!allowed(&a, &s, "FLOW", "READ", Some("companyx.team")));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn row_6_tenant_wide_binding_covers_every_namespace() {
    let a = authz(one_tenant_policy(
        "v2",
        json!([{"id": "r", "permissions": {"FLOW": ["VIEW"]}}]),
        json!([user_binding("r", None)]),
    ));
    let s = session(&a, ALICE);
    assert!(allowed(&a, &s, "FLOW", "VIEW", Some("created.later")));
    assert!(allowed(&a, &s, "FLOW", "VIEW", None));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn row_7_group_membership_from_the_token_gives_tenant_access_in_both_models() {
    // bob is in no tenant's users: his groups come from the token only. Kestra's SSO sync adds
    // him to the group at login, and group membership creates tenant access.
    let a = authz_with(yaml::GROUPS_CLAIM, group_only_policy("v2", "VIEW"), json!({}));
    let s = session_in(&a, "bob@example.com", json!({"groups": ["data-team"]}), None);
    assert_eq!(s.groups(), ["data-team"]);
    assert!(allowed(&a, &s, "FLOW", "VIEW", Some("x")));
    assert_eq!(ask(&a, &s, "FLOW", "VIEW", Some("x")).reasons[0].via.name(), "group");
    // A group the token does not carry gives nothing.
    let s = session_in(&a, "bob@example.com", json!({"groups": ["other"]}), None);
    assert_eq!(code(&a, &s, "FLOW", "VIEW", Some("x")), "DENIED_NO_TENANT_ACCESS");
    let a = authz_with(yaml::GROUPS_CLAIM, group_only_policy("crud", "READ"), json!({}));
    let s = session_in(&a, "bob@example.com", json!({"groups": ["data-team"]}), None);
    assert!(allowed(&a, &s, "FLOW", "READ", Some("x")));
    assert_eq!(ask(&a, &s, "FLOW", "READ", Some("x")).reasons[0].via.name(), "group");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn row_8_grants_add_up() {
    let roles = json!([viewer_role(), {"id": "custom", "permissions": {"FLOW": ["VIEW"]}}]);
    let a = authz(one_tenant_policy(
        "v2",
        roles,
        json!([user_binding("viewer", None), user_binding("custom", Some("x"))]),
    ));
    let s = session(&a, ALICE);
    assert!(allowed(&a, &s, "EXECUTION", "ACCESS_LOGS", Some("y")));
    assert_eq!(
        ask(&a, &s, "FLOW", "VIEW", Some("x.z")).reasons.len(),
        2,
        "both grants are reasons"
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rows_9_to_11_scope_classes() {
    let roles = json!([
        {"id": "users", "permissions": {"USER": ["VIEW"]}},
        {"id": "blueprints", "permissions": {"BLUEPRINT": ["CREATE"]}},
        {"id": "delegate", "permissions": {"BINDING": ["CREATE"]}},
    ]);
    let bindings = json!([
        user_binding("users", Some("prod")),
        user_binding("blueprints", Some("prod")),
        user_binding("delegate", Some("team"))
    ]);
    let a = authz(one_tenant_policy("v2", roles, bindings));
    let s = session(&a, ALICE);
    assert!(
        allowed(&a, &s, "USER", "VIEW", None),
        "tenant-wide: the binding's namespace is ignored"
    );
    assert!(allowed(&a, &s, "USER", "VIEW", Some("elsewhere")));
    assert!(!allowed(&a, &s, "BLUEPRINT", "CREATE", None));
    assert_eq!(code(&a, &s, "BLUEPRINT", "CREATE", None), "DENIED_GLOBAL_ONLY");
    assert!(
        allowed(&a, &s, "BINDING", "CREATE", Some("team.sub")),
        "delegated access management"
    );
    assert!(!allowed(&a, &s, "BINDING", "CREATE", Some("other")));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rows_12_13_instance_owner() {
    let a = authz(instance_owner_policy());
    let s = session(&a, "root@example.com");
    assert!(!allowed(&a, &s, "FLOW", "VIEW", Some("x")));
    assert_eq!(code(&a, &s, "FLOW", "VIEW", Some("x")), "DENIED_NO_GRANT");
    assert!(allowed(&a, &s, "TENANT", "CREATE", None));
    assert!(allowed(&a, &s, "WORKER_GROUP", "CREATE", None));
    assert_eq!(
        ask(&a, &s, "TENANT", "CREATE", None).reasons[0].via.name(),
        "instance-owner"
    );
    // Every tenant, even one the policy does not list.
    assert!(
        a.authorize(
            &s,
            &Request {
                permission: "WORKER_GROUP",
                action: "VIEW",
                namespace: None,
                tenant: Some("other")
            }
        )
        .unwrap()
        .allowed
    );
    let alice = authz(one_tenant_policy("v2", json!([]), json!([])));
    let s = session(&alice, ALICE);
    assert_eq!(code(&alice, &s, "TENANT", "CREATE", None), "DENIED_INSTANCE_OWNER_ONLY");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rows_14_15_managed_roles() {
    let a = authz(one_tenant_policy(
        "v2",
        json!([launcher_role(), viewer_role()]),
        json!([user_binding("launcher", None)]),
    ));
    let s = session(&a, ALICE);
    assert!(allowed(&a, &s, "EXECUTION", "RESTART", Some("x")));
    assert!(!allowed(&a, &s, "FLOW", "UPDATE", Some("x")));
    let a = authz(one_tenant_policy(
        "v2",
        json!([viewer_role()]),
        json!([user_binding("viewer", None)]),
    ));
    let s = session(&a, ALICE);
    assert!(allowed(&a, &s, "EXECUTION", "ACCESS_LOGS", Some("x")));
    assert!(!allowed(&a, &s, "EXECUTION", "KILL", Some("x")));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn row_16_compound_check_needs_each_part() {
    let a = authz(one_tenant_policy(
        "v2",
        json!([{"id": "mcp", "permissions": {"MCP_SERVER": ["VIEW", "LIST"]}}]),
        json!([user_binding("mcp", None)]),
    ));
    let s = session(&a, ALICE);
    let connect = allowed(&a, &s, "MCP_SERVER", "VIEW", None) && allowed(&a, &s, "FLOW", "EXECUTE", Some("tools"));
    assert!(!connect);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rows_17_18_group_bindings_and_deleted_groups() {
    let roles = json!([{"id": "r", "permissions": {"FLOW": ["VIEW"]}}]);
    let group_binding = json!({"type": "GROUP", "externalId": "g1", "roleId": "r", "namespaceId": "x"});
    let a = authz(one_tenant_policy("v2", roles.clone(), json!([group_binding])));
    let s = session(&a, ALICE);
    assert!(allowed(&a, &s, "FLOW", "VIEW", Some("x.y")));
    let reason = &ask(&a, &s, "FLOW", "VIEW", Some("x.y")).reasons[0];
    assert_eq!((reason.via.name(), reason.group.as_deref()), ("group", Some("g1")));
    // The group deleted: its bindings go with it.
    let mut gone = one_tenant_policy("v2", roles, json!([]));
    gone["tenants"]["main"]["groups"] = json!([]);
    gone["tenants"]["main"]["users"][0]["groups"] = json!([]);
    let a = authz(gone);
    let s = session(&a, ALICE);
    assert!(!allowed(&a, &s, "FLOW", "VIEW", Some("x.y")));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn row_19_ui_checks_without_namespace() {
    let a = authz(one_tenant_policy(
        "v2",
        json!([{"id": "k", "permissions": {"EXECUTION": ["KILL"]}}]),
        json!([user_binding("k", Some("x"))]),
    ));
    let s = session(&a, ALICE);
    assert!(!s.is_allowed("EXECUTION", "KILL", None).unwrap());
    assert!(!s.is_allowed_global("EXECUTION", "KILL").unwrap());
    assert!(s.has_any_action_on_any_namespace("EXECUTION", "KILL").unwrap());
    assert!(s.has_any_action("EXECUTION", "KILL", None).unwrap());
    assert!(
        s.has_any_action("EXECUTION", "KILL", Some("x.y")).unwrap(),
        "inside the subtree"
    );
    assert!(s.has_any_action("EXECUTION", "KILL", Some("x")).unwrap());
    assert!(!s.has_any_action("EXECUTION", "KILL", Some("z")).unwrap());
    assert!(s.has_any("EXECUTION", None).unwrap());
    assert!(!s.has_any("FLOW", None).unwrap());
    assert!(s.has_any_role().unwrap());
    assert_eq!(code(&a, &s, "EXECUTION", "KILL", None), "DENIED_NAMESPACE_NOT_COVERED");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn has_any_action_with_a_namespace_sees_grants_below_it() {
    let a = authz(one_tenant_policy(
        "v2",
        json!([{"id": "r", "permissions": {"FLOW": ["VIEW"]}}]),
        json!([user_binding("r", Some("company.team.data"))]),
    ));
    let s = session(&a, ALICE);
    assert!(s.has_any_action("FLOW", "VIEW", Some("company")).unwrap());
    assert!(!s.is_allowed("FLOW", "VIEW", Some("company")).unwrap());
    assert!(!s.has_any_action("FLOW", "VIEW", Some("companyx")).unwrap());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rows_20_to_22_crud_policy_answers_v2_requests_by_the_expansion() {
    let a = authz(one_tenant_policy(
        "crud",
        json!([{"id": "r", "permissions": {"FLOW": ["READ"], "IMPERSONATE": ["READ"], "SETTING": ["UPDATE"]}}]),
        json!([user_binding("r", None)]),
    ));
    let s = session(&a, ALICE);
    assert!(
        allowed(&a, &s, "FLOW", "EXPORT", Some("x")),
        "READ -> VIEW, LIST, EXPORT"
    );
    assert!(allowed(&a, &s, "FLOW", "LIST", Some("x")));
    assert!(allowed(&a, &s, "FLOW", "READ", Some("x")));
    assert!(!allowed(&a, &s, "FLOW", "UPDATE", Some("x")));
    assert!(
        !allowed(&a, &s, "USER", "IMPERSONATE", None),
        "IMPERSONATE grants are dropped by the migration"
    );
    assert!(
        allowed(&a, &s, "IMPERSONATE", "READ", None),
        "but still answer CRUD requests"
    );
    assert!(allowed(&a, &s, "SYSTEM_SETTINGS", "UPDATE", None));
    assert!(allowed(&a, &s, "TENANT_SETTINGS", "UPDATE", None));
    // 2.0 policy from kestractl: READ is an alias of VIEW only.
    let a = authz(one_tenant_policy(
        "v2",
        json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
        json!([user_binding("r", None)]),
    ));
    let s = session(&a, ALICE);
    assert!(allowed(&a, &s, "FLOW", "VIEW", Some("x")));
    assert!(!allowed(&a, &s, "FLOW", "LIST", Some("x")));
    assert!(
        allowed(&a, &s, "FLOW", "READ", Some("x")),
        "a READ request means VIEW too"
    );
    assert!(a.warnings().iter().any(|w| w.code == "WARN_LEGACY_ACTION"));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rows_23_to_27_and_30_31_crud_semantics() {
    let roles = json!([
        {"id": "read-prod", "permissions": {"FLOW": ["READ"]}},
        {"id": "ns", "permissions": {"NAMESPACE": ["READ"]}},
        {"id": "kv", "permissions": {"KVSTORE": ["UPDATE"]}},
        {"id": "secret", "permissions": {"SECRET": ["CREATE"]}},
        {"id": "exec-delete", "permissions": {"EXECUTION": ["DELETE"]}},
        {"id": "impersonate", "permissions": {"IMPERSONATE": ["READ"]}},
        {"id": "flows", "permissions": {"FLOW": ["CREATE", "READ", "UPDATE", "DELETE"]}},
    ]);
    let bindings = json!([
        user_binding("read-prod", Some("prod")),
        user_binding("ns", None),
        user_binding("kv", None),
        user_binding("secret", None),
        user_binding("exec-delete", None),
        user_binding("impersonate", None),
        user_binding("flows", Some("dev")),
    ]);
    let a = authz(one_tenant_policy("crud", roles, bindings));
    let s = session(&a, ALICE);
    assert!(allowed(&a, &s, "FLOW", "READ", Some("prod.engineering")));
    assert!(allowed(&a, &s, "NAMESPACE", "READ", None));
    assert!(!allowed(&a, &s, "KVSTORE", "CREATE", Some("x")));
    assert!(allowed(&a, &s, "KVSTORE", "UPDATE", Some("x")));
    assert!(!allowed(&a, &s, "SECRET", "UPDATE", Some("x")));
    assert!(
        s.has_any("EXECUTION", None).unwrap(),
        "any EXECUTION action (GET /logs/search)"
    );
    assert!(allowed(&a, &s, "IMPERSONATE", "READ", None));
    assert!(allowed(&a, &s, "FLOW", "CREATE", Some("dev")));
    assert!(
        !allowed(&a, &s, "NAMESPACE", "CREATE", Some("dev")),
        "a new namespace needs NAMESPACE:CREATE too"
    );
    // Row 24's second half and row 32: a user with no role at all.
    let a = authz(one_tenant_policy("crud", json!([]), json!([])));
    let s = session(&a, ALICE);
    assert!(!allowed(&a, &s, "NAMESPACE", "READ", None));
    assert!(!s.has_any_role().unwrap());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_authentik_guide_end_to_end_with_the_real_token() {
    use kestra_authz::{AuthorizerOptions, VerifyOptions};
    // The guide's configuration for the authentik that issued the real token: its client id is
    // the token's audience, its issuer the token's. (tests/kestra_config.rs reads the guide's
    // snippets pasted verbatim the same as the joined file.)
    let yaml = guide_yaml("kestra-client", SECRET, "http://127.0.0.1:9000/application/o/kestra/");
    let a = Authorizer::new(
        AuthorizerOptions::from_json(&json!({
            "kestraConfig": yaml,
            "jwks": include_str!("fixtures/authentik-2025.8.1/kestra.jwks.json"),
        }))
        .unwrap(),
    )
    .unwrap();
    let token = include_str!("fixtures/authentik-2025.8.1/tokens/kestra.alice.authcode.1.id_token.jwt").trim();
    let (now, options) = VerifyOptions::from_json(&json!({"now": 1_795_885_258u64}), None).unwrap();
    let s = a.verify_id_token(token, now, &options).unwrap();
    assert_eq!(s.username(), Some("alice@example.com"));
    let role = a.kestra_config().default_role.clone().unwrap();
    let granted: Vec<&str> = role
        .permissions
        .iter()
        .map(|(permission, _)| permission.as_str())
        .collect();
    assert_eq!(granted, GUIDE_ROLE_PERMISSIONS);
    for (permission, actions) in &role.permissions {
        assert_eq!(actions.len(), 4);
        for action in actions {
            let in_main = a
                .authorize(
                    &s,
                    &Request {
                        permission,
                        action,
                        namespace: Some("company.team"),
                        tenant: Some("main"),
                    },
                )
                .unwrap();
            assert!(in_main.allowed, "{permission}:{action}");
            assert_eq!(in_main.reasons[0].via.name(), "default-role");
            assert_eq!(in_main.reasons[0].role.as_deref(), Some("default_admin_role"));
            let no_tenant = a
                .authorize(
                    &s,
                    &Request {
                        permission,
                        action,
                        namespace: Some("company.team"),
                        tenant: None,
                    },
                )
                .unwrap();
            assert_eq!(
                (no_tenant.allowed, no_tenant.code),
                (false, "DENIED_TENANT_REQUIRED"),
                "{permission}:{action}"
            );
        }
    }
    let iam = a
        .warnings()
        .iter()
        .find(|w| w.code == "WARN_DEFAULT_ROLE_IAM_WRITE")
        .expect("the IAM warning");
    for name in ["USER", "ROLE", "GROUP", "BINDING"] {
        assert!(iam.message.contains(name), "{}", iam.message);
    }
    // Not granted by the guide's role.
    let other = a
        .authorize(
            &s,
            &Request {
                permission: "DASHBOARD",
                action: "READ",
                namespace: None,
                tenant: Some("main"),
            },
        )
        .unwrap();
    assert_eq!(other.code, "DENIED_NO_GRANT");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn row_33_default_role_for_users_the_policy_does_not_know() {
    let p = one_tenant_policy(
        "crud",
        json!([{"id": "r", "permissions": {"KVSTORE": ["READ"]}}]),
        json!([user_binding("r", None)]),
    );
    let a = authz_with(yaml::DEFAULT_VIEWER, p, json!({}));
    let newcomer = session(&a, "new@example.com");
    for tenant in ["main", "other"] {
        let d = a
            .authorize(
                &newcomer,
                &Request {
                    permission: "FLOW",
                    action: "READ",
                    namespace: Some("x"),
                    tenant: Some(tenant),
                },
            )
            .unwrap();
        assert!(d.allowed, "{tenant}");
    }
    // A listed user has exactly the listed bindings: no default role.
    let alice = session(&a, ALICE);
    assert!(!allowed(&a, &alice, "FLOW", "READ", Some("x")));
    assert!(allowed(&a, &alice, "KVSTORE", "READ", Some("x")));
    // tenant-id limits the default role to one tenant.
    let a = authz_with(yaml::DEFAULT_VIEWER_IN_MAIN, Value::Null, json!({}));
    let s = session(&a, "new@example.com");
    let ask_in = |tenant| {
        a.authorize(
            &s,
            &Request {
                permission: "FLOW",
                action: "READ",
                namespace: None,
                tenant: Some(tenant),
            },
        )
        .unwrap()
    };
    assert!(ask_in("main").allowed);
    assert_eq!(ask_in("other").code, "DENIED_NO_TENANT_ACCESS");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn tenants_required_fallback_and_default() {
    let a = authz_with(&yaml::tenant_required(), Value::Null, json!({}));
    let s = session(&a, ALICE);
    assert_eq!(code(&a, &s, "FLOW", "READ", None), "DENIED_TENANT_REQUIRED");
    assert!(!s.is_allowed("FLOW", "READ", Some("x")).unwrap());
    let s = session_in(&a, ALICE, json!({}), Some("main"));
    assert!(s.is_allowed("FLOW", "READ", Some("x")).unwrap(), "the session's tenant");
    let a = authz_with(&yaml::fallback_tenant(), Value::Null, json!({}));
    let s = session(&a, ALICE);
    assert_eq!(ask(&a, &s, "FLOW", "READ", None).tenant.as_deref(), Some("prod"));
    let a = authz_with(yaml::DEFAULT_FLOW_READER, Value::Null, json!({}));
    let s = session(&a, ALICE);
    assert_eq!(ask(&a, &s, "FLOW", "READ", None).tenant.as_deref(), Some("main"));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn identity_mapping_username_claim_and_groups_by_name_or_id() {
    let p = username_and_groups_policy();
    let a = authz_with(
        yaml::REALM_GROUPS_CLAIM,
        p.clone(),
        json!({"usernameClaim": "preferred_username"}),
    );
    let s = session_in(
        &a,
        ALICE,
        json!({"preferred_username": "alice", "realm": {"groups": ["data-team", "g-ops", "unknown"]}}),
        None,
    );
    assert_eq!(s.username(), Some("alice"));
    assert!(allowed(&a, &s, "FLOW", "READ", None), "by group name");
    assert!(allowed(&a, &s, "KVSTORE", "READ", None), "by group id");
    // Without groups-claim-path the token's groups are not used.
    let a = authz_with("", p, json!({"usernameClaim": "preferred_username"}));
    let s = session_in(
        &a,
        ALICE,
        json!({"preferred_username": "alice", "groups": ["data-team"]}),
        None,
    );
    assert!(s.groups().is_empty());
    assert!(!allowed(&a, &s, "FLOW", "READ", None));
    // No value in the username claim: no decision can grant.
    let s = session_in(&a, ALICE, json!({}), None);
    assert_eq!(code(&a, &s, "FLOW", "READ", None), "DENIED_NO_USERNAME");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn no_policy_no_default_role_no_grant() {
    let a = authz(Value::Null);
    let s = session(&a, ALICE);
    assert_eq!(code(&a, &s, "FLOW", "READ", Some("x")), "DENIED_NO_TENANT_ACCESS");
    assert!(!s.has_any_role().unwrap());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn binding_shapes_and_tenant_access_answer() {
    let stored = json!({"tenants": {"main": {
        "roles": [{"id": "r", "name": "Dev", "permissions": {"FLOW": ["READ"]}}],
        "users": [{"id": "u1", "username": ALICE}],
        "bindings": [{"id": "b1", "type": "USER", "externalId": "u1", "roleId": "r", "namespaceId": "team"}],
    }}});
    let detail = json!({"tenants": {"main": {
        "roles": [{"id": "r", "name": "Dev", "permissions": {"FLOW": ["READ"]}}],
        "users": [{"id": "u1", "username": ALICE}],
        "bindings": [{"id": "b1", "type": "USER", "namespace": "team", "role": {"id": "r", "name": "Dev"}, "user": {"id": "u1", "username": ALICE}, "group": null}],
    }}});
    let access = json!({"tenantAccess": [{
        "tenantId": "main", "userId": "u1", "username": ALICE, "groups": [{"id": "g1", "name": "data"}],
        "roles": [
            {"id": "r", "name": "Dev", "namespace": "team", "origin": "BINDING", "sourceId": "b1", "permissions": [{"permission": "FLOW", "actions": ["READ"]}]},
            {"id": "r2", "name": "Ops", "namespace": null, "origin": "GROUP", "sourceId": "g1", "permissions": [{"permission": "KVSTORE", "actions": ["READ"]}]},
        ],
        "superAdmin": false,
    }]});
    for p in [stored, detail, access.clone()] {
        let a = authz(p);
        let s = session(&a, ALICE);
        assert!(allowed(&a, &s, "FLOW", "READ", Some("team.x")));
        assert!(!allowed(&a, &s, "FLOW", "READ", Some("other")));
        let d = ask(&a, &s, "FLOW", "READ", Some("team.x"));
        assert_eq!(d.reasons[0].role_name.as_deref(), Some("Dev"));
        assert_eq!(d.reasons[0].binding.as_deref(), Some("b1"));
    }
    let a = authz(access);
    let s = session(&a, ALICE);
    assert_eq!(
        ask(&a, &s, "KVSTORE", "READ", Some("z")).reasons[0].group.as_deref(),
        Some("g1")
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn matrix_and_allowed_namespaces() {
    let roles = json!([{"id": "r", "permissions": {"FLOW": ["READ", "UPDATE"], "SECRET": ["READ"]}}, {"id": "all", "permissions": {"KVSTORE": ["READ"]}}]);
    let bindings = json!([
        user_binding("r", Some("company.team")),
        user_binding("r", Some("company.team.data")),
        user_binding("r", Some("ops")),
        user_binding("all", None)
    ]);
    let a = authz(one_tenant_policy("crud", roles, bindings));
    let s = session(&a, ALICE);
    let matrix = a.matrix(&s, Some("company.team.x"), None).unwrap();
    let cell = |p: &str, act: &str| {
        matrix
            .iter()
            .find(|(n, _)| *n == p)
            .unwrap()
            .1
            .iter()
            .find(|(x, _)| *x == act)
            .unwrap()
            .1
    };
    assert!(cell("FLOW", "READ") && cell("FLOW", "UPDATE") && cell("SECRET", "READ") && cell("KVSTORE", "READ"));
    assert!(!cell("FLOW", "DELETE") && !cell("SECRET", "UPDATE") && !cell("USER", "READ"));
    assert!(
        matrix.iter().all(|(_, cells)| cells.len() == 4),
        "CRUD model: four actions each"
    );
    let elsewhere = a.matrix(&s, Some("finance"), None).unwrap();
    assert!(!elsewhere.iter().find(|(n, _)| *n == "FLOW").unwrap().1[0].1);
    let grants = a.allowed_namespaces(&s, "FLOW", "UPDATE", None).unwrap();
    assert!(!grants.everywhere);
    assert_eq!(grants.namespaces, ["company.team", "ops"]);
    assert!(a.allowed_namespaces(&s, "KVSTORE", "READ", None).unwrap().everywhere);
    assert_eq!(
        a.allowed_namespaces(&s, "FLOW", "DELETE", None).unwrap().namespaces,
        Vec::<String>::new()
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn unknown_names_are_errors_not_denials() {
    let a = authz(one_tenant_policy(
        "crud",
        json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
        json!([user_binding("r", None)]),
    ));
    let s = session(&a, ALICE);
    let err = |p: &str, act: &str, ns: Option<&str>| {
        a.authorize(
            &s,
            &Request {
                permission: p,
                action: act,
                namespace: ns,
                tenant: None,
            },
        )
        .unwrap_err()
        .code()
    };
    assert_eq!(err("FLOWS", "READ", None), "ERR_UNKNOWN_PERMISSION");
    assert_eq!(err("FLOW", "REED", None), "ERR_UNKNOWN_ACTION");
    assert_eq!(
        err("FLOW", "KILL", None),
        "ERR_UNKNOWN_ACTION",
        "valid elsewhere, not on FLOW"
    );
    assert_eq!(
        err("TRIGGER", "READ", None),
        "ERR_UNKNOWN_ACTION",
        "TRIGGER is a 2.0 resource, READ a CRUD action"
    );
    assert_eq!(
        err("TEMPLATE", "VIEW", None),
        "ERR_UNKNOWN_PERMISSION",
        "TEMPLATE has no 2.0 successor"
    );
    assert_eq!(err("FLOW", "READ", Some("Company")), "ERR_NAMESPACE_INVALID");
    assert_eq!(err("FLOW", "READ", Some(".a")), "ERR_NAMESPACE_INVALID");
    assert_eq!(err("FLOW", "READ", Some(&"a".repeat(151))), "ERR_NAMESPACE_INVALID");
    assert_eq!(
        a.authorize(
            &s,
            &Request {
                permission: "FLOW",
                action: "READ",
                namespace: None,
                tenant: Some("Main!")
            }
        )
        .unwrap_err()
        .code(),
        "ERR_TENANT_INVALID"
    );
    assert_eq!(
        s.is_allowed("flow", "READ", None).unwrap_err().code(),
        "ERR_UNKNOWN_PERMISSION"
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn bad_policies_are_errors_with_a_path() {
    use kestra_authz::AuthorizerOptions;
    let build = |p: Value| {
        let options =
            json!({"issuer": ISSUER, "clientId": CLIENT_ID, "clientSecret": SECRET, "jwks": "{}", "policy": p});
        AuthorizerOptions::from_json(&options)
            .and_then(Authorizer::new)
            .err()
            .map(|e| (e.code(), e.to_string()))
    };
    let cases = [
        (
            json!({"roles": [{"id": "r", "permissions": {"FLOWS": ["READ"]}}]}),
            "policy.roles[0].permissions.FLOWS",
        ),
        (
            json!({"roles": [{"id": "r", "permissions": {"FLOW": ["REED"]}}]}),
            "policy.roles[0].permissions.FLOW",
        ),
        (
            json!({"bindings": [{"type": "USER", "externalId": "u", "roleId": "missing"}]}),
            "policy.bindings[0]",
        ),
        (
            json!({"bindings": [{"type": "ROBOT", "externalId": "u", "roleId": "r"}]}),
            "policy.bindings[0].type",
        ),
        (
            json!({"roles": [{"id": "r"}], "bindings": [{"type": "USER", "externalId": "u", "roleId": "r", "namespaceId": "Bad"}]}),
            "policy.bindings[0].namespace",
        ),
        (
            json!({"users": [{"id": "u", "groups": ["nope"]}]}),
            "tenants.main.users[0].groups",
        ),
        (json!({"roles": [{"id": "r"}, {"id": "r"}]}), "policy.roles[1]"),
        (
            json!({"tenants": {"t1": {"roles": [{"id": "r"}], "bindings": [
                {"type": "USER", "externalId": "u", "roleId": "r"},
                {"type": "GROUP", "externalId": "nobody", "roleId": "r"}
            ]}}}),
            "tenants.t1.bindings[1]",
        ),
        (json!({"tenants": {"Main": {}}}), "tenants.Main"),
        (json!({"rolez": []}), "rolez"),
        (json!({"roles": "x"}), "policy.roles"),
        (json!({"model": "v3"}), "model"),
    ];
    for (p, path) in cases {
        let (code, message) = build(p.clone()).unwrap_or_else(|| panic!("{p} should fail"));
        assert_eq!(code, "ERR_POLICY_INVALID", "{p}");
        assert!(message.contains(path), "{message} should name {path}");
        // The same policy as text (the typed reader where it applies): the same error.
        assert_eq!(
            build(Value::String(p.to_string())),
            Some((code, message.clone())),
            "{p} as text"
        );
        // And beside the options, as the JS bindings pass a policy object.
        let rest = json!({"issuer": ISSUER, "clientId": CLIENT_ID, "clientSecret": SECRET, "jwks": "{}"});
        let beside = AuthorizerOptions::from_json(&rest)
            .and_then(|options| Authorizer::with_policy_text(options, &p.to_string()))
            .err()
            .map(|e| (e.code(), e.to_string()));
        assert_eq!(beside, Some((code, message)), "{p} beside the options");
    }
    // A policy both inside the options and beside them is refused, not merged or picked.
    let both = json!({"issuer": ISSUER, "clientId": CLIENT_ID, "clientSecret": SECRET, "jwks": "{}", "policy": {}});
    let both = AuthorizerOptions::from_json(&both).unwrap();
    let Err(error) = Authorizer::with_policy_text(both, "{}") else {
        panic!("a policy given twice is accepted");
    };
    assert_eq!(error.code(), "ERR_OPTION_INVALID");
    assert!(error.to_string().contains("given twice"), "{error}");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn model_auto_detection_and_config_lints() {
    let v2 = authz(json!({"roles": [{"id": "r", "permissions": {"FLOW": ["VIEW", "EXECUTE"]}}]}));
    assert_eq!(v2.policy().model().name(), "v2");
    let crud = authz(json!({"roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}]}));
    assert_eq!(crud.policy().model().name(), "crud");
    let empty = authz(Value::Null);
    assert_eq!(empty.policy().model().name(), "crud");
    // Known names that do nothing in the model are findings; unknown names are errors.
    let yaml = "kestra.security.default-role.permissions.TEMPLATE: [READ]\nkestra.security.default-role.permissions.FLOW: [VIEW]\n";
    let a = authz_with(yaml, Value::Null, json!({}));
    assert!(
        a.warnings()
            .iter()
            .any(|w| w.code == "WARN_PERMISSION_IGNORED" && w.path.contains("TEMPLATE"))
    );
    // A 2.0 action in a CRUD policy does nothing: a finding.
    let a = authz_with(
        "",
        json!({"model": "crud", "roles": [{"id": "r", "permissions": {"FLOW": ["READ", "EXECUTE"]}}]}),
        json!({}),
    );
    assert!(
        a.warnings()
            .iter()
            .any(|w| w.code == "WARN_ACTION_IGNORED" && w.path == "policy.roles[0].permissions.FLOW")
    );
    // A default role that grants nothing, and OAuth2 switched off with clients configured.
    let yaml = "kestra.security.default-role.name: nothing\nkestra.security.default-role.permissions.TEMPLATE: [READ]\n\
                micronaut.security.oauth2.enabled: false\nmicronaut.security.oauth2.clients.a.client-id: x\n";
    let a = authz_with(yaml, json!({"model": "v2"}), json!({}));
    let codes: Vec<&str> = a.warnings().iter().map(|w| w.code.as_str()).collect();
    assert!(codes.contains(&"WARN_DEFAULT_ROLE_EMPTY"), "{codes:?}");
    assert!(codes.contains(&"WARN_OAUTH2_DISABLED"), "{codes:?}");
    use kestra_authz::AuthorizerOptions;
    let options = json!({"issuer": ISSUER, "clientId": CLIENT_ID, "clientSecret": SECRET, "jwks": "{}",
        "kestraConfig": "kestra.security.default-role.permissions.FLOWZ: [READ]\n"});
    let e = AuthorizerOptions::from_json(&options)
        .and_then(Authorizer::new)
        .err()
        .unwrap();
    assert_eq!(e.code(), "ERR_CONFIG_INVALID");
    assert!(
        e.to_string().contains("kestra.security.defaultRole.permissions.FLOWZ"),
        "{e}"
    );
}

/// `authorize` gives the four most specific grants, most specific first, and counts the rest:
/// a user with many applying bindings pays for four reason objects, not for each binding.
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn reasons_are_the_four_most_specific_and_the_rest_is_counted() {
    let mut bindings = vec![
        user_binding("r", None),
        json!({"type": "GROUP", "externalId": "g1", "roleId": "r", "namespaceId": "io.acme.data.etl"}),
        user_binding("r", Some("io")),
        user_binding("r", Some("io.acme.data")),
        user_binding("r", Some("io.acme.data.etl")),
        user_binding("r", Some("io.acme")),
    ];
    // Ten more on the shallowest namespace: counted, not listed; between them, bindings of a
    // role without the action, which are neither.
    for i in 0..10 {
        bindings.push(user_binding("r", Some("io")));
        if i % 2 == 0 {
            bindings.push(user_binding("other", Some("io")));
            bindings.push(user_binding("other", Some("io.acme.data.etl")));
        }
    }
    let a = authz(one_tenant_policy(
        "v2",
        json!([{"id": "r", "name": "R", "permissions": {"FLOW": ["UPDATE"]}}, {"id": "other", "permissions": {"FLOW": ["VIEW"]}}]),
        Value::Array(bindings),
    ));
    let s = session(&a, ALICE);
    let d = ask(&a, &s, "FLOW", "UPDATE", Some("io.acme.data.etl.daily"));
    assert!(d.allowed);
    let listed: Vec<(&str, Option<&str>, Option<&str>)> = d
        .reasons
        .iter()
        .map(|r| (r.via.name(), r.namespace.as_deref(), r.binding.as_deref()))
        .collect();
    // The deepest first, the user's own before the group's; then the next depth.
    assert_eq!(
        listed,
        [
            ("user", Some("io.acme.data.etl"), Some("#4")),
            ("group", Some("io.acme.data.etl"), Some("#1")),
            ("user", Some("io.acme.data"), Some("#3")),
            ("user", Some("io.acme"), Some("#5")),
        ]
    );
    // The tenant-wide binding and the eleven on `io`.
    assert_eq!(d.more_reasons, 12);
    // With few grants, all of them and nothing more.
    let d = ask(&a, &s, "FLOW", "UPDATE", Some("other"));
    assert_eq!(d.reasons.len(), 1);
    assert_eq!(d.reasons[0].namespace, None);
    assert_eq!(d.more_reasons, 0);
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["moreReasons"], 0);
}

/// Tenant-wide grants are listed most specific first and counted past four too: bindings
/// without a namespace, and, for a tenant-scope permission, namespaced bindings of a role with
/// tenant-scope keys (the deepest first).
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn tenant_wide_reasons_are_bounded_and_counted() {
    let mut bindings = Vec::new();
    for i in 0..9 {
        bindings.push(user_binding("r", None));
        bindings.push(user_binding("other", None));
        bindings.push(user_binding("r", Some(if i % 2 == 0 { "a.b" } else { "a" })));
    }
    let a = authz(one_tenant_policy(
        "v2",
        json!([
            {"id": "r", "name": "R", "permissions": {"FLOW": ["UPDATE"], "USER": ["VIEW"]}},
            {"id": "other", "permissions": {"FLOW": ["VIEW"]}},
        ]),
        Value::Array(bindings),
    ));
    let s = session(&a, ALICE);
    let all_of = |permission, action, namespace| {
        let request = Request {
            permission,
            action,
            namespace,
            tenant: None,
        };
        (
            a.authorize(&s, &request).unwrap(),
            a.all_reasons(&s, &request).unwrap().len(),
        )
    };
    // FLOW:UPDATE elsewhere: the nine tenant-wide bindings of `r`.
    let (d, total) = all_of("FLOW", "UPDATE", Some("elsewhere"));
    assert_eq!((d.reasons.len(), d.more_reasons, total), (4, 5, 9));
    assert!(d.reasons.iter().all(|r| r.namespace.is_none()));
    // USER:VIEW (tenant scope): also the nine namespaced ones, the deepest first.
    let (d, total) = all_of("USER", "VIEW", None);
    assert_eq!((d.reasons.len(), d.more_reasons, total), (4, 14, 18));
    assert!(
        d.reasons.iter().all(|r| r.namespace.as_deref() == Some("a.b")),
        "{:?}",
        d.reasons
    );
}
