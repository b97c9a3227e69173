//! Hostile requests to the gateway, by class: namespace parameters Kestra does not read on a
//! route, filters in bodies, queries split otherwise by Kestra's router, string-prefix bulk
//! writes, YAML line breaks and document markers, impersonating an Instance Owner, path
//! tricks, webhook keys, lookups across kinds, and inputs at their caps. Each is refused, or
//! judged as Kestra would judge it.

mod common;

use common::rbac_fixtures::{one_tenant_policy, user_binding};
use common::*;
use kestra_authz::Authorizer;
use kestra_authz::http::{HttpOptions, HttpRequest, Mode, Plan};
use kestra_authz::rbac::Model;
use serde_json::json;

/// alice: full FLOW / EXECUTION / TRIGGER / TESTSUITE rights on `company` (and below) only, 2.0.
fn v2_company_admin() -> Authorizer {
    let roles = json!([{"id": "ns-admin", "permissions": {
        "FLOW": ["VIEW", "LIST", "CREATE", "UPDATE", "DELETE", "EXECUTE", "ENABLE", "DISABLE", "EXPORT"],
        "EXECUTION": ["VIEW", "LIST", "DELETE", "KILL", "RESTART", "REPLAY", "PAUSE", "RESUME", "UPDATE", "CHANGE_LABELS", "UNQUEUE", "FORCE_RUN", "EXPORT", "ACCESS_LOGS"],
        "TRIGGER": ["LIST", "DELETE", "UNLOCK", "DISABLE", "BACKFILL"],
        "TESTSUITE": ["VIEW", "LIST", "EXECUTE"],
        "KVSTORE": ["LIST", "VIEW"], "SECRET": ["LIST", "VIEW"]}}]);
    authz(one_tenant_policy(
        "v2",
        roles,
        json!([user_binding("ns-admin", Some("company"))]),
    ))
}

/// The same in the CRUD model.
fn crud_company_admin() -> Authorizer {
    let roles = json!([{"id": "ns-admin", "permissions": {
        "FLOW": ["READ", "CREATE", "UPDATE", "DELETE"],
        "EXECUTION": ["READ", "CREATE", "UPDATE", "DELETE"],
        "KVSTORE": ["READ"], "SECRET": ["READ"]}}]);
    authz(one_tenant_policy(
        "crud",
        roles,
        json!([user_binding("ns-admin", Some("company"))]),
    ))
}

fn req<'a>(method: &'a str, url: &'a str, body: Option<&'a str>) -> HttpRequest<'a> {
    HttpRequest {
        method,
        url,
        body,
        impersonate: None,
    }
}

fn sole(a: &Authorizer, r: &HttpRequest<'_>) -> kestra_authz::http::decision::HttpDecision {
    let s = session(a, "alice@example.com");
    a.authorize_http(Some(&s), r, &HttpOptions::default()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// `namespace=` is read as a namespace filter on routes whose Kestra handler has no such
// parameter (every 2.0 by-query/search route; 1.3.26 CSV exports, /kv, /secrets, assets).
// Kestra ignores it and acts on the WHOLE tenant; the gateway checked one namespace.
// ---------------------------------------------------------------------------------------------
#[test]
fn legacy_namespace_param_ignored_by_kestra_2_0_bulk_delete() {
    let a = v2_company_admin();
    // Kestra 2.0 DELETE /executions/by-query takes only `filters`, includeNonTerminated,
    // deleteLogs, deleteMetrics, deleteStorage: `namespace=` is ignored -> every execution of
    // the tenant is deleted.
    for url in [
        "/api/v1/main/executions/by-query?namespace=company",
        "/api/v1/main/flows/delete/by-query?namespace=company",
        "/api/v1/main/executions/kill/by-query?namespace=company",
        "/api/v1/main/triggers/unlock/by-query?namespace=company",
    ] {
        let method = if url.contains("/by-query?")
            && (url.contains("executions/by") || url.contains("delete/by") || url.contains("kill/by"))
        {
            "DELETE"
        } else {
            "POST"
        };
        let d = sole(&a, &req(method, url, None));
        assert!(
            refused_with(&d, "QUERY_NAMESPACE_CONFLICT"),
            "{method} {url}: allowed with checks {:?} (Kestra 2.0 ignores namespace= and acts tenant-wide)",
            d.checks
        );
    }
}

#[test]
fn legacy_namespace_param_ignored_by_kestra_1_3_csv_kv() {
    let a = crud_company_admin();
    for url in [
        "/api/v1/main/executions/export/by-query/csv?namespace=company",
        "/api/v1/main/kv?namespace=company",
        "/api/v1/main/secrets?namespace=company",
    ] {
        let d = sole(&a, &req("GET", url, None));
        assert!(
            refused_with(&d, "QUERY_NAMESPACE_CONFLICT"),
            "GET {url}: allowed with checks {:?}",
            d.checks
        );
    }
}

// ---------------------------------------------------------------------------------------------
// routes whose filter is in the BODY (or that have no namespace parameter at all) take the
// gateway's namespace from the query.
// ---------------------------------------------------------------------------------------------
#[test]
fn trigger_delete_by_query_filters_are_in_the_body() {
    let a = v2_company_admin();
    // Kestra reads {"filters": [...]} from the body; an empty list deletes every trigger.
    let d = sole(
        &a,
        &req(
            "DELETE",
            "/api/v1/main/triggers/delete/by-query?filters[namespace][EQUALS]=company",
            Some(r#"{"filters":[]}"#),
        ),
    );
    assert!(
        refused_with(&d, "DENIED_NAMESPACE_NOT_COVERED"),
        "allowed with checks {:?}",
        d.checks
    );
}

#[test]
fn tests_run_namespace_is_in_the_body() {
    let a = v2_company_admin();
    // TestSuiteService.RunByQueryRequest {namespace, flowId, includeChildNamespaces} is the body.
    let d = sole(
        &a,
        &req(
            "POST",
            "/api/v1/main/tests/run?namespace=company",
            Some(r#"{"namespace":"victim","includeChildNamespaces":true}"#),
        ),
    );
    assert!(
        refused_with(&d, "DENIED_NAMESPACE_NOT_COVERED"),
        "allowed with checks {:?}",
        d.checks
    );
}

#[test]
fn routes_without_any_namespace_parameter() {
    let a = v2_company_admin();
    // Neither route has a namespace or filters parameter in the 2.0 OAS.
    for (url, code) in [
        (
            "/api/v1/main/concurrency-limit/search?namespace=company",
            "DENIED_NAMESPACE_NOT_COVERED",
        ),
        // Takes namespace=, not filters.
        (
            "/api/v1/main/tests/search?filters[namespace][EQUALS]=company",
            "QUERY_NAMESPACE_CONFLICT",
        ),
    ] {
        let d = sole(&a, &req("GET", url, None));
        assert!(refused_with(&d, code), "GET {url}: allowed with checks {:?}", d.checks);
    }
}

// ---------------------------------------------------------------------------------------------
// query parsing differs from Micronaut's QueryStringDecoder: `;` separates parameters and a
// leading `=` is skipped. Micronaut binds the FIRST value of a @QueryValue String.
// ---------------------------------------------------------------------------------------------
#[test]
fn semicolon_hides_the_first_namespace_value() {
    let a = v2_company_admin();
    // Micronaut: x=1, namespace=[victim, company] -> namespace = "victim".
    // Gateway:   x="1;namespace=victim", namespace=company -> checks "company".
    let body = "id: f\nnamespace: victim\n";
    for url in [
        "/api/v1/main/flows/bulk?delete=true&x=1;namespace=victim&namespace=company",
        "/api/v1/main/flows/bulk?delete=true&=namespace=victim&namespace=company",
    ] {
        let d = sole(&a, &req("POST", url, Some(body)));
        assert!(
            refused_with(&d, "PATH_INVALID"),
            "POST {url}: allowed with checks {:?}",
            d.checks
        );
    }
    // 1.3.26: legacy namespace= on a bulk delete
    let a = crud_company_admin();
    let url = "/api/v1/main/executions/by-query?x;namespace=victim&namespace=company";
    let d = sole(&a, &req("DELETE", url, None));
    assert!(
        refused_with(&d, "PATH_INVALID"),
        "DELETE {url}: allowed with checks {:?}",
        d.checks
    );
}

// ---------------------------------------------------------------------------------------------
// POST /flows/bulk: body namespaces are never read; Kestra's namespace guard is a STRING
// prefix (`flow.getNamespace().startsWith(namespace)` with allowNamespaceChild=true).
// ---------------------------------------------------------------------------------------------
#[test]
fn bulk_allow_namespace_child_is_a_string_prefix() {
    let a = v2_company_admin();
    let body = "id: f\nnamespace: companyvictim\n";
    let url = "/api/v1/main/flows/bulk?delete=false&namespace=company&allowNamespaceChild=true";
    let d = sole(&a, &req("POST", url, Some(body)));
    assert!(
        refused_with(&d, "DENIED_NAMESPACE_NOT_COVERED"),
        "flow written to `companyvictim`; allowed with checks {:?}",
        d.checks
    );
}

// ---------------------------------------------------------------------------------------------
// YAML line breaks: SnakeYAML (YAML 1.1) breaks lines on \r, \u0085, \u2028, \u2029 and
// skips a leading BOM; body.rs splits on \n only and keeps the BOM in the key. A multi-line
// quoted scalar then hides the mapper's `namespace:` line from SnakeYAML.
// ---------------------------------------------------------------------------------------------
#[test]
fn yaml_line_break_and_bom_differentials() {
    let a = v2_company_admin();
    for body in [
        "id: f\rnamespace: victim\ndescription: \"x\nnamespace: company\n  \"\ntasks: []\n",
        "\u{feff}namespace: victim\nid: f\ndescription: \"x\nnamespace: company\n  \"\n",
        "id: f\u{2028}namespace: victim\ndescription: \"x\nnamespace: company\n  \"\n",
        "id: f\u{85}namespace: victim\ndescription: 'x\nnamespace: company\n  '\n",
    ] {
        let d = sole(&a, &req("POST", "/api/v1/main/flows", Some(body)));
        assert!(
            refused_with(&d, "BODY_UNREADABLE"),
            "body {body:?}: SnakeYAML reads namespace `victim`; gateway allowed with checks {:?}",
            d.checks
        );
    }
}

// ---------------------------------------------------------------------------------------------
// impersonating an Instance Owner: a tenant-level IMPERSONATE grant yields the Instance
// Owner's instance routes.
// ---------------------------------------------------------------------------------------------
#[test]
fn impersonating_an_instance_owner() {
    let policy = json!({"model": "crud", "tenants": {"main": {
        "roles": [{"id": "imp", "permissions": {"IMPERSONATE": ["READ"]}}],
        "groups": [],
        "users": [
            {"id": "u-alice", "username": "alice@example.com", "email": "alice@example.com"},
            {"id": "u-root", "username": "root@example.com", "email": "root@example.com", "superAdmin": true}
        ],
        "bindings": [user_binding("imp", None)],
    }}});
    let a = authz(policy);
    let s = session(&a, "alice@example.com");
    let r = HttpRequest {
        method: "POST",
        url: "/api/v1/users",
        body: None,
        impersonate: Some("root@example.com"),
    };
    let d = a.authorize_http(Some(&s), &r, &HttpOptions::default()).unwrap();
    assert!(
        refused_with(&d, "IMPERSONATION_DENIED"),
        "alice (IMPERSONATE:READ in tenant main, not an Instance Owner) creates instance users as root: {d:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// GET /api/v1/tenants/{id}/apps-catalog is `user`: the spec says "anyone with access to
// that tenant"; no tenant access is checked.
// ---------------------------------------------------------------------------------------------
#[test]
fn apps_catalog_of_a_tenant_without_access() {
    let a = v2_company_admin();
    let d = sole(&a, &req("GET", "/api/v1/tenants/other-tenant/apps-catalog", None));
    assert!(
        refused_with(&d, "DENIED_INSTANCE_OWNER_ONLY"),
        "alice has no access to `other-tenant`: {d:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Held: what was tried and held.
// ---------------------------------------------------------------------------------------------
#[test]
fn path_tricks() {
    let a = v2_company_admin();
    for (method, url) in [
        ("GET", "/api/v1/main/flows/company%2Fx/f"),
        ("GET", "/api/v1/main/flows/company%252Fx/f"),
        ("GET", "/api/v1/main/flows/%2e%2e/f"),
        ("GET", "/api/v1/main/flows/company/f/%2e"),
        ("GET", "/api/v1/main/flows/comp%c0%aeany/f"),
        ("GET", "/api/v1/main/flows/company\\..\\x/f"),
        ("GET", "/api/v1/main/flows/company;jsessionid=1/f"),
        ("GET", "/api/v1/main/flows/company./f"),
        ("GET", "/api/v1/main/flows/company%3Fnamespace=x/f"),
        ("GET", "/api/v1/main/flows/COMPANY/f"),
        ("HEAD", "/api/v1/main/flows/victim/f"),
        ("OPTIONS", "/api/v1/main/flows/victim/f"),
        ("get", "/api/v1/main/flows/victim/f"),
        ("DELETE", "/api/v1/users/executions/by-query"),
        ("GET", "/api/v1/users/service-accounts"),
    ] {
        let d = sole(&a, &req(method, url, None));
        // `company./f` is a child of company for both sides; everything else is refused or
        // decided on the namespace Kestra would use.
        if url.contains("company./f") {
            continue;
        }
        assert!(
            !d.allowed || d.checks.iter().all(|c| c.namespace.as_deref() == Some("company")),
            "{method} {url}: {d:?}"
        );
    }
}

#[test]
fn webhook_key_never_echoed() {
    let a = v2_company_admin();
    for url in [
        "/api/v1/main/executions/webhook/company/f/SeCrEtKeY",
        "/api/v1/main/executions/webhook/company/f/SeCrEtKeY/extra",
        "/api/v1/main/executions/webhook/company/f/%53eCrEtKeY",
        "/api/v1/main/executions/webhook/company/f/SeCrEtKeY%2Fx",
        "/api/v1/main/executions/webhook/company/f/SeCrEtKeY%zz",
        "/api/v1/main/executions/webhook/company/f/SeCrEtKeY/a/b/c",
        "/api/v1/MAIN/executions/webhook/company/f/SeCrEtKeY",
    ] {
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            let r = req(method, url, None);
            let d = a.authorize_http(None, &r, &HttpOptions::default()).unwrap();
            let text = serde_json::to_string(&d).unwrap();
            assert!(
                !text.contains("SeCrEtKeY") && !text.contains("eCrEtKeY"),
                "{method} {url}: {text}"
            );
            let m = kestra_authz::http::map(
                &r,
                Model::V2,
                &kestra_authz::http::HttpOptions {
                    mode: Mode::Sole,
                    ..Default::default()
                },
            );
            let view = serde_json::to_string(&kestra_authz::http::RouteMapping::from(&m)).unwrap();
            assert!(!view.contains("eCrEtKeY"), "{view}");
        }
    }
}

#[test]
fn lookup_kinds_do_not_cross() {
    let a = v2_company_admin();
    let s = session(&a, "alice@example.com");
    let mut options = HttpOptions::default();
    options.namespaces.insert("app:e1".into(), "company".into());
    let d = a
        .authorize_http(Some(&s), &req("GET", "/api/v1/main/executions/e1", None), &options)
        .unwrap();
    assert_eq!(d.code, "NEEDS_LOOKUP");
}

/// Cheap deterministic fuzz of `http::map`: no panic, bounded time at the caps.
#[test]
fn map_never_panics_and_answers_at_the_caps() {
    let pieces = [
        "/",
        "api",
        "v1",
        "main",
        "flows",
        "executions",
        "%2F",
        "%2e",
        "%",
        "%zz",
        "%c0%af",
        ";",
        "?",
        "&",
        "=",
        "filters[namespace][EQUALS]",
        "namespace",
        "{tenant}",
        "..",
        ".",
        "\\",
        "+",
        "#",
        "users",
        "tenants",
        "webhook",
        "by-ids",
        "by-query",
        "actions",
        "\u{feff}",
        "é",
        "a.b",
        "",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "get", "", "*"];
    let bodies = [
        None,
        Some("namespace: a\n"),
        Some("[{\"namespace\":\"a\"}]"),
        Some("[\"e1\"]"),
        Some("{\"triggers\":[{\"namespace\":\"a\"}]}"),
        Some("\u{feff}"),
        Some("---\n---\n"),
    ];
    for _ in 0..200_000 {
        let n = (next() % 14) as usize;
        let mut url = String::from("/api/v1/");
        for _ in 0..n {
            url.push_str(pieces[(next() % pieces.len() as u64) as usize]);
            if next() % 2 == 0 {
                url.push('/');
            }
        }
        let r = HttpRequest {
            method: methods[(next() % methods.len() as u64) as usize],
            url: &url,
            body: bodies[(next() % bodies.len() as u64) as usize],
            impersonate: None,
        };
        for model in [Model::Crud, Model::V2] {
            for mode in [Mode::Sole, Mode::Defense] {
                let _ = kestra_authz::http::map(
                    &r,
                    model,
                    &kestra_authz::http::HttpOptions {
                        mode,
                        ..Default::default()
                    },
                );
            }
        }
    }
    // Caps: 8 KiB URL, 1 MiB bodies, 1000-item lists.
    let long_query = format!(
        "/api/v1/main/flows/search?{}",
        "filters[namespace][EQUALS]=a&".repeat(8 * 1024 / 30)
    );
    let long_path = format!("/api/v1/main/{}", "%41".repeat(2700));
    let yaml = format!("namespace: a\n{}", "  x: y\n".repeat(1024 * 1024 / 7 - 10));
    let list = format!(
        "[{}]",
        vec![r#"{"namespace":"a.b.c.d.e.f.g.h.i.j.k.l.m.n","id":"f"}"#; 1000].join(",")
    );
    let ids = format!("[{}]", vec!["\"e\""; 1000].join(","));
    // Cost at the caps is measured by benches/http.rs; here, every one is answered.
    for (m, u, b) in [
        ("GET", long_query.as_str(), None),
        ("GET", long_path.as_str(), None),
        ("POST", "/api/v1/main/flows", Some(yaml.as_str())),
        ("POST", "/api/v1/main/flows/export/by-ids", Some(list.as_str())),
        ("POST", "/api/v1/main/executions/restart/by-ids", Some(ids.as_str())),
    ] {
        let mapped = kestra_authz::http::map(&req(m, u, b), Model::V2, &kestra_authz::http::HttpOptions::default());
        assert!(!plan_name(&mapped.plan).is_empty(), "{m} {} bytes", u.len());
    }
}

fn plan_name(p: &Plan) -> String {
    match p {
        Plan::Refused { code, .. } => format!("refused {code}"),
        Plan::Checks(n) => format!("{} checks", n.len()),
        Plan::Lookup { lookups, .. } => format!("{} lookups", lookups.len()),
        other => format!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// F8 (needs confirmation on a live Kestra): the body is always read as YAML; Content-Type is not
// part of the request. Kestra's FlowController also has a (hidden, deprecated) JSON handler for
// POST /flows (`consumes = ALL`, `@Body Flow`), and Jackson ignores trailing tokens by default.
// ---------------------------------------------------------------------------------------------
#[test]
fn json_flow_body_read_as_yaml() {
    let a = v2_company_admin();
    let body = "  {\"id\":\"f\",\"namespace\":\"victim\",\"tasks\":[]}\nnamespace: company\n";
    let d = sole(&a, &req("POST", "/api/v1/main/flows", Some(body)));
    assert!(
        refused_with(&d, "BODY_UNREADABLE"),
        "JSON flow in `victim` with trailing YAML; allowed with checks {:?}",
        d.checks
    );
}

// sole mode never asks NAMESPACE:CREATE for a flow in a namespace that may not exist yet
// (spec §3.2: "make the choice a documented option").
#[test]
fn no_namespace_create_option_in_sole_mode() {
    let a = v2_company_admin();
    let d = sole(
        &a,
        &req(
            "POST",
            "/api/v1/main/flows",
            Some("id: f\nnamespace: company.brand.new\n"),
        ),
    );
    assert!(
        d.checks.iter().any(|c| c.permission == "NAMESPACE"),
        "no NAMESPACE:CREATE asked: {:?}",
        d.checks
    );
}

/// Refused with this code (not merely refused: another refusal may hide a regression).
fn refused_with(d: &kestra_authz::http::decision::HttpDecision, code: &str) -> bool {
    !d.allowed && d.code == code
}

// One trigger (backfill create/pause/unpause/delete) and the test-suite bulk shape
// (`{ ids: [{ namespace, id }] }`) are read for their namespaces; every item is checked.
#[test]
fn single_trigger_and_test_suite_bodies() {
    let a = v2_company_admin();
    let trigger = |ns: &str| format!(r#"{{"namespace":"{ns}","flowId":"f","triggerId":"t","backfill":{{}}}}"#);
    for (method, url) in [
        ("PUT", "/api/v1/main/triggers/backfill/create"),
        ("PUT", "/api/v1/main/triggers/backfill/pause"),
        ("PUT", "/api/v1/main/triggers/backfill/unpause"),
        ("POST", "/api/v1/main/triggers/backfill/delete"),
    ] {
        let mine = trigger("company.team");
        let d = sole(&a, &req(method, url, Some(&mine)));
        assert!(d.allowed, "{method} {url}: {:?}", d);
        assert_eq!(d.checks[0].namespace.as_deref(), Some("company.team"));
        let other = trigger("victim");
        assert!(
            refused_with(
                &sole(&a, &req(method, url, Some(&other))),
                "DENIED_NAMESPACE_NOT_COVERED"
            ),
            "{method} {url}"
        );
        // A list where one trigger is expected, or a trigger without its namespace: refused.
        let list = format!("[{mine}]");
        assert!(refused_with(
            &sole(&a, &req(method, url, Some(&list))),
            "BODY_UNREADABLE"
        ));
        let bare = r#"{"flowId":"f","triggerId":"t"}"#;
        assert!(refused_with(
            &sole(&a, &req(method, url, Some(bare))),
            "BODY_NAMESPACE_MISSING"
        ));
    }
    let suites = r#"{"ids":[{"namespace":"company.a","id":"s1"},{"namespace":"company.b","id":"s2"}]}"#;
    let granted = json!({"roles": [{"id": "suites", "permissions": {"TESTSUITE": ["UPDATE", "DELETE"]}}]});
    let b = authz(one_tenant_policy(
        "v2",
        granted["roles"].clone(),
        json!([user_binding("suites", Some("company"))]),
    ));
    for (method, url) in [
        ("DELETE", "/api/v1/main/tests/by-ids"),
        ("POST", "/api/v1/main/tests/enable/by-ids"),
        ("POST", "/api/v1/main/tests/disable/by-ids"),
    ] {
        let d = sole(&b, &req(method, url, Some(suites)));
        assert!(d.allowed, "{method} {url}: {:?}", d);
        assert_eq!(d.checks.len(), 2);
        let mixed = r#"{"ids":[{"namespace":"company.a","id":"s1"},{"namespace":"victim","id":"s2"}]}"#;
        let d = sole(&b, &req(method, url, Some(mixed)));
        assert!(
            refused_with(&d, "DENIED_NAMESPACE_NOT_COVERED") && d.status == 403,
            "{method} {url}"
        );
    }
}

// A lookup costs the host a request to Kestra and tells the caller where an object lives:
// nothing is looked up for a caller without access to the tenant, or who holds the route's
// permission nowhere; they are denied at once.
#[test]
fn no_lookup_for_callers_who_could_not_pass() {
    let a = v2_company_admin();
    let stranger = session(&a, "mallory@example.com");
    let d = a
        .authorize_http(
            Some(&stranger),
            &req("GET", "/api/v1/main/executions/4sYz", None),
            &HttpOptions::default(),
        )
        .unwrap();
    assert_eq!(
        (d.allowed, d.code, d.lookup.len()),
        (false, "DENIED_NO_TENANT_ACCESS", 0)
    );
    // The admin may view executions somewhere: asked to look up. Not delete them? Not asked.
    let d = sole(&a, &req("GET", "/api/v1/main/executions/4sYz", None));
    assert_eq!((d.code, d.lookup.len()), ("NEEDS_LOOKUP", 1));
    let d = sole(
        &a,
        &req("GET", "/api/v1/main/executions/4sYz/file/preview?path=x", None),
    );
    assert_eq!((d.allowed, d.code, d.lookup.len()), (false, "DENIED_NO_GRANT", 0));
}
