//! A mapped request decided for a principal: each check through the policy's one decision
//! routine, the answer with an HTTP status.

use super::{Mapped, Need, Place, Plan};
use crate::error::Result;
use crate::rbac::{CompiledPolicy, DenyCode, Model, Principal};
use serde::Serialize;

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
    let needs = match &mapped.plan {
        Plan::Public => return Ok(HttpDecision::new(mapped, true, "PUBLIC_ROUTE", 200)),
        Plan::Refused { code, reason } => {
            let mut out = HttpDecision::new(mapped, false, code, 403);
            out.reason = Some(reason.clone());
            return Ok(out);
        }
        _ if caller.principal.is_none() => return Ok(HttpDecision::new(mapped, false, "SESSION_REQUIRED", 401)),
        Plan::Lookup(lookups) => {
            let mut out = HttpDecision::new(mapped, false, "NEEDS_LOOKUP", 403);
            out.lookup = lookups
                .iter()
                .map(|l| LookupEntry {
                    kind: l.kind,
                    id: l.id.clone(),
                })
                .collect();
            return Ok(out);
        }
        Plan::SignedIn | Plan::InstanceOwner | Plan::Checks(_) => &mapped.plan,
    };
    let Some(caller_principal) = caller.principal else {
        return Ok(HttpDecision::new(mapped, false, "SESSION_REQUIRED", 401));
    };
    let tenant = mapped.tenant.as_deref().or(caller.tenant);
    // Impersonation: the caller must hold IMPERSONATE; the request is then judged as the
    // target.
    let target;
    let mut impersonated = None;
    let principal = match caller.impersonate {
        None => caller_principal,
        Some(user) => {
            let (permission, action) = match policy.model() {
                Model::Crud => ("IMPERSONATE", "READ"),
                Model::V2 => ("USER", "IMPERSONATE"),
            };
            let denied = policy.route_check(caller_principal, permission, Some(action), None, false, tenant)?;
            if denied.is_some() || user.is_empty() {
                let mut out = HttpDecision::new(mapped, false, "IMPERSONATION_DENIED", 403);
                out.reason = Some(format!("impersonating a user needs {permission}:{action} tenant-wide"));
                return Ok(out);
            }
            target = policy.principal_for_username(user);
            // Never an Instance Owner's powers through impersonation: the permission is a
            // tenant's, the Instance Owner's routes are the instance's.
            let owner_route = matches!(needs, Plan::InstanceOwner);
            if owner_route || (target.is_instance_owner() && !caller_principal.is_instance_owner()) {
                let mut out = HttpDecision::new(mapped, false, "IMPERSONATION_DENIED", 403);
                out.reason = Some("an Instance Owner, or the Instance Owner's routes, cannot be impersonated".into());
                return Ok(out);
            }
            impersonated = Some(user.to_owned());
            &target
        }
    };
    let mut out = match needs {
        Plan::SignedIn => HttpDecision::new(mapped, true, "ALLOWED", 200),
        Plan::InstanceOwner => {
            if principal.is_instance_owner() {
                HttpDecision::new(mapped, true, "ALLOWED", 200)
            } else {
                HttpDecision::new(mapped, false, DenyCode::InstanceOwnerOnly.code(), 403)
            }
        }
        Plan::Checks(needs) => decide_checks(policy, mapped, principal, needs, tenant)?,
        _ => HttpDecision::new(mapped, false, "ROUTE_NOT_MAPPED", 403),
    };
    out.impersonated = impersonated;
    Ok(out)
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
        let actions: Vec<Option<&'static str>> = if need.actions.is_empty() {
            vec![None]
        } else {
            need.actions.iter().map(|a| Some(*a)).collect()
        };
        let mut granted_one = false;
        let mut results = Vec::new();
        for action in actions {
            let denied = policy.route_check(principal, need.permission, action, namespace, anywhere, tenant)?;
            granted_one |= denied.is_none();
            results.push(CheckDecision {
                permission: need.permission,
                action,
                namespace: namespace.map(str::to_owned),
                scope,
                from: need.from,
                allowed: denied.is_none(),
                code: denied.map_or("ALLOWED", DenyCode::code),
            });
        }
        let need_granted = if need.either {
            granted_one
        } else {
            results.iter().all(|r| r.allowed)
        };
        if !need_granted {
            allowed = false;
            if first_denial.is_none() {
                first_denial = results.iter().find(|r| !r.allowed).map(|r| r.code);
            }
        }
        checks.extend(results);
    }
    let mut out = if allowed {
        HttpDecision::new(mapped, true, "ALLOWED", 200)
    } else {
        HttpDecision::new(mapped, false, first_denial.unwrap_or("DENIED_NO_GRANT"), 403)
    };
    out.checks = checks;
    Ok(out)
}
