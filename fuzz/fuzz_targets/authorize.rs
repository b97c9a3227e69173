#![no_main]
//! Requests of arbitrary strings: permission, action, namespace and tenant split on NUL.
use kestra_authz::rbac::Request;
use kestra_authz::{Authorizer, AuthorizerOptions, Session, VerifyOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn setup() -> &'static (Authorizer, Session) {
    static S: OnceLock<(Authorizer, Session)> = OnceLock::new();
    S.get_or_init(|| {
        let yaml = "kestra.security.default-role.name: r\nkestra.security.default-role.permissions.FLOW: [READ]\n";
        let options = serde_json::json!({
            "kestraConfig": yaml,
            "issuer": "http://127.0.0.1:9000/application/o/kestra/",
            "clientId": "kestra-client",
            "jwks": include_str!("../../tests/fixtures/authentik-2025.8.1/kestra.jwks.json"),
            "policy": {"tenants": {"main": {
                "roles": [{"id": "r", "permissions": {"FLOW": ["READ", "UPDATE"], "USER": ["READ"], "BLUEPRINT": ["CREATE"]}}],
                "groups": [{"id": "g"}],
                "users": [{"id": "u", "username": "alice@example.com", "groups": ["g"]}],
                "bindings": [{"type": "USER", "externalId": "u", "roleId": "r", "namespaceId": "a.b"},
                             {"type": "GROUP", "externalId": "g", "roleId": "r", "namespaceId": "c"}],
            }}},
        });
        let authz = Authorizer::new(AuthorizerOptions::from_json(&options).unwrap()).unwrap();
        let token = include_str!("../../tests/fixtures/authentik-2025.8.1/tokens/kestra.alice.authcode.1.id_token.jwt");
        let (now, verify) = VerifyOptions::from_json(&serde_json::json!({"now": 1_795_885_258u64}), None).unwrap();
        let session = authz.verify_id_token(token.trim(), now, &verify).unwrap();
        (authz, session)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.split('\0');
    let permission = parts.next().unwrap_or("");
    let action = parts.next().unwrap_or("");
    let namespace = parts.next();
    let tenant = parts.next();
    let (authz, session) = setup();
    let _ = authz.authorize(session, &Request { permission, action, namespace, tenant });
    let _ = session.has_any_action(permission, action, namespace);
    let _ = session.has_any(permission, namespace);
    let _ = authz.matrix(session, namespace, tenant);
    let _ = authz.allowed_namespaces(session, permission, action, tenant);
});
