//! Reading Kestra's application.yaml as the authentik guide writes it.

use kestra_authz::config::KestraConfig;

const GUIDE_MICRONAUT: &str = include_str!("fixtures/kestra/guide-micronaut.yaml");
const GUIDE_KESTRA: &str = include_str!("fixtures/kestra/guide-kestra.yaml");
const GUIDE_JOINED: &str = include_str!("fixtures/kestra/guide-joined.yaml");

fn codes(config: &KestraConfig) -> Vec<&'static str> {
    config.findings.iter().map(|f| f.code.as_str()).collect()
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn guide_micronaut_snippet_verbatim_with_its_indentation() {
    assert!(GUIDE_MICRONAUT.starts_with("        micronaut:"));
    let config = KestraConfig::parse(GUIDE_MICRONAUT).unwrap();
    assert_eq!(config.oauth2_enabled, Some(true));
    let client = config.client(None).unwrap().unwrap();
    assert_eq!(client.name, "authentik");
    assert_eq!(client.client_id.as_deref(), Some("CLIENT_ID"));
    assert_eq!(client.client_secret.as_deref(), Some("CLIENT_SECRET"));
    assert_eq!(
        client.issuer.as_deref(),
        Some("http://localhost:9000/application/o/kestra/")
    );
    assert_eq!(codes(&config), Vec::<&str>::new());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn guide_kestra_snippet_verbatim() {
    let config = KestraConfig::parse(GUIDE_KESTRA).unwrap();
    let role = config.default_role.unwrap();
    assert_eq!(role.name.as_deref(), Some("default_admin_role"));
    assert_eq!(role.description.as_deref(), Some("Default Admin Role"));
    assert_eq!(role.permissions.len(), 12);
    assert_eq!(
        role.permissions[0],
        (
            "NAMESPACE".to_owned(),
            vec!["CREATE".into(), "READ".into(), "UPDATE".into(), "DELETE".into()]
        )
    );
    assert_eq!(role.tenant_id, None);
    assert_eq!(config.tenants.enabled, Some(true));
    assert_eq!(config.tenants.default_tenant, Some(false));
    assert!(config.clients.is_empty());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn guide_snippets_joined() {
    let config = KestraConfig::parse(GUIDE_JOINED).unwrap();
    assert_eq!(config.clients.len(), 1);
    assert_eq!(config.default_role.unwrap().permissions.len(), 12);
    assert_eq!(config.tenants.enabled, Some(true));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn guide_snippets_pasted_one_after_the_other_verbatim() {
    let pasted = format!("{GUIDE_MICRONAUT}\n{GUIDE_KESTRA}");
    assert!(pasted.starts_with("        micronaut:") && pasted.contains("\nkestra:\n"));
    let config = KestraConfig::parse(&pasted).unwrap();
    assert_eq!(config, KestraConfig::parse(GUIDE_JOINED).unwrap());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn relaxed_and_dotted_keys_are_one_key() {
    for key in ["defaultRole", "default-role", "default_role", "DEFAULT_ROLE"] {
        let yaml =
            format!("kestra:\n  security:\n    {key}:\n      name: r\n      permissions:\n        FLOW: [READ]\n");
        let config = KestraConfig::parse(&yaml).unwrap();
        assert_eq!(
            config.default_role.unwrap().permissions,
            vec![("FLOW".to_owned(), vec!["READ".to_owned()])],
            "{key}"
        );
    }
    let dotted = "kestra.security.default-role.name: r\nkestra.security.default-role.permissions.FLOW: READ,UPDATE\n\
                  micronaut.security.oauth2.clients.authentik.client-id: abc\n\
                  micronaut.security.oauth2.clients.authentik.openid.issuer: https://sso.example.com/application/o/kestra/\n";
    let config = KestraConfig::parse(dotted).unwrap();
    assert_eq!(
        config.default_role.unwrap().permissions,
        vec![("FLOW".to_owned(), vec!["READ".to_owned(), "UPDATE".to_owned()])]
    );
    assert_eq!(config.clients[0].client_id.as_deref(), Some("abc"));
    let kebab = "micronaut:\n  security:\n    oauth2:\n      clients:\n        authentik:\n          client-id: x\n          client-secret: y\n";
    let config = KestraConfig::parse(kebab).unwrap();
    assert_eq!(config.clients[0].client_id.as_deref(), Some("x"));
    assert_eq!(config.clients[0].client_secret.as_deref(), Some("y"));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn default_role_under_micronaut_security_is_a_finding() {
    let yaml =
        "micronaut:\n  security:\n    defaultRole:\n      name: admin\n      permissions:\n        FLOW: [READ]\n";
    let config = KestraConfig::parse(yaml).unwrap();
    assert_eq!(codes(&config), vec!["WARN_DEFAULT_ROLE_MISPLACED"]);
    assert_eq!(config.default_role, None, "Kestra ignores a role there, so do we");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn issuer_without_trailing_slash_is_a_finding() {
    let yaml = "micronaut.security.oauth2.clients.a.openid.issuer: http://localhost:9000/application/o/kestra\n";
    let config = KestraConfig::parse(yaml).unwrap();
    assert_eq!(codes(&config), vec!["WARN_ISSUER_SHAPE"]);
    assert!(
        config.findings[0]
            .message
            .contains("http://localhost:9000/application/o/kestra/")
    );
    for fine in [
        "https://sso.example.com/",
        "https://sso.example.com/application/o/kestra/",
    ] {
        let yaml = format!("micronaut.security.oauth2.clients.a.openid.issuer: {fine}\n");
        assert!(KestraConfig::parse(&yaml).unwrap().findings.is_empty(), "{fine}");
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn placeholders_are_reported_not_used() {
    let yaml = "micronaut.security.oauth2.clients.a.client-secret: ${AUTHENTIK_SECRET}\n";
    let config = KestraConfig::parse(yaml).unwrap();
    assert_eq!(config.clients[0].client_secret, None);
    assert_eq!(codes(&config), vec!["WARN_UNRESOLVED_PLACEHOLDER"]);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn several_clients_need_a_name() {
    let yaml = "micronaut.security.oauth2.clients.a.client-id: x\nmicronaut.security.oauth2.clients.b.client-id: y\n";
    let config = KestraConfig::parse(yaml).unwrap();
    assert_eq!(config.client(None).unwrap_err().code(), "ERR_CONFIG_INVALID");
    assert_eq!(
        config.client(Some("b")).unwrap().unwrap().client_id.as_deref(),
        Some("y")
    );
    assert_eq!(config.client(Some("zz")).unwrap_err().code(), "ERR_CONFIG_INVALID");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn hostile_yaml_is_an_error_not_a_crash() {
    for bad in [
        "a: [",
        "- just\n- a list\n",
        "a: 1\na: 2\n",
        "kestra.ee.tenants.enabled: perhaps\n",
        "\t- tab",
    ] {
        assert_eq!(
            KestraConfig::parse(bad).unwrap_err().code(),
            "ERR_CONFIG_INVALID",
            "{bad:?}"
        );
    }
    let huge = "a: b\n".repeat(100_000);
    assert_eq!(KestraConfig::parse(&huge).unwrap_err().code(), "ERR_INPUT_TOO_LARGE");
    assert!(KestraConfig::parse("").unwrap().clients.is_empty());
}
