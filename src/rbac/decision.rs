//! What a decision says: allowed or not, a stable code, and the reasons.

use super::MAX_REASONS;
use serde::Serialize;
use std::borrow::Cow;

/// An authorization question. Names are Kestra's: `FLOW` / `CREATE`, or 2.0's `FLOW` / `EXECUTE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    pub permission: &'a str,
    pub action: &'a str,
    /// The namespace of the object; `None` asks about tenant-wide grants only.
    pub namespace: Option<&'a str>,
    /// The tenant; `None` uses `fallbackTenant`, else the default tenant, unless tenants are
    /// required.
    pub tenant: Option<&'a str>,
}

/// The Kestra UI's permission checks, as its front end asks them. Each answers yes or no;
/// the `hasAny*` checks also count grants below the namespace (does a menu have anything to
/// show?), `isAllowed` only grants on it or an ancestor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiCheck<'a> {
    /// `isAllowed(permission, action, namespace?)`: without a namespace, tenant-wide grants only.
    IsAllowed {
        permission: &'a str,
        action: &'a str,
        namespace: Option<&'a str>,
    },
    /// `isAllowedGlobal(permission, action)`: tenant-wide grants only.
    IsAllowedGlobal { permission: &'a str, action: &'a str },
    /// `hasAny(permission, namespace?)`: any action of the permission.
    HasAny {
        permission: &'a str,
        namespace: Option<&'a str>,
    },
    /// `hasAnyAction(permission, action, namespace?)`: on the namespace, an ancestor or
    /// anywhere below it; without a namespace, as `HasAnyActionOnAnyNamespace`.
    HasAnyAction {
        permission: &'a str,
        action: &'a str,
        namespace: Option<&'a str>,
    },
    /// `hasAnyActionOnAnyNamespace(permission, action)`: tenant-wide or on any namespace.
    HasAnyActionOnAnyNamespace { permission: &'a str, action: &'a str },
    /// `hasAnyRole()`: any role at all in the tenant.
    HasAnyRole,
}

/// How a grant reached the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    #[default]
    User,
    Group,
    DefaultRole,
    InstanceOwner,
}

impl Via {
    pub const ALL: [Via; 4] = [Via::User, Via::Group, Via::DefaultRole, Via::InstanceOwner];

    pub fn name(self) -> &'static str {
        match self {
            Via::User => "user",
            Via::Group => "group",
            Via::DefaultRole => "default-role",
            Via::InstanceOwner => "instance-owner",
        }
    }
}

/// One grant that applies to a request. Its names borrow from the policy and the request (a
/// decision allocates nothing per reason); `into_owned` detaches it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason<'a> {
    pub via: Via,
    /// Role id (the default role's name for `default-role`).
    pub role: Option<Cow<'a, str>>,
    pub role_name: Option<Cow<'a, str>>,
    /// Binding id (`#<index>` for a binding without one).
    pub binding: Option<Cow<'a, str>>,
    /// The binding's namespace; `None` for a tenant-wide binding.
    pub namespace: Option<Cow<'a, str>>,
    /// The group a group binding applies through.
    pub group: Option<Cow<'a, str>>,
    pub tenant: Cow<'a, str>,
}

impl Reason<'_> {
    pub fn into_owned(self) -> Reason<'static> {
        let own = |text: Option<Cow<'_, str>>| text.map(|t| Cow::Owned(t.into_owned()));
        Reason {
            via: self.via,
            role: own(self.role),
            role_name: own(self.role_name),
            binding: own(self.binding),
            namespace: own(self.namespace),
            group: own(self.group),
            tenant: Cow::Owned(self.tenant.into_owned()),
        }
    }
}

/// Why a request is denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyCode {
    /// No binding, group or default role grants the action.
    NoGrant,
    /// Grants exist on other namespaces, not on this one (or the request named none).
    NamespaceNotCovered,
    /// A global-only resource (BLUEPRINT, MCP_SERVER, ...) granted only by a namespace binding.
    GlobalOnly,
    /// Tenants are required (`kestra.ee.tenants.enabled` and not `defaultTenant`) and the
    /// request names none.
    TenantRequired,
    /// The user has no access to the tenant.
    NoTenantAccess,
    /// An instance resource (tenants, worker groups, ...): only the Instance Owner.
    InstanceOwnerOnly,
    /// The token has no value in the username claim.
    NoUsername,
}

/// The code of an allowed decision.
pub const ALLOWED: &str = "ALLOWED";

impl DenyCode {
    pub const ALL: [DenyCode; 7] = [
        DenyCode::NoGrant,
        DenyCode::NamespaceNotCovered,
        DenyCode::GlobalOnly,
        DenyCode::TenantRequired,
        DenyCode::NoTenantAccess,
        DenyCode::InstanceOwnerOnly,
        DenyCode::NoUsername,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DenyCode::NoGrant => "DENIED_NO_GRANT",
            DenyCode::NamespaceNotCovered => "DENIED_NAMESPACE_NOT_COVERED",
            DenyCode::GlobalOnly => "DENIED_GLOBAL_ONLY",
            DenyCode::TenantRequired => "DENIED_TENANT_REQUIRED",
            DenyCode::NoTenantAccess => "DENIED_NO_TENANT_ACCESS",
            DenyCode::InstanceOwnerOnly => "DENIED_INSTANCE_OWNER_ONLY",
            DenyCode::NoUsername => "DENIED_NO_USERNAME",
        }
    }
}

/// A decision. Deny is an answer, not an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision<'a> {
    pub allowed: bool,
    /// `ALLOWED` or a `DENIED_*` code.
    pub code: &'static str,
    /// The most specific grants that apply, at most `MAX_REASONS` (4), most specific first.
    pub reasons: Vec<Reason<'a>>,
    /// How many other grants apply besides those in `reasons`.
    #[serde(rename = "moreReasons")]
    pub more_reasons: usize,
    /// The tenant the request was decided in (absent when a tenant was required).
    pub tenant: Option<Cow<'a, str>>,
}

impl Decision<'_> {
    /// The reasons to list, at most `MAX_REASONS` (what `authorize` gives), and how many other
    /// grants apply: a reason past them is counted with the others, not dropped.
    pub fn listed(&self) -> (&[Reason<'_>], usize) {
        let listed = self.reasons.get(..MAX_REASONS).unwrap_or(&self.reasons);
        let past = self.reasons.len().saturating_sub(listed.len());
        (listed, self.more_reasons.saturating_add(past))
    }

    /// The same decision, owning its names.
    pub fn into_owned(self) -> Decision<'static> {
        Decision {
            allowed: self.allowed,
            code: self.code,
            reasons: self.reasons.into_iter().map(Reason::into_owned).collect(),
            more_reasons: self.more_reasons,
            tenant: self.tenant.map(|t| Cow::Owned(t.into_owned())),
        }
    }
}

/// Who holds a grant in a tenant (`whoCan`): exactly those `authorize` allows, each with the
/// reasons it gives.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhoCan<'a> {
    /// The tenant asked about (absent when a tenant was required and none was named).
    pub tenant: Option<Cow<'a, str>>,
    /// Policy users (by their username) whom `authorize` allows, sorted by username.
    pub users: Vec<WhoUser<'a>>,
    /// Groups with a binding that grants it, sorted by id: their members hold it when they
    /// have access to the tenant (with `groups-claim-path`, whoever the token says).
    pub groups: Vec<WhoGroup<'a>>,
    /// The first-login role, when it grants it: every user the policy does not list has it.
    pub default_role: Option<WhoRole<'a>>,
    /// Usernames of the Instance Owners, when the permission is one of theirs.
    pub instance_owners: Vec<Cow<'a, str>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhoUser<'a> {
    pub id: Cow<'a, str>,
    pub username: Cow<'a, str>,
    /// The reasons `authorize` gives this user (the most specific, at most four).
    pub reasons: Vec<Reason<'a>>,
    #[serde(rename = "moreReasons")]
    pub more_reasons: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhoGroup<'a> {
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub reasons: Vec<Reason<'a>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhoRole<'a> {
    pub id: Cow<'a, str>,
    pub name: Cow<'a, str>,
}

/// Where a (permission, action) is granted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NamespaceGrants {
    /// A tenant-wide grant: every namespace, including future ones.
    pub everywhere: bool,
    /// Otherwise the roots of the subtrees where it is granted, sorted.
    pub namespaces: Vec<String>,
}

/// Rows of (permission, [(action, allowed)]) in catalog order.
pub type Matrix = Vec<(&'static str, Vec<(&'static str, bool)>)>;

#[cfg(test)]
mod tests {
    use super::{ALLOWED, Decision, MAX_REASONS, Reason, Via};

    /// Any reason past the four listed is counted with the other grants, whatever their number.
    #[test]
    fn a_decision_lists_at_most_four_reasons_and_counts_the_rest() {
        for (count, more) in [(0, 0), (1, 7), (4, 0), (4, 3), (5, 0), (9, 2), (6, usize::MAX)] {
            let reasons: Vec<Reason<'static>> = (0..count)
                .map(|i| Reason {
                    via: Via::User,
                    binding: Some(format!("#{i}").into()),
                    ..Reason::default()
                })
                .collect();
            let decision = Decision {
                allowed: count > 0,
                code: ALLOWED,
                reasons: reasons.clone(),
                more_reasons: more,
                tenant: None,
            };
            let (listed, counted) = decision.listed();
            let shown = count.min(MAX_REASONS);
            assert_eq!(listed, reasons.get(..shown).unwrap());
            assert_eq!(
                counted,
                more.saturating_add(count - shown),
                "{count} reasons, {more} more"
            );
        }
    }
}
