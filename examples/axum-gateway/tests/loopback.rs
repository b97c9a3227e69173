//! The layer and the forwarder over real HTTP on 127.0.0.1: an upstream that records what it
//! receives, the gateway in front of it, and requests sent with exactly the headers given.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use kestra_authz::http::HttpOptions;
use kestra_authz::{Authorizer, AuthorizerOptions};
use serde_json::json;
use std::sync::{Arc, Mutex};

const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const ISSUER: &str = "https://sso.example.com/application/o/kestra/";

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    uri: String,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

async fn upstream() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |request: Request<Body>| {
        let record = record.clone();
        async move {
            let (parts, body) = request.into_parts();
            let body = body.collect().await.unwrap().to_bytes().to_vec();
            record.lock().unwrap().push(Seen {
                method: parts.method.to_string(),
                uri: parts.uri.to_string(),
                headers: parts.headers,
                body,
            });
            "from kestra"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), seen)
}

fn authorizer() -> Authorizer {
    let options = json!({"issuer": ISSUER, "clientId": "kestra-client", "clientSecret": SECRET, "jwks": "{}",
        "policy": {"tenants": {"main": {
            "roles": [
                {"id": "dev", "permissions": {"FLOW": ["READ", "CREATE", "UPDATE"], "NAMESPACE": ["CREATE"]}},
                {"id": "imp", "permissions": {"IMPERSONATE": ["READ"]}}],
            "users": [{"id": "u1", "username": "alice@example.com"}, {"id": "u2", "username": "carol@example.com"}],
            "bindings": [
                {"type": "USER", "externalId": "u1", "roleId": "dev", "namespaceId": "company"},
                {"type": "USER", "externalId": "u2", "roleId": "imp"}]}}}});
    Authorizer::new(AuthorizerOptions::from_json(&options).unwrap()).unwrap()
}

fn mint(email: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims =
        json!({"iss": ISSUER, "aud": "kestra-client", "sub": email, "email": email, "iat": now - 10, "exp": now + 300});
    let key = jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()).unwrap();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &key,
    )
    .unwrap()
}

async fn gateway(upstream: &str) -> String {
    let app = kestra_authz_axum_gateway::app(
        Arc::new(authorizer()),
        HttpOptions::default(),
        upstream.parse().unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

async fn send(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (StatusCode, serde_json::Value) {
    let client = Client::builder(TokioExecutor::new()).build_http::<Body>();
    let mut request = Request::builder().method(method).uri(format!("{base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = client
        .request(request.body(Body::from(body.to_owned())).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(json!(String::from_utf8_lossy(&bytes))),
    )
}

#[tokio::test]
async fn decides_then_forwards_only_what_is_allowed() {
    let (kestra, seen) = upstream().await;
    let base = gateway(&kestra).await;
    let alice = format!("Bearer {}", mint("alice@example.com"));
    let count = || seen.lock().unwrap().len();

    // Allowed: forwarded as it came, less the hop-by-hop headers.
    let (status, body) = send(
        &base,
        "GET",
        "/api/v1/main/flows/company.team/hello?revision=2&x=%20y",
        &[
            ("authorization", &alice),
            ("x-custom", "kept"),
            ("connection", "x-hop"),
            ("x-hop", "dropped"),
        ],
        "",
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!("from kestra")));
    let last = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.method, "GET");
    assert_eq!(last.uri, "/api/v1/main/flows/company.team/hello?revision=2&x=%20y");
    assert_eq!(last.headers["authorization"], alice.as_str());
    assert_eq!(last.headers["x-custom"], "kept");
    assert!(!last.headers.contains_key("x-hop"));
    assert!(!last.headers.contains_key("x-forwarded-host"));

    // A flow in the body: read for its namespace, forwarded byte for byte.
    let flow = "id: hello\nnamespace: company.team\n# é\ntasks: []\n";
    let (status, _) = send(&base, "POST", "/api/v1/main/flows", &[("authorization", &alice)], flow).await;
    assert_eq!(status, StatusCode::OK);
    let last = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!((last.method.as_str(), last.body.as_slice()), ("POST", flow.as_bytes()));

    // Refused: nothing reaches Kestra.
    let before = count();
    for (method, path, headers, body, status, code) in [
        (
            "DELETE",
            "/api/v1/main/flows/company.team/hello",
            vec![("authorization", alice.as_str())],
            "",
            403,
            "DENIED_NO_GRANT",
        ),
        (
            "GET",
            "/api/v1/main/flows/companyx/hello",
            vec![("authorization", alice.as_str())],
            "",
            403,
            "DENIED_NAMESPACE_NOT_COVERED",
        ),
        (
            "POST",
            "/api/v1/main/flows",
            vec![("authorization", alice.as_str())],
            "id: x\nnamespace: victim\n",
            403,
            "DENIED_NAMESPACE_NOT_COVERED",
        ),
        (
            "GET",
            "/api/v1/main/flows/company.team/hello",
            vec![],
            "",
            401,
            "SESSION_REQUIRED",
        ),
        (
            "GET",
            "/api/v1/main/flows/company.team/hello",
            vec![("authorization", "Bearer not.a.token")],
            "",
            401,
            "ERR_JWS_INVALID",
        ),
        (
            "GET",
            "/api/v1/main/flows/company%2Fteam/hello",
            vec![("authorization", alice.as_str())],
            "",
            403,
            "PATH_INVALID",
        ),
        (
            "GET",
            "/api/v1/main/flows/company.team/hello",
            vec![
                ("authorization", alice.as_str()),
                ("x-kestra-impersonate", "carol@example.com"),
            ],
            "",
            403,
            "IMPERSONATION_DENIED",
        ),
        (
            "POST",
            "/api/v1/main/flows",
            vec![
                ("authorization", alice.as_str()),
                ("content-type", "application/x-yaml; charset=ISO-8859-1"),
            ],
            flow,
            403,
            "BODY_UNREADABLE",
        ),
        (
            "POST",
            "/api/v1/main/flows",
            vec![
                ("authorization", alice.as_str()),
                ("content-type", "application/x-yaml; charset=utf-8; charset=ISO-8859-1"),
            ],
            flow,
            403,
            "BODY_UNREADABLE",
        ),
        (
            "POST",
            "/api/v1/main/flows",
            vec![("authorization", alice.as_str()), ("content-encoding", "br")],
            flow,
            403,
            "BODY_UNREADABLE",
        ),
    ] {
        let (got, answer) = send(&base, method, path, &headers, body).await;
        assert_eq!(
            (got.as_u16(), answer["code"].as_str()),
            (status, Some(code)),
            "{method} {path}: {answer}"
        );
    }
    assert_eq!(count(), before, "a refused request reached Kestra");

    // Impersonation by a user who may: decided for the target, the header forwarded.
    let carol = format!("Bearer {}", mint("carol@example.com"));
    let (status, _) = send(
        &base,
        "GET",
        "/api/v1/main/flows/company.team/hello",
        &[("authorization", &carol), ("x-kestra-impersonate", "alice@example.com")],
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        seen.lock().unwrap().last().unwrap().headers["x-kestra-impersonate"],
        "alice@example.com"
    );
    let (status, answer) = send(
        &base,
        "GET",
        "/api/v1/main/flows/company.team/hello",
        &[
            ("authorization", &carol),
            ("x-kestra-impersonate", "alice@example.com, carol@example.com"),
        ],
        "",
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("IMPERSONATION_DENIED"))
    );
    // `Connection` naming the impersonation header drops it before the decision: carol, as
    // herself, may not read the flow.
    let before = count();
    let (status, answer) = send(
        &base,
        "GET",
        "/api/v1/main/flows/company.team/hello",
        &[
            ("authorization", &carol),
            ("x-kestra-impersonate", "alice@example.com"),
            ("connection", "x-kestra-impersonate"),
        ],
        "",
    )
    .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("DENIED_NO_GRANT"))
    );
    assert_eq!(count(), before);
}
