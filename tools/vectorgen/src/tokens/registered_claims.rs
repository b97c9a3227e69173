//! `exp`, `iss`, `aud`, `iat` and `nbf`: their types, the clock and its tolerance, the lifetime
//! bound, and audiences beyond the client.

use super::{CLIENT_ID, Cases, ISSUER, NOW, T0, claim_err, claims, expired, ok, rs256, with, without};
use crate::jose::token;
use crate::keys::Keys;
use serde_json::{Value, json};

pub fn add(v: &mut Cases, k: &Keys) {
    let (rs, h_rsa) = rs256(k);

    for (label, value) in [
        ("a string", json!("1800003600")),
        ("negative", json!(-1)),
        ("1e300", json!(1e300)),
        ("null", Value::Null),
        ("true", json!(true)),
        ("2^64 - 1", json!(u64::MAX)),
    ] {
        v.add(
            "attack 13",
            &format!("exp {label}"),
            "rsa",
            token(&h_rsa, &with(claims(), "exp", value), &rs),
            json!({}),
            claim_err("exp", "invalid"),
        );
    }
    v.add(
        "attack 14",
        "exp fractional, not yet passed",
        "rsa",
        token(&h_rsa, &with(claims(), "exp", json!(NOW as f64 + 0.7)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 14",
        "exp fractional, passed",
        "rsa",
        token(&h_rsa, &with(claims(), "exp", json!(NOW as f64 - 0.3)), &rs),
        json!({}),
        expired(),
    );
    v.add(
        "attack 15",
        "exp 2^53 - 1 (lifetime bound)",
        "rsa",
        token(&h_rsa, &with(claims(), "exp", json!(9_007_199_254_740_991u64)), &rs),
        json!({}),
        claim_err("exp", "lifetime_exceeded"),
    );
    v.add(
        "attack 15",
        "exp one second past the default 1-day lifetime",
        "rsa",
        token(&h_rsa, &with(claims(), "exp", json!(T0 + 86_401)), &rs),
        json!({}),
        claim_err("exp", "lifetime_exceeded"),
    );
    v.add(
        "attack 15",
        "exp exactly the default 1-day lifetime",
        "rsa",
        token(&h_rsa, &with(claims(), "exp", json!(T0 + 86_400)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 16",
        "iss as an array holding the issuer",
        "rsa",
        token(
            &h_rsa,
            &with(claims(), "iss", json!(["https://evil.example/", ISSUER])),
            &rs,
        ),
        json!({}),
        claim_err("iss", "invalid"),
    );
    v.add(
        "attack 17",
        "aud with an extra untrusted audience",
        "rsa",
        token(
            &h_rsa,
            &with(
                with(claims(), "aud", json!([CLIENT_ID, "other"])),
                "azp",
                json!(CLIENT_ID),
            ),
            &rs,
        ),
        json!({}),
        claim_err("aud", "untrusted_audience"),
    );
    v.add(
        "attack 17",
        "aud with an extra trusted audience and azp",
        "trusted-audience",
        token(
            &h_rsa,
            &with(
                with(claims(), "aud", json!([CLIENT_ID, "kestra-api"])),
                "azp",
                json!(CLIENT_ID),
            ),
            &rs,
        ),
        json!({}),
        ok(),
    );
    v.add(
        "attack 17",
        "aud with an extra trusted audience, no azp",
        "trusted-audience",
        token(&h_rsa, &with(claims(), "aud", json!([CLIENT_ID, "kestra-api"])), &rs),
        json!({}),
        claim_err("azp", "missing"),
    );
    v.add(
        "attack 18",
        "aud missing",
        "rsa",
        token(&h_rsa, &without(claims(), "aud"), &rs),
        json!({}),
        claim_err("aud", "missing"),
    );
    v.add(
        "attack 18",
        "aud another client",
        "rsa",
        token(&h_rsa, &with(claims(), "aud", json!("other-client")), &rs),
        json!({}),
        claim_err("aud", "check_failed"),
    );
    v.add(
        "attack 18",
        "aud an empty array",
        "rsa",
        token(&h_rsa, &with(claims(), "aud", json!([])), &rs),
        json!({}),
        claim_err("aud", "check_failed"),
    );
    v.add(
        "attack 18",
        "aud a number",
        "rsa",
        token(&h_rsa, &with(claims(), "aud", json!(1)), &rs),
        json!({}),
        claim_err("aud", "invalid"),
    );
    v.add(
        "attack 19",
        "iat missing",
        "rsa",
        token(&h_rsa, &without(claims(), "iat"), &rs),
        json!({}),
        claim_err("iat", "missing"),
    );
    v.add(
        "attack 19",
        "iat one second in the future",
        "rsa",
        token(&h_rsa, &with(claims(), "iat", json!(NOW + 1)), &rs),
        json!({}),
        claim_err("iat", "in_the_future"),
    );
    v.add(
        "attack 19",
        "iat equal to now",
        "rsa",
        token(&h_rsa, &with(claims(), "iat", json!(NOW)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 19",
        "iat ancient, exp far (lifetime bound)",
        "rsa",
        token(&h_rsa, &with(claims(), "iat", json!(1)), &rs),
        json!({}),
        claim_err("exp", "lifetime_exceeded"),
    );
    v.add(
        "attack 19",
        "iat 20 s ahead within a 30 s tolerance",
        "tolerance-30",
        token(&h_rsa, &with(claims(), "iat", json!(NOW + 20)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 20",
        "nbf in the future",
        "rsa",
        token(&h_rsa, &with(claims(), "nbf", json!(NOW + 1)), &rs),
        json!({}),
        claim_err("nbf", "check_failed"),
    );
    v.add(
        "attack 20",
        "nbf now",
        "rsa",
        token(&h_rsa, &with(claims(), "nbf", json!(NOW)), &rs),
        json!({}),
        ok(),
    );
}
