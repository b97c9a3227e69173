//! Native ID-token verification, per algorithm. Run: cargo bench --bench verify

use criterion::{Criterion, criterion_group, criterion_main};
use kestra_authz::{Authorizer, AuthorizerOptions, VerifyOptions};
use serde_json::{Value, json};
use std::hint::black_box;

const VECTORS: &str = include_str!("../tests/vectors/tokens.json");

/// An authorizer with the verified-token cache off, so that every iteration verifies.
fn authorizer(options: &Value) -> Authorizer {
    let mut options = options.clone();
    options["tokenCacheSize"] = json!(0);
    Authorizer::new(AuthorizerOptions::from_json(&options).unwrap()).unwrap()
}

fn bench(c: &mut Criterion) {
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    let mut group = c.benchmark_group("verify_id_token");
    let wanted = [
        ("alg: RS256 (authentik's only RSA algorithm)", "RS256 (RSA-2048)"),
        ("alg: PS256", "PS256 (RSA-2048)"),
        ("alg: ES256", "ES256"),
        ("alg: ES384", "ES384"),
        ("alg: ES512", "ES512"),
        ("alg: EdDSA", "EdDSA"),
        ("alg: HS256 keyed with the client secret", "HS256"),
    ];
    for (case_name, label) in wanted {
        let case = doc["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == case_name)
            .unwrap();
        let authz = authorizer(&doc["providers"][case["provider"].as_str().unwrap()]);
        let token = case["token"].as_str().unwrap().to_owned();
        let (now, options) = VerifyOptions::from_json(&case["options"], None).unwrap();
        authz.verify_id_token(&token, now, &options).unwrap();
        group.bench_function(label, |b| {
            b.iter(|| authz.verify_id_token(black_box(&token), now, &options).unwrap())
        });
    }

    // The real authentik token: RS256 with authentik's self-signed RSA-4096 key.
    let fixture = |name: &str| std::fs::read_to_string(format!("tests/fixtures/authentik-2025.8.1/{name}")).unwrap();
    let authz = authorizer(&json!({
        "issuer": "http://127.0.0.1:9000/application/o/kestra/",
        "clientId": "kestra-client",
        "jwks": fixture("kestra.jwks.json"),
    }));
    let token = fixture("tokens/kestra.alice.authcode.1.id_token.jwt").trim().to_owned();
    let (now, options) = VerifyOptions::from_json(&json!({"now": 1_795_885_258u64}), None).unwrap();
    authz.verify_id_token(&token, now, &options).unwrap();
    group.bench_function("RS256 (authentik RSA-4096 fixture)", |b| {
        b.iter(|| authz.verify_id_token(black_box(&token), now, &options).unwrap())
    });
    // The same token again with the cache on: the signature is skipped.
    let cached = Authorizer::new(
        AuthorizerOptions::from_json(&json!({
            "issuer": "http://127.0.0.1:9000/application/o/kestra/",
            "clientId": "kestra-client",
            "jwks": fixture("kestra.jwks.json"),
        }))
        .unwrap(),
    )
    .unwrap();
    group.bench_function("repeat of a verified token (cache)", |b| {
        b.iter(|| cached.verify_id_token(black_box(&token), now, &options).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
