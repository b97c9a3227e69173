//! `explain` and `diffPolicies` on the cases an administrator meets: each near miss named with
//! the change that grants it, and each kind of change of access (a binding moved, a role
//! edited, a group's grant, the default role in the configuration, an Instance Owner, a user
//! removed) reported for the right principal, tenant and region.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use kestra_authz::audit::{PolicyDiff, PrincipalKind, Region, Suggestion, compile_setup, diff_policies};
use kestra_authz::rbac::{PolicyInput, Request};
use kestra_authz::{Authorizer, Session};
use serde_json::{Value, json};

const ALICE: &str = "alice@example.com";

fn policy(roles: Value, groups: Value, users: Value, bindings: Value) -> Value {
    json!({"model": "crud", "tenants": {"main": {"roles": roles, "groups": groups, "users": users, "bindings": bindings}}})
}

fn alice() -> Value {
    json!([{"id": "u-alice", "username": ALICE, "groups": []}])
}

fn explain(a: &Authorizer, s: &Session, p: &str, act: &str, ns: Option<&str>) -> Vec<Suggestion> {
    let request = Request {
        permission: p,
        action: act,
        namespace: ns,
        tenant: None,
    };
    let e = a.explain(s, &request).unwrap();
    assert!(!e.decision.allowed, "{p}:{act} {ns:?} is allowed");
    e.suggestions
}

fn kinds(s: &[Suggestion]) -> Vec<&str> {
    s.iter().map(|x| x.kind).collect()
}

fn changes(s: &Suggestion) -> Value {
    serde_json::to_value(&s.changes).unwrap()
}

#[test]
fn a_binding_on_a_sibling_namespace_is_named_with_the_binding_that_would_grant() {
    let a = authz(policy(
        json!([{"id": "editor", "permissions": {"FLOW": ["READ", "UPDATE"]}}]),
        json!([]),
        alice(),
        json!([{"id": "b1", "type": "USER", "externalId": "u-alice", "roleId": "editor", "namespaceId": "company.team"}]),
    ));
    let s = session(&a, ALICE);
    let got = explain(&a, &s, "FLOW", "UPDATE", Some("company.teamx"));
    assert_eq!(kinds(&got), ["BINDING_ELSEWHERE", "BIND_ROLE"]);
    let near = &got[0];
    assert_eq!(near.binding.as_deref(), Some("b1"));
    assert_eq!(near.namespace.as_deref(), Some("company.team"));
    assert!(near.message.contains("company.teamx"), "{}", near.message);
    assert_eq!(
        changes(near),
        json!([{"type": "BIND_ROLE", "tenant": "main", "role": "editor", "subject": {"type": "USER", "id": "u-alice"}, "namespace": "company.teamx"}])
    );
}

#[test]
fn a_role_with_the_permission_but_not_the_action_names_the_action_to_add() {
    let a = authz(policy(
        json!([{"id": "viewer", "permissions": {"FLOW": ["READ"]}}, {"id": "big", "permissions": {"FLOW": ["READ", "DELETE"], "SECRET": ["READ"]}}]),
        json!([]),
        alice(),
        json!([{"id": "b1", "type": "USER", "externalId": "u-alice", "roleId": "viewer", "namespaceId": "company"}]),
    ));
    let s = session(&a, ALICE);
    let got = explain(&a, &s, "FLOW", "DELETE", Some("company.data"));
    assert_eq!(kinds(&got), ["ROLE_LACKS_ACTION", "BIND_ROLE"]);
    assert_eq!(
        changes(&got[0]),
        json!([{"type": "ADD_ACTION", "tenant": "main", "role": "viewer", "permission": "FLOW", "action": "DELETE"}])
    );
    // The least role that has it is the one suggested for a new binding.
    assert_eq!(got[1].role.as_deref(), Some("big"));
}

#[test]
fn a_global_only_permission_bound_on_a_namespace_says_to_bind_it_without_one() {
    let a = authz(policy(
        json!([{"id": "bp", "permissions": {"BLUEPRINT": ["CREATE"]}}]),
        json!([]),
        alice(),
        json!([{"id": "b1", "type": "USER", "externalId": "u-alice", "roleId": "bp", "namespaceId": "company"}]),
    ));
    let s = session(&a, ALICE);
    let got = explain(&a, &s, "BLUEPRINT", "CREATE", Some("company"));
    assert_eq!(got[0].kind, "GLOBAL_ONLY_ON_NAMESPACE");
    assert_eq!(got[0].changes.len(), 1);
    assert_eq!(changes(&got[0])[0]["namespace"], Value::Null);
}

#[test]
fn a_group_that_grants_it_is_named_for_members_and_for_tokens() {
    let bindings = json!([{"type": "GROUP", "externalId": "g-data", "roleId": "reader", "namespaceId": "company"}]);
    let roles = json!([{"id": "reader", "permissions": {"FLOW": ["READ"]}}]);
    let groups = json!([{"id": "g-data", "name": "data-team"}]);
    let a = authz(policy(roles.clone(), groups.clone(), alice(), bindings.clone()));
    let got = explain(&a, &session(&a, ALICE), "FLOW", "READ", Some("company.x"));
    assert_eq!(got[0].kind, "GROUP_NOT_HELD");
    assert!(got[0].message.contains("not a member"));
    assert_eq!(
        changes(&got[0]),
        json!([{"type": "ADD_TO_GROUP", "tenant": "main", "group": "g-data", "username": ALICE}])
    );
    // With a groups claim, the token is where membership comes from.
    let yaml = "kestra:\n  security:\n    oidc:\n      groups-claim-path: groups\n";
    let a = authz_with(yaml, policy(roles, groups, alice(), bindings), json!({}));
    let got = explain(&a, &session(&a, ALICE), "FLOW", "READ", Some("company.x"));
    assert_eq!(got[0].kind, "GROUP_NOT_HELD");
    assert!(got[0].message.contains("token"), "{}", got[0].message);
}

#[test]
fn a_user_the_policy_does_not_list_is_told_about_the_first_login_role_and_how_to_be_listed() {
    let a = authz(policy(
        json!([{"id": "default", "permissions": {"FLOW": ["READ"]}, "isDefault": true}]),
        json!([]),
        alice(),
        json!([]),
    ));
    let got = explain(&a, &session(&a, "bob@example.com"), "FLOW", "UPDATE", Some("company"));
    assert_eq!(kinds(&got), ["DEFAULT_ROLE_LACKS", "BIND_ROLE"]);
    assert_eq!(changes(&got[0])[0]["role"], "default");
    // No role has it: a new one, and the user listed so that a binding can name them.
    assert_eq!(
        changes(&got[1]),
        json!([
            {"type": "ADD_USER", "tenant": "main", "id": "bob@example.com", "username": "bob@example.com"},
            {"type": "CREATE_ROLE", "tenant": "main", "role": "flow-update", "permission": "FLOW", "action": "UPDATE"},
            {"type": "BIND_ROLE", "tenant": "main", "role": "flow-update", "subject": {"type": "USER", "id": "bob@example.com"}, "namespace": "company"}
        ])
    );
}

#[test]
fn no_tenant_access_an_instance_resource_and_a_token_without_username_each_say_so() {
    let a = authz(json!({"model": "crud", "tenants": {
        "main": {"roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}], "users": [{"id": "u-alice", "username": ALICE}]},
        "other": {"roles": [{"id": "r2", "permissions": {"FLOW": ["READ"]}}]}}}));
    let s = session(&a, ALICE);
    let request = Request {
        permission: "FLOW",
        action: "READ",
        namespace: Some("x"),
        tenant: Some("other"),
    };
    let e = a.explain(&s, &request).unwrap();
    assert_eq!(e.decision.code, "DENIED_NO_TENANT_ACCESS");
    assert_eq!(kinds(&e.suggestions), ["NO_TENANT_ACCESS"]);
    assert!(e.suggestions[0].message.contains("no access to tenant other"));
    // Tenants are an instance resource in 2.0: only an Instance Owner manages them.
    let v2 = authz(json!({"model": "v2", "tenants": {"main": {"users": [{"id": "u-alice", "username": ALICE}]}}}));
    let got = explain(&v2, &session(&v2, ALICE), "TENANT", "VIEW", None);
    assert_eq!(kinds(&got), ["INSTANCE_OWNER_ONLY"]);
    assert_eq!(
        changes(&got[0]),
        json!([{"type": "MAKE_INSTANCE_OWNER", "username": ALICE}])
    );
    let by_name = authz_with(
        "",
        json!({"tenants": {"main": {}}}),
        json!({"usernameClaim": "preferred_username"}),
    );
    let nameless = session(&by_name, ALICE);
    let got = explain(&by_name, &nameless, "FLOW", "READ", None);
    assert_eq!(kinds(&got), ["NO_USERNAME"]);
    assert!(got[0].changes.is_empty());
}

#[test]
fn an_allow_is_the_decision_with_no_suggestions() {
    let a = authz(policy(
        json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
        json!([]),
        alice(),
        json!([{"type": "USER", "externalId": "u-alice", "roleId": "r"}]),
    ));
    let s = session(&a, ALICE);
    let request = Request {
        permission: "FLOW",
        action: "READ",
        namespace: Some("a"),
        tenant: None,
    };
    let e = a.explain(&s, &request).unwrap();
    assert!(e.decision.allowed && !e.decision.reasons.is_empty() && e.suggestions.is_empty());
}

fn diff(before: Value, after: Value) -> PolicyDiff {
    authz(before).diff(&authz(after)).unwrap()
}

fn region(p: &'static str, a: &'static str, ns: Option<&str>, except: &[&str]) -> Region {
    Region {
        permission: p,
        action: a,
        namespace: ns.map(str::to_owned),
        except: except.iter().map(|s| (*s).to_owned()).collect(),
        also: Vec::new(),
    }
}

/// Regions without the 2.0 names they carry on a CRUD policy.
fn places(regions: &[Region]) -> Vec<Region> {
    regions
        .iter()
        .map(|r| Region {
            also: Vec::new(),
            ..r.clone()
        })
        .collect()
}

#[test]
fn moving_a_binding_up_a_namespace_gains_the_parent_except_what_was_held() {
    let roles = json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]);
    let bind = |ns: &str| json!([{"type": "USER", "externalId": "u-alice", "roleId": "r", "namespaceId": ns}]);
    let d = diff(
        policy(roles.clone(), json!([]), alice(), bind("company.data")),
        policy(roles, json!([]), alice(), bind("company")),
    );
    assert_eq!(d.changes.len(), 1);
    let c = &d.changes[0];
    assert_eq!(
        (c.principal.kind, c.principal.name.as_str(), c.tenant.as_deref()),
        (PrincipalKind::User, ALICE, Some("main"))
    );
    assert_eq!(
        places(&c.gained),
        [region("FLOW", "READ", Some("company"), &["company.data"])]
    );
    assert!(c.lost.is_empty());
    assert!(!c.gained[0].holds(Some("company.data.x")) && c.gained[0].holds(Some("company.datax")));
    // A CRUD policy answers 2.0 names too: those that changed in the same places ride along.
    assert_eq!(c.gained[0].also, ["FLOW:VIEW", "FLOW:LIST", "FLOW:EXPORT"]);
}

#[test]
fn a_role_edit_reaches_every_holder_and_a_group_change_its_members() {
    let users = json!([
        {"id": "u-alice", "username": ALICE, "groups": ["g"]},
        {"id": "u-bob", "username": "bob@example.com", "groups": []}]);
    let groups = json!([{"id": "g", "name": "data-team"}]);
    let bindings = json!([
        {"type": "GROUP", "externalId": "g", "roleId": "r"},
        {"type": "USER", "externalId": "u-bob", "roleId": "r", "namespaceId": "ops"}]);
    let d = diff(
        policy(
            json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
            groups.clone(),
            users.clone(),
            bindings.clone(),
        ),
        policy(
            json!([{"id": "r", "permissions": {"FLOW": ["READ", "DELETE"]}}]),
            groups,
            users,
            bindings,
        ),
    );
    let who: Vec<(PrincipalKind, &str)> = d
        .changes
        .iter()
        .map(|c| (c.principal.kind, c.principal.name.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            (PrincipalKind::User, ALICE),
            (PrincipalKind::User, "bob@example.com"),
            (PrincipalKind::Group, "data-team")
        ]
    );
    assert_eq!(
        places(&d.changes[1].gained),
        [region("FLOW", "DELETE", Some("ops"), &[])]
    );
    assert_eq!(places(&d.changes[0].gained), [region("FLOW", "DELETE", None, &[])]);
}

#[test]
fn a_user_removed_from_the_policy_falls_back_to_the_first_login_role() {
    let roles = json!([{"id": "def", "permissions": {"FLOW": ["READ"]}, "isDefault": true}, {"id": "admin", "permissions": {"FLOW": ["READ", "DELETE"]}}]);
    let with = policy(
        roles.clone(),
        json!([]),
        alice(),
        json!([{"type": "USER", "externalId": "u-alice", "roleId": "admin"}]),
    );
    let without = policy(roles, json!([]), json!([]), json!([]));
    let d = diff(with, without);
    assert_eq!(d.changes.len(), 1);
    assert_eq!(places(&d.changes[0].lost), [region("FLOW", "DELETE", None, &[])]);
}

#[test]
fn the_configuration_default_role_and_instance_owners_count_in_every_tenant() {
    let yaml = |actions: &str| {
        format!(
            "kestra:\n  security:\n    defaultRole:\n      name: sso\n      permissions:\n        FLOW: [{actions}]\n"
        )
    };
    let setup = |actions: &str| json!({"kestraConfig": yaml(actions)});
    let p: Value = json!({"model": "crud", "tenants": {"main": {"users": [{"id": "o", "username": "owner@example.com", "superAdmin": true}]}}});
    let input = PolicyInput::from_json(&p).unwrap();
    let before = compile_setup(&setup("READ"), Some(&input)).unwrap();
    let after = compile_setup(&setup("READ, UPDATE"), Some(&input)).unwrap();
    let d = diff_policies(&before, &after).unwrap();
    let roles: Vec<(PrincipalKind, Option<&str>)> = d
        .changes
        .iter()
        .map(|c| (c.principal.kind, c.tenant.as_deref()))
        .collect();
    assert_eq!(
        roles,
        [
            (PrincipalKind::DefaultRole, Some("main")),
            (PrincipalKind::DefaultRole, None)
        ]
    );
    assert_eq!(places(&d.changes[1].gained), [region("FLOW", "UPDATE", None, &[])]);
    // An owner demoted loses the owner's permissions everywhere, tenants unlisted too.
    let demoted: Value =
        json!({"model": "crud", "tenants": {"main": {"users": [{"id": "o", "username": "owner@example.com"}]}}});
    let d = diff(p, demoted);
    assert!(d.changes.iter().any(|c| c.tenant.is_none()
        && c.principal.name == "owner@example.com"
        && c.lost.iter().any(|r| r.permission == "TENANT")));
}

#[test]
fn policies_read_in_different_models_are_refused() {
    let crud = json!({"model": "crud", "tenants": {"main": {}}});
    let v2 = json!({"model": "v2", "tenants": {"main": {}}});
    let err = authz(crud).diff(&authz(v2)).unwrap_err();
    assert_eq!(err.code(), "ERR_OPTION_INVALID");
    let unknown = compile_setup(&json!({"kestraConfig": "", "jwks": {}}), None).unwrap_err();
    assert_eq!(unknown.code(), "ERR_OPTION_INVALID");
}

#[test]
fn equal_policies_have_no_changes_and_v2_policies_compare_in_v2_names() {
    let p = json!({"model": "v2", "tenants": {"main": {
        "roles": [{"id": "r", "permissions": {"FLOW": ["VIEW"]}}],
        "users": [{"id": "u-alice", "username": ALICE}],
        "bindings": [{"type": "USER", "externalId": "u-alice", "roleId": "r", "namespaceId": "a"}]}}});
    assert!(diff(p.clone(), p.clone()).changes.is_empty());
    let mut q = p.clone();
    q["tenants"]["main"]["roles"][0]["permissions"]["FLOW"] = json!(["VIEW", "EXECUTE"]);
    let d = diff(p, q);
    assert_eq!(d.model, "v2");
    assert_eq!(
        places(&d.changes[0].gained),
        [region("FLOW", "EXECUTE", Some("a"), &[])]
    );
}

/// Provenance: `explain` judges a session by this Authorizer's policy for the identity its
/// token proved, or refuses it; a principal resolved by another compiled policy is refused.
#[test]
fn explain_refuses_a_session_or_principal_of_another_authorizer() {
    let p = policy(
        json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
        json!([]),
        alice(),
        json!([{"type": "USER", "externalId": "u-alice", "roleId": "r"}]),
    );
    let a = authz(p.clone());
    let s = session(&a, ALICE);
    let request = Request {
        permission: "FLOW",
        action: "DELETE",
        namespace: None,
        tenant: None,
    };
    // Another issuer: the session is foreign to it.
    let other = authz_with(
        "",
        p.clone(),
        json!({"issuer": "https://sso.example.com/application/o/other/"}),
    );
    assert_eq!(other.explain(&s, &request).unwrap_err().code(), "ERR_SESSION_FOREIGN");
    // The same verifier, another policy: judged afresh by its own policy, for alice.
    let reloaded = authz(policy(
        json!([{"id": "r", "permissions": {"FLOW": ["READ"]}}]),
        json!([]),
        json!([]),
        json!([]),
    ));
    let e = reloaded.explain(&s, &request).unwrap();
    assert!(!e.decision.allowed);
    // A principal of one compiled policy, asked of another's.
    let err = kestra_authz::audit::explain(reloaded.policy(), s.principal(), &request).unwrap_err();
    assert_eq!(err.code(), "ERR_SESSION_FOREIGN");
}
