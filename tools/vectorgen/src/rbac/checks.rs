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
