//! The providers token cases name: each the options a JS host passes to build an authorizer
//! for authentik's Kestra application, one per key type or option a case needs.

use super::{CLIENT_ID, ISSUER};
use crate::jose::b64;
use crate::keys::{Keys, ec_jwk, p256_jwk, rsa_jwk};
use serde_json::{Map, Value, json};

pub fn providers(k: &Keys) -> Map<String, Value> {
    let rsa_key = k.provider_jwk();
    let p384_sec1 = k.p384.verifying_key().to_sec1_point(false);
    let p521_sec1 = k.p521.verifying_key().to_sec1_point(false);
    let ed_x = k.ed25519.verifying_key().to_bytes();

    let base = |jwks: Value| json!({"issuer": ISSUER, "clientId": CLIENT_ID, "jwks": jwks});
    let mut providers = Map::new();
    providers.insert("rsa".into(), base(json!({"keys": [rsa_key.clone()]})));
    let mut rsa_all = base(json!({"keys": [rsa_jwk(&k.rsa, Some("rsa-1"), None)]}));
    rsa_all["algorithms"] = json!(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]);
    providers.insert("rsa-all".into(), rsa_all);
    providers.insert("es256".into(), base(json!({"keys": [p256_jwk(&k.p256, "ec-256")]})));
    providers.insert(
        "es384".into(),
        base(json!({"keys": [ec_jwk(p384_sec1.as_bytes(), "P-384", "ec-384", "ES384")]})),
    );
    providers.insert(
        "es512".into(),
        base(json!({"keys": [ec_jwk(p521_sec1.as_bytes(), "P-521", "ec-521", "ES512")]})),
    );
    let mut eddsa = base(json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "ed-1", "x": b64(&ed_x)}]}));
    eddsa["algorithms"] = json!(["EdDSA"]);
    providers.insert("eddsa".into(), eddsa);
    let mut hs256 = base(json!({}));
    hs256["clientSecret"] = json!(k.secret);
    providers.insert("hs256".into(), hs256);
    let mut hs_all = base(json!({}));
    hs_all["clientSecret"] = json!(k.secret);
    hs_all["algorithms"] = json!(["HS256", "HS384", "HS512"]);
    providers.insert("hs-all".into(), hs_all);
    let mut discovery = base(json!({"keys": [rsa_key.clone()]}));
    discovery["discovery"] = json!({"issuer": ISSUER, "jwks_uri": format!("{ISSUER}jwks/"),
        "id_token_signing_alg_values_supported": ["RS256"]});
    providers.insert("rsa-discovery".into(), discovery);
    let enc_entry = {
        let mut e = rsa_jwk(&k.rsa_other, Some("k1"), Some("RSA-OAEP-256"));
        e["use"] = json!("enc");
        e
    };
    providers.insert(
        "multi".into(),
        base(json!({"keys": [enc_entry, rsa_jwk(&k.rsa, Some("k1"), Some("RS256")), rsa_jwk(&k.rsa_other, Some("k2"), Some("RS256"))]})),
    );
    providers.insert(
        "two-without-kid".into(),
        base(json!({"keys": [rsa_jwk(&k.rsa, None, None), rsa_jwk(&k.rsa_other, None, None)]})),
    );
    providers.insert(
        "one-without-kid".into(),
        base(json!({"keys": [rsa_jwk(&k.rsa, None, None)]})),
    );
    let mut mixed = base(json!({"keys": [rsa_key.clone()]}));
    mixed["algorithms"] = json!(["RS256", "HS256"]);
    mixed["clientSecret"] = json!(k.secret);
    providers.insert("rsa-and-hs256".into(), mixed);
    let mut rsa_es = base(json!({"keys": [rsa_key.clone()]}));
    rsa_es["algorithms"] = json!(["RS256", "ES256"]);
    providers.insert("rsa-jwks-es256-allowed".into(), rsa_es);
    let mut trusted = base(json!({"keys": [rsa_key.clone()]}));
    trusted["trustedAudiences"] = json!(["kestra-api"]);
    providers.insert("trusted-audience".into(), trusted);
    let mut with_ops = rsa_jwk(&k.rsa, Some("rsa-1"), Some("RS256"));
    with_ops["key_ops"] = json!(["verify"]);
    let mut sign_only = rsa_jwk(&k.rsa_other, Some("rsa-1"), Some("RS256"));
    sign_only["key_ops"] = json!(["sign"]);
    providers.insert("key-ops".into(), base(json!({"keys": [sign_only, with_ops]})));
    let mut tolerant = base(json!({"keys": [rsa_key.clone()]}));
    tolerant["clockTolerance"] = 30.into();
    providers.insert("tolerance-30".into(), tolerant);
    providers
}
