//! Requests to Kestra's REST API decided at the edge: routes mapped to their checks in both
//! models, literal routes before parameters, namespaces from the path, the query, YAML and JSON
//! bodies, lookups, the two modes, public routes, impersonation and hostile URLs.

use super::checks::http;
use super::fixtures::{one_tenant_policy, user_binding};
use super::{Scenarios, alice};
use serde_json::{Value, json};

fn get(url: &str) -> Value {
    json!({"method": "GET", "url": url})
}

fn allowed() -> Value {
    json!({"allowed": true, "code": "ALLOWED", "status": 200})
}

fn denied(code: &str) -> Value {
    json!({"allowed": false, "code": code, "status": 403})
}

pub fn add(s: &mut Scenarios) {
    let crud_roles = json!([{"id": "dev", "permissions": {
        "FLOW": ["READ", "CREATE", "UPDATE"], "EXECUTION": ["READ", "CREATE", "UPDATE"], "KVSTORE": ["UPDATE"],
    }}]);
    s.add(
        "gateway, 1.x: routes to checks, namespaces from the path, query, body and lookups",
        "",
        one_tenant_policy("crud", crud_roles, json!([user_binding("dev", Some("company"))])),
        json!({}),
        alice(),
        None,
        vec![
            http(get("/api/v1/main/flows/company.team/hello"), false, allowed()),
            http(get("/api/v1/main/flows/companyx/hello"), false, denied("DENIED_NAMESPACE_NOT_COVERED")),
            http(
                json!({"method": "DELETE", "url": "/api/v1/main/flows/company/hello"}),
                false,
                denied("DENIED_NO_GRANT"),
            ),
            // Literal routes first: a search, not the namespace `search`.
            http(get("/api/v1/main/flows/search"), false, denied("DENIED_NAMESPACE_NOT_COVERED")),
            http(get("/api/v1/main/flows/search"), false, json!({"route": "GET /api/v1/{tenant}/flows/search"})),
            http(json!({"method": "GET", "url": "/api/v1/main/flows/search", "mode": "defense"}), false, allowed()),
            http(get("/api/v1/main/flows/search?filters[namespace][EQUALS]=company.a"), false, allowed()),
            http(get("/api/v1/main/flows/search?filters[namespace][PREFIX]=company.a"), false, allowed()),
            http(
                get("/api/v1/main/flows/search?filters[namespace][PREFIX]=company"),
                false,
                denied("DENIED_NAMESPACE_NOT_COVERED"),
            ),
            http(
                get("/api/v1/main/flows/search?filters[namespace][EQUALS]=company&namespace=other"),
                false,
                denied("QUERY_NAMESPACE_CONFLICT"),
            ),
            http(
                json!({"method": "DELETE", "url": "/api/v1/main/flows/delete/by-query"}),
                false,
                json!({"allowed": false, "route": "DELETE /api/v1/{tenant}/flows/delete/by-query"}),
            ),
            // Alone, writing a flow also asks NAMESPACE:CREATE, unless namespaces must exist.
            http(
                json!({"method": "POST", "url": "/api/v1/main/flows", "body": "id: f\nnamespace: company.team\n"}),
                false,
                denied("DENIED_NO_GRANT"),
            ),
            http(
                json!({"method": "POST", "url": "/api/v1/main/flows", "body": "id: f\nnamespace: company.team\n",
                       "requireNamespaceCreate": false}),
                false,
                allowed(),
            ),
            // The query kind a route does not read is refused when alone: Kestra would act on
            // the whole tenant.
            http(
                json!({"method": "DELETE", "url": "/api/v1/main/flows/delete/by-query?namespace=company"}),
                false,
                denied("QUERY_NAMESPACE_CONFLICT"),
            ),
            http(get("/api/v1/main/flows/search?x=1;namespace=other"), false, denied("PATH_INVALID")),
            http(
                json!({"method": "POST", "url": "/api/v1/main/flows", "body": "id: f\nnamespace: \"{{ ns }}\"\n"}),
                false,
                denied("BODY_NAMESPACE_TEMPLATED"),
            ),
            http(
                json!({"method": "POST", "url": "/api/v1/main/flows/enable/by-ids",
                       "body": [{"namespace": "company.a", "id": "f"}, {"namespace": "other", "id": "g"}]}),
                false,
                denied("DENIED_NAMESPACE_NOT_COVERED"),
            ),
            // One trigger's namespace, from its object body.
            http(
                json!({"method": "PUT", "url": "/api/v1/main/triggers/backfill/pause",
                       "body": {"namespace": "company.a", "flowId": "f", "triggerId": "t"}}),
                false,
                allowed(),
            ),
            http(
                json!({"method": "PUT", "url": "/api/v1/main/triggers/backfill/pause",
                       "body": {"namespace": "other", "flowId": "f", "triggerId": "t"}}),
                false,
                denied("DENIED_NAMESPACE_NOT_COVERED"),
            ),
            // Running a flow is EXECUTION:CREATE in 1.x.
            http(json!({"method": "POST", "url": "/api/v1/main/executions/company/hello"}), false, allowed()),
            http(
                get("/api/v1/main/executions/4sYz"),
                false,
                json!({"allowed": false, "code": "NEEDS_LOOKUP", "lookup": [{"kind": "execution", "id": "4sYz"}]}),
            ),
            http(
                json!({"method": "GET", "url": "/api/v1/main/executions/4sYz", "namespaces": {"execution:4sYz": "company.x"}}),
                false,
                allowed(),
            ),
            // Nothing is looked up for a caller who holds the check nowhere.
            http(
                json!({"method": "DELETE", "url": "/api/v1/main/executions/4sYz"}),
                false,
                json!({"allowed": false, "code": "DENIED_NO_GRANT", "lookup": []}),
            ),
            // KV PUT: CREATE and UPDATE alone; either one behind Kestra.
            http(
                json!({"method": "PUT", "url": "/api/v1/main/namespaces/company/kv/k"}),
                false,
                denied("DENIED_NO_GRANT"),
            ),
            http(
                json!({"method": "PUT", "url": "/api/v1/main/namespaces/company/kv/k", "mode": "defense"}),
                false,
                allowed(),
            ),
            http(get("/api/v1/users"), false, denied("DENIED_INSTANCE_OWNER_ONLY")),
            http(get("/api/v1/me"), false, allowed()),
            http(get("/api/v1/me"), true, json!({"allowed": false, "code": "SESSION_REQUIRED", "status": 401})),
            http(
                json!({"method": "POST", "url": "/api/v1/main/executions/webhook/company/hello/the-key"}),
                true,
                json!({"allowed": true, "code": "PUBLIC_ROUTE", "status": 200}),
            ),
            http(
                json!({"method": "GET", "url": "/api/v1/main/flows/company/hello", "headers": {"x-kestra-impersonate": "bob@example.com"}}),
                false,
                denied("IMPERSONATION_DENIED"),
            ),
            http(get("/api/v1/main/flows/company%2Fteam/hello"), false, denied("PATH_INVALID")),
            http(get("/api/v1/main/flows/company/../../../users"), false, denied("PATH_INVALID")),
            http(get("/api/v1/main/unknown/route"), false, denied("ROUTE_NOT_MAPPED")),
            http(get("/api/v1/setup"), false, denied("ROUTE_REFUSED")),
        ],
    );
    let v2_roles = json!([{"id": "runner", "permissions": {
        "FLOW": ["VIEW", "LIST", "EXECUTE"], "EXECUTION": ["VIEW", "KILL"],
    }}]);
    s.add(
        "gateway, 2.0: renamed checks and the /actions/ spelling",
        "",
        one_tenant_policy("v2", v2_roles, json!([user_binding("runner", Some("company"))])),
        json!({}),
        alice(),
        None,
        vec![
            // Running a flow is FLOW:EXECUTE in 2.0.
            http(
                json!({"method": "POST", "url": "/api/v1/main/executions/company/hello"}),
                false,
                allowed(),
            ),
            http(
                json!({"method": "DELETE", "url": "/api/v1/main/executions/e1/actions/kill",
                       "namespaces": {"execution:e1": "company"}}),
                false,
                allowed(),
            ),
            // The 1.x spelling does not exist in 2.0.
            http(
                json!({"method": "DELETE", "url": "/api/v1/main/executions/e1/kill",
                       "namespaces": {"execution:e1": "company"}}),
                false,
                denied("ROUTE_NOT_MAPPED"),
            ),
            http(
                json!({"method": "POST", "url": "/api/v1/main/executions/e1/actions/restart",
                       "namespaces": {"execution:e1": "company"}}),
                false,
                denied("DENIED_NO_GRANT"),
            ),
            http(
                get("/api/v1/main/triggers/company/hello"),
                false,
                denied("DENIED_NO_GRANT"),
            ),
        ],
    );
}
