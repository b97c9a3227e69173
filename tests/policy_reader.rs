//! The typed policy reader (no JSON tree for bindings) against the general one: whenever the
//! typed reader answers, it answers exactly what the general reader does, and it never accepts
//! a text the general reader refuses. Random texts mix every binding shape, nulls, empty ids,
//! bad namespaces, repeated and unknown members; the vectors' policies and a large
//! benchmark-shaped policy are read too.
#![cfg(not(target_arch = "wasm32"))]

use kestra_authz::rbac::PolicyInput;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::Value;

/// Both readers on one text; `true` when the typed one answered.
fn agree(text: &str) -> bool {
    let general = PolicyInput::parse_general(text);
    match PolicyInput::parse_typed(text) {
        None => {
            assert_eq!(
                PolicyInput::parse(text),
                general,
                "parse falls back to the general reader"
            );
            false
        }
        Some(typed) => {
            assert_eq!(
                Ok(&typed),
                general.as_ref(),
                "typed and general readers differ on {text}"
            );
            assert_eq!(PolicyInput::parse(text).as_ref(), Ok(&typed));
            // Borrowing from the text or owning its names: the same policy.
            assert_eq!(typed.clone().into_owned(), typed);
            true
        }
    }
}

/// A JSON object written member by member, so members can repeat.
fn object(members: Vec<(String, String)>) -> String {
    let body: Vec<String> = members.into_iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
    format!("{{{}}}", body.join(","))
}

fn member(name: &'static str, values: &'static [&'static str]) -> impl Strategy<Value = Option<(String, String)>> {
    prop::option::of(prop::sample::select(values.to_vec()).prop_map(move |v| (name.to_owned(), v.to_owned())))
}

fn binding() -> impl Strategy<Value = String> {
    (
        (
            member(
                "type",
                &[r#""USER""#, r#""GROUP""#, r#""user""#, "5", "null", r#""\u0055SER""#],
            ),
            member(
                "externalId",
                &[
                    r#""u1""#,
                    r#""g1""#,
                    r#""alice@example.com""#,
                    r#""""#,
                    "null",
                    "7",
                    r#""u\u0031""#,
                ],
            ),
            member(
                "roleId",
                &[r#""r1""#, r#""r2""#, r#""""#, "null", r#""nope""#, r#""r\u0031""#],
            ),
            member(
                "namespaceId",
                &[r#""a.b""#, r#""""#, r#""Bad""#, "null", r#""a..b""#, r#""a\u002eb""#],
            ),
            member("namespace", &[r#""a""#, "null", r#""c.d""#]),
            member("id", &[r#""b1""#, r#""""#, "null", r#""b\"1\"""#, r#""b\u00e9""#]),
        ),
        (
            member("role", &[r#"{"id":"r1"}"#, r#""r2""#, "null"]),
            member("user", &[r#"{"id":"u1"}"#, "null"]),
            member("group", &[r#""g1""#, r#"{"id":"g2"}"#]),
            member("binding", &[r#"{"type":"USER","externalId":"u1","roleId":"r1"}"#]),
            member("extra", &["1"]),
            prop::sample::select(vec![0usize, 0, 0, 0, 1, 2]),
        ),
    )
        .prop_map(|((t, e, r, n1, n2, id), (role, user, group, wrapped, extra, repeat))| {
            // Mostly the stored shape; the others now and then.
            let mut members: Vec<(String, String)> = [t, e, r, n1, n2, id].into_iter().flatten().collect();
            let rare: Vec<(String, String)> = [role, user, group, wrapped, extra].into_iter().flatten().collect();
            if repeat == 2 {
                members.extend(rare);
            }
            if repeat == 1
                && let Some(first) = members.first().cloned()
            {
                members.push(first);
            }
            object(members)
        })
}

/// A stored-shape binding the typed reader takes (or, with a bad namespace, defers).
fn plain_binding() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            ("USER", "u1"),
            ("USER", "alice@example.com"),
            ("GROUP", "g1"),
            ("GROUP", "devs"),
        ]),
        prop::sample::select(vec!["r1", "r2", "missing"]),
        prop::sample::select(vec![
            r#","namespaceId":"a.b""#,
            r#","namespace":"c""#,
            r#","namespaceId":null,"namespace":"a""#,
            r#","namespaceId":"""#,
            "",
        ]),
        prop::sample::select(vec!["", r#","id":"b7""#, r#","id":null"#]),
    )
        .prop_map(|((kind, who), role, ns, id)| {
            format!(r#"{{"type":"{kind}","externalId":"{who}","roleId":"{role}"{ns}{id}}}"#)
        })
}

fn list(items: Vec<&'static str>) -> impl Strategy<Value = String> {
    prop::sample::subsequence(items.clone(), 0..=items.len()).prop_map(|chosen| format!("[{}]", chosen.join(",")))
}

fn tenant_parts() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        prop::option::of(list(vec![
            r#"{"id":"r1","permissions":{"FLOW":["READ","UPDATE"]}}"#,
            r#"{"id":"r2","name":"Two","permissions":[{"permission":"SECRET","actions":["READ"]}]}"#,
            r#"{"id":"r1","permissions":{}}"#,
        ])),
        prop::option::of(list(vec![r#"{"id":"g1"}"#, r#"{"id":"g2","name":"devs"}"#, r#""g3""#])),
        prop::option::of(list(vec![
            r#"{"id":"u1","username":"alice@example.com","groups":["g1"]}"#,
            r#"{"id":"u2","groupList":[{"groupId":"g2"}]}"#,
            r#"{"username":"bob@example.com","superAdmin":true}"#,
            r#"{"email":"eve@example.com","groups":["nope"]}"#,
            "{}",
        ])),
        prop::option::of(
            prop::collection::vec(prop_oneof![6 => plain_binding(), 1 => binding()], 0..6)
                .prop_map(|b| format!("[{}]", b.join(","))),
        ),
        prop::sample::select(vec!["", "", "", "", "", "", "null", "unknown"]),
    )
        .prop_map(|(roles, groups, users, bindings, odd)| {
            let mut members = Vec::new();
            for (name, value) in [
                ("roles", roles),
                ("groups", groups),
                ("users", users),
                ("bindings", bindings),
            ] {
                if let Some(v) = value {
                    members.push((name.to_owned(), v));
                }
            }
            match odd {
                "null" => members.push(("bindings".to_owned(), "null".to_owned())),
                "unknown" => members.push(("notes".to_owned(), r#""x""#.to_owned())),
                _ => {}
            }
            members
        })
}

fn policy_text() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["tenants", "tenants", "single", "single", "both", "access"]),
        prop::collection::vec(
            (
                prop::sample::select(vec!["main", "t2", "t3", "main", "t2", "Bad!"]),
                tenant_parts(),
            ),
            1..3,
        ),
        tenant_parts(),
        member("model", &[r#""auto""#, r#""crud""#, r#""v2""#, r#""v3""#, "null"]),
        member("tenant", &[r#""main""#, r#""t2""#, r#""other""#, "null", "3"]),
    )
        .prop_map(|(shape, listed, single, model, tenant)| {
            let mut members: Vec<(String, String)> = model.into_iter().collect();
            if shape != "single" {
                let tenants: Vec<(String, String)> = listed
                    .into_iter()
                    .map(|(id, parts)| (id.to_owned(), object(parts)))
                    .collect();
                members.push(("tenants".to_owned(), object(tenants)));
            }
            if shape != "tenants" {
                members.extend(single);
                members.extend(tenant);
            }
            if shape == "access" {
                members.push(("tenantAccess".to_owned(), "[]".to_owned()));
            }
            object(members)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn typed_reader_agrees_with_the_general_one(text in policy_text()) {
        agree(&text);
    }
}

#[test]
fn typed_reader_answers_often_enough_to_be_tested() {
    // The random texts above must exercise the typed reader, not only its fallback.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = policy_text();
    let (mut typed, mut total) = (0, 0);
    for _ in 0..2000 {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        total += 1;
        if agree(&text) {
            typed += 1;
        }
    }
    // Most of the rest are texts the general reader refuses (which the typed one must leave
    // to it); ~350 of 2,000 are read typed.
    assert!(typed * 8 > total, "typed reader answered {typed} of {total}");
}

#[test]
fn vector_policies_read_the_same() {
    let vectors: Value = serde_json::from_str(include_str!("vectors/rbac.json")).unwrap();
    let mut typed = 0;
    for scenario in vectors["scenarios"].as_array().unwrap() {
        if let Some(policy) = scenario["options"].get("policy") {
            let text = match policy {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            typed += usize::from(agree(&text));
        }
    }
    assert!(typed > 20, "{typed} vector policies went through the typed reader");
}

#[test]
fn edge_texts_read_the_same() {
    for text in [
        r#"{}"#,
        r#"{"tenants":null}"#,
        r#"{"tenants":{}}"#,
        r#"{"bindings":null}"#,
        r#"{"tenant":"t2","roles":[]}"#,
        r#"{"tenant":"main","tenants":{"main":{}},"roles":[]}"#,
        r#"{"tenants":{"main":{},"main":{}}}"#,
        r#"{"tenants":{"b":{},"a":{"roles":[{"id":"r"}]}}}"#,
        r#"{"tenants":{"main":null}}"#,
        r#"{"tenants":[]}"#,
        r#"{"model":"crud","model":"v2"}"#,
        r#"{"roles":[{"id":"r","permissions":{"FLOW":["READ"]}}],"bindings":[{"type":"USER","externalId":"u","roleId":"r","namespaceId":"a\u002eb"}]}"#,
        r#"{"roles":[{"id":"r","permissions":{"FLOW":["READ"]}}],"bindings":[{"type":"USER","externalId":"u","roleId":"r","type":"GROUP"}]}"#,
        r#"{"roles":[{"id":"r","permissions":{"FLOW":["READ"]}}],"bindings":[{"type":"USER","externalId":"u","roleId":"x"}]}"#,
        r#"{"roles":[],"bindings":[]} x"#,
        r#"[]"#,
        r#"{"tenantAccess":[]}"#,
        r#"{"roles":[{"id":"r3","permissions":{"FLOW":["READ"],"FLOW":["DELETE"]}}]}"#,
        r#"{"roles":[{"id":"r","permissions":{"FLOW":["READ"]}}],"bindings":[{"type":"USER","externalId":"u","roleId":"r","namespaceId":"Bad"}]}"#,
        r#"{"bindings":[["USER","u","r"]]}"#,
        r#"{"tenants":{"main":["x"]}}"#,
        // Empty vs null vs absent namespaces: an empty string is an error in both readers.
        r#"{"roles":[{"id":"r","permissions":{"FLOW":["READ"]}}],"bindings":[{"type":"USER","externalId":"u","roleId":"r","namespaceId":"","namespace":"company"}]}"#,
        r#"{"roles":[{"id":"r","permissions":{"FLOW":["READ"]}}],"bindings":[{"type":"USER","externalId":"u","roleId":"r","namespace":""}]}"#,
        r#"{"roles":[{"id":"r","permissions":{"FLOW":["READ"]}}],"bindings":[{"type":"USER","externalId":"u","roleId":"r","namespaceId":null,"namespace":"company"}]}"#,
    ] {
        agree(text);
    }
}

#[test]
fn an_empty_namespace_is_an_error_in_both_readers() {
    for text in [
        r#"{"roles":[{"id":"r","permissions":{"FLOW":["READ"]}}],"bindings":[{"type":"USER","externalId":"u","roleId":"r","namespaceId":"","namespace":"company"}]}"#,
        r#"{"roles":[{"id":"r","permissions":{"FLOW":["READ"]}}],"bindings":[{"type":"GROUP","group":{"id":"g"},"role":{"id":"r"},"namespace":""}]}"#,
    ] {
        let err = PolicyInput::parse(text).unwrap_err();
        assert_eq!(err.code(), "ERR_POLICY_INVALID", "{text}");
        assert!(err.to_string().contains("namespace"), "{err}");
        assert_eq!(
            PolicyInput::parse_general(text).unwrap_err().code(),
            "ERR_POLICY_INVALID"
        );
    }
}

#[test]
fn a_large_stored_shape_policy_takes_the_typed_reader() {
    let bindings: Vec<String> = (0..20_000)
        .map(|b| {
            format!(
                r#"{{"type":"USER","externalId":"u{}","roleId":"r{}","namespaceId":"org{}.team{}"}}"#,
                b % 2000,
                b % 5,
                b % 13,
                b % 31
            )
        })
        .collect();
    let roles: Vec<String> = (0..5)
        .map(|r| format!(r#"{{"id":"r{r}","permissions":{{"FLOW":["READ"]}}}}"#))
        .collect();
    let text = format!(
        r#"{{"tenants":{{"main":{{"roles":[{}],"bindings":[{}]}}}}}}"#,
        roles.join(","),
        bindings.join(",")
    );
    assert!(agree(&text), "the common shape is read typed");
}
