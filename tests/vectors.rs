//! The shared token vectors (`tests/vectors/tokens.json`, written by tools/vectorgen) run
//! through the Rust API natively and under wasm; under wasm they also run through the JS
//! bindings. Every outcome must equal the one the file expects.

use kestra_authz::http::{HttpOptions, HttpRequest, Mode};
use kestra_authz::{Authorizer, AuthorizerOptions, Error, Session, VerifyOptions};
use serde_json::{Value, json};

const VECTORS: &str = include_str!("vectors/tokens.json");

fn outcome_of_error(code: &str, claim: Option<&str>, reason: Option<&str>) -> Value {
    let mut out = json!({"ok": false, "code": code});
    if let Some(claim) = claim {
        out["claim"] = json!(claim);
    }
    if let Some(reason) = reason {
        out["reason"] = json!(reason);
    }
    out
}

fn outcome(result: Result<Session, Error>) -> Value {
    match result {
        Ok(session) => json!({"ok": true, "sub": session.token().subject()}),
        Err(e) => outcome_of_error(e.code(), e.claim(), e.reason()),
    }
}

/// Error messages are one line and never carry a token's segments or a client secret.
fn assert_discreet(message: &str, token: &str, secret: Option<&str>) {
    assert!(!message.contains('\n'), "one line: {message}");
    for segment in token.split('.').filter(|s| s.len() >= 16) {
        assert!(!message.contains(segment), "message echoes the token: {message}");
    }
    if let Some(secret) = secret {
        assert!(!message.contains(secret), "message echoes the client secret: {message}");
    }
}

/// Verifies one token case against a built provider and returns its outcome.
type CaseRunner = Box<dyn Fn(&str, &Value) -> Value>;

fn build(options: &Value) -> Result<Authorizer, Error> {
    AuthorizerOptions::from_json(options).and_then(Authorizer::new)
}

/// Runs every case with `verify` and returns the failures; panics with all of them.
fn check_all(build_provider: &dyn Fn(&Value) -> Result<CaseRunner, Value>, setup_outcome: &dyn Fn(&Value) -> Value) {
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    let mut failures = Vec::new();
    let mut passed = 0usize;
    let providers = doc["providers"].as_object().unwrap();
    let built: Vec<(&String, CaseRunner)> = providers
        .iter()
        .map(|(name, options)| match build_provider(options) {
            Ok(verify) => (name, verify),
            Err(outcome) => panic!("provider {name} failed to build: {outcome}"),
        })
        .collect();
    for case in doc["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let provider = case["provider"].as_str().unwrap();
        let verify = &built.iter().find(|(n, _)| *n == provider).unwrap().1;
        let actual = verify(case["token"].as_str().unwrap(), &case["options"]);
        if actual == case["expect"] {
            passed += 1;
        } else {
            failures.push(format!("{name}: expected {}, got {actual}", case["expect"]));
        }
    }
    for case in doc["setup"].as_array().unwrap() {
        let actual = setup_outcome(&case["options"]);
        if actual == case["expect"] {
            passed += 1;
        } else {
            failures.push(format!(
                "setup {}: expected {}, got {actual}",
                case["name"], case["expect"]
            ));
        }
    }
    println!("token vectors: {passed} passed, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "{} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(passed >= 200, "the vector file is unexpectedly small");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn token_vectors_through_the_rust_api() {
    check_all(
        &|options| {
            let authorizer = build(options).map_err(|e| outcome_of_error(e.code(), None, None))?;
            let secret = options["clientSecret"].as_str().map(str::to_owned);
            Ok(Box::new(move |token: &str, verify_options: &Value| {
                let result = VerifyOptions::from_json(verify_options, None)
                    .and_then(|(now, o)| authorizer.verify_id_token(token, now, &o));
                if let Err(e) = &result {
                    assert_discreet(&e.to_string(), token, secret.as_deref());
                }
                outcome(result)
            }))
        },
        &|options| match build(options) {
            Ok(_) => json!({"ok": true}),
            Err(e) => outcome_of_error(e.code(), None, None),
        },
    );
}

#[cfg(target_arch = "wasm32")]
mod through_js {
    use super::*;
    use kestra_authz::wasm::JsAuthorizer;
    use wasm_bindgen::{JsCast, JsValue};

    fn js(value: &Value) -> JsValue {
        js_sys::JSON::parse(&value.to_string()).unwrap()
    }

    fn js_error_outcome(error: JsValue) -> Value {
        assert!(
            error.is_instance_of::<js_sys::Error>(),
            "errors reach JS as Error objects"
        );
        let get = |key: &str| {
            js_sys::Reflect::get(&error, &JsValue::from_str(key))
                .unwrap()
                .as_string()
        };
        outcome_of_error(
            &get("code").expect("code"),
            get("claim").as_deref(),
            get("reason").as_deref(),
        )
    }

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn token_vectors_through_the_js_bindings() {
        check_all(
            &|options| {
                let authorizer = JsAuthorizer::new(js(options)).map_err(js_error_outcome)?;
                Ok(Box::new(move |token: &str, verify_options: &Value| {
                    match authorizer.verify_id_token(JsValue::from_str(token), Some(js(verify_options))) {
                        Ok(session) => json!({"ok": true, "sub": session.subject()}),
                        Err(e) => js_error_outcome(e),
                    }
                }))
            },
            &|options| match JsAuthorizer::new(js(options)) {
                Ok(_) => json!({"ok": true}),
                Err(e) => {
                    let mut out = js_error_outcome(e);
                    out.as_object_mut().unwrap().retain(|k, _| k == "ok" || k == "code");
                    out
                }
            },
        );
    }
}

const RBAC: &str = include_str!("vectors/rbac.json");

/// Runs every RBAC scenario through the Rust API: (check name, outcome, expectation).
fn rbac_outcomes() -> Vec<(String, Value, Value)> {
    let doc: Value = serde_json::from_str(RBAC).unwrap();
    let mut out = Vec::new();
    for scenario in doc["scenarios"].as_array().unwrap() {
        let name = scenario["name"].as_str().unwrap();
        let authz = build(&scenario["options"]).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (now, verify) = VerifyOptions::from_json(&scenario["verify"], None).unwrap();
        let session = authz
            .verify_id_token(scenario["token"].as_str().unwrap(), now, &verify)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // `judgedBy`: a second Authorizer decides on the first one's session.
        let judge = scenario
            .get("judgedBy")
            .map(|options| build(options).unwrap_or_else(|e| panic!("{name}: {e}")));
        let authz = judge.as_ref().unwrap_or(&authz);
        for (i, check) in scenario["checks"].as_array().unwrap().iter().enumerate() {
            let args: Vec<&str> = check["args"]
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().unwrap()).collect())
                .unwrap_or_default();
            let arg = |i: usize| args.get(i).copied();
            let as_bool = |r: Result<bool, Error>| r.map(Value::Bool).unwrap_or_else(|e| json!({"error": e.code()}));
            let outcome = match check["kind"].as_str().unwrap() {
                "authorize" => {
                    let request = request_of(&check["request"]);
                    match authz.authorize(&session, &request) {
                        Ok(decision) => serde_json::to_value(decision).unwrap(),
                        Err(e) => json!({"error": e.code()}),
                    }
                }
                kind @ ("explain" | "whoCan") => {
                    let request = request_of(&check["request"]);
                    let answer = if kind == "explain" {
                        authz
                            .explain(&session, &request)
                            .map(|e| serde_json::to_value(e).unwrap())
                    } else {
                        authz
                            .who_can(request.permission, request.action, request.namespace, request.tenant)
                            .map(|w| serde_json::to_value(w).unwrap())
                    };
                    answer.unwrap_or_else(|e| json!({"error": e.code()}))
                }
                "diffPolicies" => {
                    let compile = |policy: &Value| {
                        let input = kestra_authz::rbac::PolicyInput::from_json(policy)?;
                        kestra_authz::audit::compile_setup(&Value::Null, Some(&input))
                    };
                    compile(&check["before"])
                        .and_then(|before| Ok((before, compile(&check["after"])?)))
                        .and_then(|(before, after)| kestra_authz::audit::diff_policies(&before, &after))
                        .map(|d| serde_json::to_value(d).unwrap())
                        .unwrap_or_else(|e| json!({"error": e.code()}))
                }
                "isAllowed" => as_bool(session.is_allowed(arg(0).unwrap(), arg(1).unwrap(), arg(2))),
                "isAllowedGlobal" => as_bool(session.is_allowed_global(arg(0).unwrap(), arg(1).unwrap())),
                "hasAny" => as_bool(session.has_any(arg(0).unwrap(), arg(1))),
                "hasAnyAction" => as_bool(session.has_any_action(arg(0).unwrap(), arg(1).unwrap(), arg(2))),
                "hasAnyActionOnAnyNamespace" => {
                    as_bool(session.has_any_action_on_any_namespace(arg(0).unwrap(), arg(1).unwrap()))
                }
                "hasAnyRole" => as_bool(session.has_any_role()),
                kind @ ("http" | "httpAnonymous") => {
                    let r = &check["request"];
                    let body = match &r["body"] {
                        Value::Null => None,
                        Value::String(s) => Some(s.clone()),
                        other => Some(other.to_string()),
                    };
                    let request = HttpRequest {
                        method: r["method"].as_str().unwrap(),
                        url: r["url"].as_str().unwrap(),
                        body: body.as_deref(),
                        impersonate: r["headers"]["x-kestra-impersonate"].as_str(),
                    };
                    let mut options = HttpOptions::default();
                    if let Some(mode) = r["mode"].as_str() {
                        options.mode = Mode::parse(mode).unwrap();
                    }
                    options.require_namespace_create = r["requireNamespaceCreate"].as_bool();
                    if let Some(answers) = r["namespaces"].as_object() {
                        for (k, v) in answers {
                            options.namespaces.insert(k.clone(), v.as_str().unwrap().to_owned());
                        }
                    }
                    let session = (kind == "http").then_some(&session);
                    match authz.authorize_http(session, &request, &options) {
                        Ok(decision) => serde_json::to_value(decision).unwrap(),
                        Err(e) => json!({"error": e.code()}),
                    }
                }
                "allowedNamespaces" => match authz.allowed_namespaces(&session, arg(0).unwrap(), arg(1).unwrap(), None)
                {
                    Ok(grants) => serde_json::to_value(grants).unwrap(),
                    Err(e) => json!({"error": e.code()}),
                },
                "matrixCells" => {
                    let mut cells = serde_json::Map::new();
                    for (p, row) in authz.matrix(&session, arg(0), None).unwrap() {
                        for (a, allowed) in row {
                            cells.insert(format!("{p}:{a}"), Value::Bool(allowed));
                        }
                    }
                    Value::Object(cells)
                }
                other => panic!("unknown check kind {other}"),
            };
            out.push((format!("{name} #{i}"), outcome, check["expect"].clone()));
        }
    }
    out
}

/// A check's `request` as the Rust API takes it.
fn request_of(r: &Value) -> kestra_authz::rbac::Request<'_> {
    kestra_authz::rbac::Request {
        permission: r["permission"].as_str().unwrap(),
        action: r["action"].as_str().unwrap(),
        namespace: r["namespace"].as_str(),
        tenant: r["tenant"].as_str(),
    }
}

/// An expectation holds when every member it names has that value in the outcome.
fn meets(outcome: &Value, expect: &Value) -> bool {
    match (outcome, expect) {
        (Value::Object(o), Value::Object(e)) => e.iter().all(|(k, v)| o.get(k) == Some(v)),
        _ => outcome == expect,
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rbac_vectors_through_the_rust_api() {
    let outcomes = rbac_outcomes();
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|(_, outcome, expect)| !meets(outcome, expect))
        .map(|(name, outcome, expect)| format!("{name}: expected {expect}, got {outcome}"))
        .collect();
    println!(
        "rbac vectors: {} passed, {} failed",
        outcomes.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(outcomes.len() >= 200);
}

/// Every vector's outcome, in file order, as canonical JSON (sorted keys, no spaces): what
/// every JS host must reproduce byte for byte. Written to target/parity/native.json.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn parity_output_of_the_native_build() {
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    let mut lines = Vec::new();
    let providers = doc["providers"].as_object().unwrap();
    for case in doc["cases"].as_array().unwrap() {
        let authz = build(&providers[case["provider"].as_str().unwrap()]).unwrap();
        let token = case["token"].as_str().unwrap();
        let result =
            VerifyOptions::from_json(&case["options"], None).and_then(|(now, o)| authz.verify_id_token(token, now, &o));
        lines.push(json!({"name": case["name"], "outcome": outcome(result)}));
    }
    for case in doc["setup"].as_array().unwrap() {
        let result = match build(&case["options"]) {
            Ok(_) => json!({"ok": true}),
            Err(e) => json!({"ok": false, "code": e.code()}),
        };
        lines.push(json!({"name": format!("setup: {}", case["name"].as_str().unwrap()), "outcome": result}));
    }
    for (name, outcome, _) in rbac_outcomes() {
        lines.push(json!({"name": name, "outcome": outcome}));
    }
    let text = serde_json::to_string(&lines).unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/parity");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("native.json"), &text).unwrap();
    assert!(lines.len() >= 400, "{} vectors", lines.len());
}
