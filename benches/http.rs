//! The gateway natively: mapping a request to its route and checks, and deciding it for a
//! session, on a path-namespace route and on a flow posted as a 10 KB YAML body.

use criterion::{Criterion, criterion_group, criterion_main};
use kestra_authz::http::{HttpOptions, HttpRequest, map};
use kestra_authz::rbac::Model;
use kestra_authz::{Authorizer, AuthorizerOptions, VerifyOptions};
use serde_json::json;
use std::hint::black_box;

fn flow_of(bytes: usize) -> String {
    let mut flow = String::from("id: hello\nnamespace: company.team\ntasks:\n");
    while flow.len() < bytes {
        flow.push_str(&format!(
            "  - id: t{}\n    type: io.kestra.plugin.core.log.Log\n    message: hello world\n",
            flow.len()
        ));
    }
    flow
}

fn bench(c: &mut Criterion) {
    let secret = "0123456789abcdef".repeat(4);
    let options = json!({"issuer": "https://sso.example.com/application/o/kestra/", "clientId": "kestra-client",
        "clientSecret": secret, "jwks": "{}", "policy": {"tenants": {"main": {
            "roles": [{"id": "dev", "permissions": {"FLOW": ["READ", "CREATE", "UPDATE"]}}],
            "users": [{"id": "u1", "username": "alice@example.com"}],
            "bindings": [{"type": "USER", "externalId": "u1", "roleId": "dev", "namespaceId": "company"}]}}}});
    let authz = Authorizer::new(AuthorizerOptions::from_json(&options).unwrap()).unwrap();
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let claims = json!({"iss": "https://sso.example.com/application/o/kestra/", "aud": "kestra-client", "sub": "s",
        "email": "alice@example.com", "iat": 1_800_000_000u64, "exp": 1_800_000_300u64});
    let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()).unwrap();
    let token = jsonwebtoken::encode(&header, &claims, &key).unwrap();
    let (now, verify) = VerifyOptions::from_json(&json!({"now": 1_800_000_060u64}), None).unwrap();
    let session = authz.verify_id_token(&token, now, &verify).unwrap();
    let http = HttpOptions::default();
    let path = HttpRequest {
        method: "GET",
        url: "/api/v1/main/flows/company.team/hello",
        ..Default::default()
    };
    let flow = flow_of(10 * 1024);
    let post = HttpRequest {
        method: "POST",
        url: "/api/v1/main/flows",
        body: Some(&flow),
        ..Default::default()
    };
    let mut group = c.benchmark_group("http");
    group.bench_function("map, path namespace", |b| {
        b.iter(|| map(black_box(&path), Model::Crud, &http))
    });
    group.bench_function("map and decide, path namespace", |b| {
        b.iter(|| authz.authorize_http(Some(&session), black_box(&path), &http).unwrap())
    });
    group.bench_function("map, 10 KB YAML body", |b| {
        b.iter(|| map(black_box(&post), Model::Crud, &http))
    });
    group.bench_function("YAML body namespace alone, 10 KB", |b| {
        b.iter(|| kestra_authz::http::body::yaml_namespaces(black_box(&flow)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
