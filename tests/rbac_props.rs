//! Invariants of the RBAC engine over random policies (proptest):
//! adding a binding never removes a grant; a grant on N holds on N's subtree and on no
//! sibling such as Nx; no binding, no grant; a CRUD policy asked a 2.0 action agrees with the
//! official expansion table; authorize, isAllowed and matrix agree.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use kestra_authz::Authorizer;
use kestra_authz::audit::{PolicyDiff, PrincipalKind};
use kestra_authz::rbac::{Request, Via, catalog::expand, namespace::covers};
use proptest::prelude::*;
use serde_json::{Value, json};

const PERMISSIONS: [&str; 7] = [
    "FLOW",
    "EXECUTION",
    "SECRET",
    "KVSTORE",
    "USER",
    "BLUEPRINT",
    "NAMESPACE",
];
const CRUD: [&str; 4] = ["READ", "CREATE", "UPDATE", "DELETE"];
/// Segments where one is a prefix of another, so that `a` vs `ab` siblings come up.
const SEGMENTS: [&str; 4] = ["a", "ab", "b", "a-b"];

fn namespace() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SEGMENTS.to_vec()), 1..=3).prop_map(|s| s.join("."))
}

fn role() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(
        prop::sample::select(PERMISSIONS.to_vec()),
        prop::sample::subsequence(CRUD.to_vec(), 1..=4),
        1..=4,
    )
    .prop_map(|perms| json!(perms))
}

#[derive(Debug, Clone)]
struct Binding {
    role: usize,
    group: bool,
    namespace: Option<String>,
}

fn binding(roles: usize) -> impl Strategy<Value = Binding> {
    (0..roles, any::<bool>(), prop::option::of(namespace())).prop_map(|(role, group, namespace)| Binding {
        role,
        group,
        namespace,
    })
}

fn policy(roles: &[Value], bindings: &[Binding]) -> Value {
    json!({"model": "crud", "tenants": {"main": {
        "roles": roles.iter().enumerate().map(|(i, r)| json!({"id": format!("r{i}"), "permissions": r})).collect::<Vec<_>>(),
        "groups": [{"id": "g1"}],
        "users": [{"id": "u1", "username": "alice@example.com", "groups": ["g1"]}],
        "bindings": bindings.iter().map(|b| json!({
            "type": if b.group { "GROUP" } else { "USER" },
            "externalId": if b.group { "g1" } else { "u1" },
            "roleId": format!("r{}", b.role),
            "namespaceId": b.namespace,
        })).collect::<Vec<_>>(),
    }}})
}

/// Every (permission, CRUD action, namespace or none) over the generator's vocabulary.
fn requests(namespaces: &[String]) -> Vec<(&'static str, &'static str, Option<String>)> {
    let mut out = Vec::new();
    for p in PERMISSIONS {
        for a in CRUD {
            out.push((p, a, None));
            for ns in namespaces {
                out.push((p, a, Some(ns.clone())));
            }
        }
    }
    out
}

fn allowed(a: &Authorizer, s: &kestra_authz::Session, p: &str, act: &str, ns: Option<&str>) -> bool {
    a.authorize(
        s,
        &Request {
            permission: p,
            action: act,
            namespace: ns,
            tenant: None,
        },
    )
    .unwrap()
    .allowed
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn adding_a_binding_never_removes_a_grant(
        roles in prop::collection::vec(role(), 1..4),
        bindings in prop::collection::vec(binding(3), 0..5),
        extra in binding(3),
        probes in prop::collection::vec(namespace(), 1..4),
    ) {
        let bindings: Vec<Binding> = bindings.into_iter().filter(|b| b.role < roles.len()).collect();
        prop_assume!(extra.role < roles.len());
        let before = authz(policy(&roles, &bindings));
        let mut more = bindings.clone();
        more.push(extra);
        let after = authz(policy(&roles, &more));
        let (s1, s2) = (session(&before, "alice@example.com"), session(&after, "alice@example.com"));
        for (p, act, ns) in requests(&probes) {
            if allowed(&before, &s1, p, act, ns.as_deref()) {
                prop_assert!(allowed(&after, &s2, p, act, ns.as_deref()), "{p}:{act} {ns:?} lost");
            }
        }
    }

    #[test]
    fn a_namespace_grant_covers_its_subtree_and_no_sibling(
        root in namespace(),
        permission in prop::sample::select(vec!["FLOW", "EXECUTION", "SECRET", "KVSTORE", "NAMESPACE"]),
        action in prop::sample::select(CRUD.to_vec()),
        probes in prop::collection::vec(namespace(), 1..8),
    ) {
        let roles = vec![json!({permission: [action]})];
        let a = authz(policy(&roles, &[Binding { role: 0, group: false, namespace: Some(root.clone()) }]));
        let s = session(&a, "alice@example.com");
        let mut probes = probes;
        probes.push(root.clone());
        probes.push(format!("{root}x"));
        probes.push(format!("{root}.child"));
        for ns in &probes {
            prop_assert_eq!(allowed(&a, &s, permission, action, Some(ns)), covers(&root, ns), "{} on {}", root, ns);
        }
        prop_assert!(!allowed(&a, &s, permission, action, None), "no namespace: tenant-wide grants only");
    }

    #[test]
    fn no_binding_no_grant(roles in prop::collection::vec(role(), 0..4), probes in prop::collection::vec(namespace(), 1..4)) {
        let a = authz(policy(&roles, &[]));
        let s = session(&a, "alice@example.com");
        for (p, act, ns) in requests(&probes) {
            prop_assert!(!allowed(&a, &s, p, act, ns.as_deref()));
        }
        prop_assert!(!s.has_any_role().unwrap());
    }

    #[test]
    fn crud_policy_answers_v2_actions_by_the_expansion_table(role in role()) {
        let a = authz(policy(std::slice::from_ref(&role), &[Binding { role: 0, group: false, namespace: None }]));
        let s = session(&a, "alice@example.com");
        let granted: Vec<(String, String)> = role.as_object().unwrap().iter()
            .flat_map(|(p, acts)| acts.as_array().unwrap().iter().map(move |x| (p.clone(), x.as_str().unwrap().to_owned())))
            .collect();
        let v2: [(&str, &[&str]); 7] = [
            ("FLOW", &["VIEW", "LIST", "EXPORT", "CREATE", "IMPORT", "UPDATE", "EXECUTE", "DISABLE", "ENABLE", "VALIDATE", "DELETE"]),
            ("EXECUTION", &["VIEW", "LIST", "ACCESS_LOGS", "FOLLOW", "KILL", "RESTART", "CREATE", "DELETE"]),
            ("SECRET", &["VIEW", "LIST", "CREATE", "UPDATE", "DELETE"]),
            ("KVSTORE", &["VIEW", "LIST", "CREATE", "UPDATE", "DELETE"]),
            ("USER", &["VIEW", "LIST", "CREATE", "UPDATE", "MANAGE_GROUP_MEMBERSHIP", "DELETE", "IMPERSONATE"]),
            ("BLUEPRINT", &["VIEW", "LIST", "CREATE", "UPDATE", "DELETE"]),
            ("NAMESPACE", &["VIEW", "LIST", "MANAGE_FILES", "CREATE", "UPDATE", "DELETE"]),
        ];
        for (p2, actions) in v2 {
            for a2 in actions {
                let expected = granted.iter().any(|(p, a)| expand(p, a).iter().any(|(target, list)| {
                    let target = if target.is_empty() { p.as_str() } else { target };
                    target == p2 && list.contains(a2)
                }));
                prop_assert_eq!(allowed(&a, &s, p2, a2, Some("x")), expected, "{}:{}", p2, a2);
            }
        }
    }

    #[test]
    fn authorize_is_allowed_and_matrix_agree(
        roles in prop::collection::vec(role(), 1..4),
        bindings in prop::collection::vec(binding(3), 0..6),
        probe in prop::option::of(namespace()),
    ) {
        let bindings: Vec<Binding> = bindings.into_iter().filter(|b| b.role < roles.len()).collect();
        let a = authz(policy(&roles, &bindings));
        let s = session(&a, "alice@example.com");
        let matrix = a.matrix(&s, probe.as_deref(), None).unwrap();
        for (p, cells) in &matrix {
            for (act, cell) in cells {
                let decision = a.authorize(&s, &Request { permission: p, action: act, namespace: probe.as_deref(), tenant: None }).unwrap();
                prop_assert_eq!(decision.allowed, *cell, "{}:{}", p, act);
                prop_assert_eq!(s.is_allowed(p, act, probe.as_deref()).unwrap(), *cell);
                prop_assert_eq!(decision.allowed, !decision.reasons.is_empty());
                if *cell {
                    prop_assert!(s.has_any_action_on_any_namespace(p, act).unwrap());
                    prop_assert!(s.has_any(p, probe.as_deref()).unwrap());
                }
            }
        }
    }
}

#[test]
fn the_generators_vocabulary_is_valid() {
    let a = authz(policy(&[json!({"FLOW": ["READ"]})], &[]));
    let s = session(&a, "alice@example.com");
    for ns in SEGMENTS {
        assert!(!allowed(&a, &s, "FLOW", "READ", Some(ns)));
    }
}

/// Several users, groups and memberships, an Instance Owner, and a first-login role.
fn crowd_policy(
    roles: &[Value],
    bindings: &[(usize, usize, bool, Option<String>)],
    members: &[(usize, usize)],
    default_role: Option<usize>,
) -> Value {
    json!({"model": "crud", "tenants": {"main": {
        "roles": roles.iter().enumerate().map(|(i, r)| json!({"id": format!("r{i}"), "permissions": r, "isDefault": default_role == Some(i)})).collect::<Vec<_>>(),
        "groups": [{"id": "g0", "name": "zero"}, {"id": "g1", "name": "one"}],
        "users": (0..4).map(|u| json!({
            "id": format!("u{u}"),
            "username": format!("user{u}@example.com"),
            "groups": members.iter().filter(|(m, _)| *m == u).map(|(_, g)| format!("g{g}")).collect::<Vec<_>>(),
            "superAdmin": u == 3,
        })).collect::<Vec<_>>(),
        "bindings": bindings.iter().map(|(role, who, group, ns)| json!({
            "type": if *group { "GROUP" } else { "USER" },
            "externalId": if *group { format!("g{}", who % 2) } else { format!("u{who}") },
            "roleId": format!("r{role}"),
            "namespaceId": ns,
        })).collect::<Vec<_>>(),
    }}})
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// `whoCan` lists exactly the users `authorize` allows, with the same reasons; the
    /// first-login role exactly when a user the policy does not list is allowed.
    #[test]
    fn who_can_is_exactly_authorize(
        roles in prop::collection::vec(role(), 1..4),
        bindings in prop::collection::vec((0usize..3, 0usize..4, any::<bool>(), prop::option::of(namespace())), 0..16),
        members in prop::collection::vec((0usize..4, 0usize..2), 0..5),
        default_role in prop::option::of(0usize..3),
        probes in prop::collection::vec(namespace(), 1..3),
    ) {
        let bindings: Vec<_> = bindings.into_iter().filter(|b| b.0 < roles.len()).collect();
        let default_role = default_role.filter(|r| *r < roles.len());
        let a = authz(crowd_policy(&roles, &bindings, &members, default_role));
        let mut sessions: Vec<(String, kestra_authz::Session)> = (0..4)
            .map(|u| format!("user{u}@example.com"))
            .map(|name| { let s = session(&a, &name); (name, s) })
            .collect();
        sessions.push(("stranger@example.com".into(), session(&a, "stranger@example.com")));
        let mut asks: Vec<(&str, &str, Option<String>)> = requests(&probes);
        asks.push(("USER", "READ", None));
        for (p, act, ns) in asks {
            let who = a.who_can(p, act, ns.as_deref(), None).unwrap();
            // Without reasons: the same holders.
            let names = |w: &kestra_authz::rbac::WhoCan<'_>| w.users.iter().map(|u| u.username.to_string()).collect::<Vec<_>>();
            let lean = a.who_can_with(p, act, ns.as_deref(), None, false).unwrap();
            prop_assert_eq!(names(&lean), names(&who));
            prop_assert!(lean.users.iter().all(|u| u.reasons.is_empty()) && lean.groups.iter().all(|g| g.reasons.is_empty()));
            prop_assert_eq!(lean.groups.iter().map(|g| g.id.to_string()).collect::<Vec<_>>(), who.groups.iter().map(|g| g.id.to_string()).collect::<Vec<_>>());
            prop_assert_eq!(&lean.default_role, &who.default_role);
            for (name, s) in &sessions {
                let decision = a.authorize(s, &Request { permission: p, action: act, namespace: ns.as_deref(), tenant: None }).unwrap();
                let listed = who.users.iter().find(|u| u.username == name.as_str());
                if name == "stranger@example.com" {
                    prop_assert_eq!(decision.allowed, who.default_role.is_some(), "{}:{} {:?} first login", p, act, ns);
                    continue;
                }
                prop_assert_eq!(decision.allowed, listed.is_some(), "{}:{} {:?} {}", p, act, ns, name);
                if let Some(user) = listed {
                    prop_assert_eq!(&user.reasons, &decision.reasons, "{}:{} {:?} {}", p, act, ns, name);
                    prop_assert_eq!(user.more_reasons, decision.more_reasons);
                }
                // Bounded, and most specific first: namespaced bindings by depth, deepest
                // first, then tenant-wide grants, the first-login role, Instance Owner.
                prop_assert_eq!(decision.allowed, !decision.reasons.is_empty());
                prop_assert!(decision.reasons.len() <= kestra_authz::rbac::MAX_REASONS);
                prop_assert!(decision.more_reasons == 0 || decision.reasons.len() == kestra_authz::rbac::MAX_REASONS);
                let rank = |r: &kestra_authz::rbac::Reason<'_>| match (r.via, &r.binding, &r.namespace) {
                    (Via::User | Via::Group, Some(_), Some(ns)) => 100 - ns.split('.').count(),
                    (Via::User | Via::Group, Some(_), None) => 1000,
                    (Via::User | Via::Group, None, _) => 1001,
                    (Via::DefaultRole, _, _) => 1002,
                    (Via::InstanceOwner, _, _) => 1003,
                };
                prop_assert!(decision.reasons.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])), "{:?}", decision.reasons);
                // Exactly the first of every grant ranked (stably), and the count of the rest.
                let request = Request { permission: p, action: act, namespace: ns.as_deref(), tenant: None };
                let mut all = a.all_reasons(s, &request).unwrap();
                let total = all.len();
                all.sort_by_key(|r| rank(r));
                all.truncate(kestra_authz::rbac::MAX_REASONS);
                prop_assert_eq!(&decision.reasons, &all);
                prop_assert_eq!(decision.more_reasons, total - decision.reasons.len());
            }
            // A group is listed exactly when one of its bindings grants it.
            for group in &who.groups {
                prop_assert!(!group.reasons.is_empty(), "{}:{} {:?} group {}", p, act, ns, group.id);
            }
        }
    }
}

/// A user whose username is empty can never be the one asking (a token's username is never
/// empty): not listed.
#[test]
fn who_can_skips_a_user_no_token_can_name() {
    let a = authz(json!({"tenants": {"main": {
        "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
        "users": [{"id": "u", "username": ""}, {"id": "v", "username": "v@example.com"}],
        "bindings": [{"type": "USER", "externalId": "u", "roleId": "r"}, {"type": "USER", "externalId": "v", "roleId": "r"}]}}}));
    let who = a.who_can("FLOW", "READ", None, None).unwrap();
    assert_eq!(
        who.users.iter().map(|u| u.username.as_ref()).collect::<Vec<_>>(),
        ["v@example.com"]
    );
}

/// A crowd policy with its Instance Owner chosen.
fn crowd_with_owner(
    roles: &[Value],
    bindings: &[(usize, usize, bool, Option<String>)],
    members: &[(usize, usize)],
    default_role: Option<usize>,
    owner: bool,
) -> Value {
    let mut p = crowd_policy(roles, bindings, members, default_role);
    p["tenants"]["main"]["users"][3]["superAdmin"] = json!(owner);
    p
}

/// The crowd's users, and a user no policy lists.
fn crowd_names() -> Vec<String> {
    (0..4)
        .map(|u| format!("user{u}@example.com"))
        .chain(["stranger@example.com".to_owned()])
        .collect()
}

/// Whether a region is about `p:act`: its own names, or a 2.0 name it carries (`also`).
fn names_it(r: &kestra_authz::audit::Region, p: &str, act: &str) -> bool {
    (r.permission == p && r.action == act) || r.also.iter().any(|x| x.split_once(':') == Some((p, act)))
}

/// Whether the diff records `p:act` on `ns` for `name` in `tenant` (a user the policies do not
/// list is the first-login role's) among `gained` (or `lost`).
fn diff_says(
    diff: &PolicyDiff,
    name: &str,
    tenant: Option<&str>,
    p: &str,
    act: &str,
    ns: Option<&str>,
    gained: bool,
) -> bool {
    diff.changes.iter().any(|c| {
        let who = match c.principal.kind {
            PrincipalKind::User => c.principal.name == name,
            PrincipalKind::DefaultRole => name == "stranger@example.com",
            PrincipalKind::Group => false,
        };
        let regions = if gained { &c.gained } else { &c.lost };
        who && c.tenant.as_deref() == tenant && regions.iter().any(|r| names_it(r, p, act) && r.holds(ns))
    })
}

type CrowdBinding = (usize, usize, bool, Option<String>);

fn crowd_bindings() -> impl Strategy<Value = Vec<CrowdBinding>> {
    prop::collection::vec(
        (0usize..3, 0usize..4, any::<bool>(), prop::option::of(namespace())),
        0..8,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// `diffPolicies` is exact: for every user (and a user neither policy lists), tenant and
    /// request, it records a gain exactly where `authorize` allows after and not before, and a
    /// loss exactly where it allowed before and not after.
    #[test]
    fn diff_is_exactly_the_change_in_decisions(
        roles in prop::collection::vec(role(), 1..4),
        bindings in (crowd_bindings(), crowd_bindings()),
        members in (prop::collection::vec((0usize..4, 0usize..2), 0..5), prop::collection::vec((0usize..4, 0usize..2), 0..5)),
        default_role in (prop::option::of(0usize..3), prop::option::of(0usize..3)),
        owner in (any::<bool>(), any::<bool>()),
        changed_role in prop::option::of((0usize..3, role())),
        probes in prop::collection::vec(namespace(), 1..3),
    ) {
        let keep = |b: Vec<CrowdBinding>| b.into_iter().filter(|b| b.0 < roles.len()).collect::<Vec<_>>();
        let (bindings_b, bindings_a) = (keep(bindings.0), keep(bindings.1));
        let fit = |d: Option<usize>| d.filter(|r| *r < roles.len());
        let mut roles_a = roles.clone();
        if let Some((i, r)) = changed_role.filter(|(i, _)| *i < roles.len()) {
            roles_a[i] = r;
        }
        let before = authz(crowd_with_owner(&roles, &bindings_b, &members.0, fit(default_role.0), owner.0));
        let after = authz(crowd_with_owner(&roles_a, &bindings_a, &members.1, fit(default_role.1), owner.1));
        let diff = before.diff(&after).unwrap();
        let mut asks: Vec<(&str, &str, Option<String>)> = requests(&probes);
        asks.push(("TENANT", "READ", None));
        // 2.0 names, which a CRUD policy answers through the migration table.
        for (p, act) in [("FLOW", "VIEW"), ("FLOW", "EXECUTE"), ("SECRET", "LIST"), ("USER", "VIEW"), ("USER", "MANAGE_GROUP_MEMBERSHIP"), ("NAMESPACE", "MANAGE_FILES"), ("WORKER_GROUP", "VIEW"), ("TENANT", "VIEW")] {
            asks.push((p, act, None));
            asks.push((p, act, probes.first().cloned()));
        }
        for name in crowd_names() {
            let (sb, sa) = (session(&before, &name), session(&after, &name));
            for tenant in [Some("main"), Some("elsewhere")] {
                let in_diff = if tenant == Some("main") { tenant } else { None };
                for (p, act, ns) in &asks {
                    let request = Request { permission: p, action: act, namespace: ns.as_deref(), tenant };
                    let was = before.authorize(&sb, &request).unwrap().allowed;
                    let is = after.authorize(&sa, &request).unwrap().allowed;
                    prop_assert_eq!(is && !was, diff_says(&diff, &name, in_diff, p, act, ns.as_deref(), true),
                        "gained {}:{} {:?} {} in {:?}: {:#?}", p, act, ns, name, tenant, diff);
                    prop_assert_eq!(was && !is, diff_says(&diff, &name, in_diff, p, act, ns.as_deref(), false),
                        "lost {}:{} {:?} {} in {:?}: {:#?}", p, act, ns, name, tenant, diff);
                }
            }
        }
    }

    /// Every change `explain` suggests for a denial grants the request once applied; an allow
    /// is `authorize`'s decision with no suggestions.
    #[test]
    fn explain_suggestions_grant_the_request(
        roles in prop::collection::vec(role(), 1..4),
        bindings in crowd_bindings(),
        members in prop::collection::vec((0usize..4, 0usize..2), 0..5),
        default_role in prop::option::of(0usize..3),
        owner in any::<bool>(),
        probes in prop::collection::vec(namespace(), 1..3),
    ) {
        let bindings: Vec<_> = bindings.into_iter().filter(|b| b.0 < roles.len()).collect();
        let policy = crowd_with_owner(&roles, &bindings, &members, default_role.filter(|r| *r < roles.len()), owner);
        let a = authz(policy.clone());
        let mut asks: Vec<(&str, &str, Option<String>)> = requests(&probes);
        asks.push(("TENANT", "READ", None));
        asks.push(("BLUEPRINT", "CREATE", probes.first().cloned()));
        for name in crowd_names() {
            let s = session(&a, &name);
            for (p, act, ns) in &asks {
                let request = Request { permission: p, action: act, namespace: ns.as_deref(), tenant: None };
                let explained = a.explain(&s, &request).unwrap();
                let decision = a.authorize(&s, &request).unwrap();
                prop_assert_eq!(&explained.decision, &decision);
                if decision.allowed {
                    prop_assert!(explained.suggestions.is_empty());
                    continue;
                }
                prop_assert!(explained.suggestions.iter().any(|x| !x.changes.is_empty()), "{}:{} {:?} {}: nothing suggested", p, act, ns, name);
                for suggestion in &explained.suggestions {
                    if suggestion.changes.is_empty() {
                        continue;
                    }
                    let mut changed = policy.clone();
                    for change in &suggestion.changes {
                        apply_change(&mut changed, &serde_json::to_value(change).unwrap()).unwrap();
                    }
                    let b = authz(changed);
                    let allowed = b.authorize(&session(&b, &name), &request).unwrap().allowed;
                    prop_assert!(allowed, "{}:{} {:?} {}: {:?} does not grant it", p, act, ns, name, suggestion);
                }
            }
        }
    }
}
