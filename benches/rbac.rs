//! RBAC decisions against policies of 100, 10,000 and 100,000 bindings, compiling the largest,
//! and the audit answers on it (explain, a policy diff). Run: cargo bench --bench rbac

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kestra_authz::config::KestraConfig;
use kestra_authz::rbac::{CompiledPolicy, PolicyInput, RbacOptions, Request};
use kestra_authz::{Authorizer, AuthorizerOptions, Session, VerifyOptions};
use serde_json::{Value, json};
use std::hint::black_box;

const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// `bindings` bindings over `bindings / 10` users (ten each, on namespaces three deep), 50
/// roles and 20 groups; alice is one of the users.
fn policy(bindings: usize) -> Value {
    let users = (bindings / 10).max(1);
    let roles: Vec<Value> = (0..50)
        .map(|r| {
            let secret_action = ["READ", "CREATE", "UPDATE", "DELETE"][r % 4];
            json!({"id": format!("r{r}"), "permissions": {"FLOW": ["READ", "UPDATE"], "EXECUTION": ["READ"], "SECRET": [secret_action]}})
        })
        .collect();
    let groups: Vec<Value> = (0..20).map(|g| json!({"id": format!("g{g}")})).collect();
    let user_list: Vec<Value> = (0..users)
        .map(|u| json!({"id": format!("u{u}"), "username": if u == 0 { "alice@example.com".to_owned() } else { format!("user{u}@example.com") }, "groups": [format!("g{}", u % 20)]}))
        .collect();
    let binding_list: Vec<Value> = (0..bindings)
        .map(|b| {
            let u = b % users;
            if b % 7 == 0 {
                json!({"type": "GROUP", "externalId": format!("g{}", b % 20), "roleId": format!("r{}", b % 50), "namespaceId": format!("org{}.team{}", b % 13, b % 31)})
            } else {
                json!({"type": "USER", "externalId": format!("u{u}"), "roleId": format!("r{}", b % 50), "namespaceId": format!("org{}.team{}.svc{}", b % 13, b % 31, b % 5)})
            }
        })
        .collect();
    json!({"tenants": {"main": {"roles": roles, "groups": groups, "users": user_list, "bindings": binding_list}}})
}

fn token() -> String {
    let claims = json!({"iss": "https://sso.example.com/application/o/kestra/", "sub": "s", "aud": "kestra-client",
        "iat": 1_800_000_000u64, "exp": 1_800_000_300u64, "email": "alice@example.com"});
    let key = jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()).unwrap();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &key,
    )
    .unwrap()
}

fn setup(bindings: usize) -> (Authorizer, Session) {
    let options = json!({"issuer": "https://sso.example.com/application/o/kestra/", "clientId": "kestra-client",
        "clientSecret": SECRET, "jwks": "{}", "policy": policy(bindings)});
    let authz = Authorizer::new(AuthorizerOptions::from_json(&options).unwrap()).unwrap();
    let (now, options) = VerifyOptions::from_json(&json!({"now": 1_800_000_060u64}), None).unwrap();
    let session = authz.verify_id_token(&token(), now, &options).unwrap();
    (authz, session)
}

fn decisions(c: &mut Criterion) {
    let mut group = c.benchmark_group("decision");
    for bindings in [100usize, 10_000, 100_000] {
        let (authz, session) = setup(bindings);
        // alice (u0) holds bindings on org0.team0.svc0 and the like: a hit and a miss.
        let hit = "org0.team0.svc0.flows";
        let miss = "elsewhere.team.svc.flows";
        assert!(session.is_allowed("FLOW", "UPDATE", Some(hit)).unwrap());
        assert!(!session.is_allowed("FLOW", "UPDATE", Some(miss)).unwrap());
        group.bench_with_input(BenchmarkId::new("is_allowed hit", bindings), &bindings, |b, _| {
            b.iter(|| {
                session
                    .is_allowed(black_box("FLOW"), black_box("UPDATE"), black_box(Some(hit)))
                    .unwrap()
            })
        });
        group.bench_with_input(BenchmarkId::new("is_allowed miss", bindings), &bindings, |b, _| {
            b.iter(|| {
                session
                    .is_allowed(black_box("FLOW"), black_box("UPDATE"), black_box(Some(miss)))
                    .unwrap()
            })
        });
        let request = Request {
            permission: "FLOW",
            action: "UPDATE",
            namespace: Some(hit),
            tenant: None,
        };
        group.bench_with_input(
            BenchmarkId::new("authorize with reasons", bindings),
            &bindings,
            |b, _| b.iter(|| authz.authorize(&session, black_box(&request)).unwrap()),
        );
    }
    group.finish();
}

/// The package bench's case of many applying grants: alice in three groups, and 1,100 more
/// bindings (hers and a group's) on the requested namespace's chain, which all grant it;
/// `authorize` lists four and counts the rest.
fn many_grants(c: &mut Criterion) {
    let mut value = policy(100_000);
    let hit = "org0.team0.svc0.flows";
    let chain = ["org0", "org0.team0", "org0.team0.svc0", hit];
    let main = &mut value["tenants"]["main"];
    main["users"][0]["groups"] = json!(["g0", "g1", "g2"]);
    let Some(bindings) = main["bindings"].as_array_mut() else {
        panic!("the bench policy has bindings")
    };
    for i in 0..1100 {
        let namespace = chain[i % chain.len()];
        bindings.push(if i % 3 == 0 {
            json!({"type": "GROUP", "externalId": "g0", "roleId": "r0", "namespaceId": namespace})
        } else {
            json!({"type": "USER", "externalId": "u0", "roleId": "r0", "namespaceId": namespace})
        });
    }
    let options = json!({"issuer": "https://sso.example.com/application/o/kestra/", "clientId": "kestra-client",
        "clientSecret": SECRET, "jwks": "{}", "policy": value});
    let authz = Authorizer::new(AuthorizerOptions::from_json(&options).unwrap()).unwrap();
    let (now, verify) = VerifyOptions::from_json(&json!({"now": 1_800_000_060u64}), None).unwrap();
    let session = authz.verify_id_token(&token(), now, &verify).unwrap();
    let request = Request {
        permission: "FLOW",
        action: "UPDATE",
        namespace: Some(hit),
        tenant: None,
    };
    let decision = authz.authorize(&session, &request).unwrap();
    assert!(decision.allowed && decision.reasons.len() + decision.more_reasons > 1100);
    let mut group = c.benchmark_group("many grants");
    group.bench_function("authorize, 1,100+ applying grants (4 listed), 101,100 bindings", |b| {
        b.iter(|| authz.authorize(&session, black_box(&request)).unwrap())
    });
    group.bench_function("is_allowed, the same", |b| {
        b.iter(|| {
            session
                .is_allowed(black_box("FLOW"), black_box("UPDATE"), black_box(Some(hit)))
                .unwrap()
        })
    });
    group.finish();
}

fn compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    let input = PolicyInput::from_json(&policy(100_000)).unwrap();
    let config = KestraConfig::default();
    group.bench_function("100000 bindings (policy already parsed)", |b| {
        b.iter(|| CompiledPolicy::compile(&config, Some(black_box(&input)), &RbacOptions::default()).unwrap())
    });
    let value = policy(100_000);
    group.bench_function("100000 bindings (from JSON value)", |b| {
        b.iter(|| {
            let input = PolicyInput::from_json(black_box(&value)).unwrap();
            CompiledPolicy::compile(&config, Some(&input), &RbacOptions::default()).unwrap()
        })
    });
    let text = value.to_string();
    group.bench_function("100000 bindings (from JSON text, typed reader)", |b| {
        b.iter(|| {
            let input = PolicyInput::parse(black_box(&text)).unwrap();
            CompiledPolicy::compile(&config, Some(&input), &RbacOptions::default()).unwrap()
        })
    });
    group.bench_function("100000 bindings (from JSON text, general reader)", |b| {
        b.iter(|| {
            let input = PolicyInput::parse_general(black_box(&text)).unwrap();
            CompiledPolicy::compile(&config, Some(&input), &RbacOptions::default()).unwrap()
        })
    });
    group.finish();
}

/// The policy of `policy(bindings)` after a change review's edit: role r0 gains KVSTORE:READ
/// (every holder of r0 changes), and one binding in a hundred moves up a namespace.
fn changed(mut policy: Value) -> Value {
    policy["tenants"]["main"]["roles"][0]["permissions"]["KVSTORE"] = json!(["READ"]);
    if let Some(bindings) = policy["tenants"]["main"]["bindings"].as_array_mut() {
        for (i, b) in bindings.iter_mut().enumerate() {
            if i % 100 == 1 {
                let ns = b["namespaceId"]
                    .as_str()
                    .unwrap_or_default()
                    .split('.')
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(".");
                b["namespaceId"] = json!(ns);
            }
        }
    }
    policy
}

fn audit(c: &mut Criterion) {
    let mut group = c.benchmark_group("audit");
    group.sample_size(10);
    let config = KestraConfig::default();
    let compile = |v: &Value| {
        CompiledPolicy::compile(
            &config,
            Some(&PolicyInput::from_json(v).unwrap()),
            &RbacOptions::default(),
        )
        .unwrap()
    };
    let before = compile(&policy(100_000));
    let after = compile(&changed(policy(100_000)));
    let diff = kestra_authz::audit::diff_policies(&before, &after).unwrap();
    assert!(!diff.changes.is_empty());
    group.bench_function(
        format!("diff, 100000 bindings, {} principals changed", diff.changes.len()),
        |b| b.iter(|| kestra_authz::audit::diff_policies(black_box(&before), black_box(&after)).unwrap()),
    );
    let (authz, session) = setup(100_000);
    let refused = Request {
        permission: "SECRET",
        action: "DELETE",
        namespace: Some("org5.elsewhere"),
        tenant: None,
    };
    group.bench_function("explain a refusal, 100000 bindings", |b| {
        b.iter(|| authz.explain(black_box(&session), black_box(&refused)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, decisions, many_grants, compile, audit);
criterion_main!(benches);
