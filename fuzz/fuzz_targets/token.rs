#![no_main]
//! Compact tokens against the real authentik JWKS, with HS256 allowed too.
use kestra_authz::{Authorizer, AuthorizerOptions, VerifyOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn authorizer() -> &'static Authorizer {
    static A: OnceLock<Authorizer> = OnceLock::new();
    A.get_or_init(|| {
        let options = serde_json::json!({
            "issuer": "http://127.0.0.1:9000/application/o/kestra/",
            "clientId": "kestra-client",
            "clientSecret": "0123456789abcdef0123456789abcdef",
            "algorithms": ["RS256", "HS256", "ES256", "ES512", "EdDSA"],
            "jwks": include_str!("../../tests/fixtures/authentik-2025.8.1/kestra.jwks.json"),
        });
        Authorizer::new(AuthorizerOptions::from_json(&options).unwrap()).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        let (now, options) = VerifyOptions::from_json(&serde_json::json!({"now": 1_795_885_258u64, "nonce": "n"}), None).unwrap();
        let _ = authorizer().verify_id_token(token, now, &options);
    }
});
