//! Hostile input never panics: random and mutated text through every parser and entry point
//! (JWKS, discovery, Kestra YAML, policy JSON, tokens, requests). A panic fails the test; in
//! wasm it would trap the instance.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::*;
use kestra_authz::config::KestraConfig;
use kestra_authz::rbac::{PolicyInput, Request};
use kestra_authz::{Discovery, Jwks, VerifyOptions};
use proptest::prelude::*;
use serde_json::json;

const YAML_ALPHABET: &str = "ab:- \n\t'\"[]{}&*!|>#%@`,.?~0123456789eE";
const JSON_ALPHABET: &str = "{}[]:,\"\\ \nabcdefkeysnulltrue0123456789.-+eEu";

fn text_from(alphabet: &'static str, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(alphabet.chars().collect::<Vec<_>>()), 0..max)
        .prop_map(|c| c.into_iter().collect())
}

/// Deletes, duplicates or replaces one byte range of a valid document.
fn mutate(base: &'static str) -> impl Strategy<Value = String> {
    (0..base.len(), 0..64usize, any::<u8>(), 0..3u8).prop_map(move |(at, len, byte, how)| {
        let mut bytes = base.as_bytes().to_vec();
        let end = (at + len).min(bytes.len());
        match how {
            0 => {
                bytes.drain(at..end);
            }
            1 => {
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => bytes[at..end].iter_mut().for_each(|b| *b = byte),
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

const JWKS: &str = include_str!("fixtures/authentik-2025.8.1/kestra.jwks.json");
const DISCOVERY: &str = include_str!("fixtures/authentik-2025.8.1/kestra.openid-configuration.json");
const YAML: &str = include_str!("fixtures/kestra/guide-joined.yaml");
const TOKEN: &str = include_str!("fixtures/authentik-2025.8.1/tokens/kestra.alice.authcode.1.id_token.jwt");
const POLICY: &str = r#"{"model":"auto","tenants":{"main":{"roles":[{"id":"r","name":"R","permissions":{"FLOW":["READ","VIEW"]}}],
"groups":[{"id":"g","name":"G"}],"users":[{"id":"u","username":"alice@example.com","groups":["g"],"superAdmin":true}],
"bindings":[{"type":"USER","externalId":"u","roleId":"r","namespaceId":"a.b"},{"type":"GROUP","namespace":null,"role":{"id":"r"},"group":{"id":"g"}}]}},
"tenantAccess":[{"tenantId":"t","userId":"u","roles":[{"id":"x","namespace":"c","origin":"GROUP","sourceId":"g","permissions":[{"resource":"FLOW","actions":["VIEW"]}]}],"groups":[{"id":"g"}]}]}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn documents_never_panic(
        jwks in prop_oneof![mutate(JWKS), text_from(JSON_ALPHABET, 200)],
        discovery in prop_oneof![mutate(DISCOVERY), text_from(JSON_ALPHABET, 200)],
        yaml in prop_oneof![mutate(YAML), text_from(YAML_ALPHABET, 200)],
        policy in prop_oneof![mutate(POLICY), text_from(JSON_ALPHABET, 200)],
    ) {
        let _ = Jwks::parse(&jwks);
        let _ = Discovery::parse(&discovery);
        let _ = KestraConfig::parse(&yaml);
        if let Ok(p) = PolicyInput::parse(&policy) {
            let _ = kestra_authz::rbac::CompiledPolicy::compile(&KestraConfig::default(), Some(&p), &Default::default());
        }
    }

    #[test]
    fn tokens_never_panic(token in prop_oneof![mutate(TOKEN), text_from("abcAB01-_.=+/ ", 400)]) {
        let a = authz_with("", json!(null), json!({"jwks": JWKS, "clientSecret": SECRET, "algorithms": ["RS256", "HS256"]}));
        let (now, options) = VerifyOptions::from_json(&json!({"now": NOW}), None).unwrap();
        let _ = a.verify_id_token(&token, now, &options);
    }

    #[test]
    fn requests_never_panic(
        permission in text_from("FLOWEXCUTINAMSP_ ", 12),
        action in text_from("READCTUPVIWLS_ ", 10),
        namespace in prop::option::of(text_from("ab.-_Z ", 40)),
        tenant in prop::option::of(text_from("main-_Z ", 10)),
    ) {
        let a = authz(serde_json::from_str(POLICY).unwrap());
        let s = session(&a, "alice@example.com");
        let r = Request { permission: &permission, action: &action, namespace: namespace.as_deref(), tenant: tenant.as_deref() };
        let _ = a.authorize(&s, &r);
        let _ = s.is_allowed(&permission, &action, namespace.as_deref());
        let _ = s.has_any(&permission, namespace.as_deref());
        let _ = s.has_any_action(&permission, &action, namespace.as_deref());
        let _ = a.matrix(&s, namespace.as_deref(), tenant.as_deref());
        let _ = a.allowed_namespaces(&s, &permission, &action, tenant.as_deref());
    }
}
