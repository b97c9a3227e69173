//! Who a verified token is to a compiled policy: its username finds a policy user (by
//! username only, exactly), and that user's id finds their bindings and memberships in each
//! tenant; the token's groups count when the configuration names a groups claim.

use super::compile::{CompiledPolicy, PolicyStamp};
use super::tenant::TenantIndex;
use crate::error::{Error, Result};
use crate::token::VerifiedIdToken;
use serde_json::Value;
use std::sync::Arc;

/// Who a verified token is to one compiled policy, resolved once per session. Usable only
/// with the policy that resolved it.
#[derive(Debug, Clone, Default)]
pub struct Principal {
    pub(super) username: Option<String>,
    pub(super) groups: Vec<String>,
    pub(super) known: bool,
    pub(super) instance_owner: bool,
    /// Per policy tenant (by slot, ascending): the user's principal index (if any) and group
    /// indices. A decision finds its tenant once in the policy, then here by number.
    pub(super) tenants: Vec<(usize, TenantPrincipal)>,
    pub(super) stamp: Option<Arc<PolicyStamp>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct TenantPrincipal {
    pub(crate) user: Option<usize>,
    pub(crate) groups: Vec<usize>,
    pub(crate) access: bool,
}

impl Principal {
    pub(crate) fn tenant(&self, slot: usize) -> Option<&TenantPrincipal> {
        let at = self.tenants.binary_search_by_key(&slot, |(s, _)| *s).ok()?;
        self.tenants.get(at).map(|(_, p)| p)
    }
    /// The Kestra username (from `usernameClaim`, default `email`).
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }
    /// Group names from the token (only when `groups-claim-path` is configured).
    pub fn groups(&self) -> &[String] {
        &self.groups
    }
    /// Whether the policy lists this user (if not, the default role applies).
    pub fn is_known(&self) -> bool {
        self.known
    }
    pub fn is_instance_owner(&self) -> bool {
        self.instance_owner
    }
    /// A user the policy does not list, as the first-login role sees them.
    pub(crate) fn stranger() -> Principal {
        Principal {
            known: false,
            username: Some(String::new()),
            ..Principal::default()
        }
    }
}

impl CompiledPolicy {
    /// Resolves who a verified token is: username, token groups, and per tenant the
    /// principals that carry grants.
    pub fn principal(&self, token: &VerifiedIdToken) -> Principal {
        let username = match token.claims().get(&self.username_claim) {
            Some(Value::String(name)) if !name.is_empty() => Some(name.clone()),
            _ => None,
        };
        let groups = self
            .groups_claim_path
            .as_ref()
            .map(|path| claim_strings(token.claims(), path))
            .unwrap_or_default();
        self.resolve_identity(username, groups)
    }

    /// The principal of a policy user named by username alone (an impersonated user): no
    /// token groups, so only the policy's memberships count.
    pub fn principal_for_username(&self, username: &str) -> Principal {
        self.resolve_identity(Some(username.to_owned()), Vec::new())
    }

    /// The same, resolved in one tenant only: enough to decide a question about that tenant
    /// (`who_can`), without the cost of every other tenant.
    pub(super) fn principal_in_tenant(&self, username: &str, tenant: &TenantIndex) -> Principal {
        self.resolve_in(Some(username.to_owned()), Vec::new(), std::iter::once(tenant))
    }

    /// The principal of a username and token groups: the username
    /// finds a policy user by `username` only, exactly; the user's id then finds their
    /// bindings in each tenant. With `groups-claim-path` set the token's groups are the user's
    /// groups; without it the policy's memberships are. Any group membership gives access to
    /// its tenant, in both models.
    fn resolve_identity(&self, username: Option<String>, groups: Vec<String>) -> Principal {
        self.resolve_in(username, groups, self.tenants.values())
    }

    fn resolve_in<'t>(
        &self,
        username: Option<String>,
        groups: Vec<String>,
        indexes: impl Iterator<Item = &'t TenantIndex>,
    ) -> Principal {
        let stamp = Some(Arc::clone(&self.stamp));
        let Some(name) = &username else {
            return Principal {
                groups,
                stamp,
                ..Default::default()
            };
        };
        let identity = self.users_by_username.get(name);
        let mut tenants = Vec::new();
        for index in indexes {
            let user = identity.and_then(|i| index.user_by_id.get(&i.id)).copied();
            let mut group_slots: Vec<usize> = Vec::new();
            match &self.groups_claim_path {
                Some(_) => {
                    for g in &groups {
                        for slot in index.groups_of_token_group(g) {
                            if !group_slots.contains(slot) {
                                group_slots.push(*slot);
                            }
                        }
                    }
                }
                None => {
                    if let Some(list) = user.and_then(|u| index.user_groups.get(u)) {
                        group_slots.clone_from(list);
                    }
                }
            }
            let listed = user.is_some_and(|u| index.user_listed.get(u).copied().unwrap_or(false));
            let directly_bound = user
                .and_then(|u| index.user_grants.get(u))
                .is_some_and(|g| g.has_binding);
            let access = listed || directly_bound || !group_slots.is_empty();
            if user.is_some() || !group_slots.is_empty() {
                tenants.push((
                    index.slot,
                    TenantPrincipal {
                        user,
                        groups: group_slots,
                        access,
                    },
                ));
            }
        }
        tenants.sort_unstable_by_key(|(slot, _)| *slot);
        Principal {
            instance_owner: identity.is_some_and(|i| i.instance_owner),
            known: identity.is_some(),
            username,
            groups,
            tenants,
            stamp,
        }
    }

    /// Whether `principal` was resolved against this policy: only then do its slots name this
    /// policy's users and groups.
    pub fn resolved(&self, principal: &Principal) -> bool {
        principal.stamp.as_ref().is_some_and(|s| Arc::ptr_eq(s, &self.stamp))
    }

    /// Refuses a principal this policy did not resolve: its slots mean nothing here.
    pub(super) fn own(&self, principal: &Principal) -> Result<()> {
        if self.resolved(principal) {
            Ok(())
        } else {
            Err(Error::SessionForeign {
                reason: "the principal was resolved against another compiled policy",
            })
        }
    }
}

/// The strings at a dot path of the claims: an array of strings, or one string.
fn claim_strings(claims: &serde_json::Map<String, Value>, path: &[String]) -> Vec<String> {
    let mut node: Option<&Value> = None;
    for (i, segment) in path.iter().enumerate() {
        node = if i == 0 {
            claims.get(segment)
        } else {
            node.and_then(|n| n.get(segment))
        };
    }
    match node {
        Some(Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}
