//! Generates `tests/vectors/tokens.json`: providers (options as a JS host passes them), token
//! cases and set-up cases, with the outcome each must produce. Keys are test-only and derived
//! from fixed seeds; every signature scheme used is deterministic (RFC 6979 ECDSA, seeded
//! PSS salts), so running this again rewrites the file byte for byte.
//!
//! Usage: cargo run --release --manifest-path tools/vectorgen/Cargo.toml [-- OUT_DIR]

mod rbac;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rsa::traits::PublicKeyParts;
use serde_json::{Map, Value, json};
use sha2::{Sha256, Sha384, Sha512};

const T0: u64 = 1_800_000_000;
const NOW: u64 = T0 + 60;
const ISSUER: &str = "https://sso.example.com/application/o/kestra/";
const CLIENT_ID: &str = "Kx7ClientIdOfTheKestraApplication0000001";
const SUBJECT: &str = "5f0b6a1c9d0e4b7f8a2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607182";
const NONCE: &str = "dslAhVZnwQ6O14QDuDMkVA";
const ACCESS_TOKEN: &str = "access-token-of-this-sign-in";
const CODE: &str = "authorization-code-of-this-sign-in";

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn rng(seed: u8) -> ChaCha20Rng {
    ChaCha20Rng::from_seed([seed; 32])
}

/// 128 characters of [A-Za-z0-9], like authentik's generated client secrets.
fn client_secret() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..128u32)
        .map(|i| ALPHABET[((i * 37 + 11) % 62) as usize] as char)
        .collect()
}

struct Keys {
    rsa: rsa::PrivateKey,
    rsa_other: rsa::PrivateKey,
    rsa_1024: rsa::PrivateKey,
    p256: p256::ecdsa::SigningKey,
    p256_other: p256::ecdsa::SigningKey,
    p384: p384::ecdsa::SigningKey,
    p521: p521::ecdsa::SigningKey,
    ed25519: ed25519_dalek::SigningKey,
    secret: String,
}

impl Keys {
    fn new() -> Self {
        Keys {
            rsa: rsa::PrivateKey::new(&mut rng(1), 2048).expect("rsa"),
            rsa_other: rsa::PrivateKey::new(&mut rng(2), 2048).expect("rsa"),
            rsa_1024: rsa::PrivateKey::new(&mut rng(3), 1024).expect("rsa"),
            p256: p256::ecdsa::SigningKey::from_slice(&[4; 32]).expect("p256"),
            p256_other: p256::ecdsa::SigningKey::from_slice(&[5; 32]).expect("p256"),
            p384: p384::ecdsa::SigningKey::from_slice(&[6; 48]).expect("p384"),
            p521: p521::ecdsa::SigningKey::from_slice(&[[0u8; 1].as_slice(), &[7; 65]].concat()).expect("p521"),
            ed25519: ed25519_dalek::SigningKey::from_bytes(&[8; 32]),
            secret: client_secret(),
        }
    }
}

fn rsa_jwk(key: &rsa::PrivateKey, kid: Option<&str>, alg: Option<&str>) -> Value {
    let public = key.to_public_key();
    let mut jwk = json!({"kty": "RSA", "use": "sig", "n": b64(&public.n_bytes()), "e": b64(&public.e_bytes())});
    if let Some(kid) = kid {
        jwk["kid"] = json!(kid);
    }
    if let Some(alg) = alg {
        jwk["alg"] = json!(alg);
    }
    jwk
}

fn ec_jwk(sec1: &[u8], crv: &str, kid: &str, alg: &str) -> Value {
    let len = (sec1.len() - 1) / 2;
    json!({"kty": "EC", "use": "sig", "crv": crv, "kid": kid, "alg": alg,
           "x": b64(&sec1[1..1 + len]), "y": b64(&sec1[1 + len..])})
}

fn p256_jwk(key: &p256::ecdsa::SigningKey, kid: &str) -> Value {
    ec_jwk(
        key.verifying_key().to_sec1_point(false).as_bytes(),
        "P-256",
        kid,
        "ES256",
    )
}

/// How a token is signed; `Bytes` and `Segment` write the third segment literally.
enum Sig<'a> {
    Rs(&'a rsa::PrivateKey, u16),
    Ps(&'a rsa::PrivateKey, u16),
    Es256(&'a p256::ecdsa::SigningKey),
    Es384(&'a p384::ecdsa::SigningKey),
    Es512(&'a p521::ecdsa::SigningKey),
    Ed(&'a ed25519_dalek::SigningKey),
    Hs(&'a [u8], u16),
    Bytes(Vec<u8>),
    Segment(String),
}

fn sign(sig: &Sig<'_>, message: &[u8]) -> String {
    use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
    let bytes = match sig {
        Sig::Rs(key, 256) => rsa::pkcs1v15::SigningKey::<Sha256>::new((*key).clone())
            .sign(message)
            .to_vec(),
        Sig::Rs(key, 384) => rsa::pkcs1v15::SigningKey::<Sha384>::new((*key).clone())
            .sign(message)
            .to_vec(),
        Sig::Rs(key, _) => rsa::pkcs1v15::SigningKey::<Sha512>::new((*key).clone())
            .sign(message)
            .to_vec(),
        Sig::Ps(key, bits) => {
            let mut salt_rng = rng(99);
            match bits {
                256 => rsa::pss::SigningKey::<Sha256>::new((*key).clone())
                    .sign_with_rng(&mut salt_rng, message)
                    .to_vec(),
                384 => rsa::pss::SigningKey::<Sha384>::new((*key).clone())
                    .sign_with_rng(&mut salt_rng, message)
                    .to_vec(),
                _ => rsa::pss::SigningKey::<Sha512>::new((*key).clone())
                    .sign_with_rng(&mut salt_rng, message)
                    .to_vec(),
            }
        }
        Sig::Es256(key) => {
            let s: p256::ecdsa::Signature = key.sign(message);
            s.to_bytes().to_vec()
        }
        Sig::Es384(key) => {
            let s: p384::ecdsa::Signature = key.sign(message);
            s.to_bytes().to_vec()
        }
        Sig::Es512(key) => {
            let s: p521::ecdsa::Signature = key.sign(message);
            s.to_bytes().to_vec()
        }
        Sig::Ed(key) => key.sign(message).to_bytes().to_vec(),
        Sig::Hs(secret, bits) => match bits {
            256 => hmac_tag::<Hmac<Sha256>>(secret, message),
            384 => hmac_tag::<Hmac<Sha384>>(secret, message),
            _ => hmac_tag::<Hmac<Sha512>>(secret, message),
        },
        Sig::Bytes(bytes) => bytes.clone(),
        Sig::Segment(segment) => return segment.clone(),
    };
    b64(&bytes)
}

fn hmac_tag<M: Mac + KeyInit>(secret: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <M as KeyInit>::new_from_slice(secret).expect("hmac key");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// A compact token from raw header and payload JSON text.
fn compact(header: &str, payload: &str, sig: &Sig<'_>) -> String {
    let signing_input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let signature = sign(sig, signing_input.as_bytes());
    format!("{signing_input}.{signature}")
}

fn header(alg: &str, kid: Option<&str>) -> Map<String, Value> {
    let mut h = Map::new();
    h.insert("alg".into(), json!(alg));
    if let Some(kid) = kid {
        h.insert("kid".into(), json!(kid));
    }
    h.insert("typ".into(), json!("JWT"));
    h
}

/// An ID token as authentik 2025.8 issues it from the token endpoint.
fn claims() -> Map<String, Value> {
    let v = json!({
        "iss": ISSUER, "sub": SUBJECT, "aud": CLIENT_ID,
        "exp": T0 + 3600, "iat": T0, "auth_time": T0 - 5,
        "acr": "goauthentik.io/providers/oauth2/default", "amr": ["pwd"],
        "nonce": NONCE,
        "sid": "e95b5f5c84287916855409c74d0040b9d920fa34f8ad9344ff74ef56d4bdf56c",
        "email": "alice@example.com", "email_verified": true,
        "name": "Alice Example", "given_name": "Alice Example",
        "preferred_username": "alice", "nickname": "alice",
        "groups": ["kestra-admins", "data-team"]
    });
    match v {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

fn token(h: &Map<String, Value>, c: &Map<String, Value>, sig: &Sig<'_>) -> String {
    compact(
        &Value::Object(h.clone()).to_string(),
        &Value::Object(c.clone()).to_string(),
        sig,
    )
}

fn with(mut c: Map<String, Value>, key: &str, value: Value) -> Map<String, Value> {
    c.insert(key.into(), value);
    c
}

fn without(mut c: Map<String, Value>, key: &str) -> Map<String, Value> {
    c.remove(key);
    c
}

fn half_hash_256(value: &str) -> String {
    use sha2::Digest;
    b64(&Sha256::digest(value.as_bytes())[..16])
}

fn half_hash_384(value: &str) -> String {
    use sha2::Digest;
    b64(&Sha384::digest(value.as_bytes())[..24])
}

fn ok() -> Value {
    json!({"ok": true, "sub": SUBJECT})
}

fn err(code: &str) -> Value {
    json!({"ok": false, "code": code})
}

fn claim_err(claim: &str, reason: &str) -> Value {
    json!({"ok": false, "code": "ERR_JWT_CLAIM_VALIDATION_FAILED", "claim": claim, "reason": reason})
}

fn expired() -> Value {
    json!({"ok": false, "code": "ERR_JWT_EXPIRED", "claim": "exp", "reason": "check_failed"})
}

struct Vectors {
    cases: Vec<Value>,
}

impl Vectors {
    fn add(&mut self, group: &str, name: &str, provider: &str, token: String, options: Value, expect: Value) {
        let mut opts = json!({"now": NOW});
        if let (Value::Object(base), Value::Object(extra)) = (&mut opts, options) {
            base.extend(extra);
        }
        self.cases.push(json!({
            "name": format!("{group}: {name}"), "provider": provider, "token": token, "options": opts, "expect": expect
        }));
    }
}

fn main() {
    let out_dir = std::env::args().nth(1).unwrap_or_else(|| "tests/vectors".into());
    let k = Keys::new();
    let secret = k.secret.as_bytes();
    let rsa_key = rsa_jwk(&k.rsa, Some("rsa-1"), Some("RS256"));
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

    let mut v = Vectors { cases: Vec::new() };
    let c = claims;
    let rs = Sig::Rs(&k.rsa, 256);
    let h_rsa = header("RS256", Some("rsa-1"));

    // Every algorithm, signed correctly.
    for (bits, ps) in [
        (256, false),
        (384, false),
        (512, false),
        (256, true),
        (384, true),
        (512, true),
    ] {
        let alg = format!("{}{bits}", if ps { "PS" } else { "RS" });
        let sig = if ps {
            Sig::Ps(&k.rsa, bits)
        } else {
            Sig::Rs(&k.rsa, bits)
        };
        v.add(
            "alg",
            &alg,
            "rsa-all",
            token(&header(&alg, Some("rsa-1")), &c(), &sig),
            json!({}),
            ok(),
        );
    }
    v.add(
        "alg",
        "RS256 (authentik's only RSA algorithm)",
        "rsa",
        token(&h_rsa, &c(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "ES256",
        "es256",
        token(&header("ES256", Some("ec-256")), &c(), &Sig::Es256(&k.p256)),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "ES384",
        "es384",
        token(&header("ES384", Some("ec-384")), &c(), &Sig::Es384(&k.p384)),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "ES512",
        "es512",
        token(&header("ES512", Some("ec-521")), &c(), &Sig::Es512(&k.p521)),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "EdDSA",
        "eddsa",
        token(&header("EdDSA", Some("ed-1")), &c(), &Sig::Ed(&k.ed25519)),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "HS256 keyed with the client secret",
        "hs256",
        token(&header("HS256", None), &c(), &Sig::Hs(secret, 256)),
        json!({}),
        ok(),
    );
    for bits in [256, 384, 512] {
        let alg = format!("HS{bits}");
        v.add(
            "alg",
            &alg,
            "hs-all",
            token(&header(&alg, None), &c(), &Sig::Hs(secret, bits)),
            json!({}),
            ok(),
        );
    }
    v.add(
        "alg",
        "RS256 via discovery",
        "rsa-discovery",
        token(&h_rsa, &c(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "alg",
        "RS384 outside the JWKS-derived allow-list",
        "rsa",
        token(&header("RS384", Some("rsa-1")), &c(), &Sig::Rs(&k.rsa, 384)),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "alg",
        "PS256 against a key pinned to RS256",
        "rsa-discovery",
        token(&header("PS256", Some("rsa-1")), &c(), &Sig::Ps(&k.rsa, 256)),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "alg",
        "HS256 when the provider signs with a key",
        "rsa",
        token(&header("HS256", None), &c(), &Sig::Hs(secret, 256)),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "alg",
        "HS384 not allowed by default",
        "hs256",
        token(&header("HS384", None), &c(), &Sig::Hs(secret, 384)),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "alg",
        "RS256 signed with the wrong key",
        "rsa",
        token(&h_rsa, &c(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "alg",
        "ES256 signed with the wrong key",
        "es256",
        token(&header("ES256", Some("ec-256")), &c(), &Sig::Es256(&k.p256_other)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "alg",
        "ES512 signed with a wrong signature",
        "es512",
        token(&header("ES512", Some("ec-521")), &c(), &Sig::Bytes(vec![1; 132])),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "alg",
        "HS256 with the wrong secret",
        "hs256",
        token(
            &header("HS256", None),
            &c(),
            &Sig::Hs(b"not-the-client-secret-but-long-enough-0123456789", 256),
        ),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );

    // Attack matrix, authentik-tokens.md §6.
    for (i, alg) in ["none", "None", "NONE", "nOnE"].iter().enumerate() {
        let t = compact(
            &format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
            &Value::Object(c()).to_string(),
            &Sig::Segment(String::new()),
        );
        v.add(
            "attack 1",
            &format!("alg {alg} with an empty signature ({i})"),
            "rsa",
            t,
            json!({}),
            err("ERR_JWS_INVALID"),
        );
        let t = compact(
            &format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
            &Value::Object(c()).to_string(),
            &Sig::Bytes(vec![0]),
        );
        v.add(
            "attack 1",
            &format!("alg {alg} with a signature"),
            "rsa",
            t,
            json!({}),
            err("ERR_JOSE_ALG_NOT_ALLOWED"),
        );
    }
    let public = k.rsa.to_public_key();
    let jwk_text = rsa_key.to_string();
    let n_bytes = public.n_bytes().to_vec();
    let pem_like = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(&n_bytes)
    );
    for (label, hmac_key) in [
        ("JWK JSON", jwk_text.as_bytes()),
        ("modulus bytes", &n_bytes[..]),
        ("PEM text", pem_like.as_bytes()),
    ] {
        let hs_header = header("HS256", Some("rsa-1"));
        v.add(
            "attack 2",
            &format!("HS256 keyed with the RSA public key ({label})"),
            "rsa",
            token(&hs_header, &c(), &Sig::Hs(hmac_key, 256)),
            json!({}),
            err("ERR_JOSE_ALG_NOT_ALLOWED"),
        );
        v.add(
            "attack 2",
            &format!("HS256 keyed with the RSA public key ({label}) where HS256 is allowed"),
            "rsa-and-hs256",
            token(&hs_header, &c(), &Sig::Hs(hmac_key, 256)),
            json!({}),
            err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
        );
    }
    v.add(
        "attack 3",
        "ES256 header against an RSA JWKS",
        "rsa",
        token(&header("ES256", Some("rsa-1")), &c(), &Sig::Es256(&k.p256)),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "attack 3",
        "ES256 allowed but the JWKS holds only RSA",
        "rsa-jwks-es256-allowed",
        token(&header("ES256", Some("rsa-1")), &c(), &Sig::Es256(&k.p256)),
        json!({}),
        err("ERR_JWKS_NO_MATCHING_KEY"),
    );
    v.add(
        "attack 3",
        "RS256 header against an EC JWKS",
        "es256",
        token(&header("RS256", Some("ec-256")), &c(), &rs),
        json!({}),
        err("ERR_JOSE_ALG_NOT_ALLOWED"),
    );
    v.add(
        "attack 4",
        "kid of key 1 on a token signed by key 2",
        "multi",
        token(&header("RS256", Some("k1")), &c(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "attack 4",
        "kid of key 2 on a token signed by key 1",
        "multi",
        token(&header("RS256", Some("k2")), &c(), &rs),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    for (label, kid) in [("path traversal", "../../x"), ("SQL", "' OR 1=1 --"), ("empty", "")] {
        v.add(
            "attack 5",
            &format!("kid {label}"),
            "rsa",
            token(&header("RS256", Some(kid)), &c(), &rs),
            json!({}),
            err("ERR_JWKS_NO_MATCHING_KEY"),
        );
    }
    let long_kid = "k".repeat(10_000);
    v.add(
        "attack 5",
        "kid of 10 KB",
        "rsa",
        token(&header("RS256", Some(&long_kid)), &c(), &rs),
        json!({}),
        err("ERR_KID_TOO_LONG"),
    );
    v.add(
        "attack 5",
        "kid a number",
        "rsa",
        token(&with(header("RS256", None), "kid", json!(7)), &c(), &rs),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let attacker_jwk = rsa_jwk(&k.rsa_other, Some("rsa-1"), Some("RS256"));
    for member in ["jku", "x5u"] {
        let h = with(h_rsa.clone(), member, json!("https://attacker.example/jwks.json"));
        v.add(
            "attack 6",
            &format!("{member} to an attacker key"),
            "rsa",
            token(&h, &c(), &Sig::Rs(&k.rsa_other, 256)),
            json!({}),
            err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
        );
    }
    let h = with(header("RS256", None), "jwk", attacker_jwk);
    v.add(
        "attack 6",
        "embedded attacker jwk",
        "rsa",
        token(&h, &c(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    let h = with(h_rsa.clone(), "x5c", json!(["MIIBattackercertificate"]));
    v.add(
        "attack 6",
        "x5c with an attacker certificate",
        "rsa",
        token(&h, &c(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    let h = with(h_rsa.clone(), "jku", json!("https://attacker.example/jwks.json"));
    v.add(
        "attack 6",
        "jku present but signed by our key: ignored",
        "rsa",
        token(&h, &c(), &rs),
        json!({}),
        ok(),
    );
    for (label, crit, expect) in [
        ("[\"exp\"]", json!(["exp"]), "ERR_JOSE_NOT_SUPPORTED"),
        ("[]", json!([]), "ERR_JWS_INVALID"),
        ("[\"foo\"]", json!(["foo"]), "ERR_JOSE_NOT_SUPPORTED"),
        ("[\"b64\"]", json!(["b64"]), "ERR_JOSE_NOT_SUPPORTED"),
        ("a string", json!("exp"), "ERR_JWS_INVALID"),
        ("[1]", json!([1]), "ERR_JWS_INVALID"),
    ] {
        v.add(
            "attack 7",
            &format!("crit {label}"),
            "rsa",
            token(&with(h_rsa.clone(), "crit", crit), &c(), &rs),
            json!({}),
            err(expect),
        );
    }
    let h_es = header("ES256", Some("ec-256"));
    let order = hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
    let good_es = {
        let signing_input = format!(
            "{}.{}",
            b64(Value::Object(h_es.clone()).to_string().as_bytes()),
            b64(Value::Object(c()).to_string().as_bytes())
        );
        use rsa::signature::Signer;
        let s: p256::ecdsa::Signature = k.p256.sign(signing_input.as_bytes());
        s.to_bytes().to_vec()
    };
    let (good_r, good_s) = good_es.split_at(32);
    for (label, bytes) in [
        ("r = s = 0 (CVE-2022-21449)", vec![0u8; 64]),
        ("r = 0", [vec![0u8; 32], good_s.to_vec()].concat()),
        ("s = 0", [good_r.to_vec(), vec![0u8; 32]].concat()),
        ("r = n", [order.clone(), good_s.to_vec()].concat()),
        ("s = n", [good_r.to_vec(), order.clone()].concat()),
        ("63 bytes", good_es[..63].to_vec()),
        ("65 bytes", [good_es.clone(), vec![0]].concat()),
        ("DER-encoded", der_signature(good_r, good_s)),
    ] {
        v.add(
            "attack 8",
            &format!("ES256 signature {label}"),
            "es256",
            token(&h_es, &c(), &Sig::Bytes(bytes)),
            json!({}),
            err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
        );
    }
    v.add(
        "attack 8",
        "ES384 signature r = s = 0",
        "es384",
        token(&header("ES384", Some("ec-384")), &c(), &Sig::Bytes(vec![0; 96])),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "attack 8",
        "ES512 signature r = s = 0",
        "es512",
        token(&header("ES512", Some("ec-521")), &c(), &Sig::Bytes(vec![0; 132])),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "attack 8",
        "ES512 signature of ES256 length",
        "es512",
        token(&header("ES512", Some("ec-521")), &c(), &Sig::Bytes(good_es.clone())),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    let p = h_rsa.clone();
    let payload_text = Value::Object(c()).to_string();
    let dup_payload = |member: &str, value: &str| payload_text.replacen('{', &format!("{{\"{member}\":{value},"), 1);
    let with_nbf_text = Value::Object(with(c(), "nbf", json!(T0))).to_string();
    for (member, value) in [
        ("exp", "1"),
        ("iss", "\"https://evil.example/\""),
        ("aud", "\"evil\""),
        ("sub", "\"admin\""),
        ("nbf", "1"),
    ] {
        let payload = if member == "nbf" {
            with_nbf_text.replacen('{', &format!("{{\"{member}\":{value},"), 1)
        } else {
            dup_payload(member, value)
        };
        let t = compact(&Value::Object(p.clone()).to_string(), &payload, &rs);
        v.add(
            "attack 11",
            &format!("duplicate {member} in the payload"),
            "rsa",
            t,
            json!({}),
            err("ERR_JWT_INVALID"),
        );
    }
    let t = compact(
        r#"{"alg":"HS256","alg":"RS256","kid":"rsa-1","typ":"JWT"}"#,
        &payload_text,
        &rs,
    );
    v.add(
        "attack 11",
        "duplicate alg in the header",
        "rsa",
        t,
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let t = compact(
        &Value::Object(p.clone()).to_string(),
        &dup_payload("nonce", "\"other\""),
        &rs,
    );
    v.add(
        "attack 12",
        "duplicate nonce in the payload",
        "rsa",
        t,
        json!({"nonce": NONCE}),
        err("ERR_JWT_INVALID"),
    );
    let t = compact(
        &Value::Object(p.clone()).to_string(),
        &payload_text.replacen("\"groups\":[", "\"groups\":[{\"a\":1,\"a\":2},", 1),
        &rs,
    );
    v.add(
        "attack 12",
        "duplicate member nested in a claim",
        "rsa",
        t,
        json!({}),
        err("ERR_JWT_INVALID"),
    );
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
            token(&h_rsa, &with(c(), "exp", value), &rs),
            json!({}),
            claim_err("exp", "invalid"),
        );
    }
    v.add(
        "attack 14",
        "exp fractional, not yet passed",
        "rsa",
        token(&h_rsa, &with(c(), "exp", json!(NOW as f64 + 0.7)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 14",
        "exp fractional, passed",
        "rsa",
        token(&h_rsa, &with(c(), "exp", json!(NOW as f64 - 0.3)), &rs),
        json!({}),
        expired(),
    );
    v.add(
        "attack 15",
        "exp 2^53 - 1 (lifetime bound)",
        "rsa",
        token(&h_rsa, &with(c(), "exp", json!(9_007_199_254_740_991u64)), &rs),
        json!({}),
        claim_err("exp", "lifetime_exceeded"),
    );
    v.add(
        "attack 15",
        "exp one second past the default 1-day lifetime",
        "rsa",
        token(&h_rsa, &with(c(), "exp", json!(T0 + 86_401)), &rs),
        json!({}),
        claim_err("exp", "lifetime_exceeded"),
    );
    v.add(
        "attack 15",
        "exp exactly the default 1-day lifetime",
        "rsa",
        token(&h_rsa, &with(c(), "exp", json!(T0 + 86_400)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 16",
        "iss as an array holding the issuer",
        "rsa",
        token(&h_rsa, &with(c(), "iss", json!(["https://evil.example/", ISSUER])), &rs),
        json!({}),
        claim_err("iss", "invalid"),
    );
    v.add(
        "attack 17",
        "aud with an extra untrusted audience",
        "rsa",
        token(
            &h_rsa,
            &with(with(c(), "aud", json!([CLIENT_ID, "other"])), "azp", json!(CLIENT_ID)),
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
                with(c(), "aud", json!([CLIENT_ID, "kestra-api"])),
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
        token(&h_rsa, &with(c(), "aud", json!([CLIENT_ID, "kestra-api"])), &rs),
        json!({}),
        claim_err("azp", "missing"),
    );
    v.add(
        "attack 18",
        "aud missing",
        "rsa",
        token(&h_rsa, &without(c(), "aud"), &rs),
        json!({}),
        claim_err("aud", "missing"),
    );
    v.add(
        "attack 18",
        "aud another client",
        "rsa",
        token(&h_rsa, &with(c(), "aud", json!("other-client")), &rs),
        json!({}),
        claim_err("aud", "check_failed"),
    );
    v.add(
        "attack 18",
        "aud an empty array",
        "rsa",
        token(&h_rsa, &with(c(), "aud", json!([])), &rs),
        json!({}),
        claim_err("aud", "check_failed"),
    );
    v.add(
        "attack 18",
        "aud a number",
        "rsa",
        token(&h_rsa, &with(c(), "aud", json!(1)), &rs),
        json!({}),
        claim_err("aud", "invalid"),
    );
    v.add(
        "attack 19",
        "iat missing",
        "rsa",
        token(&h_rsa, &without(c(), "iat"), &rs),
        json!({}),
        claim_err("iat", "missing"),
    );
    v.add(
        "attack 19",
        "iat one second in the future",
        "rsa",
        token(&h_rsa, &with(c(), "iat", json!(NOW + 1)), &rs),
        json!({}),
        claim_err("iat", "in_the_future"),
    );
    v.add(
        "attack 19",
        "iat equal to now",
        "rsa",
        token(&h_rsa, &with(c(), "iat", json!(NOW)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 19",
        "iat ancient, exp far (lifetime bound)",
        "rsa",
        token(&h_rsa, &with(c(), "iat", json!(1)), &rs),
        json!({}),
        claim_err("exp", "lifetime_exceeded"),
    );
    v.add(
        "attack 19",
        "iat 20 s ahead within a 30 s tolerance",
        "tolerance-30",
        token(&h_rsa, &with(c(), "iat", json!(NOW + 20)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 20",
        "nbf in the future",
        "rsa",
        token(&h_rsa, &with(c(), "nbf", json!(NOW + 1)), &rs),
        json!({}),
        claim_err("nbf", "check_failed"),
    );
    v.add(
        "attack 20",
        "nbf now",
        "rsa",
        token(&h_rsa, &with(c(), "nbf", json!(NOW)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 21",
        "nonce expected, claim missing",
        "rsa",
        token(&h_rsa, &without(c(), "nonce"), &rs),
        json!({"nonce": NONCE}),
        claim_err("nonce", "missing"),
    );
    v.add(
        "attack 21",
        "nonce expected, claim different",
        "rsa",
        token(&h_rsa, &with(c(), "nonce", json!("replayed")), &rs),
        json!({"nonce": NONCE}),
        claim_err("nonce", "check_failed"),
    );
    v.add(
        "attack 21",
        "nonce differs by case",
        "rsa",
        token(&h_rsa, &with(c(), "nonce", json!(NONCE.to_lowercase())), &rs),
        json!({"nonce": NONCE}),
        claim_err("nonce", "check_failed"),
    );
    v.add(
        "attack 21",
        "nonce a number",
        "rsa",
        token(&h_rsa, &with(c(), "nonce", json!(1)), &rs),
        json!({"nonce": NONCE}),
        claim_err("nonce", "invalid"),
    );
    v.add(
        "attack 21",
        "nonce matches",
        "rsa",
        token(&h_rsa, &c(), &rs),
        json!({"nonce": NONCE}),
        ok(),
    );
    v.add(
        "attack 22",
        "auth_time older than max_age",
        "rsa",
        token(&h_rsa, &c(), &rs),
        json!({"maxAge": 60}),
        claim_err("auth_time", "auth_time_too_old"),
    );
    v.add(
        "attack 22",
        "auth_time within max_age",
        "rsa",
        token(&h_rsa, &c(), &rs),
        json!({"maxAge": 65}),
        ok(),
    );
    v.add(
        "attack 22",
        "max_age without auth_time",
        "rsa",
        token(&h_rsa, &without(c(), "auth_time"), &rs),
        json!({"maxAge": 600}),
        claim_err("auth_time", "missing"),
    );
    v.add(
        "attack 22",
        "auth_time after iat",
        "rsa",
        token(&h_rsa, &with(c(), "auth_time", json!(T0 + 1)), &rs),
        json!({}),
        claim_err("auth_time", "in_the_future"),
    );
    let at_hash = half_hash_256(ACCESS_TOKEN);
    let c_hash = half_hash_256(CODE);
    v.add(
        "attack 23",
        "at_hash matches",
        "rsa",
        token(&h_rsa, &with(c(), "at_hash", json!(at_hash)), &rs),
        json!({"accessToken": ACCESS_TOKEN}),
        ok(),
    );
    v.add(
        "attack 23",
        "at_hash of another access token",
        "rsa",
        token(&h_rsa, &with(c(), "at_hash", json!(at_hash)), &rs),
        json!({"accessToken": "another"}),
        claim_err("at_hash", "check_failed"),
    );
    v.add(
        "attack 23",
        "at_hash absent (token endpoint)",
        "rsa",
        token(&h_rsa, &c(), &rs),
        json!({"accessToken": ACCESS_TOKEN}),
        ok(),
    );
    v.add(
        "attack 23",
        "c_hash matches",
        "rsa",
        token(&h_rsa, &with(c(), "c_hash", json!(c_hash)), &rs),
        json!({"code": CODE}),
        ok(),
    );
    v.add(
        "attack 23",
        "c_hash mismatch",
        "rsa",
        token(&h_rsa, &with(c(), "c_hash", json!(half_hash_256("other"))), &rs),
        json!({"code": CODE}),
        claim_err("c_hash", "check_failed"),
    );
    v.add(
        "attack 23",
        "c_hash missing with a code",
        "rsa",
        token(&h_rsa, &c(), &rs),
        json!({"code": CODE}),
        claim_err("c_hash", "missing"),
    );
    let h384 = header("ES384", Some("ec-384"));
    v.add(
        "attack 23",
        "ES384 with authentik's SHA-256 at_hash",
        "es384",
        token(&h384, &with(c(), "at_hash", json!(at_hash)), &Sig::Es384(&k.p384)),
        json!({"accessToken": ACCESS_TOKEN}),
        ok(),
    );
    v.add(
        "attack 23",
        "ES384 with the spec's SHA-384 at_hash",
        "es384",
        token(
            &h384,
            &with(c(), "at_hash", json!(half_hash_384(ACCESS_TOKEN))),
            &Sig::Es384(&k.p384),
        ),
        json!({"accessToken": ACCESS_TOKEN}),
        ok(),
    );
    v.add(
        "attack 23",
        "RS256 with a SHA-384 at_hash",
        "rsa",
        token(&h_rsa, &with(c(), "at_hash", json!(half_hash_384(ACCESS_TOKEN))), &rs),
        json!({"accessToken": ACCESS_TOKEN}),
        claim_err("at_hash", "check_failed"),
    );
    let access = with(
        with(c(), "azp", json!(CLIENT_ID)),
        "uid",
        json!("3igzUsim6CVjCXldKkiz3mZlrdGgzZfKCwGKdUre"),
    );
    v.add(
        "attack 24",
        "authentik access token as ID token",
        "rsa",
        token(&h_rsa, &access, &rs),
        json!({}),
        claim_err("azp", "access_token"),
    );
    v.add(
        "attack 24",
        "access token with scope",
        "rsa",
        token(
            &h_rsa,
            &with(with(c(), "azp", json!(CLIENT_ID)), "scope", json!("openid")),
            &rs,
        ),
        json!({}),
        claim_err("azp", "access_token"),
    );
    v.add(
        "attack 24",
        "azp of another client",
        "rsa",
        token(&h_rsa, &with(c(), "azp", json!("other")), &rs),
        json!({}),
        claim_err("azp", "check_failed"),
    );
    v.add(
        "attack 24",
        "azp equal to the client id",
        "rsa",
        token(&h_rsa, &with(c(), "azp", json!(CLIENT_ID)), &rs),
        json!({}),
        ok(),
    );
    let logout = with(
        without(c(), "nonce"),
        "events",
        json!({"http://schemas.openid.net/event/backchannel-logout": {}}),
    );
    v.add(
        "attack 24",
        "logout token typ logout+jwt",
        "rsa",
        token(&with(h_rsa.clone(), "typ", json!("logout+jwt")), &logout, &rs),
        json!({}),
        claim_err("typ", "check_failed"),
    );
    v.add(
        "attack 24",
        "logout token events with typ JWT",
        "rsa",
        token(&h_rsa, &logout, &rs),
        json!({}),
        claim_err("events", "logout_token"),
    );
    v.add(
        "attack 24",
        "typ at+jwt",
        "rsa",
        token(&with(h_rsa.clone(), "typ", json!("at+jwt")), &c(), &rs),
        json!({}),
        claim_err("typ", "check_failed"),
    );
    v.add(
        "attack 24",
        "typ jwt in lower case",
        "rsa",
        token(&with(h_rsa.clone(), "typ", json!("jwt")), &c(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 24",
        "typ absent",
        "rsa",
        token(
            &header("RS256", Some("rsa-1"))
                .into_iter()
                .filter(|(k, _)| k != "typ")
                .collect(),
            &c(),
            &rs,
        ),
        json!({}),
        ok(),
    );
    let good = token(&h_rsa, &c(), &rs);
    let (signing_input, signature) = good.rsplit_once('.').unwrap();
    v.add(
        "attack 25",
        "signature with = padding",
        "rsa",
        format!("{signing_input}.{signature}=="),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let std_sig = STANDARD
        .encode(URL_SAFE_NO_PAD.decode(signature).unwrap())
        .trim_end_matches('=')
        .to_owned();
    let plus_slash = if std_sig.contains(['+', '/']) {
        std_sig
    } else {
        format!("{}+/", &signature[..signature.len() - 2])
    };
    v.add(
        "attack 25",
        "signature with + and /",
        "rsa",
        format!("{signing_input}.{plus_slash}"),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let mut tweaked = signature.to_owned();
    let last = tweaked.pop().unwrap();
    // 256 bytes = 342 characters, the last holding 4 bits: bump the low unused bits.
    let bumped = URL_SAFE_ALPHABET
        .chars()
        .nth(URL_SAFE_ALPHABET.find(last).unwrap() + 1)
        .unwrap();
    tweaked.push(bumped);
    v.add(
        "attack 25",
        "signature with non-canonical trailing bits",
        "rsa",
        format!("{signing_input}.{tweaked}"),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 25",
        "whitespace in a segment",
        "rsa",
        format!("{signing_input}.{} ", signature),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let header_padded = format!(
        "{}=.{}",
        &signing_input[..signing_input.find('.').unwrap()],
        &good[good.find('.').unwrap() + 1..]
    );
    v.add(
        "attack 25",
        "header with = padding",
        "rsa",
        header_padded,
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 26",
        "two segments",
        "rsa",
        signing_input.to_owned(),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 26",
        "four segments",
        "rsa",
        format!("{good}.x"),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 26",
        "empty payload segment",
        "rsa",
        format!("{}..{signature}", &signing_input[..signing_input.find('.').unwrap()]),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 26",
        "empty string",
        "rsa",
        String::new(),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    let jwe_header = b64(br#"{"alg":"RSA-OAEP-256","enc":"A256CBC-HS512","typ":"JWE","kid":"enc-1"}"#);
    v.add(
        "attack 26",
        "five segments (JWE)",
        "rsa",
        format!("{jwe_header}.AAAA.BBBB.CCCC.DDDD"),
        json!({}),
        err("ERR_JOSE_NOT_SUPPORTED"),
    );
    v.add(
        "attack 27",
        "header an array",
        "rsa",
        compact("[\"RS256\"]", &payload_text, &rs),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 27",
        "header not JSON",
        "rsa",
        compact("{alg:RS256}", &payload_text, &rs),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 27",
        "alg a number",
        "rsa",
        token(&with(h_rsa.clone(), "alg", json!(256)), &c(), &rs),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 27",
        "alg missing",
        "rsa",
        token(&without(h_rsa.clone(), "alg"), &c(), &rs),
        json!({}),
        err("ERR_JWS_INVALID"),
    );
    v.add(
        "attack 27",
        "alg unknown (RS1)",
        "rsa",
        token(&with(h_rsa.clone(), "alg", json!("RS1")), &c(), &rs),
        json!({}),
        err("ERR_JOSE_NOT_SUPPORTED"),
    );
    v.add(
        "attack 27",
        "unknown non-string header member",
        "rsa",
        token(&with(h_rsa.clone(), "x", json!(1)), &c(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 27",
        "payload an array",
        "rsa",
        compact(&Value::Object(h_rsa.clone()).to_string(), "[1,2]", &rs),
        json!({}),
        err("ERR_JWT_INVALID"),
    );
    v.add(
        "attack 27",
        "payload not JSON",
        "rsa",
        compact(&Value::Object(h_rsa.clone()).to_string(), "not json", &rs),
        json!({}),
        err("ERR_JWT_INVALID"),
    );
    v.add(
        "attack 27",
        "payload not UTF-8",
        "rsa",
        {
            let signing_input = format!(
                "{}.{}",
                b64(Value::Object(h_rsa.clone()).to_string().as_bytes()),
                b64(&[0xff, 0xfe, 0x7b])
            );
            format!("{signing_input}.{}", sign(&rs, signing_input.as_bytes()))
        },
        json!({}),
        err("ERR_JWT_INVALID"),
    );
    let big = with(c(), "padding", json!("x".repeat(70_000)));
    v.add(
        "attack 28",
        "token over 64 KiB",
        "rsa",
        token(&h_rsa, &big, &rs),
        json!({}),
        err("ERR_TOKEN_TOO_LARGE"),
    );
    let deep = payload_text.replacen('{', &format!("{{\"deep\":{}{},", "[".repeat(500), "]".repeat(500)), 1);
    v.add(
        "attack 28",
        "payload nested 500 deep",
        "rsa",
        compact(&Value::Object(h_rsa.clone()).to_string(), &deep, &rs),
        json!({}),
        err("ERR_JWT_INVALID"),
    );
    v.add(
        "attack 29",
        "HS256 from a provider whose JWKS is {}",
        "hs256",
        token(&header("HS256", None), &c(), &Sig::Hs(secret, 256)),
        json!({}),
        ok(),
    );
    v.add(
        "attack 30",
        "enc key shares the kid: the sig key is used",
        "multi",
        token(&header("RS256", Some("k1")), &c(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 30",
        "second key by kid",
        "multi",
        token(&header("RS256", Some("k2")), &c(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        ok(),
    );
    v.add(
        "check 9",
        "key_ops verify is used, key_ops sign is skipped",
        "key-ops",
        token(&h_rsa, &c(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "check 9",
        "a token signed by the sign-only key",
        "key-ops",
        token(&h_rsa, &c(), &Sig::Rs(&k.rsa_other, 256)),
        json!({}),
        err("ERR_JWS_SIGNATURE_VERIFICATION_FAILED"),
    );
    v.add(
        "attack 30",
        "unknown kid",
        "multi",
        token(&header("RS256", Some("k3")), &c(), &rs),
        json!({}),
        err("ERR_JWKS_NO_MATCHING_KEY"),
    );
    v.add(
        "attack 30",
        "no kid, two keys fit",
        "two-without-kid",
        token(&header("RS256", None), &c(), &rs),
        json!({}),
        err("ERR_JWKS_MULTIPLE_MATCHING_KEYS"),
    );
    v.add(
        "attack 30",
        "no kid, one key fits",
        "one-without-kid",
        token(&header("RS256", None), &c(), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "attack 30",
        "no kid, several keys by kid",
        "multi",
        token(&header("RS256", None), &c(), &rs),
        json!({}),
        err("ERR_JWKS_MULTIPLE_MATCHING_KEYS"),
    );
    v.add(
        "attack 31",
        "ES512 from a P-521 authentik key",
        "es512",
        token(&header("ES512", Some("ec-521")), &c(), &Sig::Es512(&k.p521)),
        json!({"nonce": NONCE}),
        ok(),
    );

    // Checklist, authentik-tokens.md §5.
    v.add(
        "check 12",
        "issuer without the trailing slash",
        "rsa",
        token(&h_rsa, &with(c(), "iss", json!(ISSUER.trim_end_matches('/'))), &rs),
        json!({}),
        claim_err("iss", "check_failed"),
    );
    v.add(
        "check 12",
        "issuer with a second trailing slash",
        "rsa",
        token(&h_rsa, &with(c(), "iss", json!(format!("{ISSUER}/"))), &rs),
        json!({}),
        claim_err("iss", "check_failed"),
    );
    v.add(
        "check 12",
        "issuer in upper case",
        "rsa",
        token(&h_rsa, &with(c(), "iss", json!(ISSUER.to_uppercase())), &rs),
        json!({}),
        claim_err("iss", "check_failed"),
    );
    v.add(
        "check 12",
        "issuer missing",
        "rsa",
        token(&h_rsa, &without(c(), "iss"), &rs),
        json!({}),
        claim_err("iss", "missing"),
    );
    v.add(
        "check 15",
        "expired by one second",
        "rsa",
        token(&h_rsa, &with(c(), "exp", json!(NOW - 1)), &rs),
        json!({}),
        expired(),
    );
    v.add(
        "check 15",
        "expires exactly now",
        "rsa",
        token(&h_rsa, &with(c(), "exp", json!(NOW)), &rs),
        json!({}),
        expired(),
    );
    v.add(
        "check 15",
        "expires in one second",
        "rsa",
        token(&h_rsa, &with(c(), "exp", json!(NOW + 1)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "check 15",
        "expired 20 s ago within a 30 s tolerance",
        "tolerance-30",
        token(&h_rsa, &with(c(), "exp", json!(NOW - 20)), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "check 15",
        "expired 30 s ago with a 30 s tolerance",
        "tolerance-30",
        token(&h_rsa, &with(c(), "exp", json!(NOW - 30)), &rs),
        json!({}),
        expired(),
    );
    v.add(
        "check 15",
        "exp missing",
        "rsa",
        token(&h_rsa, &without(c(), "exp"), &rs),
        json!({}),
        claim_err("exp", "missing"),
    );
    v.add(
        "check 23",
        "sub empty",
        "rsa",
        token(&h_rsa, &with(c(), "sub", json!("")), &rs),
        json!({}),
        claim_err("sub", "invalid"),
    );
    v.add(
        "check 23",
        "sub missing",
        "rsa",
        token(&h_rsa, &without(c(), "sub"), &rs),
        json!({}),
        claim_err("sub", "missing"),
    );
    v.add(
        "check 23",
        "sub a number",
        "rsa",
        token(&h_rsa, &with(c(), "sub", json!(42)), &rs),
        json!({}),
        claim_err("sub", "invalid"),
    );
    v.add(
        "check 24",
        "groups holds a number",
        "rsa",
        token(&h_rsa, &with(c(), "groups", json!(["a", 1])), &rs),
        json!({}),
        claim_err("groups", "invalid"),
    );
    v.add(
        "check 24",
        "email not a string",
        "rsa",
        token(&h_rsa, &with(c(), "email", json!(["a@b"])), &rs),
        json!({}),
        claim_err("email", "invalid"),
    );
    v.add(
        "check 24",
        "email_verified the string true",
        "rsa",
        token(&h_rsa, &with(c(), "email_verified", json!("true")), &rs),
        json!({}),
        ok(),
    );
    v.add(
        "check 24",
        "minimal token (iss sub aud exp iat only)",
        "rsa",
        token(
            &h_rsa,
            &c().into_iter()
                .filter(|(k, _)| ["iss", "sub", "aud", "exp", "iat"].contains(&k.as_str()))
                .collect(),
            &rs,
        ),
        json!({}),
        ok(),
    );
    v.add(
        "options",
        "now negative",
        "rsa",
        good.clone(),
        json!({"now": -1}),
        json!({"ok": false, "code": "ERR_OPTION_INVALID"}),
    );
    v.add(
        "options",
        "unknown option",
        "rsa",
        good.clone(),
        json!({"nonse": NONCE}),
        json!({"ok": false, "code": "ERR_OPTION_INVALID"}),
    );

    // Set-up cases: building an authorizer from options.
    let mut setup = Vec::new();
    let mut add_setup = |name: &str, options: Value, expect: Value| {
        setup.push(json!({"name": name, "options": options, "expect": expect}));
    };
    let with_jwks = |jwks: String| json!({"issuer": ISSUER, "clientId": CLIENT_ID, "jwks": jwks});
    let ok_setup = json!({"ok": true});
    // Configuration and policy read as Kestra reads them; what cannot be read is an error.
    let with_config = |yaml: &str, extra: Value| {
        let mut o = json!({"issuer": ISSUER, "clientId": CLIENT_ID, "jwks": "{}", "kestraConfig": yaml,
            "clientSecret": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"});
        if let (Value::Object(o), Value::Object(e)) = (&mut o, extra) {
            o.extend(e);
        }
        o
    };
    let restricted =
        "kestra.security.defaultRole:\n  name: v\n  tenant-id: ${KESTRA_TENANT}\n  permissions:\n    FLOW: [READ]\n";
    add_setup(
        "config: an unresolved placeholder in tenant-id is an error",
        with_config(restricted, json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    add_setup(
        "config: a placeholder's default resolves it",
        with_config(
            "kestra.security.defaultRole:\n  name: v\n  tenant-id: ${KESTRA_TENANT:main}\n  permissions:\n    FLOW: [READ]\n",
            json!({}),
        ),
        ok_setup.clone(),
    );
    add_setup(
        "config: an unresolved placeholder in groups-claim-path is an error",
        with_config("kestra.security.oidc.groups-claim-path: ${GROUPS}\n", json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    add_setup(
        "config: an unresolved client secret is only a finding",
        with_config(
            "micronaut.security.oauth2.clients.authentik.client-secret: ${SECRET}\n",
            json!({}),
        ),
        ok_setup.clone(),
    );
    add_setup(
        "config: a merge key naming a scalar is an error",
        with_config("a: &a x\nkestra.security.defaultRole:\n  <<: *a\n", json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    add_setup(
        "config: an unknown tag is an error",
        with_config("kestra.security.defaultRole:\n  tenant-id: !env main\n", json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    add_setup(
        "config: a scalar defaultRole is an error",
        with_config("kestra.security.defaultRole: admin\n", json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    let mut chain = String::from("a0: &a0 [x]\n");
    for i in 1..80 {
        chain.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    add_setup(
        "config: chained aliases deeper than 64 levels expanded are an error",
        with_config(&chain, json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    let policy_setup = |policy: Value| with_config("", json!({"policy": policy}));
    add_setup(
        "policy: an empty namespaceId is an error, not tenant-wide",
        policy_setup(json!({"roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
            "users": [{"id": "u", "username": "a@example.com"}],
            "bindings": [{"type": "USER", "externalId": "u", "roleId": "r", "namespaceId": "", "namespace": "company"}]})),
        err("ERR_POLICY_INVALID"),
    );
    add_setup(
        "policy: two isDefault roles in a tenant are an error",
        policy_setup(json!({"roles": [
            {"id": "a", "isDefault": true, "permissions": {"FLOW": ["VIEW"]}},
            {"id": "b", "isDefault": true, "permissions": {"FLOW": ["VIEW"]}}]})),
        err("ERR_POLICY_INVALID"),
    );
    add_setup(
        "config: a plain tenant-id SnakeYAML reads as a number is an error",
        with_config("kestra.security.defaultRole:\n  name: v\n  tenant-id: 1e3\n", json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    add_setup(
        "config: an alias of a plain << is a merge key",
        with_config(
            "kestra:\n  ee:\n    &m <<: {}\n  security:\n    default-role:\n      name: v\n      *m : {tenant-id: ${T}}\n",
            json!({}),
        ),
        err("ERR_CONFIG_INVALID"),
    );
    add_setup(
        "policy: one user id with two usernames is an error",
        policy_setup(
            json!({"tenants": {"a": {"users": [{"id": "u1", "username": "a@example.com"}]},
            "b": {"users": [{"id": "u1", "username": "b@example.com"}]}}}),
        ),
        err("ERR_POLICY_INVALID"),
    );
    add_setup(
        "policy: one username for two user ids is an error",
        policy_setup(
            json!({"users": [{"id": "u1", "username": "a@example.com"}, {"id": "u2", "username": "a@example.com"}]}),
        ),
        err("ERR_POLICY_INVALID"),
    );
    add_setup(
        "RSA-2048 key",
        with_jwks(json!({"keys": [rsa_key.clone()]}).to_string()),
        ok_setup.clone(),
    );
    add_setup(
        "RSA-1024 key refused",
        with_jwks(json!({"keys": [rsa_jwk(&k.rsa_1024, Some("w"), None)]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut e1 = rsa_key.clone();
    e1["e"] = json!("AQ");
    add_setup(
        "RSA exponent 1 refused",
        with_jwks(json!({"keys": [e1]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut e2 = rsa_key.clone();
    e2["e"] = json!("AAE");
    add_setup(
        "RSA exponent with leading zero is 1, refused",
        with_jwks(json!({"keys": [e2]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut even = rsa_key.clone();
    even["e"] = json!("AQAA");
    add_setup(
        "RSA even exponent refused",
        with_jwks(json!({"keys": [even]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    add_setup(
        "oct key in a JWKS refused",
        with_jwks(json!({"keys": [{"kty": "oct", "k": b64(secret)}]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut private = rsa_key.clone();
    private["d"] = json!("AQAB");
    add_setup(
        "private key material refused",
        with_jwks(json!({"keys": [private]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut off_curve = p256_jwk(&k.p256, "ec-256");
    off_curve["y"] = off_curve["x"].clone();
    add_setup(
        "EC point not on P-256",
        with_jwks(json!({"keys": [off_curve]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut p384_as_256 = ec_jwk(p384_sec1.as_bytes(), "P-384", "x", "ES256");
    p384_as_256["crv"] = json!("P-256");
    add_setup(
        "P-384 point labelled P-256",
        with_jwks(json!({"keys": [p384_as_256]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut short_x = p256_jwk(&k.p256, "ec-256");
    let x = URL_SAFE_NO_PAD.decode(short_x["x"].as_str().unwrap()).unwrap();
    short_x["x"] = json!(b64(&x[1..]));
    add_setup(
        "EC x of 31 bytes",
        with_jwks(json!({"keys": [short_x]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    add_setup(
        "Ed25519 x of 31 bytes (panics jsonwebtoken)",
        with_jwks(json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": b64(&ed_x[1..])}]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut rsa_as_es = rsa_key.clone();
    rsa_as_es["alg"] = json!("ES256");
    add_setup(
        "RSA key labelled ES256",
        with_jwks(json!({"keys": [rsa_as_es]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    let mut long_kid_key = rsa_key.clone();
    long_kid_key["kid"] = json!("k".repeat(300));
    add_setup(
        "JWKS kid over 256 bytes",
        with_jwks(json!({"keys": [long_kid_key]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    add_setup(
        "authentik's {} JWKS without a client secret",
        with_jwks("{}".into()),
        err("ERR_CONFIG_INVALID"),
    );
    let mut hs_ok = with_jwks("{}".into());
    hs_ok["clientSecret"] = json!(k.secret);
    add_setup("authentik's {} JWKS with the client secret", hs_ok, ok_setup.clone());
    let mut hs_short = with_jwks("{}".into());
    hs_short["clientSecret"] = json!("short-secret");
    add_setup(
        "client secret under 32 bytes for HS256",
        hs_short,
        err("ERR_CONFIG_INVALID"),
    );
    add_setup(
        "only an encryption key",
        with_jwks(json!({"keys": [enc_entry_of(&k)]}).to_string()),
        err("ERR_CONFIG_INVALID"),
    );
    let mut encrypt_only = rsa_key.clone();
    encrypt_only["key_ops"] = json!(["encrypt"]);
    add_setup(
        "only a key whose key_ops exclude verify",
        with_jwks(json!({"keys": [encrypt_only]}).to_string()),
        err("ERR_CONFIG_INVALID"),
    );
    let mut bad_ops = rsa_key.clone();
    bad_ops["key_ops"] = json!("verify");
    add_setup(
        "key_ops not an array",
        with_jwks(json!({"keys": [bad_ops]}).to_string()),
        err("ERR_JWKS_INVALID"),
    );
    add_setup(
        "only an unknown key type",
        with_jwks(json!({"keys": [{"kty": "AKP", "alg": "ML-DSA-44", "pub": "AAAA"}]}).to_string()),
        err("ERR_CONFIG_INVALID"),
    );
    add_setup(
        "keys not an array",
        with_jwks(r#"{"keys":"x"}"#.into()),
        err("ERR_JWKS_INVALID"),
    );
    add_setup(
        "keys missing",
        with_jwks(r#"{"foo":1}"#.into()),
        err("ERR_JWKS_INVALID"),
    );
    add_setup(
        "duplicate keys member",
        with_jwks(r#"{"keys":[],"keys":[]}"#.into()),
        err("ERR_JWKS_INVALID"),
    );
    add_setup("JWKS not JSON", with_jwks("<html>".into()), err("ERR_JWKS_INVALID"));
    add_setup("JWKS an array", with_jwks("[]".into()), err("ERR_JWKS_INVALID"));
    let many: Vec<Value> = (0..65).map(|i| rsa_jwk(&k.rsa, Some(&format!("k{i}")), None)).collect();
    add_setup(
        "65 keys",
        with_jwks(json!({"keys": many}).to_string()),
        err("ERR_JWKS_TOO_MANY_KEYS"),
    );
    let mut disc_slash = json!({"clientId": CLIENT_ID, "issuer": ISSUER, "jwks": {"keys": [rsa_key.clone()]}});
    disc_slash["discovery"] =
        json!({"issuer": ISSUER.trim_end_matches('/'), "id_token_signing_alg_values_supported": ["RS256"]});
    add_setup(
        "discovery issuer without the trailing slash",
        disc_slash,
        err("ERR_DISCOVERY_INVALID"),
    );
    let mut disc_none = json!({"clientId": CLIENT_ID, "issuer": ISSUER, "jwks": {"keys": [rsa_key.clone()]}});
    disc_none["discovery"] = json!({"issuer": ISSUER, "id_token_signing_alg_values_supported": ["none"]});
    add_setup("discovery allowing only none", disc_none, err("ERR_CONFIG_INVALID"));
    let mut alg_none = json!({"clientId": CLIENT_ID, "issuer": ISSUER, "jwks": {"keys": [rsa_key.clone()]}});
    alg_none["algorithms"] = json!(["none"]);
    add_setup("algorithms option naming none", alg_none, err("ERR_OPTION_INVALID"));
    let mut tolerance = json!({"clientId": CLIENT_ID, "issuer": ISSUER, "jwks": {"keys": [rsa_key.clone()]}});
    tolerance["clockTolerance"] = 301.into();
    add_setup("clock tolerance over 300 s", tolerance, err("ERR_OPTION_INVALID"));
    add_setup(
        "no issuer",
        json!({"clientId": CLIENT_ID, "jwks": {"keys": [rsa_key.clone()]}}),
        err("ERR_OPTION_INVALID"),
    );
    add_setup(
        "unknown option",
        json!({"issuer": ISSUER, "clientId": CLIENT_ID, "jwks": {"keys": [rsa_key.clone()]}, "audience": "x"}),
        err("ERR_OPTION_INVALID"),
    );
    add_setup(
        "Kestra YAML names issuer and client",
        json!({"kestraConfig": format!("micronaut:\n  security:\n    oauth2:\n      clients:\n        authentik:\n          client-id: {CLIENT_ID}\n          openid:\n            issuer: {ISSUER}\n"), "jwks": {"keys": [rsa_key.clone()]}}),
        ok_setup.clone(),
    );

    let document = json!({
        "about": "Generated by tools/vectorgen from test-only keys and fixed seeds; do not edit by hand. Each case's options and the providers' options are the JS API's own (camelCase); `now` is seconds since the epoch.",
        "providers": providers,
        "cases": v.cases,
        "setup": setup,
    });
    std::fs::create_dir_all(&out_dir).expect("out dir");
    let sign_hs256 = |claims: &Value| {
        compact(
            &json!({"alg": "HS256", "typ": "JWT"}).to_string(),
            &claims.to_string(),
            &Sig::Hs(rbac::SECRET.as_bytes(), 256),
        )
    };
    let rbac_document = rbac::vectors(&sign_hs256);
    let mut rbac_text = serde_json::to_string_pretty(&rbac_document).expect("json");
    rbac_text.push('\n');
    std::fs::write(format!("{out_dir}/rbac.json"), rbac_text).expect("write");
    let checks: usize = rbac_document["scenarios"].as_array().map_or(0, |s| {
        s.iter().map(|x| x["checks"].as_array().map_or(0, Vec::len)).sum()
    });
    eprintln!(
        "wrote {out_dir}/rbac.json: {} scenarios, {checks} checks",
        rbac_document["scenarios"].as_array().map_or(0, Vec::len)
    );
    let path = format!("{out_dir}/tokens.json");
    let mut text = serde_json::to_string_pretty(&document).expect("json");
    text.push('\n');
    std::fs::write(&path, text).expect("write");
    eprintln!(
        "wrote {path}: {} token cases, {} set-up cases",
        document["cases"].as_array().map_or(0, Vec::len),
        document["setup"].as_array().map_or(0, Vec::len)
    );
}

const URL_SAFE_ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn enc_entry_of(k: &Keys) -> Value {
    let mut e = rsa_jwk(&k.rsa_other, Some("enc"), Some("RSA-OAEP-256"));
    e["use"] = json!("enc");
    e
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// A DER `SEQUENCE { INTEGER r, INTEGER s }`, the shape JOSE forbids for ECDSA.
fn der_signature(r: &[u8], s: &[u8]) -> Vec<u8> {
    let int = |v: &[u8]| {
        let mut body = v.to_vec();
        if body[0] & 0x80 != 0 {
            body.insert(0, 0);
        }
        [vec![0x02, body.len() as u8], body].concat()
    };
    let inner = [int(r), int(s)].concat();
    [vec![0x30, inner.len() as u8], inner].concat()
}
