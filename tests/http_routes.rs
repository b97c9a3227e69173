//! Kestra's REST routes mapped to their checks (src/http/routes.txt), decided for sessions:
//! the table reads, its coverage of Kestra's published API is measured, the precedence traps
//! and hostile URLs are refused or routed as Kestra routes them.

mod common;

use common::rbac_fixtures::{one_tenant_policy, user_binding};
use common::*;
use kestra_authz::Authorizer;
use kestra_authz::http::table::{self, Gate, Segment};
use kestra_authz::http::{HttpOptions, HttpRequest, Mode};
use kestra_authz::rbac::Model;
use serde_json::json;

fn get(url: &str) -> HttpRequest<'_> {
    HttpRequest {
        method: "GET",
        url,
        ..Default::default()
    }
}

fn route_of(method: &str, url: &str) -> Option<String> {
    let request = HttpRequest {
        method,
        url,
        ..Default::default()
    };
    let mapped = kestra_authz::http::map(
        &request,
        Model::Crud,
        &kestra_authz::http::HttpOptions {
            mode: Mode::Sole,
            ..Default::default()
        },
    );
    mapped.route.map(|r| format!("{} {}", r.method, r.path))
}

#[test]
fn the_table_reads() {
    assert_eq!(table::faults(), &[], "lines of routes.txt that do not read");
    assert!(table::routes().len() > 200);
}

/// Every check of the table names a permission and action of its model: deciding it for a
/// user raises no unknown-name error.
#[test]
fn every_check_names_a_permission_and_action_of_its_model() {
    for (model, name) in [(Model::Crud, "crud"), (Model::V2, "v2")] {
        let a = authz(one_tenant_policy(
            name,
            json!([{"id": "r", "permissions": {}}]),
            json!([]),
        ));
        let s = session(&a, "alice@example.com");
        for route in table::routes() {
            if let Gate::Checks(checks) = route.gate(model) {
                for check in checks {
                    let actions: Vec<Option<&str>> = if check.actions.is_empty() {
                        vec![None]
                    } else {
                        check.actions.iter().map(|a| Some(*a)).collect()
                    };
                    for action in actions {
                        let result =
                            a.policy()
                                .route_check(s.principal(), check.permission, action, Some("a"), false, None);
                        assert!(
                            result.is_ok(),
                            "{name}: {} {}: {:?} {result:?}",
                            route.method,
                            route.path,
                            check
                        );
                    }
                }
            }
        }
    }
}

/// The operations under `/api/v1` of Kestra's published API in one model: (method, path).
fn operations(file: &str) -> Vec<(String, String)> {
    let path = format!("{}/tests/fixtures/kestra-openapi/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut columns = line.split('\t');
            let (method, path) = (columns.next()?, columns.next()?);
            let relative = path.strip_prefix("/api/v1/")?;
            Some((method.to_owned(), relative.to_owned()))
        })
        .collect()
}

/// Whether a route of the table has this method and this path's shape (literals equal,
/// parameters in the same places).
fn same_shape(route: &table::Route, method: &str, path: &str) -> bool {
    let shape: Vec<&str> = path.split('/').collect();
    (route.method == method || route.method == "*")
        && route.segments.len() == shape.len()
        && route.segments.iter().zip(&shape).all(|(segment, part)| match segment {
            Segment::Literal(l) => l == part,
            Segment::Param(_) => part.starts_with('{'),
        })
}

/// Every operation of Kestra's published API (1.3.26: 437 under /api/v1; 2.0: 522) is mapped
/// to a route of its model, refused on purpose, or public; and no route of a model is one
/// that model's API does not have (a route not in the lists is unknown).
#[test]
fn every_operation_of_the_published_api_is_mapped_in_its_model() {
    for (file, model) in [
        ("operations-1.3.26.tsv", Model::Crud),
        ("operations-2.0.tsv", Model::V2),
    ] {
        let ops = operations(file);
        assert!(ops.len() > 400, "{file}");
        let unmapped: Vec<String> = ops
            .iter()
            .filter(|(method, path)| {
                !table::routes()
                    .iter()
                    .any(|r| same_shape(r, method, path) && !matches!(r.gate(model), Gate::Absent))
            })
            .map(|(method, path)| format!("{method} /api/v1/{path}"))
            .collect();
        assert!(unmapped.is_empty(), "{file}: unmapped:\n{}", unmapped.join("\n"));
        let unknown: Vec<String> = table::routes()
            .iter()
            .filter(|r| !matches!(r.gate(model), Gate::Absent))
            .filter(|r| !ops.iter().any(|(method, path)| same_shape(r, method, path)))
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert!(
            unknown.is_empty(),
            "{file}: routes the API does not have:\n{}",
            unknown.join("\n")
        );
    }
}

#[test]
fn literal_routes_come_before_parameters() {
    assert_eq!(
        route_of("GET", "/api/v1/main/flows/search").as_deref(),
        Some("GET {tenant}/flows/search")
    );
    assert_eq!(
        route_of("GET", "/api/v1/main/flows/company").as_deref(),
        Some("GET {tenant}/flows/{namespace}")
    );
    assert_eq!(route_of("GET", "/api/v1/users").as_deref(), Some("GET users"));
    assert_eq!(
        route_of("DELETE", "/api/v1/main/flows/delete/by-query").as_deref(),
        Some("DELETE {tenant}/flows/delete/by-query")
    );
    assert_eq!(
        route_of("DELETE", "/api/v1/main/executions/by-ids").as_deref(),
        Some("DELETE {tenant}/executions/by-ids")
    );
    assert_eq!(
        route_of("DELETE", "/api/v1/main/executions/e1").as_deref(),
        Some("DELETE {tenant}/executions/{executionId}")
    );
    assert_eq!(
        route_of("POST", "/api/v1/main/flows/bulk").as_deref(),
        Some("POST {tenant}/flows/bulk")
    );
    assert_eq!(
        route_of("POST", "/api/v1/main/executions/e1/eval").as_deref(),
        Some("POST {tenant}/executions/{executionId}/eval")
    );
}

fn gateway() -> Authorizer {
    let roles = json!([
        {"id": "dev", "permissions": {"FLOW": ["READ", "CREATE", "UPDATE"], "EXECUTION": ["READ", "CREATE", "UPDATE"]}},
    ]);
    authz(one_tenant_policy(
        "crud",
        roles,
        json!([user_binding("dev", Some("company"))]),
    ))
}

fn decide(
    a: &Authorizer,
    s: Option<&kestra_authz::Session>,
    request: HttpRequest<'_>,
    mode: Mode,
) -> (bool, String, u16) {
    let options = HttpOptions {
        mode,
        ..Default::default()
    };
    let d = a.authorize_http(s, &request, &options).unwrap();
    (d.allowed, d.code.to_owned(), d.status)
}

#[test]
fn path_namespace_routes_are_decided_on_the_subtree() {
    let a = gateway();
    let s = session(&a, "alice@example.com");
    let ok = |url| decide(&a, Some(&s), get(url), Mode::Sole);
    assert_eq!(
        ok("/api/v1/main/flows/company.team/hello"),
        (true, "ALLOWED".into(), 200)
    );
    assert!(!ok("/api/v1/main/flows/companyx/hello").0);
    assert_eq!(ok("/api/v1/main/flows/companyx/hello").2, 403);
    assert_eq!(
        decide(&a, None, get("/api/v1/main/flows/company/hello"), Mode::Sole),
        (false, "SESSION_REQUIRED".into(), 401)
    );
    let delete = HttpRequest {
        method: "DELETE",
        url: "/api/v1/main/flows/company/hello",
        ..Default::default()
    };
    assert!(!decide(&a, Some(&s), delete, Mode::Sole).0);
}

#[test]
fn list_routes_need_a_namespace_filter_or_a_tenant_wide_grant_when_alone() {
    let a = gateway();
    let s = session(&a, "alice@example.com");
    let d = |url, mode| decide(&a, Some(&s), get(url), mode).0;
    assert!(!d("/api/v1/main/flows/search", Mode::Sole));
    assert!(d("/api/v1/main/flows/search", Mode::Defense));
    assert!(d(
        "/api/v1/main/flows/search?filters[namespace][EQUALS]=company.a",
        Mode::Sole
    ));
    // A prefix may match by characters: alone, the grant must be on its parent.
    assert!(d(
        "/api/v1/main/flows/search?filters[namespace][PREFIX]=company.a",
        Mode::Sole
    ));
    assert!(!d(
        "/api/v1/main/flows/search?filters[namespace][PREFIX]=company",
        Mode::Sole
    ));
    assert!(d(
        "/api/v1/main/flows/search?filters[namespace][PREFIX]=company",
        Mode::Defense
    ));
    assert!(!d(
        "/api/v1/main/flows/search?filters[namespace][EQUALS]=company&namespace=other",
        Mode::Sole
    ));
}

#[test]
fn execution_routes_ask_for_the_namespace() {
    let a = gateway();
    let s = session(&a, "alice@example.com");
    let request = get("/api/v1/main/executions/4sYz");
    let d = a.authorize_http(Some(&s), &request, &HttpOptions::default()).unwrap();
    assert_eq!((d.allowed, d.code, d.status), (false, "NEEDS_LOOKUP", 403));
    assert_eq!(d.lookup[0].kind, "execution");
    assert_eq!(d.lookup[0].id, "4sYz");
    let mut options = HttpOptions::default();
    options
        .namespaces
        .insert("execution:4sYz".into(), "company.team".into());
    assert!(a.authorize_http(Some(&s), &request, &options).unwrap().allowed);
    options.namespaces.insert("execution:4sYz".into(), "other".into());
    assert!(!a.authorize_http(Some(&s), &request, &options).unwrap().allowed);
}

#[test]
fn flow_bodies_name_their_namespace() {
    let a = gateway();
    let s = session(&a, "alice@example.com");
    let post = |body| HttpRequest {
        method: "POST",
        url: "/api/v1/main/flows",
        body: Some(body),
        ..Default::default()
    };
    // Alone, the gateway also asks NAMESPACE:CREATE (the namespace may be new) unless told
    // Kestra requires existing namespaces.
    let first = decide(&a, Some(&s), post("id: f\nnamespace: company.team\n"), Mode::Sole);
    assert_eq!((first.0, first.1.as_str()), (false, "DENIED_NO_GRANT"));
    let existing = HttpOptions {
        require_namespace_create: Some(false),
        ..Default::default()
    };
    let d = |body| {
        let decision = a.authorize_http(Some(&s), &post(body), &existing).unwrap();
        (decision.allowed, decision.code.to_owned(), decision.status)
    };
    assert!(d("id: f\nnamespace: company.team\n").0);
    assert!(!d("id: f\nnamespace: other\n").0);
    assert_eq!(d("id: f\n").1, "BODY_NAMESPACE_MISSING");
    assert_eq!(
        d("id: f\nnamespace: a\nnamespace: company\n").1,
        "BODY_NAMESPACE_DUPLICATED"
    );
    assert!(!d("id: f\nnamespace: company\n---\nid: g\nnamespace: other\n").0);
}

#[test]
fn public_and_instance_routes() {
    let a = gateway();
    let s = session(&a, "alice@example.com");
    let webhook = HttpRequest {
        method: "POST",
        url: "/api/v1/main/executions/webhook/company/f/secret-key",
        ..Default::default()
    };
    let d = a.authorize_http(None, &webhook, &HttpOptions::default()).unwrap();
    assert_eq!((d.allowed, d.code, d.status), (true, "PUBLIC_ROUTE", 200));
    let json = serde_json::to_string(&d).unwrap();
    assert!(!json.contains("secret-key"), "the webhook key is never echoed: {json}");
    assert_eq!(
        decide(&a, Some(&s), get("/api/v1/users"), Mode::Sole),
        (false, "DENIED_INSTANCE_OWNER_ONLY".into(), 403)
    );
    assert_eq!(
        decide(&a, Some(&s), get("/api/v1/me"), Mode::Sole),
        (true, "ALLOWED".into(), 200)
    );
    assert_eq!(decide(&a, None, get("/api/v1/me"), Mode::Sole).2, 401);
    assert_eq!(
        decide(&a, Some(&s), get("/api/v1/main/unknown/route"), Mode::Sole).1,
        "ROUTE_NOT_MAPPED"
    );
}

#[test]
fn hostile_urls_are_refused() {
    let a = gateway();
    let s = session(&a, "alice@example.com");
    for url in [
        "/api/v1/main/flows/company%2Fteam/hello",
        "/api/v1/main/flows/company/../../users",
        "/api/v1/main/flows//company/hello",
        "/api/v1/main/flows/company/hello/",
        "/api/v1/main/flows/%2e%2e/hello",
        "/api/v1/main/flows/COMPANY/hello",
        "/api/v1/Main/flows/company/hello",
        "/api/v1/main/flows/company/hello#x",
    ] {
        let d = decide(&a, Some(&s), get(url), Mode::Sole);
        assert!(!d.0 && d.2 == 403, "{url}: {d:?}");
    }
}

#[test]
fn impersonation_needs_the_permission_and_judges_the_target() {
    let a = gateway();
    let s = session(&a, "alice@example.com");
    let request = HttpRequest {
        method: "GET",
        url: "/api/v1/main/flows/company/hello",
        impersonate: Some("bob@example.com"),
        ..Default::default()
    };
    assert_eq!(decide(&a, Some(&s), request, Mode::Sole).1, "IMPERSONATION_DENIED");
}

/// Each published operation, called with ordinary values in its parameters, takes its own
/// route: no other route shadows it, and none is ambiguous.
#[test]
fn every_operation_takes_its_own_route() {
    for file in ["operations-1.3.26.tsv", "operations-2.0.tsv"] {
        for (method, path) in operations(file) {
            let concrete: Vec<std::borrow::Cow<'_, str>> = path
                .split('/')
                .enumerate()
                .map(|(i, part)| {
                    if part.starts_with('{') {
                        format!("v{i}").into()
                    } else {
                        part.into()
                    }
                })
                .collect();
            let found = table::find(&method, &concrete);
            let route = found.unwrap_or_else(|e| panic!("{file}: {method} {path}: {e:?}")).route;
            assert!(
                same_shape(route, &method, &path),
                "{file}: {method} {path} took {} {}",
                route.method,
                route.path
            );
        }
    }
}

/// A session is decided only by an Authorizer that would have verified its token: one with
/// another client secret refuses it, through the gateway as through every other question.
#[test]
fn a_session_of_another_authorizer_is_refused() {
    let a = gateway();
    let s = session(&a, "alice@example.com");
    let roles = json!([{"id": "dev", "permissions": {"FLOW": ["READ"]}}]);
    let other = authz_with(
        "",
        one_tenant_policy("crud", roles, json!([user_binding("dev", None)])),
        json!({"clientSecret": "another-secret-of-the-same-length-0123456789abcdef0123456789ab"}),
    );
    let err = other
        .authorize_http(
            Some(&s),
            &get("/api/v1/main/flows/company/hello"),
            &HttpOptions::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "ERR_SESSION_FOREIGN");
}

/// The impersonated user is found by username only: a user id, or a group's name, names no
/// one, and nobody's grants come with it.
#[test]
fn an_impersonated_user_is_named_by_username_only() {
    let roles = json!([
        {"id": "imp", "permissions": {"IMPERSONATE": ["READ"]}},
        {"id": "dev", "permissions": {"FLOW": ["READ"]}},
    ]);
    let policy = json!({"model": "crud", "tenants": {"main": {
        "roles": roles,
        "groups": [{"id": "g1", "name": "data-team"}],
        "users": [
            {"id": "u-alice", "username": "alice@example.com"},
            {"id": "u-bob", "username": "bob@example.com", "groups": ["g1"]},
        ],
        "bindings": [
            {"type": "USER", "externalId": "u-alice", "roleId": "imp"},
            {"type": "USER", "externalId": "u-bob", "roleId": "dev", "namespaceId": "company"},
        ],
    }}});
    let a = authz(policy);
    let s = session(&a, "alice@example.com");
    let as_user = |user| {
        let request = HttpRequest {
            method: "GET",
            url: "/api/v1/main/flows/company/hello",
            impersonate: Some(user),
            ..Default::default()
        };
        a.authorize_http(Some(&s), &request, &HttpOptions::default()).unwrap()
    };
    let bob = as_user("bob@example.com");
    assert_eq!(
        (bob.allowed, bob.impersonated.as_deref()),
        (true, Some("bob@example.com"))
    );
    for not_a_username in ["u-bob", "data-team", "g1", "BOB@example.com"] {
        let d = as_user(not_a_username);
        assert_eq!(
            (d.allowed, d.code),
            (false, "DENIED_NO_TENANT_ACCESS"),
            "{not_a_username}"
        );
    }
}
