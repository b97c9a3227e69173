//! Policy input in the JSON shapes of Kestra's own API: roles, groups, users and bindings per
//! tenant, bindings in both the stored shape (`type, externalId, roleId, namespaceId`) and the
//! detail shape (`type, namespace, role{id}, group{id}, user{id}`), and one user's
//! `GET /api/v1/{tenant}/tenant-access/{userId}` answer. Every error names the path of the bad
//! entry.
//!
//! Two readers give the same answer for every text: `typed` reads the common shape straight
//! from the text (fast, borrowing), `general` reads every shape through a JSON tree; `parse`
//! tries the first and falls back to the second.

mod general;
mod typed;

use crate::error::{Error, Result};
use serde_json::Value;
use std::borrow::Cow;

pub use general::valid_tenant;

/// Upper bounds on a policy, so hostile input cannot make compilation unbounded.
pub const MAX_TENANTS: usize = 10_000;
pub const MAX_ROLES: usize = 100_000;
pub const MAX_BINDINGS: usize = 1_000_000;
pub const MAX_USERS: usize = 1_000_000;
pub const MAX_GROUPS: usize = 100_000;
pub const MAX_POLICY_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelChoice {
    /// 2.0 when any role uses a 2.0-only action name, else CRUD.
    Auto,
    Crud,
    V2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingKind {
    User,
    Group,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoleInput {
    pub id: String,
    pub name: String,
    /// Permission -> actions, in input order.
    pub permissions: Vec<(String, Vec<String>)>,
    /// `isDefault`: a first-login role of its tenant, held by users the policy does not list.
    pub is_default: bool,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupInput {
    pub id: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserInput {
    /// How bindings and memberships refer to the user; never matched against a token.
    pub id: String,
    /// What a token's username is matched against, exactly: the user's only identity.
    pub username: Option<String>,
    /// Informational only: an email is not an identity.
    pub email: Option<String>,
    /// Group ids or names.
    pub groups: Vec<String>,
    pub instance_owner: bool,
}

/// A binding. Its names borrow from the policy text when they can (100,000 bindings are
/// 400,000 names: allocating each was a fifth of building an Authorizer from them).
#[derive(Debug, Clone, PartialEq)]
pub struct BindingInput<'a> {
    /// The binding's id; `None` when the input gives none, and it is then `#<its position in
    /// the tenant's bindings>` (written once, when the policy is compiled).
    pub id: Option<Cow<'a, str>>,
    pub kind: BindingKind,
    pub external_id: Cow<'a, str>,
    pub role_id: Cow<'a, str>,
    pub namespace: Option<Cow<'a, str>>,
    pub path: BindingPath,
}

impl BindingInput<'_> {
    pub fn into_owned(self) -> BindingInput<'static> {
        let own = |text: Cow<'_, str>| Cow::Owned(text.into_owned());
        BindingInput {
            id: self.id.map(own),
            kind: self.kind,
            external_id: own(self.external_id),
            role_id: own(self.role_id),
            namespace: self.namespace.map(own),
            path: self.path,
        }
    }
}

/// Where a binding is in the policy, for error messages: written out only when one is
/// reported (formatting a path per binding was a tenth of reading 100,000 of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingPath {
    /// `tenants.<tenant>.bindings[i]`.
    Tenant(usize),
    /// `policy.bindings[i]`: the single-tenant shape.
    Single(usize),
    /// Anywhere else (a tenant-access answer's role).
    Other(String),
}

impl BindingPath {
    /// The path, in the tenant the binding belongs to.
    pub fn render(&self, tenant: &str) -> String {
        match self {
            BindingPath::Tenant(i) => format!("tenants.{tenant}.bindings[{i}]"),
            BindingPath::Single(i) => format!("policy.bindings[{i}]"),
            BindingPath::Other(path) => path.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TenantInput<'a> {
    pub id: String,
    pub roles: Vec<RoleInput>,
    pub groups: Vec<GroupInput>,
    pub users: Vec<UserInput>,
    pub bindings: Vec<BindingInput<'a>>,
}

/// A policy as given, checked for shape; bindings may borrow from the text it was read from
/// (`into_owned` detaches it).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyInput<'a> {
    pub model: ModelChoice,
    pub tenants: Vec<TenantInput<'a>>,
}

/// The single-tenant shape's tenant id: `tenant`, else `main`.
const SINGLE_TENANT_DEFAULT: &str = "main";

impl<'a> PolicyInput<'a> {
    /// Parses policy JSON text (duplicate member names refused).
    pub fn parse(text: &'a str) -> Result<Self> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(Error::InputTooLarge {
                what: "policy",
                size: text.len(),
                max: MAX_POLICY_BYTES,
            });
        }
        match typed::read(text) {
            Some(policy) => Ok(policy),
            None => PolicyInput::parse_general(text),
        }
    }

    /// Reads with the general reader alone: every shape, through a JSON tree. `parse` gives
    /// the same answer; this one is public so the two readers can be compared (tests, fuzzing).
    pub fn parse_general(text: &str) -> Result<PolicyInput<'static>> {
        general::read(text)
    }

    /// Reads with the typed reader alone: `None` when it leaves the text to the general one.
    /// Public so the two readers can be compared (tests, fuzzing).
    pub fn parse_typed(text: &'a str) -> Option<Self> {
        typed::read(text)
    }

    /// The same policy, owning all of its names.
    pub fn into_owned(self) -> PolicyInput<'static> {
        PolicyInput {
            model: self.model,
            tenants: self
                .tenants
                .into_iter()
                .map(|t| TenantInput {
                    id: t.id,
                    roles: t.roles,
                    groups: t.groups,
                    users: t.users,
                    bindings: t.bindings.into_iter().map(BindingInput::into_owned).collect(),
                })
                .collect(),
        }
    }
}
