//! Kestra's RBAC: both permission models, policy input in Kestra's shapes, a compiled index,
//! and decisions with reasons.
//!
//! - `catalog`: the permissions and actions of both models, their scopes, the migration table.
//! - `policy`: the readers of policy input.
//! - `roles`, `tenant`, `compile`: the policy compiled into per-tenant grant tables.
//! - `principal`: who a verified token is to the compiled policy.
//! - `evaluate`: the one decision routine behind `authorize` and the UI checks.
//! - `decision`: what a decision says.

pub mod catalog;
mod compile;
pub mod decision;
pub(crate) mod evaluate;
pub mod namespace;
pub mod policy;
pub(crate) mod principal;
mod roles;
pub(crate) mod tenant;

pub use catalog::{Model, Scope};
pub use compile::{CompiledPolicy, RbacOptions};
pub use decision::{
    ALLOWED, Decision, DenyCode, Matrix, NamespaceGrants, Reason, Request, UiCheck, Via, WhoCan, WhoGroup, WhoRole,
    WhoUser,
};
pub use evaluate::MAX_REASONS;
pub use policy::{ModelChoice, PolicyInput};
pub use principal::Principal;
