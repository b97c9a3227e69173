//! Every parser at its size cap, and at half of it: the cost must grow near-linearly with the
//! input (a document of many OIDC clients, one mapping of many keys, a JWKS and a discovery
//! document with many members, a policy at its 64 MiB cap). Run: cargo bench --bench parse

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kestra_authz::config::{KestraConfig, MAX_YAML_BYTES};
use kestra_authz::rbac::PolicyInput;
use kestra_authz::rbac::policy::MAX_POLICY_BYTES;
use kestra_authz::token::jwks::MAX_JWKS_BYTES;
use kestra_authz::{Discovery, Jwks};
use std::hint::black_box;

/// OIDC clients until the text reaches `bytes`.
fn yaml_clients(bytes: usize) -> String {
    let mut text = String::from("micronaut:\n  security:\n    oauth2:\n      clients:\n");
    let mut i = 0usize;
    while text.len() < bytes.saturating_sub(120) {
        text.push_str(&format!(
            "        c{i}:\n          client-id: id{i}\n          openid:\n            issuer: https://x/\n"
        ));
        i += 1;
    }
    text
}

/// One mapping of short keys until the text reaches `bytes`.
fn yaml_keys(bytes: usize) -> String {
    let mut text = String::from("m:\n");
    let mut i = 0usize;
    while text.len() < bytes.saturating_sub(16) {
        text.push_str(&format!("  k{i}: v\n"));
        i += 1;
    }
    text
}

/// A JSON object of many members until `bytes` (the JWKS and discovery readers refuse
/// repeated members, so each is distinct).
fn json_members(bytes: usize, head: &str) -> String {
    let mut text = format!("{{{head}");
    let mut i = 0usize;
    while text.len() < bytes.saturating_sub(24) {
        text.push_str(&format!(",\"m{i}\":1"));
        i += 1;
    }
    text.push('}');
    text
}

/// A stored-shape policy of one tenant until `bytes`.
fn policy(bytes: usize) -> String {
    let mut text = String::from(
        r#"{"roles":[{"id":"r","permissions":{"FLOW":["READ"]}}],"users":[{"id":"u","username":"a"}],"bindings":["#,
    );
    let mut i = 0usize;
    while text.len() < bytes.saturating_sub(128) {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            r#"{{"type":"USER","externalId":"u","roleId":"r","namespaceId":"company.team{}","id":"b{i}"}}"#,
            i % 1000
        ));
        i += 1;
    }
    text.push_str("]}");
    text
}

fn parsers(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_at_cap");
    group.sample_size(10);
    for (name, make) in [
        ("yaml_clients", yaml_clients as fn(usize) -> String),
        ("yaml_keys", yaml_keys),
    ] {
        for bytes in [MAX_YAML_BYTES / 4, MAX_YAML_BYTES / 2, MAX_YAML_BYTES] {
            let text = make(bytes);
            assert!(text.len() <= MAX_YAML_BYTES);
            KestraConfig::parse(&text).unwrap();
            group.bench_with_input(BenchmarkId::new(name, bytes), &text, |b, t| {
                b.iter(|| KestraConfig::parse(black_box(t)).unwrap())
            });
        }
    }
    for bytes in [MAX_JWKS_BYTES / 2, MAX_JWKS_BYTES] {
        let text = json_members(bytes, r#""keys":[]"#);
        group.bench_with_input(BenchmarkId::new("jwks", bytes), &text, |b, t| {
            b.iter(|| Jwks::parse(black_box(t)).unwrap())
        });
        let text = json_members(bytes, r#""issuer":"https://x/""#);
        group.bench_with_input(BenchmarkId::new("discovery", bytes), &text, |b, t| {
            b.iter(|| black_box(Discovery::parse(black_box(t)).is_ok()))
        });
    }
    for bytes in [MAX_POLICY_BYTES / 2, MAX_POLICY_BYTES] {
        let text = policy(bytes);
        assert!(text.len() <= MAX_POLICY_BYTES);
        group.bench_with_input(BenchmarkId::new("policy", bytes), &text, |b, t| {
            b.iter(|| PolicyInput::parse(black_box(t)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, parsers);
criterion_main!(benches);
