//! Which JWKS entry verifies: the client secret when the JWKS is `{}`, `kid` and `use` and
//! `key_ops`, and tokens without a `kid`.

use super::{Cases, NONCE, claims, err, ok, rs256};
use crate::jose::{Sig, header, token};
use crate::keys::Keys;
use serde_json::json;

pub fn add(v: &mut Cases, k: &Keys) {
    let (rs, h_rsa) = rs256(k);
    let secret = k.secret.as_bytes();

    v.add(
        "attack 29",
        "HS256 from a provider whose JWKS is {}",
        "hs256",
        token(&header("HS256", None), &claims(), &Sig::Hs(secret, 256)),
        json!({}),
        ok(),
    );
    v.add(
        "attack 30",
        "enc key shares the kid: the sig key is used",
        "multi",
        token(&header("RS256", Some("k1")), &claims(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 30",
        "second key by kid",
        "multi",
        token(&header("RS256", Some("k2")), &claims(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        ok(),
    );
    v.add(
        "check 9",
        "key_ops verify is used, key_ops sign is skipped",
        "key-ops",
        token(&h_rsa, &claims(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "check 9",
        "a token signed by the sign-only key",
        "key-ops",
        token(&h_rsa, &claims(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "attack 30",
        "unknown kid",
        "multi",
        token(&header("RS256", Some("k3")), &claims(), &rs),
        json!({}),
        err("ERR_JWKS_NO_MATCHING_KEY"),
    );
    v.add(
        "attack 30",
        "no kid, two keys fit",
        "two-without-kid",
        token(&header("RS256", None), &claims(), &rs),
        json!({}),
        err("ERR_JWKS_MULTIPLE_MATCHING_KEYS"),
    );
    v.add(
        "attack 30",
        "no kid, one key fits",
        "one-without-kid",
        token(&header("RS256", None), &claims(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 30",
        "no kid, several keys by kid",
        "multi",
        token(&header("RS256", None), &claims(), &rs),
        json!({}),
        err("ERR_JWKS_MULTIPLE_MATCHING_KEYS"),
    );
    v.add(
        "attack 31",
        "ES512 from a P-521 authentik key",
        "es512",
        token(&header("ES512", Some("ec-521")), &claims(), &Sig::Es512(&k.p521)),
        json!({"nonce": NONCE}),
        ok(),
    );
}
