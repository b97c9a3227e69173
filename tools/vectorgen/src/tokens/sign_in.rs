//! What ties a token to this sign-in: `nonce`, `auth_time` against `max_age`, and `at_hash` /
//! `c_hash` over the access token and the code.

use super::{ACCESS_TOKEN, CODE, Cases, NONCE, T0, claim_err, claims, ok, rs256, with, without};
use crate::jose::{Sig, b64, header, token};
use crate::keys::Keys;
use serde_json::json;
use sha2::{Sha256, Sha384};

pub fn add(v: &mut Cases, k: &Keys) {
    let (rs, h_rsa) = rs256(k);

    v.add(
        "attack 21",
        "nonce expected, claim missing",
        "rsa",
        token(&h_rsa, &without(claims(), "nonce"), &rs),
        json!({"nonce": NONCE}),
        claim_err("nonce", "missing"),
    );
    v.add(
        "attack 21",
        "nonce expected, claim different",
        "rsa",
        token(&h_rsa, &with(claims(), "nonce", json!("replayed")), &rs),
        json!({"nonce": NONCE}),
        claim_err("nonce", "check_failed"),
    );
    v.add(
        "attack 21",
        "nonce differs by case",
        "rsa",
        token(&h_rsa, &with(claims(), "nonce", json!(NONCE.to_lowercase())), &rs),
        json!({"nonce": NONCE}),
        claim_err("nonce", "check_failed"),
    );
    v.add(
        "attack 21",
        "nonce a number",
        "rsa",
        token(&h_rsa, &with(claims(), "nonce", json!(1)), &rs),
        json!({"nonce": NONCE}),
        claim_err("nonce", "invalid"),
    );
    v.add(
        "attack 21",
        "nonce matches",
        "rsa",
        token(&h_rsa, &claims(), &rs),
        json!({"nonce": NONCE}),
        ok(),
    );
    v.add(
        "attack 22",
        "auth_time older than max_age",
        "rsa",
        token(&h_rsa, &claims(), &rs),
        json!({"maxAge": 60}),
        claim_err("auth_time", "auth_time_too_old"),
    );
    v.add(
        "attack 22",
        "auth_time within max_age",
        "rsa",
        token(&h_rsa, &claims(), &rs),
        json!({"maxAge": 65}),
        ok(),
    );
    v.add(
        "attack 22",
        "max_age without auth_time",
        "rsa",
        token(&h_rsa, &without(claims(), "auth_time"), &rs),
        json!({"maxAge": 600}),
        claim_err("auth_time", "missing"),
    );
    v.add(
        "attack 22",
        "auth_time after iat",
        "rsa",
        token(&h_rsa, &with(claims(), "auth_time", json!(T0 + 1)), &rs),
        json!({}),
        claim_err("auth_time", "in_the_future"),
    );
    let at_hash = half_hash_256(ACCESS_TOKEN);
    let c_hash = half_hash_256(CODE);
    v.add(
        "attack 23",
        "at_hash matches",
        "rsa",
        token(&h_rsa, &with(claims(), "at_hash", json!(at_hash)), &rs),
        json!({"accessToken": ACCESS_TOKEN}),
        ok(),
    );
    v.add(
        "attack 23",
        "at_hash of another access token",
        "rsa",
        token(&h_rsa, &with(claims(), "at_hash", json!(at_hash)), &rs),
        json!({"accessToken": "another"}),
        claim_err("at_hash", "check_failed"),
    );
    v.add(
        "attack 23",
        "at_hash absent (token endpoint)",
        "rsa",
        token(&h_rsa, &claims(), &rs),
        json!({"accessToken": ACCESS_TOKEN}),
        ok(),
    );
    v.add(
        "attack 23",
        "c_hash matches",
        "rsa",
        token(&h_rsa, &with(claims(), "c_hash", json!(c_hash)), &rs),
        json!({"code": CODE}),
        ok(),
    );
    v.add(
        "attack 23",
        "c_hash mismatch",
        "rsa",
        token(&h_rsa, &with(claims(), "c_hash", json!(half_hash_256("other"))), &rs),
        json!({"code": CODE}),
        claim_err("c_hash", "check_failed"),
    );
    v.add(
        "attack 23",
        "c_hash missing with a code",
        "rsa",
        token(&h_rsa, &claims(), &rs),
        json!({"code": CODE}),
        claim_err("c_hash", "missing"),
    );
    let h384 = header("ES384", Some("ec-384"));
    v.add(
        "attack 23",
        "ES384 with authentik's SHA-256 at_hash",
        "es384",
        token(&h384, &with(claims(), "at_hash", json!(at_hash)), &Sig::Es384(&k.p384)),
        json!({"accessToken": ACCESS_TOKEN}),
        ok(),
    );
    v.add(
        "attack 23",
        "ES384 with the spec's SHA-384 at_hash",
        "es384",
        token(
            &h384,
            &with(claims(), "at_hash", json!(half_hash_384(ACCESS_TOKEN))),
            &Sig::Es384(&k.p384),
        ),
        json!({"accessToken": ACCESS_TOKEN}),
        ok(),
    );
    v.add(
        "attack 23",
        "RS256 with a SHA-384 at_hash",
        "rsa",
        token(
            &h_rsa,
            &with(claims(), "at_hash", json!(half_hash_384(ACCESS_TOKEN))),
            &rs,
        ),
        json!({"accessToken": ACCESS_TOKEN}),
        claim_err("at_hash", "check_failed"),
    );
}

/// The left half of SHA-256 over `value`: `at_hash` and `c_hash` for RS256, ES256, HS256, and
/// what authentik writes whatever the algorithm.
fn half_hash_256(value: &str) -> String {
    use sha2::Digest;
    b64(&Sha256::digest(value.as_bytes())[..16])
}

/// The left half of SHA-384, what the spec asks for with ES384.
fn half_hash_384(value: &str) -> String {
    use sha2::Digest;
    b64(&Sha384::digest(value.as_bytes())[..24])
}
