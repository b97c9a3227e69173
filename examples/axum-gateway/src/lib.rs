//! A gateway in front of Kestra's API for Rust services, over the native crate: a tower layer
//! that verifies the Bearer ID token, maps the request to the checks Kestra makes for its
//! route and decides them (`Authorizer::authorize_http`), then hands only what the decision
//! covered to the inner service; and `Forward`, an inner service that sends it to the upstream
//! Kestra as it came and streams the answer back.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]
// A refusal is the response itself, built once for a refused request: boxing it buys nothing.
#![allow(clippy::result_large_err)]

use axum::Router;
use axum::body::Body;
use axum::http::header::{AUTHORIZATION, CONNECTION, CONTENT_ENCODING, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode, Uri};
use http_body_util::{BodyExt, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use kestra_authz::http::{HttpOptions, HttpRequest};
use kestra_authz::{Authorizer, UnixTime, VerifyOptions};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};
use tower::{Layer, Service};

/// The most body bytes read to find a namespace in it: the module refuses more anyway.
pub const MAX_READ_BODY: usize = 1024 * 1024;

/// Headers never forwarded: those of one connection (RFC 9110 §7.6.1, `expect` included;
/// `host` is set again for the next hop), and the client's claims about forwarding, which
/// Kestra may trust from its proxy.
const HOP_BY_HOP: [&str; 18] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
    "host",
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-forwarded-prefix",
    "x-real-ip",
];

const IMPERSONATE: &str = "x-kestra-impersonate";

type BoxFuture = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

/// A JSON answer with a status.
fn answer(status: StatusCode, body: &serde_json::Value) -> Response<Body> {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Response<Body> {
    answer(
        status,
        &serde_json::json!({ "allowed": false, "code": code, "status": status.as_u16(), "message": message }),
    )
}

/// Removes the hop-by-hop headers, and those the `Connection` header names.
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|name| HeaderName::from_bytes(name.trim().as_bytes()).ok())
        .collect();
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
    for name in named {
        headers.remove(name);
    }
}

/// Decides requests before the inner service sees them.
#[derive(Clone)]
pub struct KestraGatewayLayer {
    authz: Arc<Authorizer>,
    options: Arc<HttpOptions>,
}

impl KestraGatewayLayer {
    pub fn new(authz: Arc<Authorizer>, options: HttpOptions) -> Self {
        KestraGatewayLayer {
            authz,
            options: Arc::new(options),
        }
    }
}

impl<S> Layer<S> for KestraGatewayLayer {
    type Service = KestraGateway<S>;

    fn layer(&self, inner: S) -> Self::Service {
        KestraGateway {
            inner,
            authz: self.authz.clone(),
            options: self.options.clone(),
        }
    }
}

/// The layer's service: the request goes on to `inner` only when the decision allows it.
#[derive(Clone)]
pub struct KestraGateway<S> {
    inner: S,
    authz: Arc<Authorizer>,
    options: Arc<HttpOptions>,
}

impl<S> Service<Request<Body>> for KestraGateway<S>
where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        // The instance that was made ready serves this call; a clone takes its place.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let (authz, options) = (self.authz.clone(), self.options.clone());
        Box::pin(async move {
            match decide(&authz, &options, request).await {
                Ok(allowed) => inner.call(allowed).await,
                Err(refused) => Ok(refused),
            }
        })
    }
}

fn now() -> Result<UnixTime, Response<Body>> {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    UnixTime::from_seconds(seconds).map_err(|e| refusal(StatusCode::INTERNAL_SERVER_ERROR, e.code(), &e.to_string()))
}

/// The request as it may go on (its body read when the route's namespace is in it, the
/// impersonation header kept only when the decision was made for that user), or the answer.
async fn decide(
    authz: &Authorizer,
    options: &HttpOptions,
    request: Request<Body>,
) -> Result<Request<Body>, Response<Body>> {
    let (mut parts, body) = request.into_parts();
    // Decided on exactly what is forwarded: the headers that go on (so `Connection` cannot
    // drop one after the decision), the path and query as received.
    strip_hop_by_hop(&mut parts.headers);
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".to_owned());
    let mut impersonations = parts.headers.get_all(IMPERSONATE).iter();
    let impersonate = match (impersonations.next(), impersonations.next()) {
        (None, _) => None,
        // Kestra might read one of two values, or the first of a list: one user, or refused.
        (Some(value), None) => match value.to_str() {
            Ok(user) if !user.contains(',') => Some(user.to_owned()),
            _ => {
                return Err(refusal(
                    StatusCode::FORBIDDEN,
                    "IMPERSONATION_DENIED",
                    "X-Kestra-Impersonate must name one user",
                ));
            }
        },
        (Some(_), Some(_)) => {
            return Err(refusal(
                StatusCode::FORBIDDEN,
                "IMPERSONATION_DENIED",
                "X-Kestra-Impersonate must name one user",
            ));
        }
    };
    let mut authorizations = parts.headers.get_all(AUTHORIZATION).iter();
    let token = match (authorizations.next(), authorizations.next()) {
        (Some(value), None) => value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim_start()),
        _ => None,
    };
    let session = match token {
        Some(token) => match authz.verify_id_token(token, now()?, &VerifyOptions::default()) {
            Ok(session) => Some(session),
            Err(e) => return Err(refusal(StatusCode::UNAUTHORIZED, e.code(), &e.to_string())),
        },
        None => None,
    };
    let ask = |body: Option<&str>| {
        let request = HttpRequest {
            method: parts.method.as_str(),
            url: &target,
            body,
            impersonate: impersonate.as_deref(),
        };
        authz
            .authorize_http(session.as_ref(), &request, options)
            .map_err(|e| refusal(StatusCode::BAD_REQUEST, e.code(), &e.to_string()))
    };
    let mut decision = ask(None)?;
    let mut body = body;
    // The route reads its namespace in the body: read it (bounded), forward the same bytes.
    if decision.code == "BODY_NAMESPACE_MISSING" {
        // Read as UTF-8 here, it must be read as UTF-8 by Kestra too.
        // One charset parameter at most, UTF-8 (a server may read the last of two).
        let content_type = parts
            .headers
            .get(CONTENT_TYPE)
            .map(|v| v.to_str().map(str::to_ascii_lowercase));
        let charsets: Vec<String> = match content_type {
            Some(Err(_)) => vec![String::new()],
            Some(Ok(value)) => value
                .split(';')
                .skip(1)
                .map(|p| p.split_once('=').unwrap_or((p, "")))
                .filter(|(name, _)| name.trim() == "charset")
                .map(|(_, value)| value.trim().trim_matches('"').to_owned())
                .collect(),
            None => Vec::new(),
        };
        let encoded = parts
            .headers
            .get(CONTENT_ENCODING)
            .is_some_and(|v| !v.as_bytes().eq_ignore_ascii_case(b"identity"));
        if encoded || charsets.len() > 1 || charsets.iter().any(|c| c != "utf-8" && c != "utf8") {
            return Err(refusal(
                StatusCode::FORBIDDEN,
                "BODY_UNREADABLE",
                "a body read for its namespace must be UTF-8, not encoded",
            ));
        }
        let bytes = Limited::new(body, MAX_READ_BODY)
            .collect()
            .await
            .map_err(|_| {
                refusal(
                    StatusCode::FORBIDDEN,
                    "BODY_TOO_LARGE",
                    "the body is too large, or could not be read",
                )
            })?
            .to_bytes();
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| refusal(StatusCode::FORBIDDEN, "BODY_UNREADABLE", "the body is not UTF-8"))?;
        decision = ask(Some(text))?;
        body = Body::from(bytes);
    }
    if !decision.allowed {
        let status = StatusCode::from_u16(decision.status).unwrap_or(StatusCode::FORBIDDEN);
        let json = serde_json::to_value(&decision).unwrap_or_default();
        return Err(answer(status, &json));
    }
    if decision.impersonated.is_none() {
        parts.headers.remove(IMPERSONATE);
    }
    Ok(Request::from_parts(parts, body))
}

/// Sends a request to the upstream Kestra with its method, path, query, headers (less the
/// hop-by-hop ones) and body, and streams the answer back.
#[derive(Clone)]
pub struct Forward {
    client: Client<HttpConnector, Body>,
    upstream: Arc<Uri>,
}

impl Forward {
    /// `upstream`: Kestra's base URL, `http://host:port` (put TLS in front, or use a TLS
    /// connector, for https).
    pub fn new(upstream: Uri) -> Self {
        Forward {
            client: Client::builder(TokioExecutor::new()).build_http(),
            upstream: Arc::new(upstream),
        }
    }
}

impl Service<Request<Body>> for Forward {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let (client, upstream) = (self.client.clone(), self.upstream.clone());
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let mut target = Uri::builder();
            if let Some(scheme) = upstream.scheme() {
                target = target.scheme(scheme.clone());
            }
            if let Some(authority) = upstream.authority() {
                target = target.authority(authority.clone());
            }
            let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            parts.uri = match target.path_and_query(path).build() {
                Ok(uri) => uri,
                Err(e) => return Ok(refusal(StatusCode::BAD_GATEWAY, "ERR_UPSTREAM", &e.to_string())),
            };
            strip_hop_by_hop(&mut parts.headers);
            match client.request(Request::from_parts(parts, body)).await {
                Ok(response) => {
                    let (mut parts, body) = response.into_parts();
                    strip_hop_by_hop(&mut parts.headers);
                    Ok(Response::from_parts(parts, Body::new(body)))
                }
                Err(e) => Ok(refusal(StatusCode::BAD_GATEWAY, "ERR_UPSTREAM", &e.to_string())),
            }
        })
    }
}

/// The gateway as an axum app: every request decided, then forwarded to `upstream`.
pub fn app(authz: Arc<Authorizer>, options: HttpOptions, upstream: Uri) -> Router {
    Router::new()
        .fallback_service(Forward::new(upstream))
        .layer(KestraGatewayLayer::new(authz, options))
}
