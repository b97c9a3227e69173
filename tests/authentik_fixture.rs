//! The real authentik 2025.8.1 artefacts in `../shared/fixtures` (copied under tests/fixtures).

use kestra_authz::{Discovery, Jwks, TokenVerifier, UnixTime, VerifierConfig, VerifyOptions};

const JWKS: &str = include_str!("fixtures/authentik-2025.8.1/kestra.jwks.json");
const DISCOVERY: &str = include_str!("fixtures/authentik-2025.8.1/kestra.openid-configuration.json");
const ID_TOKEN: &str = include_str!("fixtures/authentik-2025.8.1/tokens/kestra.alice.authcode.1.id_token.jwt");
const ACCESS_TOKEN: &str = include_str!("fixtures/authentik-2025.8.1/tokens/kestra.alice.authcode.1.access_token.jwt");
const ISSUER: &str = "http://127.0.0.1:9000/application/o/kestra/";
const NONCE: &str = "dslAhVZnwQ6O14QDuDMkVA";
const IAT: f64 = 1_795_885_198.0;
const EXP: f64 = 1_795_888_798.0;

fn verifier() -> TokenVerifier {
    let mut config = VerifierConfig::new(ISSUER, "kestra-client", Jwks::parse(JWKS).unwrap());
    config.discovery = Some(Discovery::parse(DISCOVERY).unwrap());
    TokenVerifier::new(config).unwrap()
}

fn at(now: f64) -> UnixTime {
    UnixTime::from_seconds(now).unwrap()
}

fn with_nonce() -> VerifyOptions {
    VerifyOptions {
        nonce: Some(NONCE.into()),
        ..Default::default()
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn real_token_verifies_at_iat_plus_60() {
    let token = verifier()
        .verify(ID_TOKEN.trim(), at(IAT + 60.0), &with_nonce())
        .unwrap();
    assert_eq!(token.email(), Some("alice@example.com"));
    assert!(token.email_verified());
    assert_eq!(token.groups(), ["kestra-admins", "data-team"]);
    assert_eq!(token.preferred_username(), Some("alice"));
    assert_eq!(
        token.subject(),
        "fea5c51ca569f6dad740792e94202a66bb8e86d751535a011b3287855f863559"
    );
    assert_eq!(token.kid(), Some("f64611e8881226fe886de744fd0e42ed"));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn real_token_is_expired_at_exp() {
    let err = verifier().verify(ID_TOKEN.trim(), at(EXP), &with_nonce()).unwrap_err();
    assert_eq!(err.code(), "ERR_JWT_EXPIRED");
    let ok = verifier().verify(ID_TOKEN.trim(), at(EXP - 1.0), &with_nonce());
    assert!(ok.is_ok());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn one_byte_changed_in_payload_fails_signature() {
    let token = ID_TOKEN.trim();
    let dot = token.find('.').unwrap();
    let mut bytes = token.as_bytes().to_vec();
    // Flip one base64url character well inside the payload to another valid one.
    let i = dot + 20;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    let err = verifier().verify(&tampered, at(IAT + 60.0), &with_nonce()).unwrap_err();
    assert_eq!(err.code(), "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn access_token_is_not_an_id_token() {
    let err = verifier()
        .verify(ACCESS_TOKEN.trim(), at(IAT + 60.0), &with_nonce())
        .unwrap_err();
    assert_eq!(err.code(), "ERR_JWT_CLAIM_VALIDATION_FAILED");
    assert_eq!(err.claim(), Some("azp"));
    assert_eq!(err.reason(), Some("access_token"));
}

fn verifier_with_cache(size: usize) -> kestra_authz::Authorizer {
    let options = kestra_authz::AuthorizerOptions {
        issuer: Some(ISSUER.into()),
        client_id: Some("kestra-client".into()),
        jwks: Some(Jwks::parse(JWKS).unwrap()),
        token_cache_size: Some(size),
        ..Default::default()
    };
    kestra_authz::Authorizer::new(options).unwrap()
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_cached_token_is_checked_again_for_time_and_options() {
    let authz = verifier_with_cache(10);
    let token = ID_TOKEN.trim();
    authz.verify_id_token(token, at(IAT + 60.0), &with_nonce()).unwrap();
    authz.verify_id_token(token, at(IAT + 61.0), &with_nonce()).unwrap();
    let stats = authz.token_cache_stats();
    assert_eq!((stats.entries, stats.hits, stats.misses), (1, 1, 1));
    // The repeat skips the signature, not the clock or the options.
    assert_eq!(
        authz.verify_id_token(token, at(EXP), &with_nonce()).unwrap_err().code(),
        "ERR_JWT_EXPIRED"
    );
    let wrong_nonce = VerifyOptions {
        nonce: Some("other".into()),
        ..with_nonce()
    };
    assert_eq!(
        authz
            .verify_id_token(token, at(IAT + 60.0), &wrong_nonce)
            .unwrap_err()
            .reason(),
        Some("check_failed")
    );
    let too_old = VerifyOptions {
        max_age: Some(10),
        ..with_nonce()
    };
    assert_eq!(
        authz
            .verify_id_token(token, at(IAT + 60.0), &too_old)
            .unwrap_err()
            .reason(),
        Some("auth_time_too_old")
    );
    assert_eq!(authz.token_cache_stats().hits, 4);
    // A tampered token is not the cached one.
    let mut tampered = token.to_owned();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert!(authz.verify_id_token(&tampered, at(IAT + 60.0), &with_nonce()).is_err());
    // Nor is one with the cached token's length and signature but another payload (the cache
    // finds entries by the length and the last bytes, then compares the whole text).
    let dot = token.find('.').unwrap() + 1;
    let mut forged = token.as_bytes().to_vec();
    forged[dot + 10] = if forged[dot + 10] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    assert_eq!(forged.len(), token.len());
    assert_eq!(
        authz
            .verify_id_token(&forged, at(IAT + 60.0), &with_nonce())
            .unwrap_err()
            .code(),
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
    );
    assert_eq!(authz.token_cache_stats().entries, 1);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_cache_is_bounded_and_can_be_turned_off() {
    let off = verifier_with_cache(0);
    for _ in 0..3 {
        off.verify_id_token(ID_TOKEN.trim(), at(IAT + 60.0), &with_nonce())
            .unwrap();
    }
    let stats = off.token_cache_stats();
    assert_eq!((stats.entries, stats.hits, stats.misses), (0, 0, 3));
    // Capacity one: a second token pushes the first out.
    let one = verifier_with_cache(1);
    let access = include_str!("fixtures/authentik-2025.8.1/tokens/kestra.alice.authcode.1.access_token.jwt").trim();
    one.verify_id_token(ID_TOKEN.trim(), at(IAT + 60.0), &with_nonce())
        .unwrap();
    assert!(
        one.verify_id_token(access, at(IAT + 60.0), &with_nonce()).is_err(),
        "failures are not cached"
    );
    assert_eq!(one.token_cache_stats().entries, 1);
    let too_big = kestra_authz::AuthorizerOptions {
        issuer: Some(ISSUER.into()),
        client_id: Some("kestra-client".into()),
        jwks: Some(Jwks::parse(JWKS).unwrap()),
        token_cache_size: Some(100_001),
        ..Default::default()
    };
    let err = kestra_authz::Authorizer::new(too_big).err().unwrap();
    assert_eq!(err.code(), "ERR_OPTION_INVALID");
    assert!(err.to_string().contains("tokenCacheSize"), "{err}");
}
