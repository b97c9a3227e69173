//! Kestra's RBAC: both permission models, policy input in Kestra's shapes, a compiled index,
//! and decisions with reasons.

pub mod catalog;
pub mod decision;
pub mod index;
pub mod namespace;
pub mod policy;

pub use catalog::{Model, Scope};
pub use decision::{ALLOWED, Decision, DenyCode, Matrix, NamespaceGrants, Reason, Request, Via};
pub use index::{CompiledPolicy, Principal, RbacOptions};
pub use policy::{ModelChoice, PolicyInput};
