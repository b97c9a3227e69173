//! The public entry point: a Kestra configuration and the provider's keys, compiled once;
//! ID tokens verified against them. The JS `Authorizer` is a thin wrapper around this.

use crate::config::{Finding, FindingCode, KestraConfig};
use crate::error::{Error, Result};
#[cfg(feature = "gateway")]
use crate::http::decision::{Caller, HttpDecision};
#[cfg(feature = "gateway")]
use crate::http::{HttpOptions, HttpRequest};
use crate::rbac::{
    CompiledPolicy, Decision, Matrix, NamespaceGrants, PolicyInput, Principal, RbacOptions, Reason, Request, UiCheck,
};
use crate::time::UnixTime;
use crate::token::alg::Alg;
use crate::token::{
    DEFAULT_CLOCK_TOLERANCE, DEFAULT_MAX_TOKEN_LIFETIME, DEFAULT_MAX_TOKEN_SIZE, Discovery, Jwks, Prepared,
    TokenVerifier, VerifiedIdToken, VerifierConfig, VerifyOptions,
};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// How to build an [`Authorizer`]: every option with its default. Values given here override
/// the Kestra configuration.
#[derive(Clone, Default)]
pub struct AuthorizerOptions {
    /// Kestra's `application.yaml`, parsed. Default: none (then `issuer` and `client_id` are
    /// required, and no default role applies).
    pub kestra_config: Option<KestraConfig>,
    /// The provider's JWKS (`/application/o/<slug>/jwks/`). Default: none (then only HS*
    /// tokens, with `client_secret`, can verify).
    pub jwks: Option<Jwks>,
    /// The provider's discovery document; its issuer must equal the configured one and its
    /// algorithms become the allow-list unless `algorithms` is given. Default: none.
    pub discovery: Option<Discovery>,
    /// Which `micronaut.security.oauth2.clients.<name>` to use when there are several.
    /// Default: the only one (several without a choice are an error).
    pub client: Option<String>,
    /// The expected `iss`, byte for byte. Default: the client's `openid.issuer`, else the
    /// discovery document's `issuer`.
    pub issuer: Option<String>,
    /// The expected audience. Default: the client's `client-id`.
    pub client_id: Option<String>,
    /// The HS256/384/512 key. Default: the client's `client-secret`, used only when an HS*
    /// algorithm is allowed.
    pub client_secret: Option<String>,
    /// The algorithms tokens may be signed with. Default: the discovery document's
    /// `id_token_signing_alg_values_supported`, else what the JWKS's keys support.
    pub algorithms: Option<Vec<Alg>>,
    /// Audiences besides the client id that a token may also name. Default: none.
    pub trusted_audiences: Vec<String>,
    /// Seconds of clock skew allowed on `exp`, `iat`, `nbf` and `auth_time`, at most 300.
    /// Default: 0.
    pub clock_tolerance: Option<u32>,
    /// The largest `exp - iat`, in seconds. Default: 86400.
    pub max_token_lifetime: Option<u64>,
    /// The largest token, in bytes. Default: 65536.
    pub max_token_size: Option<usize>,
    /// Roles, groups, users and bindings in Kestra's shapes. Default: none (every verified
    /// user has the default role).
    pub policy: Option<PolicyInput<'static>>,
    /// Permission model, username claim, default tenant, verified email: each documents its
    /// default.
    pub rbac: RbacOptions,
    /// Verified tokens remembered, at most 100000; 0 turns the cache off. Default: 1000.
    pub token_cache_size: Option<usize>,
}

impl AuthorizerOptions {
    /// Reads the options as a JS host writes them (`new Authorizer({ kestraConfig, jwks,
    /// discovery, clientId, ... })`, camelCase); documents may be text or objects. Unknown
    /// members are errors, so a misspelt option never goes unnoticed.
    pub fn from_json(value: &serde_json::Value) -> Result<Self> {
        crate::options::authorizer_options(value)
    }
}

/// Default number of verified tokens remembered, and the most that may be asked for.
pub const DEFAULT_TOKEN_CACHE_SIZE: usize = 1000;
pub const MAX_TOKEN_CACHE_SIZE: usize = 100_000;
/// Cached token text is bounded in bytes too, whatever the entry count.
const MAX_TOKEN_CACHE_BYTES: usize = 8 * 1024 * 1024;

/// Tokens whose signature and claims verified, by their exact text. A repeat skips the
/// signature (the keys cannot change under an Authorizer) but not the checks that depend on
/// the clock or the call's options. Oldest entries leave first.
///
/// Entries are found by a 64-bit hash of the text and then compared whole, eight bytes at a
/// time (wasm's byte-wise `memcmp` was a quarter of a cache hit). Two texts with one hash
/// keep only the first: the other is simply not cached.
#[derive(Default)]
struct TokenCache {
    entries: FxHashMap<u64, (Box<str>, Arc<VerifiedIdToken>)>,
    order: VecDeque<u64>,
    bytes: usize,
    capacity: usize,
    hits: u64,
    misses: u64,
}

/// What the verified-token cache has done so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenCacheStats {
    pub entries: usize,
    pub capacity: usize,
    pub hits: u64,
    pub misses: u64,
}

/// The cache key: the length and the last 64 bytes, which fall in the signature (distinct for
/// distinct tokens). Entries are compared whole, so a collision only costs a miss; hashing all
/// of a 1.5 KB token was a twentieth of a cache hit.
fn text_hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    let bytes = text.as_bytes();
    let tail = bytes.get(bytes.len().saturating_sub(64)..).unwrap_or(bytes);
    rustc_hash::FxBuildHasher.hash_one((bytes.len(), tail))
}

/// Byte equality, a word at a time.
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let (wa, wb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tails_equal = wa.remainder() == wb.remainder();
    let word = |c: &[u8]| <[u8; 8]>::try_from(c).map(u64::from_ne_bytes).unwrap_or_default();
    tails_equal && wa.zip(wb).all(|(x, y)| word(x) == word(y))
}

impl TokenCache {
    fn get(&self, token: &str) -> Option<Arc<VerifiedIdToken>> {
        self.entries
            .get(&text_hash(token))
            .filter(|(text, _)| same_text(text, token))
            .map(|(_, verified)| Arc::clone(verified))
    }

    fn insert(&mut self, token: &str, verified: Arc<VerifiedIdToken>) {
        let key = text_hash(token);
        if self.capacity == 0 || token.len() > MAX_TOKEN_CACHE_BYTES || self.entries.contains_key(&key) {
            return;
        }
        while self.order.len() >= self.capacity || self.bytes.saturating_add(token.len()) > MAX_TOKEN_CACHE_BYTES {
            let Some(oldest) = self.order.pop_front() else { break };
            if let Some((text, _)) = self.entries.remove(&oldest) {
                self.bytes = self.bytes.saturating_sub(text.len());
            }
        }
        self.bytes = self.bytes.saturating_add(token.len());
        self.order.push_back(key);
        self.entries.insert(key, (token.into(), verified));
    }
}

/// A verified sign-in: the ID token's identity, resolved against the policy once, ready for
/// authorization decisions.
#[derive(Debug, Clone)]
pub struct Session {
    token: Arc<VerifiedIdToken>,
    principal: Principal,
    policy: Arc<CompiledPolicy>,
    tenant: Option<String>,
}

impl Session {
    pub fn token(&self) -> &VerifiedIdToken {
        &self.token
    }
    /// The Kestra username (the `usernameClaim`, `email` by default).
    pub fn username(&self) -> Option<&str> {
        self.principal.username()
    }
    /// Group names from the token's `groups-claim-path` (empty when it is not configured).
    pub fn groups(&self) -> &[String] {
        self.principal.groups()
    }
    /// The tenant the UI checks ask about (from `verify_id_token`'s `tenant`).
    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// One of the Kestra UI's checks, in the session's tenant.
    pub fn check(&self, check: &UiCheck<'_>) -> Result<bool> {
        self.policy.check(&self.principal, check, self.tenant())
    }
    /// The Kestra UI's `isAllowed(permission, action, namespace)`.
    pub fn is_allowed(&self, permission: &str, action: &str, namespace: Option<&str>) -> Result<bool> {
        self.check(&UiCheck::IsAllowed {
            permission,
            action,
            namespace,
        })
    }
    /// The Kestra UI's `isAllowedGlobal(permission, action)`: tenant-wide grants only.
    pub fn is_allowed_global(&self, permission: &str, action: &str) -> Result<bool> {
        self.check(&UiCheck::IsAllowedGlobal { permission, action })
    }
    /// The Kestra UI's `hasAny(permission, namespace?)`.
    pub fn has_any(&self, permission: &str, namespace: Option<&str>) -> Result<bool> {
        self.check(&UiCheck::HasAny { permission, namespace })
    }
    /// The Kestra UI's `hasAnyAction(permission, action, namespace?)`.
    pub fn has_any_action(&self, permission: &str, action: &str, namespace: Option<&str>) -> Result<bool> {
        self.check(&UiCheck::HasAnyAction {
            permission,
            action,
            namespace,
        })
    }
    /// The Kestra UI's `hasAnyActionOnAnyNamespace(permission, action)`.
    pub fn has_any_action_on_any_namespace(&self, permission: &str, action: &str) -> Result<bool> {
        self.check(&UiCheck::HasAnyActionOnAnyNamespace { permission, action })
    }
    /// The Kestra UI's `hasAnyRole()`.
    pub fn has_any_role(&self) -> Result<bool> {
        self.check(&UiCheck::HasAnyRole)
    }
}

/// Configuration and keys, compiled once.
/// Where a verification whose signature the host may check stands.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) enum Verification {
    Done(Session),
    Signature(crate::token::HostSignature),
}

pub struct Authorizer {
    verifier: TokenVerifier,
    config: KestraConfig,
    policy: Arc<CompiledPolicy>,
    warnings: Vec<Finding>,
    cache: Mutex<TokenCache>,
    require_verified_email: bool,
}

impl Authorizer {
    pub fn new(mut options: AuthorizerOptions) -> Result<Self> {
        let policy = options.policy.take();
        Self::build(options, policy.as_ref())
    }

    /// As `new`, with the policy given as JSON text beside options that have none: it is read
    /// and compiled borrowing from the text (how the JS bindings pass a policy object).
    pub fn with_policy_text(options: AuthorizerOptions, policy_json: &str) -> Result<Self> {
        if options.policy.is_some() {
            return Err(Error::OptionInvalid {
                option: "policy",
                reason: "given twice".into(),
            });
        }
        let policy = PolicyInput::parse(policy_json)?;
        Self::build(options, Some(&policy))
    }

    fn build(options: AuthorizerOptions, policy: Option<&PolicyInput<'_>>) -> Result<Self> {
        let config = options.kestra_config.unwrap_or_default();
        let client = config.client(options.client.as_deref())?.cloned().unwrap_or_default();
        let issuer = options
            .issuer
            .or(client.issuer)
            .or_else(|| options.discovery.as_ref().map(|d| d.issuer.clone()))
            .ok_or_else(|| Error::OptionInvalid {
                option: "issuer",
                reason: "no issuer: set micronaut.security.oauth2.clients.<name>.openid.issuer, or pass issuer or a discovery document".into(),
            })?;
        let client_id = options
            .client_id
            .or(client.client_id)
            .ok_or_else(|| Error::OptionInvalid {
                option: "clientId",
                reason: "no client id: set micronaut.security.oauth2.clients.<name>.client-id, or pass clientId".into(),
            })?;
        let published_private = options
            .jwks
            .as_ref()
            .map(|j| j.published_private_keys().to_vec())
            .unwrap_or_default();
        let verifier = TokenVerifier::new(VerifierConfig {
            issuer,
            client_id,
            client_secret: options.client_secret.or(client.client_secret),
            jwks: options.jwks.unwrap_or_default(),
            discovery: options.discovery,
            algorithms: options.algorithms,
            trusted_audiences: options.trusted_audiences,
            clock_tolerance: options.clock_tolerance.unwrap_or(DEFAULT_CLOCK_TOLERANCE),
            max_token_lifetime: options.max_token_lifetime.unwrap_or(DEFAULT_MAX_TOKEN_LIFETIME),
            max_token_size: options.max_token_size.unwrap_or(DEFAULT_MAX_TOKEN_SIZE),
        })?;
        let policy = Arc::new(CompiledPolicy::compile(&config, policy, &options.rbac)?);
        let mut warnings = config.findings.clone();
        for index in published_private {
            warnings.push(Finding {
                code: FindingCode::JwksPrivateKey,
                path: format!("jwks.keys[{index}]"),
                message: "a key that is not for signatures (e.g. use: enc) carries private key material: it is not used, but the private key was published; rotate it".into(),
            });
        }
        warnings.extend(policy.findings().iter().cloned());
        let require_verified_email = options.rbac.require_verified_email;
        if policy.username_claim() == "email" && !require_verified_email {
            warnings.push(Finding {
                code: FindingCode::EmailUnverifiedAccepted,
                path: "requireVerifiedEmail".into(),
                message: "usernames are the email claim and tokens with email_verified false are accepted: where authentik lets users edit their email, a user can take another's email and their Kestra rights (Kestra itself has the same exposure); set requireVerifiedEmail".into(),
            });
        }
        if verifier.uses_client_secret() {
            warnings.push(Finding {
                code: FindingCode::ClientSecretInUse,
                path: "micronaut.security.oauth2.clients.<name>.client-secret".into(),
                message: "HS256 tokens are verified with the client secret: wherever this configuration is loaded in a browser, the secret ships to every user (verify HS256 in an edge worker or server, or select a signing key in authentik)".into(),
            });
        }
        let capacity = options.token_cache_size.unwrap_or(DEFAULT_TOKEN_CACHE_SIZE);
        if capacity > MAX_TOKEN_CACHE_SIZE {
            return Err(Error::OptionInvalid {
                option: "tokenCacheSize",
                reason: format!("must be at most {MAX_TOKEN_CACHE_SIZE}"),
            });
        }
        let cache = Mutex::new(TokenCache {
            capacity,
            ..TokenCache::default()
        });
        Ok(Authorizer {
            verifier,
            config,
            policy,
            warnings,
            cache,
            require_verified_email,
        })
    }

    /// Entries, capacity, hits and misses of the verified-token cache.
    pub fn token_cache_stats(&self) -> TokenCacheStats {
        self.cache
            .lock()
            .map(|c| TokenCacheStats {
                entries: c.entries.len(),
                capacity: c.capacity,
                hits: c.hits,
                misses: c.misses,
            })
            .unwrap_or_default()
    }

    /// Configuration findings, for the admin (never fatal).
    pub fn warnings(&self) -> &[Finding] {
        &self.warnings
    }

    pub fn verifier(&self) -> &TokenVerifier {
        &self.verifier
    }

    pub fn kestra_config(&self) -> &KestraConfig {
        &self.config
    }

    pub fn policy(&self) -> &CompiledPolicy {
        &self.policy
    }

    /// Verifies an ID token at `now` (the host's clock: the core reads none) and opens a
    /// session for it in `options.tenant` (for the UI checks). A token verified before (same
    /// text) skips the signature; every check that depends on the clock or on `options` runs
    /// again.
    pub fn verify_id_token(&self, token: &str, now: UnixTime, options: &VerifyOptions) -> Result<Session> {
        match self.cached(token) {
            Some(verified) => {
                self.verifier.recheck(&verified, now, options)?;
                self.shared_session(verified, options.tenant.clone())
            }
            None => self.verified_afresh(token, now, options),
        }
    }

    /// The cache's entry for this text, counted as a hit or a miss.
    fn cached(&self, token: &str) -> Option<Arc<VerifiedIdToken>> {
        self.cache.lock().ok().and_then(|mut cache| {
            let found = cache.get(token);
            match found {
                Some(_) => cache.hits = cache.hits.saturating_add(1),
                None => cache.misses = cache.misses.saturating_add(1),
            }
            found
        })
    }

    /// A token just verified: remembered in the cache, its session opened.
    fn fresh_session(&self, token: &str, verified: VerifiedIdToken, options: &VerifyOptions) -> Result<Session> {
        let verified = Arc::new(verified);
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(token, Arc::clone(&verified));
        }
        self.shared_session(verified, options.tenant.clone())
    }

    /// A token the cache does not hold, verified whole by the module.
    fn verified_afresh(&self, token: &str, now: UnixTime, options: &VerifyOptions) -> Result<Session> {
        self.fresh_session(token, self.verifier.verify(token, now, options)?, options)
    }

    /// The first half of a verification whose signature the host's crypto checks
    /// (verifyIdTokenAsync): a cached token opens its session at once; a token whose signature
    /// the module checks itself (HS*, Ed25519) is verified whole; otherwise the signature goes
    /// to the host, every check before it done.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn begin_verification(
        &self,
        token: &str,
        now: UnixTime,
        options: &VerifyOptions,
    ) -> Result<Verification> {
        if let Some(verified) = self.cached(token) {
            self.verifier.recheck(&verified, now, options)?;
            return self
                .shared_session(verified, options.tenant.clone())
                .map(Verification::Done);
        }
        match self.verifier.prepare(token, now, options)? {
            Prepared::ForHost(signature) => Ok(Verification::Signature(signature)),
            Prepared::Verified(verified) => self.fresh_session(token, *verified, options).map(Verification::Done),
        }
    }

    /// The second half: the host's verdict on the signature (`None` when it could not
    /// check it: the module then does), the claims, the cache, the session.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn finish_verification(
        &self,
        pending: &crate::token::HostSignature,
        verdict: Option<bool>,
        now: UnixTime,
        options: &VerifyOptions,
    ) -> Result<Session> {
        let verified = self.verifier.verify_with_host_verdict(pending, verdict, now, options)?;
        self.fresh_session(pending.token(), verified, options)
    }

    /// Opens a session for an already verified token. The token must have been verified by
    /// a verifier identical to this Authorizer's (`ERR_SESSION_FOREIGN` otherwise).
    pub fn session(&self, token: VerifiedIdToken, tenant: Option<String>) -> Result<Session> {
        self.shared_session(Arc::new(token), tenant)
    }

    /// Sessions share the verified token with the cache.
    fn shared_session(&self, token: Arc<VerifiedIdToken>, tenant: Option<String>) -> Result<Session> {
        if let Some(t) = &tenant
            && !crate::rbac::policy::valid_tenant(t)
        {
            return Err(Error::TenantInvalid {
                tenant: crate::error::shorten(t),
            });
        }
        self.accept_identity(&token)?;
        let principal = self.policy.principal(&token);
        Ok(Session {
            token,
            principal,
            policy: Arc::clone(&self.policy),
            tenant,
        })
    }

    /// Whether this Authorizer takes the identity a verified token proves: verified by a
    /// verifier identical to its own (issuer, client, keys, secret, algorithms, audiences,
    /// limits), and with a verified email when the username is the email and
    /// `requireVerifiedEmail` is set.
    fn accept_identity(&self, token: &VerifiedIdToken) -> Result<()> {
        if !self.verifier.accepts_tokens_of(token) {
            return Err(Error::SessionForeign {
                reason: "the token was verified with another issuer, client, keys, secret or rules than this Authorizer's",
            });
        }
        if self.require_verified_email && self.policy.username_claim() == "email" && !token.email_verified() {
            return Err(Error::claim_failed(
                "email_verified",
                crate::ClaimReason::CheckFailed,
                "the username is the email and requireVerifiedEmail is set, but the email is not verified",
            ));
        }
        Ok(())
    }

    /// The session's principal in this Authorizer's policy: its own when this policy resolved
    /// it, else resolved afresh from the verified claims (a policy reloaded while sessions
    /// live on judges them by the new policy), or `ERR_SESSION_FOREIGN` when this Authorizer
    /// would not have accepted the session's token itself.
    fn principal_of<'s>(&self, session: &'s Session) -> Result<Cow<'s, Principal>> {
        if self.policy.resolved(&session.principal) {
            return Ok(Cow::Borrowed(&session.principal));
        }
        self.accept_identity(&session.token)?;
        Ok(Cow::Owned(self.policy.principal(&session.token)))
    }

    /// May the session's user do `request`? A denial is a value with its code; only bad
    /// input (unknown names, invalid namespace or tenant) is an error. The request's tenant
    /// defaults to the session's. A session of another Authorizer is judged by this one's
    /// policy, for the identity its token proved.
    pub fn authorize<'a>(&'a self, session: &'a Session, request: &Request<'a>) -> Result<Decision<'a>> {
        let request = Request {
            tenant: request.tenant.or(session.tenant()),
            ..*request
        };
        self.policy.authorize(&*self.principal_of(session)?, &request)
    }

    /// Every grant that applies to the request (`authorize` lists the four most specific and
    /// counts the rest), in the order `CompiledPolicy::all_reasons` gives.
    pub fn all_reasons<'a>(&'a self, session: &'a Session, request: &Request<'a>) -> Result<Vec<Reason<'a>>> {
        let request = Request {
            tenant: request.tenant.or(session.tenant()),
            ..*request
        };
        self.policy.all_reasons(&*self.principal_of(session)?, &request)
    }

    /// May the session's user (or, with `None`, an anonymous caller) make this request to
    /// Kestra's API? The request is mapped to the checks Kestra makes for its route in the
    /// policy's model (`crate::http`), and each is decided; the answer carries an HTTP
    /// status (200, 401 or 403) and, where the request does not name its namespace, what the
    /// host must look up.
    #[cfg(feature = "gateway")]
    pub fn authorize_http(
        &self,
        session: Option<&Session>,
        request: &HttpRequest<'_>,
        options: &HttpOptions,
    ) -> Result<HttpDecision> {
        let mapped = crate::http::map(request, self.policy.model(), options);
        let principal = session.map(|s| self.principal_of(s)).transpose()?;
        let caller = Caller {
            principal: principal.as_deref(),
            tenant: session.and_then(Session::tenant),
            impersonate: request.impersonate,
        };
        crate::http::decision::decide(&self.policy, &mapped, &caller)
    }

    /// Several requests at once; each answer as `authorize` gives it.
    pub fn authorize_many<'a>(&'a self, session: &'a Session, requests: &[Request<'a>]) -> Vec<Result<Decision<'a>>> {
        requests.iter().map(|r| self.authorize(session, r)).collect()
    }

    /// Every permission of the policy's model x each valid action -> allowed.
    pub fn matrix(&self, session: &Session, namespace: Option<&str>, tenant: Option<&str>) -> Result<Matrix> {
        self.policy
            .matrix(&*self.principal_of(session)?, namespace, tenant.or(session.tenant()))
    }

    /// `authorize`'s decision, and for a denial what nearly grants it and the changes that
    /// would (smallest first). The request's tenant defaults to the session's.
    #[cfg(feature = "audit")]
    pub fn explain<'a>(&'a self, session: &'a Session, request: &Request<'a>) -> Result<crate::audit::Explanation<'a>> {
        let request = Request {
            tenant: request.tenant.or(session.tenant()),
            ..*request
        };
        crate::audit::explain(&self.policy, &*self.principal_of(session)?, &request)
    }

    /// What changing this Authorizer's policy (and configuration) to `after`'s does to
    /// people's access: see [`crate::audit::diff_policies`].
    #[cfg(feature = "audit")]
    pub fn diff(&self, after: &Authorizer) -> Result<crate::audit::PolicyDiff> {
        crate::audit::diff_policies(&self.policy, &after.policy)
    }

    /// Who may do `permission` / `action` on `namespace` (or tenant-wide) in `tenant` (else
    /// the default tenant): the policy's users `authorize` allows, with its reasons; the groups
    /// whose bindings grant it; whether the first-login role does; the Instance Owners.
    pub fn who_can<'a>(
        &'a self,
        permission: &str,
        action: &str,
        namespace: Option<&str>,
        tenant: Option<&'a str>,
    ) -> Result<crate::rbac::WhoCan<'a>> {
        self.policy.who_can(permission, action, namespace, tenant)
    }

    /// `who_can`, with each holder's reasons only when `reasons`.
    pub fn who_can_with<'a>(
        &'a self,
        permission: &str,
        action: &str,
        namespace: Option<&str>,
        tenant: Option<&'a str>,
        reasons: bool,
    ) -> Result<crate::rbac::WhoCan<'a>> {
        self.policy.who_can_with(permission, action, namespace, tenant, reasons)
    }

    /// Where the session's user may do `permission` / `action`.
    pub fn allowed_namespaces(
        &self,
        session: &Session,
        permission: &str,
        action: &str,
        tenant: Option<&str>,
    ) -> Result<NamespaceGrants> {
        self.policy.allowed_namespaces(
            &*self.principal_of(session)?,
            permission,
            action,
            tenant.or(session.tenant()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{Authorizer, AuthorizerOptions, Verification, same_text};
    use crate::token::VerifyOptions;

    /// What a verification answers, comparable across paths.
    fn outcome(result: crate::Result<super::Session>) -> String {
        match result {
            Ok(session) => format!("ok {}", session.token().subject()),
            Err(error) => error.code().to_owned(),
        }
    }

    /// The two halves the host's crypto sits between (verifyIdTokenAsync) answer every token
    /// vector as the whole verification does, whatever the verdict source: the module's own
    /// (`None`), or a host that agrees with it.
    #[test]
    fn the_host_path_answers_as_the_module_does() {
        let vectors: serde_json::Value = serde_json::from_str(include_str!("../tests/vectors/tokens.json")).unwrap();
        let build = |provider: &str| {
            Authorizer::new(AuthorizerOptions::from_json(&vectors["providers"][provider]).unwrap()).unwrap()
        };
        let mut handed_to_host = 0;
        for case in vectors["cases"].as_array().unwrap() {
            let provider = case["provider"].as_str().unwrap();
            let token = case["token"].as_str().unwrap();
            // Options that cannot be read are refused before either path begins.
            let Ok((now, options)) = VerifyOptions::from_json(&case["options"], None) else {
                continue;
            };
            let whole = outcome(build(provider).verify_id_token(token, now, &options));
            for agreeing_host in [false, true] {
                let authz = build(provider);
                let halves = match authz.begin_verification(token, now, &options) {
                    Err(error) => Err(error),
                    Ok(Verification::Done(session)) => Ok(session),
                    Ok(Verification::Signature(pending)) => {
                        handed_to_host += 1;
                        let verdict = agreeing_host.then(|| {
                            let key = &authz.verifier().host_key_for_tests(pending.key);
                            key.verify_signature(pending.alg, pending.message(), &pending.signature)
                                .is_ok()
                        });
                        authz.finish_verification(&pending, verdict, now, &options)
                    }
                };
                assert_eq!(outcome(halves), whole, "{}", case["name"]);
            }
        }
        assert!(handed_to_host >= 100, "{handed_to_host}");
    }

    /// A host's refusal is a refusal; a prepared signature finishes only with the verifier
    /// that prepared it.
    #[test]
    fn a_verdict_applies_to_its_own_token_and_verifier_only() {
        let vectors: serde_json::Value = serde_json::from_str(include_str!("../tests/vectors/tokens.json")).unwrap();
        let case = vectors["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "alg: RS256")
            .unwrap();
        let options = AuthorizerOptions::from_json(&vectors["providers"][case["provider"].as_str().unwrap()]).unwrap();
        let (a, b) = (Authorizer::new(options.clone()).unwrap(), {
            let mut other = options;
            other.client_id = Some("another-client".into());
            Authorizer::new(other).unwrap()
        });
        let token = case["token"].as_str().unwrap();
        let (now, verify) = VerifyOptions::from_json(&case["options"], None).unwrap();
        let Ok(Verification::Signature(pending)) = a.begin_verification(token, now, &verify) else {
            panic!("an RS256 token goes to the host");
        };
        assert_eq!(
            outcome(a.finish_verification(&pending, Some(false), now, &verify)),
            "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
        );
        assert_eq!(
            outcome(b.finish_verification(&pending, Some(true), now, &verify)),
            "ERR_SESSION_FOREIGN"
        );
        assert!(outcome(a.finish_verification(&pending, Some(true), now, &verify)).starts_with("ok "));
    }

    #[test]
    fn same_text_compares_every_byte() {
        let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";
        assert!(same_text(token, token));
        assert!(same_text("", ""));
        assert!(!same_text(token, &token[..token.len() - 1]));
        for at in 0..token.len() {
            let mut other = token.as_bytes().to_vec();
            other[at] ^= 1;
            assert!(!same_text(token, std::str::from_utf8(&other).unwrap()), "byte {at}");
        }
    }
}
