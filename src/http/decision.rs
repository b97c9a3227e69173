//! A mapped request decided for a principal: each check through the policy's one decision
//! routine, the answer with an HTTP status.

use super::{Lookup, Mapped, Need, Place, Plan};
use crate::error::Result;
use crate::rbac::{CompiledPolicy, DenyCode, Model, Principal};
use serde::Serialize;
use std::borrow::Cow;

/// One check of a request, decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckDecision {
    pub permission: &'static str,
    /// `None`: any action of the permission.
    pub action: Option<&'static str>,
    pub namespace: Option<String>,
    /// `namespace`, `tenant` (grants without a namespace) or `anywhere`.
    pub scope: &'static str,
    /// Where the namespace came from.
    pub from: &'static str,
    pub allowed: bool,
    pub code: &'static str,
}

/// The answer for a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HttpDecision {
    pub allowed: bool,
    pub code: &'static str,
    /// 200, 401 (no session where one is needed) or 403.
    pub status: u16,
    /// The route, as `METHOD /api/v1/...` in the table's spelling.
    pub route: Option<&'static str>,
    pub tenant: Option<String>,
    pub checks: Vec<CheckDecision>,
    /// What the host must look up before asking again (`kind`, `id`).
    pub lookup: Vec<LookupEntry>,
    /// The user the decision concerns when the request impersonates one.
    pub impersonated: Option<String>,
    /// Why, for a refusal before any check.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookupEntry {
    pub kind: &'static str,
    pub id: String,
}

impl From<&Lookup> for LookupEntry {
    fn from(lookup: &Lookup) -> Self {
        LookupEntry {
            kind: lookup.kind,
            id: lookup.id.clone(),
        }
    }
}

impl HttpDecision {
    fn new(mapped: &Mapped, allowed: bool, code: &'static str, status: u16) -> Self {
        HttpDecision {
            allowed,
            code,
            status,
            route: mapped.route.map(|r| r.display.as_str()),
            tenant: mapped.tenant.clone(),
            checks: Vec::new(),
            lookup: Vec::new(),
            impersonated: None,
            reason: None,
        }
    }
}

/// Who asks: no session, or a principal of `policy` (with the tenant its session names).
pub struct Caller<'p> {
    pub principal: Option<&'p Principal>,
    pub tenant: Option<&'p str>,
    pub impersonate: Option<&'p str>,
}

/// Decides `mapped` for `caller`.
pub fn decide(policy: &CompiledPolicy, mapped: &Mapped, caller: &Caller<'_>) -> Result<HttpDecision> {
    let principal = match (&mapped.plan, caller.principal) {
        (Plan::Public, _) => return Ok(HttpDecision::new(mapped, true, "PUBLIC_ROUTE", 200)),
        (Plan::Refused { code, reason }, _) => {
            let mut out = HttpDecision::new(mapped, false, code, 403);
            out.reason = Some(reason.clone());
            return Ok(out);
        }
        (_, None) => return Ok(HttpDecision::new(mapped, false, "SESSION_REQUIRED", 401)),
        (_, Some(principal)) => principal,
    };
    let tenant = mapped.tenant.as_deref().or(caller.tenant);
    let (principal, impersonated) = match acting(policy, mapped, principal, caller.impersonate, tenant)? {
        Ok(acting) => acting,
        Err(refused) => return Ok(refused),
    };
    let mut out = match &mapped.plan {
        Plan::Lookup { lookups, needs } => {
            // Looking up costs the host a request to Kestra and would tell the caller where an
            // object is: only for a caller with access to the tenant who holds every check
            // somewhere; anyone else is denied now, as Kestra would deny them.
            let anywhere = decide_checks(policy, mapped, &principal, needs, tenant)?;
            if anywhere.allowed {
                let mut out = HttpDecision::new(mapped, false, "NEEDS_LOOKUP", 403);
                out.lookup = lookups.iter().map(LookupEntry::from).collect();
                out
            } else {
                anywhere
            }
        }
        Plan::InstanceOwner if principal.is_instance_owner() => HttpDecision::new(mapped, true, "ALLOWED", 200),
        Plan::InstanceOwner => HttpDecision::new(mapped, false, DenyCode::InstanceOwnerOnly.code(), 403),
        Plan::Checks(needs) => decide_checks(policy, mapped, &principal, needs, tenant)?,
        // A signed-in route needs a session only.
        Plan::SignedIn => HttpDecision::new(mapped, true, "ALLOWED", 200),
        // Answered before a session is looked at; never granted here.
        Plan::Public | Plan::Refused { .. } => HttpDecision::new(mapped, false, "ROUTE_REFUSED", 403),
    };
    out.impersonated = impersonated;
    Ok(out)
}

/// The principal a request acts as, and the user it impersonates.
type Acting<'c> = (Cow<'c, Principal>, Option<String>);

/// Whom the request acts as: the caller, or the user `X-Kestra-Impersonate` names when the
/// caller holds IMPERSONATE (1.x) or USER:IMPERSONATE (2.0) tenant-wide; or the refusal.
fn acting<'c>(
    policy: &CompiledPolicy,
    mapped: &Mapped,
    caller: &'c Principal,
    impersonate: Option<&str>,
    tenant: Option<&str>,
) -> Result<std::result::Result<Acting<'c>, HttpDecision>> {
    let Some(user) = impersonate else {
        return Ok(Ok((Cow::Borrowed(caller), None)));
    };
    let (permission, action) = match policy.model() {
        Model::Crud => ("IMPERSONATE", "READ"),
        Model::V2 => ("USER", "IMPERSONATE"),
    };
    let refuse = |reason: String| {
        let mut out = HttpDecision::new(mapped, false, "IMPERSONATION_DENIED", 403);
        out.reason = Some(reason);
        out
    };
    let denied = policy.route_check(caller, permission, Some(action), None, false, tenant)?;
    if denied.is_some() || user.is_empty() {
        return Ok(Err(refuse(format!(
            "impersonating a user needs {permission}:{action} tenant-wide"
        ))));
    }
    let target = policy.principal_for_username(user);
    // Never an Instance Owner's powers through impersonation: the permission is a tenant's,
    // the Instance Owner's routes are the instance's.
    let owner_route = matches!(mapped.plan, Plan::InstanceOwner);
    if owner_route || (target.is_instance_owner() && !caller.is_instance_owner()) {
        return Ok(Err(refuse(
            "an Instance Owner, or the Instance Owner's routes, cannot be impersonated".into(),
        )));
    }
    Ok(Ok((Cow::Owned(target), Some(user.to_owned()))))
}

fn decide_checks(
    policy: &CompiledPolicy,
    mapped: &Mapped,
    principal: &Principal,
    needs: &[Need],
    tenant: Option<&str>,
) -> Result<HttpDecision> {
    let mut checks = Vec::new();
    let mut allowed = true;
    let mut first_denial = None;
    for need in needs {
        let (namespace, anywhere, scope) = match &need.place {
            Place::Namespace(ns) => (Some(ns.as_str()), false, "namespace"),
            Place::TenantWide => (None, false, "tenant"),
            Place::AnyNamespace => (None, true, "anywhere"),
        };
        let first = checks.len();
        let mut check = |action: Option<&'static str>| -> Result<()> {
            let denied = policy.route_check(principal, need.permission, action, namespace, anywhere, tenant)?;
            checks.push(CheckDecision {
                permission: need.permission,
                action,
                namespace: namespace.map(str::to_owned),
                scope,
                from: need.from,
                allowed: denied.is_none(),
                code: denied.map_or("ALLOWED", DenyCode::code),
            });
            Ok(())
        };
        if need.actions.is_empty() {
            check(None)?;
        } else {
            for action in need.actions {
                check(Some(action))?;
            }
        }
        let results = checks.get(first..).unwrap_or_default();
        let need_granted = if need.either {
            results.iter().any(|r| r.allowed)
        } else {
            results.iter().all(|r| r.allowed)
        };
        if !need_granted {
            allowed = false;
            if first_denial.is_none() {
                first_denial = results.iter().find(|r| !r.allowed).map(|r| r.code);
            }
        }
    }
    let mut out = if allowed {
        HttpDecision::new(mapped, true, "ALLOWED", 200)
    } else {
        HttpDecision::new(mapped, false, first_denial.unwrap_or("DENIED_NO_GRANT"), 403)
    };
    out.checks = checks;
    Ok(out)
}
