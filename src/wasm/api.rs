//! The classes JavaScript sees: `Authorizer` and `Session`. Each method converts its
//! arguments (transport.rs), calls the core, and converts the answer (decision.rs, `to_js`).

#[cfg(feature = "gateway")]
use super::decision::http_decision_to_js;
use super::decision::{JsStrings, decide, decide_in_batch};
#[cfg(feature = "gateway")]
use super::http::read_request;
use super::transport::{
    NoText, from_js, optional_string_arg, optional_text_arg, policy_member, text_arg, with_js_json, with_js_text,
    with_request, without_member,
};
use super::{js_error, to_array, to_js};
#[cfg(feature = "audit")]
use crate::audit::compile_setup;
use crate::authorizer::{Authorizer, AuthorizerOptions, Session, Verification};
use crate::config::Finding;
use crate::error::Error;
use crate::rbac::UiCheck;
use crate::rbac::policy::MAX_POLICY_BYTES;
#[cfg(feature = "audit")]
use crate::rbac::{CompiledPolicy, PolicyInput};
use crate::time::UnixTime;
use crate::token::VerifyOptions;
use serde::Serialize;
use std::cell::OnceCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
struct JsFinding<'a> {
    code: &'a str,
    path: &'a str,
    message: &'a str,
}

impl<'a> From<&'a Finding> for JsFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsFinding {
            code: f.code.as_str(),
            path: &f.path,
            message: &f.message,
        }
    }
}

/// Pairs serialized as an object whose members keep their order (the matrix keeps the
/// catalog's order of permissions and actions).
struct InOrder<K, V>(Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for InOrder<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

#[wasm_bindgen(module = "/src/wasm/hostcrypto.js")]
extern "C" {
    /// The JWKS's usable keys (JSON text of their JWKs), for the host to import.
    #[wasm_bindgen(js_name = hostKeys)]
    fn host_keys(keys: &str) -> JsValue;
    /// Whether the host checks signatures synchronously (the Node build's node:crypto).
    #[wasm_bindgen(js_name = hasSyncHost)]
    fn has_sync_host() -> bool;
    /// The synchronous verdict of the host on a signature, if it has one.
    #[wasm_bindgen(js_name = hostVerifySync)]
    fn host_verify_sync(
        store: &JsValue,
        index: u32,
        alg: &str,
        message: &js_sys::Uint8Array,
        signature: &js_sys::Uint8Array,
    ) -> Option<bool>;
    /// The host's verdict on a signature: a promise of true, false or undefined.
    #[wasm_bindgen(js_name = hostVerify)]
    fn host_verify(
        store: &JsValue,
        index: u32,
        alg: &str,
        message: &js_sys::Uint8Array,
        signature: &js_sys::Uint8Array,
    ) -> js_sys::Promise;
}

/// `new Authorizer({ kestraConfig, jwks, discovery, ... })`.
#[wasm_bindgen(js_name = Authorizer)]
pub struct JsAuthorizer {
    /// Shared with the verifications that wait on the host's crypto.
    inner: Rc<Authorizer>,
    strings: JsStrings,
    /// The keys as the host imported them, made at the first signature the host checks.
    host_keys: OnceCell<JsValue>,
    /// The host checks signatures synchronously (Node): verifyIdToken uses it too.
    sync_host: bool,
}

impl JsAuthorizer {
    fn host_keys(&self) -> &JsValue {
        self.host_keys.get_or_init(|| {
            host_keys(&serde_json::to_string(&self.inner.verifier().host_keys()).unwrap_or_else(|_| "[]".into()))
        })
    }

    /// A verification with the signature checked by the host synchronously (node:crypto),
    /// or by the module where the host cannot.
    fn verify_with_sync_host(&self, token: &str, now: UnixTime, options: &VerifyOptions) -> Result<Session, Error> {
        match self.inner.begin_verification(token, now, options)? {
            Verification::Done(session) => Ok(session),
            Verification::Signature(signature) => {
                let verdict = host_verify_sync(
                    self.host_keys(),
                    u32::try_from(signature.key).unwrap_or(u32::MAX),
                    signature.alg.name(),
                    &js_sys::Uint8Array::from(signature.message()),
                    &js_sys::Uint8Array::from(signature.signature.as_slice()),
                );
                self.inner.finish_verification(&signature, verdict, now, options)
            }
        }
    }

    /// The clock and options of a verification: the host clock only when the call gives no
    /// `now`.
    fn verify_options(options: JsValue) -> Result<(UnixTime, VerifyOptions), JsValue> {
        let options = from_js(options, "verifyIdToken options")?;
        let clock = match options.get("now") {
            Some(now) if !now.is_null() => None,
            _ => Some(js_sys::Date::now() / 1000.0),
        };
        VerifyOptions::from_json(&options, clock).map_err(js_error)
    }

    /// Runs `verify` over the token's text, refused before it is copied when it is too long
    /// (UTF-16 units never outnumber UTF-8 bytes) or not a string.
    fn with_token<R>(&self, token: &JsValue, verify: impl FnOnce(&str) -> Result<R, Error>) -> Result<R, JsValue> {
        let max = self.inner.verifier().max_token_size();
        with_js_text(token, max, false, verify)
            .unwrap_or_else(|why| {
                Err(match why {
                    NoText::Missing
                    | NoText::Unreadable
                    | NoText::Unsettled
                    | NoText::UnknownMember
                    | NoText::BadHeaders => Error::JwsInvalid {
                        reason: "the token must be a string",
                    },
                    NoText::TooLong | NoText::TooLarge | NoText::OverCap(_) => Error::TokenTooLarge {
                        size: token.dyn_ref::<js_sys::JsString>().map_or(0, |t| t.length() as usize),
                        max,
                    },
                })
            })
            .map_err(js_error)
    }

    #[cfg(feature = "gateway")]
    fn decide_http(&self, session: Option<&Session>, request: JsValue) -> Result<JsValue, JsValue> {
        let request = read_request(request)?;
        self.inner
            .authorize_http(session, &request.request(), &request.options)
            .map_err(js_error)
            .and_then(|d| http_decision_to_js(&d, &self.strings))
    }
}

#[wasm_bindgen(js_class = Authorizer)]
impl JsAuthorizer {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AuthorizerOptions")] options: JsValue,
    ) -> Result<JsAuthorizer, JsValue> {
        let inner = match policy_member(&options) {
            // A policy (100,000 bindings is ~9 MB of JSON) goes across as its own text, and is
            // read and compiled borrowing from it; the rest of the options as before.
            Some(policy) => {
                let rest = without_member(&options, "policy").ok_or_else(|| {
                    js_error(Error::OptionInvalid {
                        option: "options",
                        reason: "could not be read".into(),
                    })
                })?;
                let rest = from_js(rest, "options")?;
                let rest = AuthorizerOptions::from_json(&rest).map_err(js_error)?;
                compiled_from(&policy, |text| Authorizer::with_policy_text(rest, text))?
            }
            None => AuthorizerOptions::from_json(&from_js(options, "options")?)
                .and_then(Authorizer::new)
                .map_err(js_error)?,
        };
        Ok(JsAuthorizer {
            inner: Rc::new(inner),
            strings: JsStrings::default(),
            host_keys: OnceCell::new(),
            sync_host: has_sync_host(),
        })
    }

    /// Configuration findings: `[{ code, path, message }]`.
    #[wasm_bindgen(getter, unchecked_return_type = "Finding[]")]
    pub fn warnings(&self) -> JsValue {
        let findings: Vec<JsFinding<'_>> = self.inner.warnings().iter().map(JsFinding::from).collect();
        to_js(&findings)
    }

    /// The algorithms tokens may be signed with.
    #[wasm_bindgen(getter, js_name = allowedAlgorithms, unchecked_return_type = "string[]")]
    pub fn allowed_algorithms(&self) -> Result<JsValue, JsValue> {
        let names = self.inner.verifier().allowed_algorithms().iter();
        to_array(names.map(|a| JsValue::from_str(a.name())).collect())
    }

    #[wasm_bindgen(getter)]
    pub fn issuer(&self) -> String {
        self.inner.verifier().issuer().to_owned()
    }

    #[wasm_bindgen(getter, js_name = clientId)]
    pub fn client_id(&self) -> String {
        self.inner.verifier().client_id().to_owned()
    }

    /// `authorize(session, { permission, action, namespace?, tenant? })` ->
    /// `{ allowed, code, reasons, tenant }`. A denial is a value; bad input throws.
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn authorize(
        &self,
        session: &JsSession,
        #[wasm_bindgen(unchecked_param_type = "AuthorizationRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        decide(&self.inner, &session.inner, &request, &self.strings)
    }

    /// `authorizeMany(session, requests)`: one decision per request, in order. A request that
    /// is bad input answers `{ allowed: false, code: <ERR_* code>, error: <message>, reasons: [] }`
    /// instead of throwing, so one bad entry does not hide the others.
    #[wasm_bindgen(js_name = authorizeMany, unchecked_return_type = "Array<Decision | BatchError>")]
    pub fn authorize_many(
        &self,
        session: &JsSession,
        #[wasm_bindgen(unchecked_param_type = "AuthorizationRequest[]")] requests: JsValue,
    ) -> Result<JsValue, JsValue> {
        let list: js_sys::Array = requests.dyn_into().map_err(|_| {
            js_error(Error::OptionInvalid {
                option: "requests",
                reason: "must be an array".into(),
            })
        })?;
        // Members read with Reflect (which catches): a proxy or a getter that throws must not
        // unwind through wasm.
        let unreadable = || {
            js_error(Error::OptionInvalid {
                option: "requests",
                reason: "could not be read".into(),
            })
        };
        let length = js_sys::Reflect::get(&list, &JsValue::from_str("length"))
            .ok()
            .and_then(|n| n.as_f64())
            .filter(|n| *n >= 0.0 && *n <= f64::from(u32::MAX))
            .ok_or_else(unreadable)? as u32;
        let mut out = Vec::with_capacity(length.min(1024) as usize);
        for i in 0..length {
            let request = js_sys::Reflect::get_u32(&list, i).map_err(|_| unreadable())?;
            out.push(decide_in_batch(&self.inner, &session.inner, &request, &self.strings));
        }
        to_array(out)
    }

    /// `matrix(session, { namespace?, tenant? })` -> `{ FLOW: { READ: true, ... }, ... }`: every
    /// permission of the policy's model x each valid action.
    #[wasm_bindgen(unchecked_return_type = "Matrix")]
    pub fn matrix(
        &self,
        session: &JsSession,
        #[wasm_bindgen(unchecked_param_type = "MatrixOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let (namespace, tenant) = if options.is_object() {
            let get = |key: &str| js_sys::Reflect::get(&options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
            (
                optional_string_arg(&get("namespace"), "namespace")?,
                optional_string_arg(&get("tenant"), "tenant")?,
            )
        } else {
            (None, None)
        };
        let rows = self
            .inner
            .matrix(&session.inner, namespace.as_deref(), tenant.as_deref())
            .map_err(js_error)?;
        Ok(to_js(&InOrder(
            rows.iter()
                .map(|(permission, cells)| (*permission, InOrder(cells.clone())))
                .collect(),
        )))
    }

    /// `authorizeHttp(session, { method, url, headers?, body?, namespaces?, mode? })` ->
    /// `{ allowed, code, status, route, tenant, checks, lookup, impersonated, reason }`: may
    /// this request to Kestra's API pass, for this session?
    #[cfg(feature = "gateway")]
    #[wasm_bindgen(js_name = authorizeHttp, unchecked_return_type = "HttpDecision")]
    pub fn authorize_http(
        &self,
        session: &JsSession,
        #[wasm_bindgen(unchecked_param_type = "HttpRequestOptions")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.decide_http(Some(&session.inner), request)
    }

    /// `authorizeAnonymousHttp({ method, url, ... })`: the same for a request without a
    /// session (a missing or refused token): public routes pass, every other answers 401.
    /// (wasm-bindgen cannot borrow an optional class instance, so `null` has its own method.)
    #[cfg(feature = "gateway")]
    #[wasm_bindgen(js_name = authorizeAnonymousHttp, unchecked_return_type = "HttpDecision")]
    pub fn authorize_anonymous_http(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HttpRequestOptions")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        self.decide_http(None, request)
    }

    /// `whoCan({ permission, action, namespace?, tenant? }, { reasons? })` -> `{ tenant, users: [{ id,
    /// username, reasons }], groups: [{ id, name, reasons }], defaultRole, instanceOwners }`:
    /// exactly the policy users `authorize` allows, with its reasons.
    #[wasm_bindgen(js_name = whoCan, unchecked_return_type = "WhoCan")]
    pub fn who_can(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AuthorizationRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "WhoCanOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let options = from_js(options, "whoCan options")?;
        if !options.is_null() && !options.is_object() {
            return Err(js_error(Error::OptionInvalid {
                option: "whoCan options",
                reason: "pass an object such as { reasons: false }".into(),
            }));
        }
        let reasons = match options.get("reasons") {
            None | Some(serde_json::Value::Null) => true,
            Some(serde_json::Value::Bool(b)) => *b,
            Some(_) => {
                return Err(js_error(Error::OptionInvalid {
                    option: "reasons",
                    reason: "must be a boolean".into(),
                }));
            }
        };
        if options.as_object().is_some_and(|o| o.keys().any(|k| k != "reasons")) {
            return Err(js_error(Error::OptionInvalid {
                option: "whoCan options",
                reason: "the only option is reasons".into(),
            }));
        }
        with_request(&request, |r| {
            self.inner
                .who_can_with(r.permission, r.action, r.namespace, r.tenant, reasons)
                .map(|who| to_js(&who))
                .map_err(js_error)
        })
    }

    /// `explain(session, { permission, action, namespace?, tenant? })` -> `{ decision,
    /// suggestions }`: `authorize`'s decision, and for a denial what nearly grants it and the
    /// changes that would, smallest first.
    #[cfg(feature = "audit")]
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        session: &JsSession,
        #[wasm_bindgen(unchecked_param_type = "AuthorizationRequest")] request: JsValue,
    ) -> Result<JsValue, JsValue> {
        with_request(&request, |r| {
            self.inner
                .explain(&session.inner, r)
                .map(|e| to_js(&e))
                .map_err(js_error)
        })
    }

    /// `allowedNamespaces(session, permission, action, tenant?)` -> `{ everywhere, namespaces }`.
    #[wasm_bindgen(js_name = allowedNamespaces, unchecked_return_type = "NamespaceGrants")]
    pub fn allowed_namespaces(
        &self,
        session: &JsSession,
        permission: &str,
        action: &str,
        tenant: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let tenant = optional_text_arg(&tenant, "tenant")?;
        self.inner
            .allowed_namespaces(
                &session.inner,
                text_arg(permission, "permission")?,
                text_arg(action, "action")?,
                tenant,
            )
            .map(|g| to_js(&g))
            .map_err(js_error)
    }

    /// The verified-token cache: `{ entries, capacity, hits, misses }`.
    #[wasm_bindgen(getter, js_name = tokenCache, unchecked_return_type = "TokenCacheStats")]
    pub fn token_cache(&self) -> JsValue {
        let stats = self.inner.token_cache_stats();
        to_js(&serde_json::json!({
            "entries": stats.entries,
            "capacity": stats.capacity,
            "hits": stats.hits,
            "misses": stats.misses,
        }))
    }

    /// The permission model the policy uses: `"crud"` or `"v2"`.
    #[wasm_bindgen(getter)]
    pub fn model(&self) -> String {
        self.inner.policy().model().name().to_owned()
    }

    /// Verifies an ID token: `verifyIdToken(token, { now, nonce, accessToken, code, maxAge, tenant })`.
    /// `now` (seconds since the epoch) defaults to the host clock.
    #[wasm_bindgen(js_name = verifyIdToken)]
    pub fn verify_id_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
        #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: Option<JsValue>,
    ) -> Result<JsSession, JsValue> {
        let options = options.unwrap_or(JsValue::UNDEFINED);
        let (now, options) = Self::verify_options(options)?;
        let inner = self.with_token(&token, |token| {
            if self.sync_host {
                self.verify_with_sync_host(token, now, &options)
            } else {
                self.inner.verify_id_token(token, now, &options)
            }
        })?;
        Ok(JsSession { inner })
    }

    /// `verifyIdTokenAsync(token, options)`: the same verification, answers and cache as
    /// `verifyIdToken`, with the RSA and ECDSA signature checked by the host's WebCrypto
    /// (`crypto.subtle.verify`, each key imported once); where the host has none, or refuses
    /// a key, the module checks it as `verifyIdToken` does. A promise of the Session; it
    /// rejects with the same coded errors.
    #[wasm_bindgen(js_name = verifyIdTokenAsync, unchecked_return_type = "Promise<Session>")]
    pub fn verify_id_token_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
        #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: Option<JsValue>,
    ) -> js_sys::Promise {
        if self.sync_host {
            return match self.verify_id_token(token, options) {
                Ok(session) => js_sys::Promise::resolve(&JsValue::from(session)),
                Err(error) => js_sys::Promise::reject(&error),
            };
        }
        let begun = Self::verify_options(options.unwrap_or(JsValue::UNDEFINED)).and_then(|(now, options)| {
            let begun = self.with_token(&token, |text| {
                Ok(match self.inner.begin_verification(text, now, &options)? {
                    Verification::Done(session) => Err(session),
                    Verification::Signature(signature) => Ok(signature),
                })
            })?;
            Ok((now, options, begun))
        });
        let (now, options, signature) = match begun {
            Err(error) => return js_sys::Promise::reject(&error),
            Ok((_, _, Err(inner))) => return js_sys::Promise::resolve(&JsValue::from(JsSession { inner })),
            Ok((now, options, Ok(pending))) => (now, options, pending),
        };
        let verdict = host_verify(
            self.host_keys(),
            u32::try_from(signature.key).unwrap_or(u32::MAX),
            signature.alg.name(),
            &js_sys::Uint8Array::from(signature.message()),
            &js_sys::Uint8Array::from(signature.signature.as_slice()),
        );
        let authorizer = Rc::clone(&self.inner);
        wasm_bindgen_futures::future_to_promise(async move {
            let verdict = wasm_bindgen_futures::JsFuture::from(verdict)
                .await
                .ok()
                .and_then(|v| v.as_bool());
            authorizer
                .finish_verification(&signature, verdict, now, &options)
                .map(|inner| JsValue::from(JsSession { inner }))
                .map_err(js_error)
        })
    }
}

/// A verified sign-in.
#[wasm_bindgen(js_name = Session)]
pub struct JsSession {
    inner: Session,
}

impl JsSession {
    fn check(&self, check: UiCheck<'_>) -> Result<bool, JsValue> {
        self.inner.check(&check).map_err(js_error)
    }
}

#[wasm_bindgen(js_class = Session)]
impl JsSession {
    /// Every claim of the ID token, as a plain object.
    #[wasm_bindgen(getter, unchecked_return_type = "IdTokenClaims")]
    pub fn claims(&self) -> JsValue {
        to_js(self.inner.token().claims())
    }
    #[wasm_bindgen(getter)]
    pub fn subject(&self) -> String {
        self.inner.token().subject().to_owned()
    }
    #[wasm_bindgen(getter)]
    pub fn email(&self) -> Option<String> {
        self.inner.token().email().map(str::to_owned)
    }
    #[wasm_bindgen(getter, js_name = emailVerified)]
    pub fn email_verified(&self) -> bool {
        self.inner.token().email_verified()
    }
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> Option<String> {
        self.inner.token().name().map(str::to_owned)
    }
    #[wasm_bindgen(getter, js_name = preferredUsername)]
    pub fn preferred_username(&self) -> Option<String> {
        self.inner.token().preferred_username().map(str::to_owned)
    }
    /// The Kestra username (the `usernameClaim`, `email` by default).
    #[wasm_bindgen(getter)]
    pub fn username(&self) -> Option<String> {
        self.inner.username().map(str::to_owned)
    }
    /// The groups Kestra takes from the token (`kestra.security.oidc.groups-claim-path`);
    /// empty when that is not configured. The raw `groups` claim is in `claims`.
    #[wasm_bindgen(getter, unchecked_return_type = "string[]")]
    pub fn groups(&self) -> Result<JsValue, JsValue> {
        to_array(self.inner.groups().iter().map(|g| JsValue::from_str(g)).collect())
    }
    /// The tenant the UI checks ask about.
    #[wasm_bindgen(getter)]
    pub fn tenant(&self) -> Option<String> {
        self.inner.tenant().map(str::to_owned)
    }

    /// The Kestra UI's `isAllowed(permission, action, namespace?)`.
    #[wasm_bindgen(js_name = isAllowed)]
    pub fn is_allowed(&self, permission: &str, action: &str, namespace: Option<String>) -> Result<bool, JsValue> {
        self.check(UiCheck::IsAllowed {
            permission: text_arg(permission, "permission")?,
            action: text_arg(action, "action")?,
            namespace: optional_text_arg(&namespace, "namespace")?,
        })
    }
    /// The Kestra UI's `isAllowedGlobal(permission, action)`.
    #[wasm_bindgen(js_name = isAllowedGlobal)]
    pub fn is_allowed_global(&self, permission: &str, action: &str) -> Result<bool, JsValue> {
        self.check(UiCheck::IsAllowedGlobal {
            permission: text_arg(permission, "permission")?,
            action: text_arg(action, "action")?,
        })
    }
    /// The Kestra UI's `hasAny(permission, namespace?)`.
    #[wasm_bindgen(js_name = hasAny)]
    pub fn has_any(&self, permission: &str, namespace: Option<String>) -> Result<bool, JsValue> {
        self.check(UiCheck::HasAny {
            permission: text_arg(permission, "permission")?,
            namespace: optional_text_arg(&namespace, "namespace")?,
        })
    }
    /// The Kestra UI's `hasAnyAction(permission, action, namespace?)`.
    #[wasm_bindgen(js_name = hasAnyAction)]
    pub fn has_any_action(&self, permission: &str, action: &str, namespace: Option<String>) -> Result<bool, JsValue> {
        self.check(UiCheck::HasAnyAction {
            permission: text_arg(permission, "permission")?,
            action: text_arg(action, "action")?,
            namespace: optional_text_arg(&namespace, "namespace")?,
        })
    }
    /// The Kestra UI's `hasAnyActionOnAnyNamespace(permission, action)`.
    #[wasm_bindgen(js_name = hasAnyActionOnAnyNamespace)]
    pub fn has_any_action_on_any_namespace(&self, permission: &str, action: &str) -> Result<bool, JsValue> {
        self.check(UiCheck::HasAnyActionOnAnyNamespace {
            permission: text_arg(permission, "permission")?,
            action: text_arg(action, "action")?,
        })
    }
    /// The Kestra UI's `hasAnyRole()`.
    #[wasm_bindgen(js_name = hasAnyRole)]
    pub fn has_any_role(&self) -> Result<bool, JsValue> {
        self.check(UiCheck::HasAnyRole)
    }
    #[wasm_bindgen(getter)]
    pub fn issuer(&self) -> String {
        self.inner.token().issuer().to_owned()
    }
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> f64 {
        self.inner.token().expires_at()
    }
    #[wasm_bindgen(getter, js_name = issuedAt)]
    pub fn issued_at(&self) -> f64 {
        self.inner.token().issued_at()
    }
    #[wasm_bindgen(getter)]
    pub fn alg(&self) -> String {
        self.inner.token().alg().name().to_owned()
    }
}

/// Calls `f` with a policy's JSON text: the string as it is, or an object written as JSON.
/// One instance for every caller (`f` answers through what it captures): the text transport
/// is large, and each instance of it is code in the module.
fn with_policy(policy: &JsValue, f: &mut dyn FnMut(&str) -> Result<(), Error>) -> Result<(), JsValue> {
    let text = policy.is_string();
    let read = if text {
        with_js_text(policy, MAX_POLICY_BYTES, true, |text| f(text))
    } else {
        with_js_json(policy, |text| f(text))
    };
    read.unwrap_or_else(|why| {
        Err(match why {
            // Over the cap before anything was copied: its size in bytes.
            NoText::OverCap(bytes) => Error::InputTooLarge {
                what: "policy",
                size: bytes,
                max: MAX_POLICY_BYTES,
            },
            NoText::TooLong | NoText::TooLarge if text => Error::InputTooLarge {
                what: "policy",
                size: policy.dyn_ref::<js_sys::JsString>().map_or(0, |t| t.length() as usize),
                max: MAX_POLICY_BYTES,
            },
            NoText::TooLarge => Error::OptionInvalid {
                option: "policy",
                reason: "is too large to read".into(),
            },
            _ if text => Error::OptionInvalid {
                option: "policy",
                reason: "could not be read".into(),
            },
            _ => Error::OptionInvalid {
                option: "policy",
                reason: "cannot be written as JSON".into(),
            },
        })
    })
    .map_err(js_error)
}

/// Compiles `policy` with `compile`, through `with_policy`.
fn compiled_from<T>(policy: &JsValue, compile: impl FnOnce(&str) -> Result<T, Error>) -> Result<T, JsValue> {
    let mut compile = Some(compile);
    let mut out = None;
    with_policy(policy, &mut |text| {
        if let Some(compile) = compile.take() {
            out = Some(compile(text)?);
        }
        Ok(())
    })?;
    out.ok_or_else(|| {
        js_error(Error::OptionInvalid {
            option: "policy",
            reason: "could not be read".into(),
        })
    })
}

/// For the project's conformance tests, not API: the verdict on one raw signature with one JWK
/// (Wycheproof's vectors, tests/js/parity.test.mjs), after the checks verifyIdToken makes
/// before any arithmetic, by the module (`via` "module"), by the host synchronously ("sync",
/// node:crypto) or by its WebCrypto ("async"). A promise of `[verdict, by]`, `by` being
/// "precheck", "module" or "host" (the host could not answer when asked and `by` is "module").
#[wasm_bindgen(js_name = __signatureVerdict, skip_typescript)]
pub fn signature_verdict(jwk: &str, alg: &str, message: &[u8], signature: &[u8], via: &str) -> js_sys::Promise {
    let answer = |verdict: bool, by: &str| to_array(vec![JsValue::from(verdict), JsValue::from(by)]);
    let settled = |answer: Result<JsValue, JsValue>| match answer {
        Ok(answer) => js_sys::Promise::resolve(&answer),
        Err(error) => js_sys::Promise::reject(&error),
    };
    let Some(alg) = crate::Alg::parse(alg) else {
        return js_sys::Promise::reject(&JsValue::from("unknown alg"));
    };
    let key = crate::Jwks::parse(&format!("{{\"keys\":[{jwk}]}}"))
        .ok()
        .and_then(|jwks| jwks.keys().first().cloned());
    let Some(key) = key else {
        return js_sys::Promise::reject(&JsValue::from("key refused"));
    };
    if key.precheck_signature(alg, signature).is_err() {
        return settled(answer(false, "precheck"));
    }
    let module = || key.verify_signature(alg, message, signature).is_ok();
    let store = || host_keys(&serde_json::to_string(&[key.host_jwk()]).unwrap_or_else(|_| "[]".into()));
    let bytes = js_sys::Uint8Array::from;
    match via {
        "sync" => settled(
            match host_verify_sync(&store(), 0, alg.name(), &bytes(message), &bytes(signature)) {
                Some(verdict) => answer(verdict, "host"),
                None => answer(module(), "module"),
            },
        ),
        "async" => {
            let verdict = host_verify(&store(), 0, alg.name(), &bytes(message), &bytes(signature));
            let (message, signature) = (message.to_vec(), signature.to_vec());
            wasm_bindgen_futures::future_to_promise(async move {
                let verdict = wasm_bindgen_futures::JsFuture::from(verdict)
                    .await
                    .ok()
                    .and_then(|v| v.as_bool());
                match verdict {
                    Some(verdict) => answer(verdict, "host"),
                    None => answer(key.verify_signature(alg, &message, &signature).is_ok(), "module"),
                }
            })
        }
        _ => settled(answer(module(), "module")),
    }
}

/// `diffPolicies(before, after, options?)`: what changing the policy `before` into `after`
/// does to people's access. Each side is a policy (an object or its JSON text), or `{ policy,
/// kestraConfig, model, usernameClaim, defaultTenant, placeholders }`; `options` holds what
/// both sides share (a side's own members win).
#[cfg(feature = "audit")]
#[wasm_bindgen(js_name = diffPolicies, unchecked_return_type = "PolicyDiff")]
pub fn diff_policies(
    #[wasm_bindgen(unchecked_param_type = "Policy | PolicySetup | string")] before: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Policy | PolicySetup | string")] after: JsValue,
    #[wasm_bindgen(unchecked_param_type = "DiffOptions")] options: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let options = options.unwrap_or(JsValue::UNDEFINED);
    let shared = from_js(options, "diffPolicies options")?;
    let before = compile_side(&before, &shared, "before")?;
    let after = compile_side(&after, &shared, "after")?;
    crate::audit::diff_policies(&before, &after)
        .map(|diff| to_js(&diff))
        .map_err(js_error)
}

/// One side of a diff, compiled without a verifier.
#[cfg(feature = "audit")]
fn compile_side(side: &JsValue, shared: &serde_json::Value, which: &'static str) -> Result<CompiledPolicy, JsValue> {
    let has = |key: &str| js_sys::Reflect::has(side, &JsValue::from_str(key)).unwrap_or(false);
    let is_setup = side.is_object() && !js_sys::Array::is_array(side) && (has("policy") || has("kestraConfig"));
    let (policy, own) = if is_setup {
        let rest = without_member(side, "policy").ok_or_else(|| {
            js_error(Error::OptionInvalid {
                option: which,
                reason: "could not be read".into(),
            })
        })?;
        (policy_member(side), from_js(rest, which)?)
    } else if side.is_string() || (side.is_object() && !js_sys::Array::is_array(side)) {
        (Some(side.clone()), serde_json::Value::Null)
    } else {
        return Err(js_error(Error::OptionInvalid {
            option: which,
            reason: "pass a policy (an object or its JSON text), or { policy, kestraConfig }".into(),
        }));
    };
    let mut merged = shared.as_object().cloned().unwrap_or_default();
    if let serde_json::Value::Object(own) = own {
        merged.extend(own);
    }
    let setup = serde_json::Value::Object(merged);
    match policy {
        Some(policy) => compiled_from(&policy, |text| {
            PolicyInput::parse(text).and_then(|input| compile_setup(&setup, Some(&input)))
        }),
        None => compile_setup(&setup, None).map_err(js_error),
    }
}

/// `kestraRoute({ method, url, headers?, body?, namespaces?, mode?, model? })`: the route a
/// request takes and the checks it needs, without deciding them (`model` defaults to `"v2"`).
#[cfg(feature = "gateway")]
#[wasm_bindgen(js_name = kestraRoute, unchecked_return_type = "RouteMapping")]
pub fn kestra_route(
    #[wasm_bindgen(unchecked_param_type = "HttpRequestOptions")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let request = read_request(request)?;
    let model = request.model.unwrap_or(crate::rbac::Model::V2);
    let mapped = crate::http::map(&request.request(), model, &request.options);
    Ok(to_js(&crate::http::RouteMapping::from(&mapped)))
}
