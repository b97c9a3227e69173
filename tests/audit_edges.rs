//! `diffPolicies` and `explain` at their edges: CRUD policies answering 2.0 names, groups a
//! token carries, tenants a user is not listed in, ids a suggestion must not collide with,
//! the first-login role, namespaces at their limits. Each case is checked against `authorize`:
//! a diff against decisions before and after, a suggestion by applying it. The property tests
//! at the bottom widen `rbac_props.rs` to two tenants, both models, Instance Owners, default
//! roles with a tenant, and renamed users.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::rbac_fixtures::authorizer_options;
use common::*;
use kestra_authz::audit::{PolicyDiff, PrincipalKind, Suggestion, TenantMove, compile_setup, diff_policies};
use kestra_authz::rbac::{PolicyInput, Request};
use kestra_authz::{Authorizer, AuthorizerOptions, Session};
use proptest::prelude::*;
use serde_json::{Value, json};

const ALICE: &str = "alice@example.com";
const CLAIM: &str = "kestra:\n  security:\n    oidc:\n      groups-claim-path: groups\n";

// ---------------------------------------------------------------------------------------
// helpers

fn try_authz(yaml: &str, policy: &Value) -> Result<Authorizer, String> {
    let options = authorizer_options(yaml, policy.clone(), json!({}));
    AuthorizerOptions::from_json(&options)
        .and_then(Authorizer::new)
        .map_err(|e| format!("{}: {e}", e.code()))
}

fn req<'a>(p: &'a str, act: &'a str, ns: Option<&'a str>, tenant: Option<&'a str>) -> Request<'a> {
    Request {
        permission: p,
        action: act,
        namespace: ns,
        tenant,
    }
}

fn sess(a: &Authorizer, name: &str, groups: Option<&[&str]>) -> Session {
    match groups {
        Some(g) => session_in(a, name, json!({ "groups": g }), None),
        None => session(a, name),
    }
}

fn allowed(a: &Authorizer, name: &str, groups: Option<&[&str]>, r: &Request<'_>) -> bool {
    a.authorize(&sess(a, name, groups), r).unwrap().allowed
}

/// Whether a region is about `p:act`: its own names, or a 2.0 name it carries (`also`).
fn names_it(r: &kestra_authz::audit::Region, p: &str, act: &str) -> bool {
    (r.permission == p && r.action == act) || r.also.iter().any(|x| x.split_once(':') == Some((p, act)))
}

/// Whether the diff records the request for `name` (a user; `stranger` reads the first-login
/// role's entries) in `tenant`, among the gains (or the losses).
fn says(d: &PolicyDiff, name: &str, stranger: bool, tenant: Option<&str>, r: &Request<'_>, gained: bool) -> bool {
    d.changes.iter().any(|c| {
        let who = match c.principal.kind {
            PrincipalKind::User => c.principal.name == name,
            PrincipalKind::DefaultRole => stranger,
            PrincipalKind::Group => false,
        };
        let regions = if gained { &c.gained } else { &c.lost };
        who && c.tenant.as_deref() == tenant
            && regions
                .iter()
                .any(|x| names_it(x, r.permission, r.action) && x.holds(r.namespace))
    })
}

/// Applies each suggestion with changes and says which do not grant the request (with why).
fn failing_suggestions(
    yaml: &str,
    policy: &Value,
    name: &str,
    groups: Option<&[&str]>,
    r: &Request<'_>,
) -> (Vec<Suggestion>, Vec<String>) {
    let a = try_authz(yaml, policy).unwrap();
    let s = sess(&a, name, groups);
    let e = a.explain(&s, r).unwrap();
    assert!(!e.decision.allowed, "the request is allowed");
    let mut bad = Vec::new();
    for sug in &e.suggestions {
        if sug.changes.is_empty() {
            continue;
        }
        let mut p = policy.clone();
        let applied = sug
            .changes
            .iter()
            .try_for_each(|c| apply_change(&mut p, &serde_json::to_value(c).unwrap()));
        let outcome = applied
            .and_then(|()| try_authz(yaml, &p))
            .map(|b| allowed(&b, name, groups, r));
        match outcome {
            Ok(true) => {}
            Ok(false) => bad.push(format!("{} {:?}: applied, still denied", sug.kind, sug.changes)),
            Err(e) => bad.push(format!("{} {:?}: cannot apply: {e}", sug.kind, sug.changes)),
        }
    }
    (e.suggestions.clone(), bad)
}

// ---------------------------------------------------------------------------------------
// 1. diff exactness

/// A CRUD policy answers 2.0 requests through the expansion table (decision 12), so binding
/// a SETTING:READ role on a namespace makes SYSTEM_SETTINGS:VIEW (a tenant-wide 2.0 resource)
/// allowed: the diff reports that 2.0 name, which no CRUD grant's change implies here.
#[test]
fn diff_of_a_crud_policy_reports_a_2_0_name_that_changes_alone() {
    let users = json!([{"id": "u-alice", "username": ALICE}]);
    let roles = json!([{"id": "settings", "permissions": {"SETTING": ["READ"]}}]);
    let before = json!({"model": "crud", "tenants": {"main": {"roles": roles, "users": users}}});
    let mut after = before.clone();
    after["tenants"]["main"]["bindings"] =
        json!([{"type": "USER", "externalId": "u-alice", "roleId": "settings", "namespaceId": "company"}]);
    let (b, a) = (authz(before), authz(after));
    let r = req("SYSTEM_SETTINGS", "VIEW", None, Some("main"));
    assert!(!allowed(&b, ALICE, None, &r) && allowed(&a, ALICE, None, &r));
    let d = b.diff(&a).unwrap();
    assert!(
        says(&d, ALICE, false, Some("main"), &r, true),
        "authorize: SYSTEM_SETTINGS:VIEW denied before, allowed after; diff: {d:#?}"
    );
}

/// The same class: an Instance Owner of a CRUD policy holds WORKER_GROUP (a 2.0 instance
/// resource authorize answers on a CRUD policy); demoting them loses it, and the diff says so.
#[test]
fn diff_of_a_crud_policy_reports_an_owners_2_0_instance_resources() {
    let before = json!({"model": "crud", "tenants": {"main": {"users": [{"id": "o", "username": "root@example.com", "superAdmin": true}]}}});
    let after = json!({"model": "crud", "tenants": {"main": {"users": [{"id": "o", "username": "root@example.com"}]}}});
    let (b, a) = (authz(before), authz(after));
    let r = req("WORKER_GROUP", "VIEW", None, Some("main"));
    assert!(allowed(&b, "root@example.com", None, &r) && !allowed(&a, "root@example.com", None, &r));
    let d = b.diff(&a).unwrap();
    assert!(
        says(&d, "root@example.com", false, Some("main"), &r, false),
        "WORKER_GROUP:VIEW lost, not in the diff: {d:#?}"
    );
}

/// With groups-claim-path, a token's groups are matched to policy groups by *name* (then id).
/// Renaming a group (same id, same bindings) moves every token that carries the old name off
/// its grants: the diff's groups are what a token carries.
#[test]
fn diff_with_a_groups_claim_reports_a_renamed_group() {
    let p = |name: &str| {
        json!({"model": "crud", "tenants": {"main": {
            "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
            "groups": [{"id": "g1", "name": name}],
            "bindings": [{"type": "GROUP", "externalId": "g1", "roleId": "r"}]}}})
    };
    let (b, a) = (
        authz_with(CLAIM, p("data"), json!({})),
        authz_with(CLAIM, p("data-team"), json!({})),
    );
    let r = req("FLOW", "READ", Some("x"), Some("main"));
    assert!(allowed(&b, ALICE, Some(&["data"]), &r));
    assert!(!allowed(&a, ALICE, Some(&["data"]), &r));
    let d = b.diff(&a).unwrap();
    assert!(
        !d.changes.is_empty(),
        "tokens carrying group \"data\" lost FLOW:READ; the diff is empty"
    );
}

/// The same: a new group whose *name* equals an existing group's id takes over every token
/// carrying that id (name before id): what a token carrying it loses is in the diff.
#[test]
fn diff_with_a_groups_claim_reports_a_name_that_shadows_an_id() {
    let before = json!({"model": "crud", "tenants": {"main": {
        "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
        "groups": [{"id": "ops"}],
        "bindings": [{"type": "GROUP", "externalId": "ops", "roleId": "r"}]}}});
    let mut after = before.clone();
    after["tenants"]["main"]["groups"] = json!([{"id": "ops"}, {"id": "g2", "name": "ops"}]);
    let (b, a) = (
        authz_with(CLAIM, before, json!({})),
        authz_with(CLAIM, after, json!({})),
    );
    let r = req("FLOW", "READ", None, Some("main"));
    assert!(allowed(&b, ALICE, Some(&["ops"]), &r));
    assert!(!allowed(&a, ALICE, Some(&["ops"]), &r));
    let d = b.diff(&a).unwrap();
    let lost_anything = d.changes.iter().any(|c| !c.lost.is_empty());
    assert!(lost_anything, "tokens carrying \"ops\" lost FLOW:READ; diff: {d:#?}");
}

// ---------------------------------------------------------------------------------------
// 2. explain: suggestions that do not grant

/// CRUD policy, a 2.0 action no CRUD grant expands to (USER:IMPERSONATE, EXECUTION:REVIEW,
/// ASSET:LOCK): no CRUD grant gives it, so no suggestion adds an action; whatever is
/// suggested still applies and grants.
#[test]
fn explain_never_suggests_an_action_the_crud_model_lacks() {
    let policy = json!({"model": "crud", "tenants": {"main": {
        "roles": [{"id": "viewer", "permissions": {"USER": ["READ"], "EXECUTION": ["READ"]}}],
        "users": [{"id": "u-alice", "username": ALICE}],
        "bindings": [{"type": "USER", "externalId": "u-alice", "roleId": "viewer"}]}}});
    let mut all_bad = Vec::new();
    for (p, act) in [("USER", "IMPERSONATE"), ("EXECUTION", "REVIEW")] {
        let r = req(p, act, Some("company"), None);
        let (_, bad) = failing_suggestions("", &policy, ALICE, None, &r);
        all_bad.extend(bad.into_iter().map(|b| format!("{p}:{act}: {b}")));
    }
    assert!(all_bad.is_empty(), "{all_bad:#?}");
}

/// An unlisted user whose username is another user's id: ADD_USER lists them under a free id.
#[test]
fn explain_lists_a_user_under_a_free_id() {
    let policy = json!({"model": "crud", "tenants": {"main": {
        "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
        "users": [{"id": "bob@example.com", "username": "robert"}]}}});
    let r = req("FLOW", "READ", Some("company"), None);
    let (s, bad) = failing_suggestions("", &policy, "bob@example.com", None, &r);
    assert!(bad.is_empty(), "{bad:#?}\nall: {s:#?}");
}

/// A user id that bindings name but no tenant lists is taken too: listing bob under it would
/// adopt its bindings (here FLOW:DELETE everywhere).
#[test]
fn explain_never_lists_a_user_under_an_id_a_binding_names() {
    let policy = json!({"model": "crud", "tenants": {"main": {
        "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}, {"id": "admin", "permissions": {"FLOW": ["READ", "DELETE"]}}],
        "users": [{"id": "u-alice", "username": ALICE}],
        "bindings": [{"type": "USER", "externalId": "bob@example.com", "roleId": "admin"}]}}});
    let a = authz(policy.clone());
    let r = req("FLOW", "READ", Some("company"), None);
    let s = session(&a, "bob@example.com");
    let e = a.explain(&s, &r).unwrap();
    let bind = e.suggestions.iter().find(|s| s.changes.len() > 1).unwrap();
    let mut p = policy.clone();
    for c in &bind.changes {
        apply_change(&mut p, &serde_json::to_value(c).unwrap()).unwrap();
    }
    let b = authz(p);
    let extra = req("FLOW", "DELETE", Some("other"), None);
    assert!(
        !allowed(&b, "bob@example.com", None, &extra),
        "bind role r (FLOW:READ on company) also gave FLOW:DELETE everywhere: {:?}",
        bind.changes
    );
}

/// No role has the key and a role already has the id `<permission>-<action>`: CREATE_ROLE
/// takes a free one.
#[test]
fn explain_creates_a_role_under_a_free_id() {
    let policy = json!({"model": "crud", "tenants": {"main": {
        "roles": [{"id": "flow-update", "permissions": {"FLOW": ["READ"]}}],
        "users": [{"id": "u-alice", "username": ALICE}]}}});
    let r = req("FLOW", "UPDATE", Some("company"), None);
    let (s, bad) = failing_suggestions("", &policy, ALICE, None, &r);
    assert!(bad.is_empty(), "{bad:#?}\nall: {s:#?}");
}

/// A user the policy does not list asks for an instance resource: ADD_USER, then
/// MAKE_INSTANCE_OWNER.
#[test]
fn explain_lists_a_user_before_making_them_owner() {
    let policy = json!({"model": "v2", "tenants": {"main": {"users": [{"id": "u-alice", "username": ALICE}]}}});
    let r = req("TENANT", "VIEW", None, None);
    let (s, bad) = failing_suggestions("", &policy, "bob@example.com", None, &r);
    assert!(bad.is_empty(), "{bad:#?}\nall: {s:#?}");
}

/// With groups-claim-path, a token's groups match by name first: the group to carry is `x`'s
/// name, not its id (another group's name).
#[test]
fn explain_groups_claim_names_what_the_token_must_carry() {
    let policy = json!({"model": "crud", "tenants": {"main": {
        "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
        "groups": [{"id": "x", "name": "data"}, {"id": "z", "name": "x"}],
        "users": [{"id": "u-alice", "username": ALICE}],
        "bindings": [{"type": "GROUP", "externalId": "x", "roleId": "r"}]}}});
    let a = authz_with(CLAIM, policy, json!({}));
    let r = req("FLOW", "READ", Some("company"), None);
    let s = sess(&a, ALICE, Some(&[]));
    let e = a.explain(&s, &r).unwrap();
    let g = e.suggestions.iter().find(|s| s.kind == "GROUP_NOT_HELD").unwrap();
    let change = serde_json::to_value(&g.changes[0]).unwrap();
    assert_eq!(change["type"], "CARRY_GROUP");
    let carried = change["group"].as_str().unwrap().to_owned();
    assert_eq!(
        carried, "data",
        "group x is named data: a token carrying \"x\" reaches group z"
    );
    assert!(
        allowed(&a, ALICE, Some(&[carried.as_str()]), &r),
        "a token carrying the suggested group {carried:?} is still denied: {g:?}"
    );
}

/// A user listed in tenant `main` asks in tenant `other`, where a group grants it: a
/// membership in `other` needs the user listed there, so ADD_USER (with their id) comes first.
#[test]
fn explain_lists_a_user_in_the_groups_tenant() {
    let policy = json!({"model": "crud", "tenants": {
        "main": {"users": [{"id": "u-alice", "username": ALICE}]},
        "other": {
            "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
            "groups": [{"id": "g"}],
            "bindings": [{"type": "GROUP", "externalId": "g", "roleId": "r"}]}}});
    let r = req("FLOW", "READ", Some("company"), Some("other"));
    let (s, bad) = failing_suggestions("", &policy, ALICE, None, &r);
    assert!(bad.is_empty(), "{bad:#?}\nall: {s:#?}");
}

/// A CRUD policy asked for a 2.0 instance resource: the message names the action.
#[test]
fn explain_names_the_action_only_an_owner_holds() {
    let a = authz(json!({"model": "crud", "tenants": {"main": {"users": [{"id": "u-alice", "username": ALICE}]}}}));
    let s = session(&a, ALICE);
    let e = a.explain(&s, &req("WORKER_GROUP", "VIEW", None, None)).unwrap();
    let m = &e.suggestions[0].message;
    assert!(m.contains("VIEW"), "{m:?}");
}

/// A v2 policy whose configuration default role is written in CRUD names (read through the
/// migration table: FLOW READ -> VIEW, LIST, EXPORT). DEFAULT_ROLE_LACKS names the CRUD grant
/// that expands to EXECUTE: a 2.0 name would end the migration and drop FLOW:LIST and EXPORT.
#[test]
fn explain_keeps_a_migrated_default_role_in_crud_names() {
    let yaml = |actions: &str| {
        format!(
            "kestra:\n  security:\n    defaultRole:\n      name: sso\n      permissions:\n        FLOW: [{actions}]\n"
        )
    };
    let policy = json!({"model": "v2", "tenants": {"main": {}}});
    let a = authz_with(&yaml("READ"), policy.clone(), json!({}));
    let s = session(&a, "bob@example.com");
    let e = a.explain(&s, &req("FLOW", "EXECUTE", Some("x"), None)).unwrap();
    let sug = e.suggestions.iter().find(|x| x.kind == "DEFAULT_ROLE_LACKS").unwrap();
    let change = serde_json::to_value(&sug.changes[0]).unwrap();
    assert_eq!(change["tenant"], Value::Null);
    let b = authz_with(
        &yaml(&format!("READ, {}", change["action"].as_str().unwrap())),
        policy,
        json!({}),
    );
    let list = req("FLOW", "LIST", Some("x"), None);
    assert!(allowed(&a, "bob@example.com", None, &list));
    assert!(
        allowed(&b, "bob@example.com", None, &list),
        "applying {change} removed FLOW:LIST from every first-login user"
    );
    assert!(allowed(
        &b,
        "bob@example.com",
        None,
        &req("FLOW", "EXECUTE", Some("x"), None)
    ));
}

/// A user the policy does not list has the first-login role (isDefault) in both tenants and
/// asks for more in t1. Every suggestion that grants it starts with ADD_USER, which makes
/// them a listed user: they lose the first-login role in every tenant (Kestra gives it only
/// to users it does not know), and the suggestion says so.
#[test]
fn explain_add_user_says_it_ends_the_first_login_role() {
    let t = json!({"roles": [
        {"id": "def", "permissions": {"FLOW": ["READ"]}, "isDefault": true},
        {"id": "admin", "permissions": {"FLOW": ["READ", "DELETE"]}}]});
    let policy = json!({"model": "crud", "tenants": {"t1": t, "t2": t}});
    let a = authz(policy.clone());
    let bob = "bob@example.com";
    let s = session(&a, bob);
    let e = a.explain(&s, &req("FLOW", "DELETE", Some("x"), Some("t1"))).unwrap();
    let listing: Vec<&Suggestion> = e
        .suggestions
        .iter()
        .filter(|x| {
            x.changes
                .iter()
                .any(|c| serde_json::to_value(c).unwrap()["type"] == "ADD_USER")
        })
        .collect();
    assert!(!listing.is_empty());
    for sug in listing {
        assert!(
            sug.message.contains("no longer get the first-login role"),
            "{}",
            sug.message
        );
    }
}

// ---------------------------------------------------------------------------------------
// 3. limits

/// Deepest and longest namespaces (150 characters, 150 segments) through explain and diff:
/// no panic, and the diff agrees with authorize on them.
#[test]
fn deepest_namespaces_do_not_panic() {
    let deep = format!("a{}", ".".repeat(149));
    let long = "a".repeat(150);
    let mid = format!("a{}", ".".repeat(70));
    let p = |ns: &str| {
        json!({"model": "crud", "tenants": {"main": {
            "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
            "users": [{"id": "u", "username": ALICE}],
            "bindings": [{"type": "USER", "externalId": "u", "roleId": "r", "namespaceId": ns}]}}})
    };
    let (b, a) = (authz(p(&deep)), authz(p(&mid)));
    let d = b.diff(&a).unwrap();
    for probe in [
        deep.as_str(),
        long.as_str(),
        mid.as_str(),
        "a",
        "a.",
        &format!("{mid}x"),
    ] {
        let r = req("FLOW", "READ", Some(probe), Some("main"));
        let (was, is) = (allowed(&b, ALICE, None, &r), allowed(&a, ALICE, None, &r));
        assert_eq!(is && !was, says(&d, ALICE, false, Some("main"), &r, true), "{probe}");
        assert_eq!(was && !is, says(&d, ALICE, false, Some("main"), &r, false), "{probe}");
        if !is {
            let s = session(&a, ALICE);
            let _ = a.explain(&s, &r).unwrap();
        }
    }
}

/// A request that names no tenant is decided in the default tenant, which is the policy's
/// only tenant, else `main`. Adding a second tenant moves every such request from `prod` to
/// `main` (which the policy does not list): alice loses FLOW:READ on them. The diff reports
/// nothing for alice (only per named tenant, where nothing changed for her).
#[test]
fn diff_adding_a_tenant_moves_tenantless_requests_and_says_so() {
    let prod = json!({
        "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
        "users": [{"id": "u", "username": ALICE}],
        "bindings": [{"type": "USER", "externalId": "u", "roleId": "r"}]});
    let before = json!({"model": "crud", "tenants": {"prod": prod}});
    let after = json!({"model": "crud", "tenants": {"prod": prod, "dev": {}}});
    let (b, a) = (authz(before), authz(after));
    let r = req("FLOW", "READ", Some("x"), None);
    assert!(allowed(&b, ALICE, None, &r) && !allowed(&a, ALICE, None, &r));
    let d = b.diff(&a).unwrap();
    assert_eq!(
        d.unnamed_tenant,
        Some(TenantMove {
            before: Some("prod".into()),
            after: Some("main".into())
        }),
        "alice's tenant-less requests went from allowed to denied; diff: {d:#?}"
    );
}

// ---------------------------------------------------------------------------------------
// 4. identity

/// The same username under two different ids, each with the same bindings: no change.
#[test]
fn diff_same_username_new_id_same_grants_is_no_change() {
    let p = |id: &str| {
        json!({"model": "crud", "tenants": {"main": {
            "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
            "users": [{"id": id, "username": ALICE}],
            "bindings": [{"type": "USER", "externalId": id, "roleId": "r", "namespaceId": "a"}]}}})
    };
    let d = authz(p("u1")).diff(&authz(p("u2"))).unwrap();
    assert!(d.changes.is_empty(), "{d:#?}");
}

/// A default role with a tenant-id the policies do not list is its own tenant in the diff.
#[test]
fn diff_default_role_with_tenant_id_names_its_tenant() {
    let y = |a: &str| {
        format!(
            "kestra:\n  security:\n    defaultRole:\n      name: sso\n      tenant-id: prod\n      permissions:\n        FLOW: [{a}]\n"
        )
    };
    let p = json!({"model": "crud", "tenants": {"main": {}}});
    let input = PolicyInput::from_json(&p).unwrap();
    let b = compile_setup(&json!({"kestraConfig": y("READ")}), Some(&input)).unwrap();
    let a = compile_setup(&json!({"kestraConfig": y("READ, DELETE")}), Some(&input)).unwrap();
    let d = diff_policies(&b, &a).unwrap();
    let tenants: Vec<_> = d.changes.iter().map(|c| c.tenant.as_deref()).collect();
    assert_eq!(tenants, [Some("prod")]);
}

/// Held: a username equal to another user's id, ids swapped between policies, and a user
/// with an empty username: only decisions count.
#[test]
fn diff_username_equal_to_another_users_id_and_empty_usernames() {
    let before = json!({"model": "crud", "tenants": {"main": {
        "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
        "users": [{"id": "bob@example.com", "username": ALICE}, {"id": "u2", "username": "bob@example.com"}, {"id": "e", "username": ""}],
        "bindings": [{"type": "USER", "externalId": "bob@example.com", "roleId": "r"}, {"type": "USER", "externalId": "e", "roleId": "r"}]}}});
    let after = json!({"model": "crud", "tenants": {"main": {
        "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
        "users": [{"id": "a1", "username": ALICE}, {"id": "bob@example.com", "username": "bob@example.com"}, {"id": "e", "username": ""}],
        "bindings": [{"type": "USER", "externalId": "a1", "roleId": "r"}]}}});
    let d = authz(before).diff(&authz(after)).unwrap();
    assert!(d.changes.is_empty(), "{d:#?}");
}

// ---------------------------------------------------------------------------------------
// Property tests over two tenants, both models, owners, isDefault roles, a configuration
// default role with or without a tenant, renamed users.

const TENANTS: [&str; 2] = ["t1", "t2"];
const SEGMENTS: [&str; 4] = ["a", "ab", "b", "a-b"];

fn ns_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SEGMENTS.to_vec()), 1..=3).prop_map(|s| s.join("."))
}

fn vocab(v2: bool) -> Vec<(&'static str, Vec<&'static str>)> {
    if v2 {
        vec![
            ("FLOW", vec!["VIEW", "EXECUTE", "DELETE"]),
            ("SECRET", vec!["VIEW"]),
            ("USER", vec!["VIEW", "CREATE"]),
            ("BLUEPRINT", vec!["VIEW"]),
            ("BINDING", vec!["VIEW"]),
            ("TENANT", vec!["VIEW"]),
        ]
    } else {
        vec![
            ("FLOW", vec!["READ", "UPDATE"]),
            ("SECRET", vec!["READ"]),
            ("USER", vec!["READ", "CREATE"]),
            ("BLUEPRINT", vec!["READ"]),
            ("TENANT", vec!["READ"]),
            ("INFRASTRUCTURE", vec!["READ"]),
            ("BINDING", vec!["READ"]),
        ]
    }
}

fn role_strategy(v2: bool) -> impl Strategy<Value = Value> {
    let pairs: Vec<(&'static str, &'static str)> = vocab(v2)
        .into_iter()
        .flat_map(|(p, acts)| acts.into_iter().map(move |a| (p, a)))
        .collect();
    prop::sample::subsequence(pairs.clone(), 1..=4).prop_map(|chosen| {
        let mut m = serde_json::Map::new();
        for (p, a) in chosen {
            m.entry(p)
                .or_insert_with(|| json!([]))
                .as_array_mut()
                .unwrap()
                .push(json!(a));
        }
        Value::Object(m)
    })
}

#[derive(Debug, Clone)]
struct TenantState {
    /// Per user 0..3: listed, memberships (g0, g1).
    users: Vec<(bool, bool, bool)>,
    /// (role 0..3, subject: 0..3 users, 3..5 groups, namespace)
    bindings: Vec<(usize, usize, Option<String>)>,
    default_role: Option<usize>,
}

fn tenant_state() -> impl Strategy<Value = TenantState> {
    (
        prop::collection::vec((any::<bool>(), any::<bool>(), any::<bool>()), 3),
        prop::collection::vec((0usize..3, 0usize..5, prop::option::of(ns_strategy())), 0..6),
        prop::option::of(0usize..3),
    )
        .prop_map(|(users, bindings, default_role)| TenantState {
            users,
            bindings,
            default_role,
        })
}

#[derive(Debug, Clone)]
struct Side {
    tenants: Vec<TenantState>,
    owner: (bool, bool, bool),
    /// Configuration default role: its role index (into tenant t1's roles) and tenant.
    config_default: Option<(usize, Option<&'static str>)>,
    rename_user0: bool,
}

fn side() -> impl Strategy<Value = Side> {
    (
        prop::collection::vec(tenant_state(), 2),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        prop::option::of((0usize..3, prop::sample::select(vec![None, Some("t1"), Some("t3")]))),
        any::<bool>(),
    )
        .prop_map(|(tenants, owner, config_default, rename_user0)| Side {
            tenants,
            owner,
            config_default,
            rename_user0,
        })
}

fn username(u: usize, renamed: bool) -> String {
    if u == 0 && renamed {
        "renamed@example.com".into()
    } else {
        format!("user{u}@example.com")
    }
}

fn build(model: &str, roles: &[Value], s: &Side) -> (String, Value) {
    let mut tenants = serde_json::Map::new();
    for (t, st) in TENANTS.iter().zip(&s.tenants) {
        let owners = [s.owner.0, s.owner.1, s.owner.2];
        let users: Vec<Value> = st
            .users
            .iter()
            .enumerate()
            .filter(|(_, u)| u.0)
            .map(|(i, u)| {
                let mut g = vec![];
                if u.1 {
                    g.push("g0");
                }
                if u.2 {
                    g.push("g1");
                }
                json!({"id": format!("u{i}"), "username": username(i, s.rename_user0), "groups": g, "superAdmin": owners[i]})
            })
            .collect();
        let bindings: Vec<Value> = st
            .bindings
            .iter()
            .map(|(r, subj, ns)| {
                let (kind, id) = if *subj < 3 {
                    ("USER", format!("u{subj}"))
                } else {
                    ("GROUP", format!("g{}", subj - 3))
                };
                json!({"type": kind, "externalId": id, "roleId": format!("r{r}"), "namespaceId": ns})
            })
            .collect();
        let roles: Vec<Value> = roles
            .iter()
            .enumerate()
            .map(|(i, r)| json!({"id": format!("r{i}"), "permissions": r, "isDefault": st.default_role == Some(i)}))
            .collect();
        tenants.insert(
            (*t).into(),
            json!({"roles": roles, "groups": [{"id": "g0", "name": "zero"}, {"id": "g1", "name": "one"}], "users": users, "bindings": bindings}),
        );
    }
    let yaml = match s.config_default {
        None => String::new(),
        Some((r, tenant)) => {
            let mut y = String::from("kestra:\n  security:\n    defaultRole:\n      name: sso\n");
            if let Some(t) = tenant {
                y.push_str(&format!("      tenant-id: {t}\n"));
            }
            y.push_str("      permissions:\n");
            for (p, acts) in roles[r].as_object().unwrap() {
                y.push_str(&format!("        {p}: {}\n", acts));
            }
            y
        }
    };
    (yaml, json!({"model": model, "tenants": tenants}))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// `diff_is_exactly_the_change_in_decisions` over two tenants (users listed in one and
    /// bound in the other, groups in both), both models, Instance Owners, isDefault roles, a
    /// configuration default role with a tenant (listed or not), and a user renamed.
    #[test]
    fn diff_is_exact_across_tenants_models_and_default_roles(
        (v2, roles, roles_after) in any::<bool>().prop_flat_map(|v2| (Just(v2), prop::collection::vec(role_strategy(v2), 3), prop::collection::vec(role_strategy(v2), 3))),
        change_roles in any::<bool>(),
        sides in (side(), side()),
        probes in prop::collection::vec(ns_strategy(), 1..3),
    ) {
        let model = if v2 { "v2" } else { "crud" };
        let roles_a = if change_roles { roles_after.clone() } else { roles.clone() };
        let (yb, pb) = build(model, &roles, &sides.0);
        let (ya, pa) = build(model, &roles_a, &sides.1);
        let (b, a) = (try_authz(&yb, &pb).unwrap(), try_authz(&ya, &pa).unwrap());
        let d = b.diff(&a).unwrap();
        let mut names: Vec<String> = (0..3).map(|u| username(u, false)).collect();
        names.push("renamed@example.com".into());
        names.push("stranger@example.com".into());
        let known_b: Vec<String> = (0..3).filter(|u| sides.0.tenants.iter().any(|t| t.users[*u].0)).map(|u| username(u, sides.0.rename_user0)).collect();
        let known_a: Vec<String> = (0..3).filter(|u| sides.1.tenants.iter().any(|t| t.users[*u].0)).map(|u| username(u, sides.1.rename_user0)).collect();
        let named_t3 = [&sides.0, &sides.1].iter().any(|s| matches!(s.config_default, Some((_, Some("t3")))));
        let mut asks: Vec<(&str, &str, Option<String>)> = Vec::new();
        for (p, acts) in vocab(v2) {
            for act in acts {
                asks.push((p, act, None));
                for ns in &probes {
                    asks.push((p, act, Some(ns.clone())));
                }
            }
        }
        if !v2 {
            // 2.0 names a CRUD policy answers through the migration table.
            for (p, act) in [("FLOW", "VIEW"), ("USER", "VIEW"), ("SYSTEM_SETTINGS", "VIEW"), ("WORKER_GROUP", "VIEW"), ("TENANT_ACCESS", "VIEW")] {
                asks.push((p, act, None));
                asks.push((p, act, probes.first().cloned()));
            }
        }
        for name in &names {
            let stranger = !known_b.contains(name) && !known_a.contains(name);
            let (sb, sa) = (session(&b, name), session(&a, name));
            for tenant in ["t1", "t2", "t3", "t4"] {
                let in_diff = match tenant {
                    "t1" | "t2" => Some(tenant),
                    "t3" if named_t3 => Some(tenant),
                    _ => None,
                };
                for (p, act, ns) in &asks {
                    let r = req(p, act, ns.as_deref(), Some(tenant));
                    let was = b.authorize(&sb, &r).unwrap().allowed;
                    let is = a.authorize(&sa, &r).unwrap().allowed;
                    prop_assert_eq!(is && !was, says(&d, name, stranger, in_diff, &r, true),
                        "gained {}:{} {:?} {} in {}\nbefore {} {}\nafter {} {}\n{:#?}", p, act, ns, name, tenant, yb, pb, ya, pa, d);
                    prop_assert_eq!(was && !is, says(&d, name, stranger, in_diff, &r, false),
                        "lost {}:{} {:?} {} in {}\nbefore {} {}\nafter {} {}\n{:#?}", p, act, ns, name, tenant, yb, pb, ya, pa, d);
                }
            }
        }
    }

    /// `explain_suggestions_grant_the_request` over the same policies, asked in both tenants
    /// and in a tenant the policy does not have.
    #[test]
    fn explain_suggestions_grant_across_tenants_and_models(
        (v2, roles) in any::<bool>().prop_flat_map(|v2| (Just(v2), prop::collection::vec(role_strategy(v2), 3))),
        s in side(),
        probes in prop::collection::vec(ns_strategy(), 1..2),
    ) {
        let model = if v2 { "v2" } else { "crud" };
        // Suggestions for the configuration default role cannot be applied to the policy.
        let mut s = s;
        s.config_default = None;
        let (y, p) = build(model, &roles, &s);
        let mut asks: Vec<(&str, &str, Option<String>)> = Vec::new();
        for (perm, acts) in vocab(v2) {
            for act in acts {
                asks.push((perm, act, None));
                asks.push((perm, act, probes.first().cloned()));
            }
        }
        if !v2 {
            asks.push(("FLOW", "EXECUTE", probes.first().cloned()));
            asks.push(("SYSTEM_SETTINGS", "VIEW", None));
        }
        for name in ["user0@example.com", "user1@example.com", "stranger@example.com"] {
            for tenant in ["t1", "t2", "t9"] {
                for (perm, act, ns) in &asks {
                    let r = req(perm, act, ns.as_deref(), Some(tenant));
                    let a = try_authz(&y, &p).unwrap();
                    if allowed(&a, name, None, &r) { continue; }
                    let (_, bad) = failing_suggestions(&y, &p, name, None, &r);
                    prop_assert!(bad.is_empty(), "{}:{} {:?} {} in {}: {:#?}\n{}", perm, act, ns, name, tenant, bad, p);
                }
            }
        }
    }
}

/// A CRUD policy: USER:READ's binding removed, with and without another grant of USER:VIEW
/// (TENANT_ACCESS:READ expands to it too). The diffs differ: USER:VIEW rides on USER:READ's
/// region only where it was lost with it.
#[test]
fn diff_of_a_crud_policy_tells_a_2_0_name_lost_from_one_kept() {
    let roles = json!([{"id": "u", "permissions": {"USER": ["READ"]}}, {"id": "t", "permissions": {"TENANT_ACCESS": ["READ"]}}]);
    let users = json!([{"id": "ua", "username": "a@x"}]);
    let pol = |b: Value| json!({"model": "crud", "tenants": {"t1": {"roles": roles, "users": users, "bindings": b}}});
    let bu = json!({"type": "USER", "externalId": "ua", "roleId": "u"});
    let bt = json!({"type": "USER", "externalId": "ua", "roleId": "t"});
    let r = req("USER", "VIEW", None, Some("t1"));
    for (before, after, lost) in [
        (pol(json!([bu])), pol(json!([])), true),
        (pol(json!([bu, bt])), pol(json!([bt])), false),
    ] {
        let (b, a) = (authz(before), authz(after));
        assert_eq!(allowed(&b, "a@x", None, &r) && !allowed(&a, "a@x", None, &r), lost);
        let d = b.diff(&a).unwrap();
        assert_eq!(says(&d, "a@x", false, Some("t1"), &r, false), lost, "{d:#?}");
    }
}

/// SETTING:READ (global-only in CRUD) expands to SYSTEM_SETTINGS:VIEW (tenant-scoped): a
/// namespace binding grants the 2.0 name only. Removing the tenant-wide binding loses
/// SETTING:READ either way, and SYSTEM_SETTINGS:VIEW only where no namespace binding stays.
#[test]
fn diff_of_a_crud_policy_tells_a_2_0_name_a_namespace_binding_keeps() {
    let pol = |b: Value| {
        json!({"model": "crud", "tenants": {"t1": {
        "roles": [{"id": "s", "permissions": {"SETTING": ["READ"]}}],
        "users": [{"id": "ua", "username": "a@x"}], "bindings": b}}})
    };
    let wide = json!({"type": "USER", "externalId": "ua", "roleId": "s"});
    let on_n = json!({"type": "USER", "externalId": "ua", "roleId": "s", "namespaceId": "n"});
    let r = req("SYSTEM_SETTINGS", "VIEW", None, Some("t1"));
    for (before, after, lost) in [
        (pol(json!([wide])), pol(json!([])), true),
        (pol(json!([wide, on_n])), pol(json!([on_n])), false),
    ] {
        let (b, a) = (authz(before), authz(after));
        assert_eq!(allowed(&b, "a@x", None, &r) && !allowed(&a, "a@x", None, &r), lost);
        let d = b.diff(&a).unwrap();
        assert_eq!(says(&d, "a@x", false, Some("t1"), &r, false), lost, "{d:#?}");
        assert!(says(
            &d,
            "a@x",
            false,
            Some("t1"),
            &req("SETTING", "READ", None, Some("t1")),
            false
        ));
    }
}
