//! The public entry point: a Kestra configuration and the provider's keys, compiled once;
//! ID tokens verified against them. The JS `Authorizer` is a thin wrapper around this.

use crate::config::{Finding, KestraConfig};
use crate::error::{Error, Result};
use crate::token::alg::Alg;
use crate::token::{
    DEFAULT_CLOCK_TOLERANCE, DEFAULT_MAX_TOKEN_LIFETIME, DEFAULT_MAX_TOKEN_SIZE, Discovery, Jwks, TokenVerifier,
    VerifiedIdToken, VerifierConfig, VerifyOptions,
};

/// How to build an [`Authorizer`]. Values given here override the Kestra configuration.
#[derive(Clone, Default)]
pub struct AuthorizerOptions {
    /// Kestra's `application.yaml`, parsed.
    pub kestra_config: Option<KestraConfig>,
    /// The provider's JWKS (`/application/o/<slug>/jwks/`).
    pub jwks: Option<Jwks>,
    /// The provider's discovery document; its issuer must equal the configured one and its
    /// algorithms become the allow-list unless `algorithms` is given.
    pub discovery: Option<Discovery>,
    /// Which `micronaut.security.oauth2.clients.<name>` to use when there are several.
    pub client: Option<String>,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub algorithms: Option<Vec<Alg>>,
    pub trusted_audiences: Vec<String>,
    pub clock_tolerance: Option<u32>,
    pub max_token_lifetime: Option<u64>,
    pub max_token_size: Option<usize>,
}

/// A verified sign-in: the ID token's identity, ready for authorization decisions.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    token: VerifiedIdToken,
}

impl Session {
    pub fn token(&self) -> &VerifiedIdToken {
        &self.token
    }
}

/// Configuration and keys, compiled once.
#[derive(Clone)]
pub struct Authorizer {
    verifier: TokenVerifier,
    config: KestraConfig,
    warnings: Vec<Finding>,
}

impl Authorizer {
    pub fn new(options: AuthorizerOptions) -> Result<Self> {
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
        let mut warnings = config.findings.clone();
        if verifier.uses_client_secret() {
            warnings.push(Finding {
                code: "WARN_CLIENT_SECRET_IN_USE",
                path: "micronaut.security.oauth2.clients.<name>.client-secret".into(),
                message: "HS256 tokens are verified with the client secret: wherever this configuration is loaded in a browser, the secret ships to every user (verify HS256 in an edge worker or server, or select a signing key in authentik)".into(),
            });
        }
        Ok(Authorizer {
            verifier,
            config,
            warnings,
        })
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

    /// Verifies an ID token and opens a session for it.
    pub fn verify_id_token(&self, token: &str, options: &VerifyOptions) -> Result<Session> {
        Ok(Session {
            token: self.verifier.verify(token, options)?,
        })
    }
}
