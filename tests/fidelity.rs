//! Identity, provenance and configuration as Kestra reads them: the Rust API's own guarantees,
//! beside what the shared vectors check in every host.

mod common;

use common::*;
use kestra_authz::config::{KestraConfig, Placeholders};
use kestra_authz::rbac::{CompiledPolicy, PolicyInput, RbacOptions, Request, UiCheck};
use kestra_authz::{Authorizer, AuthorizerOptions, VerifyOptions};
use serde_json::json;

fn request<'a>(permission: &'a str, action: &'a str, namespace: Option<&'a str>) -> Request<'a> {
    Request {
        permission,
        action,
        namespace,
        tenant: None,
    }
}

fn viewer_policy(username: &str) -> serde_json::Value {
    json!({"model": "v2", "roles": [{"id": "v", "permissions": {"FLOW": ["VIEW"]}}],
        "users": [{"id": "u1", "username": username}],
        "bindings": [{"type": "USER", "externalId": "u1", "roleId": "v"}]})
}

#[test]
fn a_verified_token_of_another_client_or_issuer_opens_no_session() {
    let a = authz(viewer_policy("alice@example.com"));
    let verified = session(&a, "alice@example.com").token().clone();
    // Same keys, another client id: the token is not this Authorizer's.
    let other_client = authz_with("", viewer_policy("alice@example.com"), json!({"clientId": "other"}));
    let err = other_client.session(verified.clone(), None).unwrap_err();
    assert_eq!(err.code(), "ERR_SESSION_FOREIGN");
    let other_issuer = authz_with(
        "",
        viewer_policy("alice@example.com"),
        json!({"issuer": "https://sso.example.com/application/o/other/"}),
    );
    assert_eq!(
        other_issuer.session(verified.clone(), None).unwrap_err().code(),
        "ERR_SESSION_FOREIGN"
    );
    // Its own Authorizer takes it back.
    assert!(a.session(verified, None).is_ok());
}

#[test]
fn a_principal_is_refused_by_every_compiled_policy_but_its_own() {
    let a = authz(viewer_policy("alice@example.com"));
    let b = authz(
        json!({"model": "v2", "roles": [{"id": "admin", "permissions": {"FLOW": ["DELETE"]}}],
        "users": [{"id": "u1", "username": "bob@example.com"}],
        "bindings": [{"type": "USER", "externalId": "u1", "roleId": "admin"}]}),
    );
    let alice = session(&a, "alice@example.com");
    // alice's slot 0 is bob's slot 0 in b: the slots must never cross.
    let err = b
        .policy()
        .authorize(alice.principal(), &request("FLOW", "DELETE", Some("x")))
        .unwrap_err();
    assert_eq!(err.code(), "ERR_SESSION_FOREIGN");
    for check in [
        UiCheck::IsAllowed {
            permission: "FLOW",
            action: "DELETE",
            namespace: None,
        },
        UiCheck::HasAnyRole,
        UiCheck::HasAny {
            permission: "FLOW",
            namespace: None,
        },
    ] {
        let answer = b.policy().check(alice.principal(), &check, None);
        assert_eq!(answer.unwrap_err().code(), "ERR_SESSION_FOREIGN");
    }
    assert_eq!(
        b.policy().matrix(alice.principal(), None, None).unwrap_err().code(),
        "ERR_SESSION_FOREIGN"
    );
    // Through the Authorizer, b judges alice as b knows her: she is nobody there.
    let decision = b.authorize(&alice, &request("FLOW", "DELETE", Some("x"))).unwrap();
    assert!(!decision.allowed);
    assert!(decision.reasons.is_empty());
    // A clone of a compiled policy shares its slots, so it takes the principal.
    let clone: CompiledPolicy = a.policy().clone();
    assert!(
        clone
            .authorize(alice.principal(), &request("FLOW", "VIEW", None))
            .is_ok()
    );
}

#[test]
fn an_unverified_email_is_refused_only_when_asked() {
    let open = authz(viewer_policy("alice@example.com"));
    assert!(
        open.warnings()
            .iter()
            .any(|w| w.code == "WARN_EMAIL_UNVERIFIED_ACCEPTED")
    );
    let strict = authz_with(
        "",
        viewer_policy("alice@example.com"),
        json!({"requireVerifiedEmail": true}),
    );
    assert!(
        !strict
            .warnings()
            .iter()
            .any(|w| w.code == "WARN_EMAIL_UNVERIFIED_ACCEPTED")
    );
    let (now, options) = VerifyOptions::from_json(&json!({"now": NOW}), None).unwrap();
    let unverified = token("alice@example.com", json!({"email_verified": false}));
    assert!(open.verify_id_token(&unverified, now, &options).is_ok());
    let err = strict.verify_id_token(&unverified, now, &options).unwrap_err();
    assert_eq!(
        (err.code(), err.claim()),
        ("ERR_JWT_CLAIM_VALIDATION_FAILED", Some("email_verified"))
    );
    let verified = token("alice@example.com", json!({"email_verified": true}));
    assert!(strict.verify_id_token(&verified, now, &options).is_ok());
    // The option concerns the email only: another username claim is unaffected.
    let by_name = authz_with(
        "",
        viewer_policy("alice"),
        json!({"requireVerifiedEmail": true, "usernameClaim": "preferred_username"}),
    );
    let t = token(
        "alice@example.com",
        json!({"email_verified": false, "preferred_username": "alice"}),
    );
    assert!(by_name.verify_id_token(&t, now, &options).is_ok());
}

#[test]
fn group_names_and_ids_match_the_same_whatever_the_order() {
    let yaml = "kestra.security.oidc.groups-claim-path: groups\n";
    let groups_a = json!([{"id": "g-ops", "name": "ops"}, {"id": "ops", "name": "shadow"}]);
    let groups_b = json!([{"id": "ops", "name": "shadow"}, {"id": "g-ops", "name": "ops"}]);
    for groups in [groups_a, groups_b] {
        let a = authz_with(
            yaml,
            json!({"model": "v2", "roles": [{"id": "r", "permissions": {"FLOW": ["VIEW"]}}],
                "groups": groups, "bindings": [{"type": "GROUP", "externalId": "g-ops", "roleId": "r"}]}),
            json!({}),
        );
        let s = session_in(&a, "x@example.com", json!({"groups": ["ops"]}), None);
        assert!(a.authorize(&s, &request("FLOW", "VIEW", Some("n"))).unwrap().allowed);
        let s = session_in(&a, "x@example.com", json!({"groups": ["shadow"]}), None);
        assert!(!a.authorize(&s, &request("FLOW", "VIEW", Some("n"))).unwrap().allowed);
    }
}

#[test]
fn unlisted_binding_ids_and_users_without_usernames_are_findings() {
    let a = authz(json!({"roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
        "users": [{"id": "u2", "email": "x@example.com"}],
        "bindings": [{"type": "USER", "externalId": "alice@example.com", "roleId": "r"}]}));
    let codes: Vec<&str> = a.warnings().iter().map(|w| w.code.as_str()).collect();
    assert!(codes.contains(&"WARN_BINDING_USER_UNLISTED"), "{codes:?}");
    assert!(codes.contains(&"WARN_USER_WITHOUT_USERNAME"), "{codes:?}");
    // The binding's externalId equals the token's email: still nobody's.
    let s = session(&a, "alice@example.com");
    assert!(!a.authorize(&s, &request("FLOW", "READ", None)).unwrap().allowed);
}

#[test]
fn a_private_key_published_beside_the_signing_keys_is_a_finding() {
    let jwks = json!({"keys": [{"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB", "d": "AQAB"}]}).to_string();
    let options = json!({"issuer": ISSUER, "clientId": CLIENT_ID, "clientSecret": SECRET, "jwks": jwks});
    let a = Authorizer::new(AuthorizerOptions::from_json(&options).unwrap()).unwrap();
    let finding = a.warnings().iter().find(|w| w.code == "WARN_JWKS_PRIVATE_KEY").unwrap();
    assert_eq!(finding.path, "jwks.keys[0]");
}

fn config(yaml: &str) -> KestraConfig {
    KestraConfig::parse(yaml).unwrap()
}

#[test]
fn merge_keys_apply_with_written_keys_winning() {
    let c = config(
        "base: &base\n  tenant-id: main\n  name: base\nother: &other\n  tenant-id: other\n  description: d\n\
         kestra.security.defaultRole:\n  <<: [*base, *other]\n  name: mine\n  permissions:\n    FLOW: [READ]\n",
    );
    let role = c.default_role.unwrap();
    assert_eq!(
        role.tenant_id.as_deref(),
        Some("main"),
        "the earlier merged mapping wins"
    );
    assert_eq!(role.name.as_deref(), Some("mine"), "a written key wins");
    assert_eq!(role.description.as_deref(), Some("d"));
    // Written after the merge, a key still wins.
    let c = config("b: &b {tenant-id: main}\nkestra.security.defaultRole:\n  tenant-id: x\n  <<: *b\n");
    assert_eq!(c.default_role.unwrap().tenant_id.as_deref(), Some("x"));
    // A quoted "<<" is a key like any other.
    let c = config("kestra.security.defaultRole:\n  '<<': {tenant-id: main}\n  name: n\n");
    assert_eq!(c.default_role.unwrap().tenant_id, None);
    // Merged tenant settings are read too.
    let c = config("t: &t {enabled: true, defaultTenant: false}\nkestra:\n  ee:\n    tenants:\n      <<: *t\n");
    assert_eq!((c.tenants.enabled, c.tenants.default_tenant), (Some(true), Some(false)));
    assert!(c.findings.iter().any(|f| f.code == "WARN_TENANTS_KEY_REMOVED"));
}

#[test]
fn yaml_1_1_scalars_read_as_snakeyaml_reads_them() {
    for (word, expected) in [
        ("yes", true),
        ("On", true),
        ("TRUE", true),
        ("no", false),
        ("off", false),
    ] {
        let c = config(&format!("kestra.ee.tenants.enabled: {word}\n"));
        assert_eq!(c.tenants.enabled, Some(expected), "{word}");
    }
    // Integers as SnakeYAML makes them, then as Micronaut writes them out.
    for (written, read) in [
        ("010", "8"),
        ("0x1A", "26"),
        ("1_000", "1000"),
        ("0b11", "3"),
        ("7", "7"),
    ] {
        let c = config(&format!("kestra.security.defaultRole:\n  tenant-id: {written}\n"));
        assert_eq!(c.default_role.unwrap().tenant_id.as_deref(), Some(read), "{written}");
    }
    // Quoted or tagged !!str: as written.
    let c = config("kestra.security.defaultRole:\n  tenant-id: '010'\n");
    assert_eq!(c.default_role.unwrap().tenant_id.as_deref(), Some("010"));
    let c = config("kestra.security.defaultRole:\n  tenant-id: !!str 010\n");
    assert_eq!(c.default_role.unwrap().tenant_id.as_deref(), Some("010"));
    for bad in [
        "kestra.security.defaultRole:\n  tenant-id: !env main\n",
        "kestra.security.defaultRole: !!set {a}\n",
        "kestra.ee.tenants.enabled: maybe\n",
    ] {
        assert_eq!(
            KestraConfig::parse(bad).unwrap_err().code(),
            "ERR_CONFIG_INVALID",
            "{bad}"
        );
    }
}

#[test]
fn placeholders_resolve_from_the_hosts_values_and_defaults() {
    let mut values = Placeholders::new();
    values.insert("TENANT".into(), "main".into());
    let yaml = "kestra.security.defaultRole:\n  tenant-id: ${TENANT}\n  name: ${NAME:viewer}-${TENANT}\n  permissions:\n    FLOW: ${ACTIONS:READ,UPDATE}\n";
    let c = KestraConfig::parse_with(yaml, &values).unwrap();
    let role = c.default_role.unwrap();
    assert_eq!(role.tenant_id.as_deref(), Some("main"));
    assert_eq!(role.name.as_deref(), Some("viewer-main"));
    assert_eq!(
        role.permissions,
        vec![("FLOW".to_owned(), vec!["READ".to_owned(), "UPDATE".to_owned()])]
    );
    // A list item is one value, commas included (only a scalar is split, as Micronaut does):
    // "READ,UPDATE" is an unknown action, never READ and UPDATE.
    let listed = "kestra.security.defaultRole:\n  permissions:\n    FLOW:\n      - READ,UPDATE\n";
    let role = KestraConfig::parse(listed).unwrap().default_role.unwrap();
    assert_eq!(
        role.permissions,
        vec![("FLOW".to_owned(), vec!["READ,UPDATE".to_owned()])]
    );
    let options = json!({"issuer": ISSUER, "clientId": CLIENT_ID, "clientSecret": SECRET, "kestraConfig": listed});
    let err = AuthorizerOptions::from_json(&options)
        .and_then(Authorizer::new)
        .err()
        .unwrap();
    assert_eq!(err.code(), "ERR_CONFIG_INVALID");
    let nested = "kestra.security.defaultRole:\n  tenant-id: ${A:${B:fallback}}\n";
    let role = KestraConfig::parse_with(nested, &values).unwrap().default_role.unwrap();
    assert_eq!(role.tenant_id.as_deref(), Some("fallback"));
    // Unresolvable where it narrows access: an error naming the path.
    let err = KestraConfig::parse("kestra.security.defaultRole:\n  tenant-id: ${KESTRA_TENANT}\n").unwrap_err();
    assert_eq!(err.code(), "ERR_CONFIG_INVALID");
    assert!(err.to_string().contains("tenant-id"), "{err}");
    let err = KestraConfig::parse("kestra.ee.tenants.fallbackTenant: ${T}\n").unwrap_err();
    assert!(err.to_string().contains("fallbackTenant"), "{err}");
    let err =
        KestraConfig::parse("kestra.security.defaultRole:\n  permissions:\n    FLOW:\n      - ${X}\n").unwrap_err();
    assert_eq!(err.code(), "ERR_CONFIG_INVALID");
    // Where the host may pass the value itself: a finding.
    let c = KestraConfig::parse("micronaut.security.oauth2.clients.a.client-id: ${ID}\n").unwrap();
    assert_eq!(c.findings[0].code, "WARN_UNRESOLVED_PLACEHOLDER");
}

/// Anchors are copied for their aliases: the copies count against the node bound, so nested
/// anchors over a large mapping are refused rather than copied again and again.
#[test]
fn nested_anchors_count_their_copies() {
    let document = |anchored: bool| {
        let mut yaml = String::from("k:\n");
        for level in 0..40 {
            let anchor = if anchored { format!(" &l{level}") } else { String::new() };
            yaml.push_str(&format!("{}l{level}:{anchor}\n", "  ".repeat(level + 1)));
        }
        let items: Vec<String> = (0..3000).map(|i| format!("x{i}: v")).collect();
        yaml.push_str(&format!("{}l40: {{{}}}\n", "  ".repeat(41), items.join(", ")));
        yaml
    };
    // Without the anchors the same document is well within the bound.
    assert!(KestraConfig::parse(&document(false)).is_ok());
    let yaml = document(true);
    let err = KestraConfig::parse(&yaml).unwrap_err();
    assert_eq!(err.code(), "ERR_CONFIG_INVALID");
    assert!(err.to_string().contains("nodes"), "{err}");
}

#[test]
fn a_null_default_role_is_none_and_a_scalar_one_an_error() {
    assert!(config("kestra.security.defaultRole: ~\n").default_role.is_none());
    assert!(config("kestra.security.defaultRole:\n").default_role.is_none());
    let err = KestraConfig::parse("kestra.security.defaultRole: admin\n").unwrap_err();
    assert_eq!(err.code(), "ERR_CONFIG_INVALID");
}

/// Chained aliases within the node bound: the expanded tree is refused past 64 levels, and
/// every tree operation stays within a 1 MiB stack in a debug build.
#[test]
fn chained_aliases_stay_within_a_small_stack() {
    let run = || {
        for (links, ok) in [(60usize, true), (63, false), (200, false)] {
            let mut yaml = String::from("a0: &a0 {x: 1}\n");
            for i in 1..links {
                yaml.push_str(&format!("a{i}: &a{i} {{k: *a{}}}\n", i - 1));
            }
            let parsed = KestraConfig::parse(&yaml);
            assert_eq!(parsed.is_ok(), ok, "{links} links: {:?}", parsed.err());
            if let Err(e) = parsed {
                assert!(e.to_string().contains("deeper"), "{e}");
            }
        }
        // The issue's document: 55 chained aliases, each used several times.
        let mut yaml = String::from("a0: &a0 [x]\n");
        for i in 1..55 {
            yaml.push_str(&format!("a{i}: &a{i} [*a{p}, [*a{p}]]\n", p = i - 1));
        }
        assert_eq!(KestraConfig::parse(&yaml).unwrap_err().code(), "ERR_CONFIG_INVALID");
    };
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn names_kestra_2_uses_all_load() {
    let policy = PolicyInput::from_json(&json!({"model": "v2", "roles": [{"id": "r", "permissions": {
        "APP_EXECUTION": ["VIEW"], "NAMESPACE_FILE": ["VIEW"], "TESTSUITE_RUN": ["VIEW"],
        "SECURITY_INTEGRATION": ["VIEW"], "TENANT_ACCESS": ["VIEW"], "ASSET": ["LOCK"],
        "NAMESPACE": ["EXPORT_PLUGIN_DEFAULTS", "IMPORT_PLUGIN_DEFAULTS"]}}]}))
    .unwrap();
    let compiled = CompiledPolicy::compile(&KestraConfig::default(), Some(&policy), &RbacOptions::default()).unwrap();
    let removed: Vec<_> = compiled
        .findings()
        .iter()
        .filter(|f| f.message.contains("removed in Kestra 2.0"))
        .collect();
    assert_eq!(removed.len(), 2, "{:?}", compiled.findings());
}

// Regressions from an adversarial review of the identity and configuration changes.

fn delete_in(tenant: &str) -> Request<'_> {
    Request {
        permission: "FLOW",
        action: "DELETE",
        namespace: Some("prod"),
        tenant: Some(tenant),
    }
}

fn policy_error(policy: serde_json::Value) -> String {
    let options = json!({"issuer": ISSUER, "clientId": CLIENT_ID, "clientSecret": SECRET, "policy": policy});
    let err = AuthorizerOptions::from_json(&options)
        .and_then(Authorizer::new)
        .err()
        .unwrap();
    assert_eq!(err.code(), "ERR_POLICY_INVALID", "{err}");
    err.to_string()
}

#[test]
fn one_user_id_has_one_username_everywhere() {
    let admin = json!([{"id": "admin", "permissions": {"FLOW": ["DELETE"]}}]);
    // A user without an id takes its username as id: equal to another user's id, it is that
    // user under a second username.
    let message = policy_error(json!({"model": "v2", "tenants": {
        "a": {"roles": admin, "users": [{"id": "u1", "username": "alice@example.com"}],
              "bindings": [{"type": "USER", "externalId": "u1", "roleId": "admin"}]},
        "b": {"users": [{"username": "u1"}]}}}));
    assert!(message.contains("two usernames"), "{message}");
    // One id, two usernames, across tenants.
    policy_error(json!({"model": "v2", "tenants": {
        "a": {"roles": admin, "users": [{"id": "u1", "username": "alice@example.com"}],
              "bindings": [{"type": "USER", "externalId": "u1", "roleId": "admin"}]},
        "b": {"users": [{"id": "u1", "username": "mallory@example.com"}]}}}));
    // The same id twice in one tenant.
    let message = policy_error(json!({"model": "v2", "roles": admin,
        "users": [{"id": "u1", "username": "alice@example.com"}, {"id": "u1", "username": "mallory@example.com"}]}));
    assert!(message.contains("listed twice"), "{message}");
    // Two tenant-access answers for one user id under two usernames (one stale).
    policy_error(json!({"model": "v2", "tenantAccess": [
        {"tenantId": "a", "userId": "u1", "username": "alice@example.com",
         "roles": [{"id": "admin", "permissions": {"FLOW": ["DELETE"]}}]},
        {"tenantId": "b", "userId": "u1", "username": "mallory@example.com", "roles": []}]}));
    // One id listed with its username in one tenant and without it in another is one user.
    let a = authz(json!({"model": "v2", "tenants": {
        "a": {"roles": admin, "users": [{"id": "u1", "username": "alice@example.com"}],
              "bindings": [{"type": "USER", "externalId": "u1", "roleId": "admin"}]},
        "b": {"users": [{"id": "u1"}]}}}));
    let s = session(&a, "alice@example.com");
    assert!(a.authorize(&s, &delete_in("a")).unwrap().allowed);
}

#[test]
fn a_session_is_judged_only_by_an_authorizer_that_would_accept_its_token() {
    let policy = json!({"model": "v2", "roles": [{"id": "admin", "permissions": {"FLOW": ["DELETE"]}}],
        "users": [{"id": "u1", "username": "alice@example.com"}],
        "bindings": [{"type": "USER", "externalId": "u1", "roleId": "admin"}]});
    let a = authz(json!(null));
    let s = session(&a, "alice@example.com");
    // The same issuer and client id, but another secret (or other limits): B never checked
    // this token's signature, so it does not judge the session.
    for differs in [
        json!({"clientSecret": "f".repeat(64)}),
        json!({"maxTokenLifetime": 60}),
        json!({"trustedAudiences": ["other"]}),
    ] {
        let b = authz_with("", policy.clone(), differs.clone());
        let err = b.authorize(&s, &delete_in("main")).unwrap_err();
        assert_eq!(err.code(), "ERR_SESSION_FOREIGN", "{differs}");
        assert_eq!(
            b.session(s.token().clone(), None).unwrap_err().code(),
            "ERR_SESSION_FOREIGN"
        );
    }
    // An identical verifier with another policy (a reload) judges it by its policy.
    let b = authz_with("", policy, json!({}));
    assert!(b.authorize(&s, &delete_in("main")).unwrap().allowed);
    assert!(b.session(s.token().clone(), None).is_ok());
}

#[test]
fn merges_stand_where_snakeyaml_puts_them() {
    // An alias of an anchored plain `<<` is a merge key too.
    let yaml = "kestra:\n  ee:\n    &m <<: {}\n  security:\n    default-role:\n      name: viewer\n      *m : {tenant-id: restricted}\n";
    assert_eq!(
        config(yaml).default_role.unwrap().tenant_id.as_deref(),
        Some("restricted")
    );
    // Merged entries stand where the `<<` stood: a dotted merged key, then a nested written
    // one after it; Micronaut keeps the later.
    let yaml = "kestra:\n  <<: {security.default-role.tenant-id: t1}\n  security:\n    default-role:\n      name: r\n      tenant-id: t2\n";
    assert_eq!(config(yaml).default_role.unwrap().tenant_id.as_deref(), Some("t2"));
    let yaml = "kestra:\n  security:\n    default-role:\n      name: r\n      tenant-id: t2\n  <<: {security.default-role.tenant-id: t1}\n";
    assert_eq!(config(yaml).default_role.unwrap().tenant_id.as_deref(), Some("t1"));
    // `!!merge <<` is the merge key; `!!merge` anywhere else is refused.
    let yaml = "kestra.security.defaultRole:\n  !!merge <<: {tenant-id: main}\n";
    assert_eq!(config(yaml).default_role.unwrap().tenant_id.as_deref(), Some("main"));
    let err = KestraConfig::parse("kestra.security.defaultRole:\n  !!merge x: {tenant-id: main}\n").unwrap_err();
    assert_eq!(err.code(), "ERR_CONFIG_INVALID");
}

/// A configuration given as an object (JSON): a number has no text of its own, so one that
/// would not come back as written (a fraction, an exponent, an integer past 64 bits) cannot
/// decide access; an integer reads as its digits.
#[test]
fn numbers_of_an_object_configuration_that_lose_their_text_cannot_decide_access() {
    for number in [json!(1.5), json!(1e3), json!(12345678901234567890123.0), json!(-0.0)] {
        let value = json!({"kestra": {"security": {"defaultRole": {"name": "r", "tenant-id": number}}}});
        let err = KestraConfig::from_json(&value).unwrap_err();
        assert_eq!(err.code(), "ERR_CONFIG_INVALID", "{number}");
        assert!(err.to_string().contains("quote it"), "{number}: {err}");
    }
    let value = json!({"kestra": {"security": {"defaultRole": {"name": "r", "tenant-id": 42}}}});
    assert_eq!(
        KestraConfig::from_json(&value)
            .unwrap()
            .default_role
            .unwrap()
            .tenant_id
            .as_deref(),
        Some("42")
    );
}

#[test]
fn numbers_and_dates_kestra_reads_differently_cannot_decide_access() {
    for written in ["1e3", "1.5", "2024-01-01", "2024-1-1", "1:30"] {
        let yaml = format!("kestra.security.defaultRole:\n  name: r\n  tenant-id: {written}\n");
        let err = KestraConfig::parse(&yaml).unwrap_err();
        assert_eq!(err.code(), "ERR_CONFIG_INVALID", "{written}");
        assert!(err.to_string().contains("quote it"), "{err}");
        // Quoted, it is the text as written.
        let quoted = format!("kestra.security.defaultRole:\n  name: r\n  tenant-id: '{written}'\n");
        assert_eq!(
            config(&quoted).default_role.unwrap().tenant_id.as_deref(),
            Some(written)
        );
    }
    // Where the value only names something, it is kept as written.
    assert_eq!(
        config("kestra.security.defaultRole:\n  name: 1.0\n")
            .default_role
            .unwrap()
            .name
            .as_deref(),
        Some("1.0")
    );
    // SnakeYAML 2.x: `0_7` is octal 7, `0_` and `08` are strings.
    for (written, read) in [("0_7", "7"), ("0_", "0_"), ("08", "08")] {
        let yaml = format!("kestra.security.defaultRole:\n  tenant-id: {written}\n");
        assert_eq!(
            config(&yaml).default_role.unwrap().tenant_id.as_deref(),
            Some(read),
            "{written}"
        );
    }
}

#[test]
fn core_tags_read_as_snakeyamls_constructors_read_them() {
    let tenant = |value: &str| {
        KestraConfig::parse(&format!(
            "kestra.security.defaultRole:\n  name: r\n  tenant-id: {value}\n"
        ))
        .map(|c| c.default_role.and_then(|r| r.tenant_id))
    };
    assert_eq!(tenant("!!null main").unwrap(), None);
    assert_eq!(tenant("!!bool main").unwrap(), None);
    assert_eq!(tenant("!!bool yes").unwrap().as_deref(), Some("true"));
    assert_eq!(tenant("!!int 010").unwrap().as_deref(), Some("8"));
    assert_eq!(tenant("!!int main").unwrap_err().code(), "ERR_CONFIG_INVALID");
    assert_eq!(tenant("!!float 10").unwrap_err().code(), "ERR_CONFIG_INVALID");
    assert_eq!(
        tenant("0x1_0000_0000_0000_0000_0000_0000_0000_0000")
            .unwrap_err()
            .code(),
        "ERR_CONFIG_INVALID"
    );
    // A null action grants nothing.
    let role = config("kestra.security.defaultRole:\n  permissions:\n    FLOW: [!!null DELETE, READ]\n")
        .default_role
        .unwrap();
    assert_eq!(role.permissions, vec![("FLOW".to_owned(), vec!["READ".to_owned()])]);
}

#[test]
fn merging_a_mapping_that_merges_is_refused() {
    for yaml in [
        "kestra.security.defaultRole:\n  name: viewer\n  <<: {<<: {tenant-id: other}, tenant-id: main}\n",
        "kestra:\n  security:\n    default-role: &d {<<: {permissions: {FLOW: [DELETE]}}, name: r}\n  <<: *d\n",
        "a: &a {<<: {x: 1}}\nkestra.security.defaultRole:\n  <<: [*a]\n",
    ] {
        let err = KestraConfig::parse(yaml).unwrap_err();
        assert_eq!(err.code(), "ERR_CONFIG_INVALID", "{yaml}");
        assert!(err.to_string().contains("itself uses <<"), "{err}");
    }
}

#[test]
fn placeholders_carry_what_they_reach() {
    // A property reached through a placeholder is read as Kestra reads it: a number or a date
    // has no text to substitute where the value decides access.
    for value in ["1e3", "2024-01-01"] {
        let yaml = format!("t: {value}\nkestra.security.defaultRole:\n  name: r\n  tenant-id: ${{t}}\n");
        let err = KestraConfig::parse(&yaml).unwrap_err();
        assert_eq!(err.code(), "ERR_CONFIG_INVALID", "{value}");
        let quoted = format!("t: '{value}'\nkestra.security.defaultRole:\n  name: r\n  tenant-id: ${{t}}\n");
        assert_eq!(config(&quoted).default_role.unwrap().tenant_id.as_deref(), Some(value));
    }
    // Placeholders that expand to nothing cannot multiply work: the document's budget ends it.
    let mut yaml = String::from("p0: ''\n");
    for i in 1..8 {
        yaml.push_str(&format!("p{i}: '{}'\n", format!("${{p{}}}", i - 1).repeat(40)));
    }
    yaml.push_str("kestra.security.defaultRole:\n  name: r\n  tenant-id: x${p7}\n");
    let err = KestraConfig::parse(&yaml).unwrap_err();
    assert!(err.to_string().contains("more work"), "{err}");
}

#[test]
fn placeholders_read_the_configurations_own_properties() {
    let yaml = "kestra.tenant: main\nkestra.security.defaultRole:\n  name: r\n  tenant-id: ${kestra.tenant:other}\n";
    assert_eq!(config(yaml).default_role.unwrap().tenant_id.as_deref(), Some("main"));
    // The host's value wins over the property.
    let mut values = Placeholders::new();
    values.insert("kestra.tenant".into(), "hosted".into());
    let role = KestraConfig::parse_with(yaml, &values).unwrap().default_role.unwrap();
    assert_eq!(role.tenant_id.as_deref(), Some("hosted"));
    // A cycle ends at the nesting bound; an expansion past 64 KiB is refused.
    let err = KestraConfig::parse("a: ${b}\nb: ${a}\nkestra.security.defaultRole:\n  tenant-id: ${a}\n").unwrap_err();
    assert_eq!(err.code(), "ERR_CONFIG_INVALID");
    let mut yaml = String::from("p0: xxxxxxxxxxxxxxxx\n");
    for i in 1..8 {
        yaml.push_str(&format!("p{i}: ${{p{p}}}${{p{p}}}${{p{p}}}${{p{p}}}\n", p = i - 1));
    }
    yaml.push_str("kestra.security.defaultRole:\n  tenant-id: ${p7}\n");
    let err = KestraConfig::parse(&yaml).unwrap_err();
    assert!(err.to_string().contains("64 KiB"), "{err}");
    assert!(err.to_string().contains("tenant-id"), "{err}");
}

/// Copies cost what they copy: an alias of a long scalar, and a long or many-dotted key above
/// many values, are refused within their bounds instead of multiplying memory and time.
#[test]
fn copies_are_bounded_in_bytes_as_well_as_nodes() {
    let long = "x".repeat(64 * 1024);
    let mut yaml = format!("a: &a {long}\nb: [");
    yaml.push_str(&"*a,".repeat(3000));
    yaml.push_str("*a]\n");
    let err = KestraConfig::parse(&yaml).unwrap_err();
    assert!(err.to_string().contains("MiB of text"), "{err}");
    for key in ["k".repeat(32 * 1024), "a.".repeat(8 * 1024) + "a"] {
        let mut yaml = format!("? {key}\n: {{");
        for i in 0..2000 {
            yaml.push_str(&format!("b{i}: 1, "));
        }
        yaml.push_str("z: 1}\n");
        let err = KestraConfig::parse(&yaml).unwrap_err();
        assert_eq!(err.code(), "ERR_CONFIG_INVALID");
        assert!(err.to_string().contains("key paths"), "{err}");
    }
    // The same values under a short key are read.
    let mut yaml = String::from("k: {");
    for i in 0..4000 {
        yaml.push_str(&format!("a{i}: 1, "));
    }
    yaml.push_str("z: 1}\n");
    assert!(KestraConfig::parse(&yaml).is_ok());
}
