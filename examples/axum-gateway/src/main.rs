//! The gateway as a server. Environment: KESTRA_URL (the upstream Kestra, http://host:port),
//! OIDC_ISSUER, OIDC_CLIENT_ID (or KESTRA_CONFIG_FILE, Kestra's application.yaml), JWKS_FILE
//! (the provider's JWKS), POLICY_FILE (roles, groups, users and bindings as JSON; optional),
//! GATEWAY_MODE (`sole` or `defense`), ADDR (default 127.0.0.1:8080).

use kestra_authz::http::{HttpOptions, Mode};
use kestra_authz::{Authorizer, AuthorizerOptions};
use std::sync::Arc;

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn file(name: &str) -> Result<Option<String>, String> {
    var(name)
        .map(|path| std::fs::read_to_string(&path).map_err(|e| format!("{name}: {path}: {e}")))
        .transpose()
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let upstream = var("KESTRA_URL").ok_or("set KESTRA_URL")?;
    let mut options = serde_json::Map::new();
    for (key, value) in [
        ("issuer", var("OIDC_ISSUER")),
        ("clientId", var("OIDC_CLIENT_ID")),
        ("kestraConfig", file("KESTRA_CONFIG_FILE")?),
        ("jwks", file("JWKS_FILE")?),
    ] {
        if let Some(value) = value {
            options.insert(key.to_owned(), value.into());
        }
    }
    if let Some(policy) = file("POLICY_FILE")? {
        let policy: serde_json::Value = serde_json::from_str(&policy).map_err(|e| format!("POLICY_FILE: {e}"))?;
        options.insert("policy".to_owned(), policy);
    }
    let options = AuthorizerOptions::from_json(&options.into()).map_err(|e| e.to_string())?;
    let authz = Arc::new(Authorizer::new(options).map_err(|e| e.to_string())?);
    let mode = match var("GATEWAY_MODE") {
        Some(mode) => Mode::parse(&mode).ok_or("GATEWAY_MODE is sole or defense")?,
        None => Mode::Sole,
    };
    let http = HttpOptions {
        mode,
        ..HttpOptions::default()
    };
    let upstream = upstream.parse().map_err(|e| format!("KESTRA_URL: {e}"))?;
    let addr = var("ADDR").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await.map_err(|e| e.to_string())?;
    println!("listening on {addr}");
    axum::serve(listener, kestra_authz_axum_gateway::app(authz, http, upstream))
        .await
        .map_err(|e| e.to_string())
}
