//! Identity, provenance and configuration as Kestra reads them (decisions 21-29): the Rust
//! API's own guarantees, beside what the shared vectors check in every host.

mod common;

use common::*;
use kestra_authz::config::{KestraConfig, Placeholders};
use kestra_authz::rbac::{CompiledPolicy, PolicyInput, RbacOptions, Request};
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
        b.policy().is_allowed(alice.principal(), "FLOW", "DELETE", None, None),
        b.policy().has_any_role(alice.principal(), None),
        b.policy().has_any(alice.principal(), "FLOW", None, None),
    ] {
        assert_eq!(check.unwrap_err().code(), "ERR_SESSION_FOREIGN");
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
    let options = VerifyOptions::from_json(&json!({"now": NOW}), None).unwrap();
    let unverified = token("alice@example.com", json!({"email_verified": false}));
    assert!(open.verify_id_token(&unverified, &options).is_ok());
    let err = strict.verify_id_token(&unverified, &options).unwrap_err();
    assert_eq!(
        (err.code(), err.claim()),
        ("ERR_JWT_CLAIM_VALIDATION_FAILED", Some("email_verified"))
    );
    let verified = token("alice@example.com", json!({"email_verified": true}));
    assert!(strict.verify_id_token(&verified, &options).is_ok());
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
    assert!(by_name.verify_id_token(&t, &options).is_ok());
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
    let codes: Vec<&str> = a.warnings().iter().map(|w| w.code).collect();
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
    assert!(KestraConfig::parse("kestra.security.defaultRole: admin\n").is_err());
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
