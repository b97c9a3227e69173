#![doc = include_str!("../docs/rust.md")]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented,
        clippy::arithmetic_side_effects
    )
)]

#[cfg(feature = "audit")]
pub mod audit;
pub mod authorizer;
pub mod config;
pub mod error;
#[cfg(feature = "gateway")]
pub mod http;
mod json;
mod options;
pub mod rbac;
pub mod time;
pub mod token;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use authorizer::{Authorizer, AuthorizerOptions, Session, TokenCacheStats};
pub use error::{ClaimReason, Error, Result};
pub use time::UnixTime;
pub use token::alg::Alg;
pub use token::{Discovery, Jwks, PublicKey, TokenVerifier, VerifiedIdToken, VerifierConfig, VerifyOptions};

/// The README's Rust example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
