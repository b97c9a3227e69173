//! The checks a scenario runs on its session: an authorization request or a UI check, with the
//! answer it must give.

use serde_json::{Value, json};

pub fn request(permission: &str, action: &str, namespace: Option<&str>, tenant: Option<&str>, expect: Value) -> Value {
    let mut r = json!({"permission": permission, "action": action});
    if let Some(ns) = namespace {
        r["namespace"] = json!(ns);
    }
    if let Some(t) = tenant {
        r["tenant"] = json!(t);
    }
    json!({"kind": "authorize", "request": r, "expect": expect})
}

pub fn allow(permission: &str, action: &str, namespace: Option<&str>) -> Value {
    request(
        permission,
        action,
        namespace,
        None,
        json!({"allowed": true, "code": "ALLOWED"}),
    )
}

pub fn deny(permission: &str, action: &str, namespace: Option<&str>, code: &str) -> Value {
    request(
        permission,
        action,
        namespace,
        None,
        json!({"allowed": false, "code": code}),
    )
}

pub fn error(permission: &str, action: &str, namespace: Option<&str>, tenant: Option<&str>, code: &str) -> Value {
    request(permission, action, namespace, tenant, json!({"error": code}))
}

pub fn ui(kind: &str, args: &[&str], expect: bool) -> Value {
    json!({"kind": kind, "args": args, "expect": expect})
}

/// A request to Kestra's API through the gateway (`authorizeHttp`): `request` is
/// `{ method, url, body?, headers?, namespaces?, mode? }`; with `anonymous`, no session.
pub fn http(request: Value, anonymous: bool, expect: Value) -> Value {
    let kind = if anonymous { "httpAnonymous" } else { "http" };
    json!({"kind": kind, "request": request, "expect": expect})
}

/// `authz.explain(session, request)`: the decision it must give (its suggestions are compared
/// across hosts whole).
pub fn explain(permission: &str, action: &str, namespace: Option<&str>, decision: Value) -> Value {
    let mut check = request(permission, action, namespace, None, json!({"decision": decision}));
    check["kind"] = json!("explain");
    check
}

/// `authz.whoCan(request)`: the members of the answer named in `expect`.
pub fn who_can(permission: &str, action: &str, namespace: Option<&str>, expect: Value) -> Value {
    let mut check = request(permission, action, namespace, None, expect);
    check["kind"] = json!("whoCan");
    check
}

/// `diffPolicies(before, after)`, both read with no configuration: the members of the answer
/// named in `expect`.
pub fn diff(before: Value, after: Value, expect: Value) -> Value {
    json!({"kind": "diffPolicies", "before": before, "after": after, "expect": expect})
}
