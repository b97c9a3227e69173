//! The one decision routine. Every question (`authorize` with its reasons, the Kestra UI's
//! `isAllowed` and `hasAny*`, the matrix, where a grant reaches) passes the same preamble:
//! the principal must be this policy's, the names must resolve, the tenant must be known and
//! the token must carry a username. Then, in order: the instance owner's own permissions; no
//! grant at instance scope or without access to the tenant; the first-login role; and the
//! grant tables of the user and their groups. A collector decides whether the routine stops at
//! the first grant (a yes/no check) or records every grant with its binding (a decision that
//! explains itself).

use super::catalog::{Key, KeySet, Model, Permission, Scope, key_space};
use super::compile::CompiledPolicy;
use super::decision::{
    ALLOWED, Decision, DenyCode, NamespaceGrants, Reason, Request, UiCheck, Via, WhoCan, WhoGroup, WhoRole, WhoUser,
};
use super::namespace;
use super::principal::{Principal, TenantPrincipal};
use super::tenant::{BindingMeta, Grants, TenantIndex};
use crate::error::{Error, Result, shorten};
use crate::rbac::policy::valid_tenant;

/// The first-login role that applies in a tenant: a policy role marked `isDefault`, or the
/// configuration's `defaultRole`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FirstLogin<'a> {
    pub(crate) id: &'a str,
    pub(crate) name: &'a str,
    pub(crate) keys: &'a KeySet,
}

/// What applies to a principal in one tenant. Decisions borrow from the policy (`'a`), never
/// from the principal (`'p`), so a principal resolved for one call can be dropped after it.
struct View<'a, 'p> {
    tenant: &'a str,
    index: Option<&'a TenantIndex>,
    principal: Option<&'p TenantPrincipal>,
    access: bool,
    default_role: Option<FirstLogin<'a>>,
}

impl<'a> View<'a, '_> {
    /// The numbered chain of the question's namespace in this tenant; empty when it names
    /// none or its permission is not namespace-scoped.
    fn chain<'b>(&self, r: &Resolved<'_>, buf: &'b mut [u32; namespace::MAX_NAMESPACE_DEPTH]) -> &'b [u32] {
        chain_in(self.index, r, buf)
    }

    /// The grant tables of the user, then of each of their groups.
    fn grants(&self) -> impl Iterator<Item = (&'a Grants, Via)> + '_ {
        let index = self.index;
        let user = self
            .principal
            .and_then(|p| p.user)
            .and_then(move |u| index?.user_grants.get(u))
            .map(|g| (g, Via::User));
        let groups = self
            .principal
            .map(|p| p.groups.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(move |g| Some((index?.group_grants.get(*g)?, Via::Group)));
        user.into_iter().chain(groups)
    }
}

/// Names resolved to their key in the policy's model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved<'r> {
    pub(crate) permission: Permission,
    pub(crate) key: Key,
    pub(crate) scope: Scope,
    pub(crate) namespace: Option<&'r str>,
}

/// The keys that answer a question: one permission and action, or any action of a permission.
/// Small, so a question is cheap to pass around.
#[derive(Debug, Clone, Copy)]
enum Wanted {
    One(Key),
    AnyOf(Permission),
}

impl Wanted {
    #[inline(always)]
    fn within(&self, keys: &KeySet) -> bool {
        match self {
            Wanted::One(key) => keys.contains(*key),
            Wanted::AnyOf(permission) => key_space().mask_ref(*permission).is_some_and(|m| keys.intersects(m)),
        }
    }
}

/// How far from the named namespace a grant counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// On the namespace or an ancestor (tenant-wide grants only when none is named): Kestra's
    /// own permission check.
    Exact,
    /// Also anywhere below it, and on any namespace when none is named: the UI's `hasAny*`,
    /// which ask whether something under a menu may be shown.
    Subtree,
}

/// A question as asked: names not yet resolved.
#[derive(Debug, Clone, Copy)]
struct Ask<'r> {
    permission: &'r str,
    /// `None`: any action of the permission.
    action: Option<&'r str>,
    namespace: Option<&'r str>,
    reach: Reach,
}

impl<'r> Ask<'r> {
    fn exact(permission: &'r str, action: &'r str, namespace: Option<&'r str>) -> Self {
        Ask {
            permission,
            action: Some(action),
            namespace,
            reach: Reach::Exact,
        }
    }
    fn subtree(permission: &'r str, action: Option<&'r str>, namespace: Option<&'r str>) -> Self {
        Ask {
            permission,
            action,
            namespace,
            reach: Reach::Subtree,
        }
    }
}

/// A question resolved in the policy's model.
#[derive(Debug, Clone, Copy)]
struct Question<'r> {
    resolved: Resolved<'r>,
    wanted: Wanted,
    reach: Reach,
}

/// What the routine does with the grants it finds.
trait Collector<'a> {
    /// Whether the decision explains itself: every grant recorded with its binding, and a
    /// denial's precise code. Otherwise the first grant answers.
    const EXPLAINS: bool;
    /// Whether a denial carries its precise code (always when the decision explains itself).
    const CODES: bool = Self::EXPLAINS;
    /// Whether a binding's reason of this specificity (`MostSpecific::rank`) is wanted: one
    /// that is not is only counted, never built.
    fn wants(&mut self, _rank: u32) -> bool {
        true
    }
    /// Counts `n` reasons that are not wanted, unbuilt.
    fn skip(&mut self, _n: usize) {}
    /// Whether grants are best handed over most specific first (see `record_bindings`).
    const DEEPEST_FIRST: bool = false;
    fn record(&mut self, reason: Reason<'a>);
    /// Records a reason whose rank the caller has worked out (the one `wants` was asked).
    fn record_ranked(&mut self, _rank: u32, reason: Reason<'a>) {
        self.record(reason);
    }
}

/// A yes/no answer with the denial's precise code, no reasons (a gateway's checks).
struct Codes;

impl Collector<'_> for Codes {
    const EXPLAINS: bool = false;
    const CODES: bool = true;
    fn record(&mut self, _: Reason<'_>) {}
}

/// A yes/no check: stops at the first grant, records nothing.
struct FirstGrant;

impl Collector<'_> for FirstGrant {
    const EXPLAINS: bool = false;
    fn record(&mut self, _: Reason<'_>) {}
}

/// Every grant, with its reason.
impl<'a> Collector<'a> for Vec<Reason<'a>> {
    const EXPLAINS: bool = true;
    fn record(&mut self, reason: Reason<'a>) {
        self.push(reason);
    }
}

/// How many reasons `authorize` gives; the rest are counted (`Decision::more_reasons`). A
/// user with a thousand applying bindings would otherwise pay for a thousand reason objects in
/// every decision through JS.
pub const MAX_REASONS: usize = 4;

/// The most specific reasons, at most [`MAX_REASONS`], and how many others applied. Most
/// specific first: bindings on the deepest namespace, then on shallower ones, then
/// tenant-wide bindings, then grants below the namespace (a subtree question), then the
/// first-login role, then Instance Owner; equal ones in the routine's order (the user's own
/// before their groups').
#[derive(Default)]
struct MostSpecific<'a> {
    kept: Vec<(u32, usize, Reason<'a>)>,
    seen: usize,
}

impl<'a> MostSpecific<'a> {
    /// Lower is more specific.
    fn rank(reason: &Reason<'_>) -> u32 {
        Self::rank_of(
            reason.via,
            reason.binding.is_some(),
            reason.namespace.as_deref().map(namespace::depth),
        )
    }

    /// The rank of a reason from what decides it: how it reached the user, whether a binding
    /// gave it, and its namespace's depth (segments less one).
    fn rank_of(via: Via, bound: bool, depth: Option<u32>) -> u32 {
        match (via, bound, depth) {
            (Via::User | Via::Group, true, Some(depth)) => {
                (namespace::MAX_NAMESPACE_DEPTH as u32).saturating_sub(depth)
            }
            (Via::User | Via::Group, true, None) => 1000,
            (Via::User | Via::Group, false, _) => 1001,
            (Via::DefaultRole, _, _) => 1002,
            (Via::InstanceOwner, _, _) => 1003,
        }
    }

    /// The least specific reason kept, once `MAX_REASONS` are.
    fn worst(&self) -> Option<(u32, usize)> {
        if self.kept.len() < MAX_REASONS {
            return None;
        }
        self.kept.iter().map(|(rank, seq, _)| (*rank, *seq)).max()
    }

    fn finish(mut self) -> (Vec<Reason<'a>>, usize) {
        // At most MAX_REASONS: an insertion sort, where the library's sort would add kilobytes
        // of code to the module for this one element type.
        for i in 1..self.kept.len() {
            let mut j = i;
            while let Some(before) = j.checked_sub(1)
                && self
                    .kept
                    .get(before)
                    .zip(self.kept.get(j))
                    .is_some_and(|(a, b)| (a.0, a.1) > (b.0, b.1))
            {
                self.kept.swap(before, j);
                j = before;
            }
        }
        let more = self.seen.saturating_sub(self.kept.len());
        (self.kept.into_iter().map(|(_, _, reason)| reason).collect(), more)
    }
}

impl<'a> Collector<'a> for MostSpecific<'a> {
    const EXPLAINS: bool = true;
    const DEEPEST_FIRST: bool = true;
    fn skip(&mut self, n: usize) {
        self.seen = self.seen.saturating_add(n);
    }
    fn wants(&mut self, rank: u32) -> bool {
        match self.worst() {
            Some((worst, _)) if rank >= worst => {
                self.seen = self.seen.saturating_add(1);
                false
            }
            _ => true,
        }
    }
    fn record(&mut self, reason: Reason<'a>) {
        self.record_ranked(Self::rank(&reason), reason);
    }
    fn record_ranked(&mut self, rank: u32, reason: Reason<'a>) {
        // A binding's rank from its table walk is the rank of the reason it gives (it names
        // its binding, and its namespace is the entry's): the tests hold the walk to it.
        debug_assert_eq!(rank, Self::rank(&reason), "a binding's rank differs from its reason's");
        let seq = self.seen;
        self.seen = self.seen.saturating_add(1);
        if self.kept.len() < MAX_REASONS {
            self.kept.push((rank, seq, reason));
            return;
        }
        // Replaces the least specific kept reason when this one is more specific.
        let worst = self
            .kept
            .iter_mut()
            .max_by_key(|(rank, seq, _)| (*rank, *seq))
            .filter(|(worst_rank, _, _)| rank < *worst_rank);
        if let Some(slot) = worst {
            *slot = (rank, seq, reason);
        }
    }
}

/// What the routine answers: the tenant it judged in (none when it could not pick one, or
/// when the token names no user), and the denial's code.
struct Outcome<'a> {
    tenant: Option<&'a str>,
    denied: Option<DenyCode>,
}

impl Outcome<'_> {
    fn allowed(&self) -> bool {
        self.denied.is_none()
    }
}

impl CompiledPolicy {
    /// The decision routine: see the module's documentation.
    #[inline(always)]
    fn decide<'a, C: Collector<'a>>(
        &'a self,
        principal: &Principal,
        ask: &Ask<'_>,
        tenant: Option<&'a str>,
        found: &mut C,
    ) -> Result<Outcome<'a>> {
        self.own(principal)?;
        let q = self.question(ask)?;
        let view = match self.view_for(principal, tenant)? {
            Ok(view) => view,
            Err(denied) => return Ok(denied),
        };
        let denied = if self.judge(&view, principal, &q, found) {
            None
        } else if C::CODES {
            Some(deny_code(&view, &q))
        } else {
            Some(DenyCode::NoGrant)
        };
        Ok(Outcome {
            tenant: Some(view.tenant),
            denied,
        })
    }

    /// The view a question looks through, or the outcome when it cannot have one: a request
    /// that must name a tenant and does not, or a token without a username.
    #[inline(always)]
    fn view_for<'a, 'p>(
        &'a self,
        principal: &'p Principal,
        tenant: Option<&'a str>,
    ) -> Result<std::result::Result<View<'a, 'p>, Outcome<'a>>> {
        let tenant = match self.tenant(tenant)? {
            Ok(t) => t,
            Err(code) => {
                return Ok(Err(Outcome {
                    tenant: None,
                    denied: Some(code),
                }));
            }
        };
        if principal.username.is_none() {
            return Ok(Err(Outcome {
                tenant: None,
                denied: Some(DenyCode::NoUsername),
            }));
        }
        Ok(Ok(self.view(principal, tenant)))
    }

    /// Whether anything grants the question in the view, recording what does.
    #[inline(always)]
    fn judge<'a, C: Collector<'a>>(
        &'a self,
        view: &View<'a, '_>,
        principal: &Principal,
        q: &Question<'_>,
        found: &mut C,
    ) -> bool {
        let r = &q.resolved;
        let mut granted = false;
        if principal.instance_owner && r.permission.def().is_some_and(|d| d.instance_owner) {
            if !C::EXPLAINS {
                return true;
            }
            granted = true;
            found.record(Reason {
                via: Via::InstanceOwner,
                tenant: view.tenant.into(),
                ..Reason::default()
            });
        }
        if r.scope == Scope::Instance || !view.access {
            return granted;
        }
        if let Some(d) = view.default_role.filter(|d| q.wanted.within(d.keys)) {
            if !C::EXPLAINS {
                return true;
            }
            granted = true;
            found.record(Reason {
                via: Via::DefaultRole,
                role: Some(d.id.into()),
                role_name: Some(d.name.into()),
                tenant: view.tenant.into(),
                ..Reason::default()
            });
        }
        let mut buf = [0u32; namespace::MAX_NAMESPACE_DEPTH];
        let chain = view.chain(r, &mut buf);
        let itself = match (q.reach, view.index, r.namespace) {
            (Reach::Subtree, Some(index), Some(ns)) => index.namespaces.reaches(ns, chain),
            _ => None,
        };
        for (grants, via) in view.grants() {
            if !C::EXPLAINS {
                if table_grants(grants, q, chain, itself) {
                    return true;
                }
                continue;
            }
            let Some(index) = view.index else { continue };
            let by_binding = record_bindings(view, index, grants, via, q, chain, found);
            // Grants below the namespace (a Subtree question) are named by no binding on its
            // chain: the table's grant is recorded as such.
            if !by_binding && q.reach == Reach::Subtree && table_grants(grants, q, chain, itself) {
                found.record(Reason {
                    via,
                    tenant: view.tenant.into(),
                    ..Reason::default()
                });
                granted = true;
            }
            granted |= by_binding;
        }
        granted
    }

    /// A question's names resolved; with no action, any of the permission's keys answers.
    #[inline(always)]
    fn question<'r>(&self, ask: &Ask<'r>) -> Result<Question<'r>> {
        let action = match ask.action {
            Some(action) => action,
            // Resolved with one valid action: the permission's scope, and the namespace checked.
            None => {
                let p = key_space()
                    .permission(ask.permission)
                    .ok_or_else(|| unknown_permission(ask.permission))?;
                p.actions(self.model)
                    .first()
                    .or_else(|| p.actions(Model::V2).first())
                    .copied()
                    .unwrap_or("VIEW")
            }
        };
        let resolved = self.resolve(ask.permission, action, ask.namespace)?;
        let wanted = match ask.action {
            Some(_) => Wanted::One(resolved.key),
            None => Wanted::AnyOf(resolved.permission),
        };
        Ok(Question {
            resolved,
            wanted,
            reach: ask.reach,
        })
    }

    /// The first-login role in `tenant` for a user the policy does not know: the tenant's
    /// `isDefault` role when its policy has one (the server's own, current state), else the
    /// configuration's `defaultRole` when it applies to the tenant.
    pub(crate) fn first_login<'a>(
        &'a self,
        principal: &Principal,
        index: Option<&'a TenantIndex>,
        tenant: &str,
    ) -> Option<FirstLogin<'a>> {
        if principal.known || principal.username.is_none() {
            return None;
        }
        if let Some(role) = index.and_then(|i| i.first_login_role.and_then(|r| i.roles.get(r))) {
            return Some(FirstLogin {
                id: &role.id,
                name: &role.name,
                keys: &role.keys,
            });
        }
        self.default_role
            .as_ref()
            .filter(|r| r.tenant.as_deref().is_none_or(|t| t == tenant))
            .map(|r| FirstLogin {
                id: &r.name,
                name: &r.name,
                keys: &r.keys,
            })
    }

    fn view<'a, 'p>(&'a self, principal: &'p Principal, tenant: &'a str) -> View<'a, 'p> {
        let index = self.tenants.get(tenant);
        let tp = index.and_then(|i| principal.tenant(i.slot));
        let default_role = self.first_login(principal, index, tenant);
        View {
            tenant,
            index,
            principal: tp,
            access: principal.instance_owner || default_role.is_some() || tp.is_some_and(|p| p.access),
            default_role,
        }
    }

    /// The tenant a request is about: the one it names, else the fallback tenant, else the
    /// default tenant unless the configuration requires requests to name one (then the
    /// denial).
    fn tenant<'a>(&'a self, requested: Option<&'a str>) -> Result<std::result::Result<&'a str, DenyCode>> {
        match requested {
            Some(t) if valid_tenant(t) => Ok(Ok(t)),
            Some(t) => Err(Error::TenantInvalid { tenant: shorten(t) }),
            None => match &self.fallback_tenant {
                Some(t) => Ok(Ok(t)),
                None if self.tenants_required => Ok(Err(DenyCode::TenantRequired)),
                None => Ok(Ok(&self.default_tenant)),
            },
        }
    }

    /// The tenant a request that names none is decided in; `None` when one is required.
    #[cfg_attr(not(feature = "audit"), allow(dead_code))]
    pub(crate) fn unnamed_tenant(&self) -> Option<&str> {
        self.tenant(None).ok().and_then(std::result::Result::ok)
    }

    /// Resolves permission and action names in the policy's model.
    pub(crate) fn resolve<'r>(
        &self,
        permission: &str,
        action: &str,
        namespace: Option<&'r str>,
    ) -> Result<Resolved<'r>> {
        let space = key_space();
        let p = space
            .permission(permission)
            .ok_or_else(|| unknown_permission(permission))?;
        let a = space.action(action).ok_or_else(|| Error::UnknownAction {
            permission: permission.to_owned(),
            action: action.to_owned(),
            reason: "no Kestra version has this action".into(),
        })?;
        let is_crud = a.is_crud();
        let (a, crud_key) = match self.model {
            // A CRUD policy answers CRUD requests on CRUD permissions directly, and 2.0
            // requests (a 2.0 resource with one of its actions) through the expansion.
            Model::Crud => (a, is_crud && p.in_model(Model::Crud)),
            // kestractl's legacy alias: READ means VIEW.
            Model::V2 if action == "READ" => (space.action("VIEW").unwrap_or(a), false),
            Model::V2 => (a, false),
        };
        if !crud_key && !p.in_model(Model::V2) {
            return Err(Error::UnknownPermission {
                name: permission.to_owned(),
                reason: format!("not a permission of the {} model this policy uses", self.model.name()),
            });
        }
        let valid = crud_key || p.actions(Model::V2).contains(&a.name());
        let key = space.key(p, a).filter(|_| valid).ok_or_else(|| Error::UnknownAction {
            permission: permission.to_owned(),
            action: action.to_owned(),
            reason: format!(
                "not an action of {permission} in the {} model this policy uses",
                self.model.name()
            ),
        })?;
        if let Some(ns) = namespace {
            namespace::validate(ns)?;
        }
        Ok(Resolved {
            permission: p,
            key,
            scope: p.scope(self.model),
            namespace,
        })
    }

    /// `authorize`: the decision with its reasons, or the denial with its code.
    pub fn authorize<'a>(&'a self, principal: &Principal, request: &Request<'a>) -> Result<Decision<'a>> {
        let ask = Ask::exact(request.permission, request.action, request.namespace);
        let mut found = MostSpecific::default();
        let outcome = self.decide(principal, &ask, request.tenant, &mut found)?;
        let (reasons, more_reasons) = found.finish();
        Ok(Decision {
            allowed: outcome.allowed(),
            code: outcome.denied.map_or(ALLOWED, DenyCode::code),
            reasons,
            more_reasons,
            tenant: outcome.tenant.map(Into::into),
        })
    }

    /// Every grant that applies to the request, where `authorize` gives the four most
    /// specific and counts the rest: for tools that audit one decision in full. In the
    /// routine's order: table by table (the user's, then their groups'), each table's
    /// tenant-wide grants first, then its bindings on the namespace's chain from the root.
    /// Its cost grows with the grants that apply.
    pub fn all_reasons<'a>(&'a self, principal: &Principal, request: &Request<'a>) -> Result<Vec<Reason<'a>>> {
        let ask = Ask::exact(request.permission, request.action, request.namespace);
        let mut found = Vec::new();
        self.decide(principal, &ask, request.tenant, &mut found)?;
        Ok(found)
    }

    /// Who `authorize` allows `permission` / `action` on `namespace` in `tenant`, from the
    /// index: the groups whose grant tables answer it, the users whose own or whose groups'
    /// tables do (and the Instance Owners, for theirs), each then decided by the same routine
    /// as `authorize` for its reasons; and whether the first-login role answers it.
    pub fn who_can<'a>(
        &'a self,
        permission: &str,
        action: &str,
        namespace: Option<&str>,
        tenant: Option<&'a str>,
    ) -> Result<WhoCan<'a>> {
        self.who_can_with(permission, action, namespace, tenant, true)
    }

    /// `who_can`, with each holder's reasons only when `reasons` (without them, the same
    /// holders, each decided yes or no: a list of names is a fraction of the answer).
    pub fn who_can_with<'a>(
        &'a self,
        permission: &str,
        action: &str,
        namespace: Option<&str>,
        tenant: Option<&'a str>,
        reasons: bool,
    ) -> Result<WhoCan<'a>> {
        let q = self.question(&Ask::exact(permission, action, namespace))?;
        let tenant = match self.tenant(tenant)? {
            Ok(t) => t,
            Err(_) => return Ok(WhoCan::default()),
        };
        let mut out = WhoCan {
            tenant: Some(tenant.into()),
            ..WhoCan::default()
        };
        let index = self.tenants.get(tenant);
        let instance_wide = q.resolved.permission.def().is_some_and(|d| d.instance_owner);
        // An instance resource is the Instance Owner's alone: no role, binding or group grants it.
        let in_tenant = q.resolved.scope != Scope::Instance;
        // The first-login role: what a user the policy does not list gets.
        let stranger = Principal::stranger();
        if in_tenant
            && let Some(role) = self
                .first_login(&stranger, index, tenant)
                .filter(|d| q.wanted.within(d.keys))
        {
            out.default_role = Some(WhoRole {
                id: role.id.into(),
                name: role.name.into(),
            });
        }
        let mut buf = [0u32; namespace::MAX_NAMESPACE_DEPTH];
        let view = View {
            tenant,
            index,
            principal: None,
            access: true,
            default_role: None,
        };
        let chain = view.chain(&q.resolved, &mut buf);
        // Granting groups by slot: a user's memberships are checked against it in constant time.
        let mut granting_groups = vec![false; index.map_or(0, |i| i.group_grants.len())];
        if let Some(index) = index.filter(|_| in_tenant) {
            let names = index.group_names();
            for (slot, grants) in index.group_grants.iter().enumerate() {
                if !table_grants(grants, &q, chain, None) {
                    continue;
                }
                if let Some(granting) = granting_groups.get_mut(slot) {
                    *granting = true;
                }
                let mut found = Vec::new();
                if reasons {
                    record_bindings(&view, index, grants, Via::Group, &q, chain, &mut found);
                }
                let id = index.group_ids.get(slot).map_or("", String::as_str);
                let name = names
                    .get(slot)
                    .copied()
                    .flatten()
                    .filter(|n| !n.is_empty())
                    .unwrap_or(id);
                out.groups.push(WhoGroup {
                    id: id.into(),
                    name: name.into(),
                    reasons: found,
                });
            }
        }
        // Candidates: a superset of those allowed (a listed user never has the first-login
        // role), each decided exactly.
        for (username, identity) in &self.users_by_username {
            // A token's username is never empty: such a user cannot be the one asking.
            if username.is_empty() {
                continue;
            }
            let user = index.and_then(|i| i.user_by_id.get(&identity.id).copied());
            let own = user
                .and_then(|u| index?.user_grants.get(u))
                .is_some_and(|g| in_tenant && table_grants(g, &q, chain, None));
            let via_group = self.groups_claim_path.is_none()
                && user
                    .and_then(|u| index?.user_groups.get(u))
                    .is_some_and(|groups| groups.iter().any(|g| granting_groups.get(*g).copied().unwrap_or(false)));
            let owner = identity.instance_owner && instance_wide;
            if !(own || via_group || owner) {
                continue;
            }
            if owner {
                out.instance_owners.push(username.as_str().into());
            }
            // Without reasons the index has answered: a listed user's own or group grant gives
            // access to the tenant as well (a binding or a membership is access), an Instance
            // Owner has access everywhere, and a listed user never has the first-login role.
            // The property tests hold this to the decision routine's answer.
            if !reasons {
                out.users.push(WhoUser {
                    id: identity.id.as_str().into(),
                    username: username.as_str().into(),
                    reasons: Vec::new(),
                    more_reasons: 0,
                });
                continue;
            }
            let principal = match index {
                Some(index) => self.principal_in_tenant(username, index),
                None => self.principal_for_username(username),
            };
            let mut found = MostSpecific::default();
            let ask = Ask::exact(permission, action, namespace);
            if self.decide(&principal, &ask, Some(tenant), &mut found)?.allowed() {
                let (reasons, more_reasons) = found.finish();
                out.users.push(WhoUser {
                    id: identity.id.as_str().into(),
                    username: username.as_str().into(),
                    reasons,
                    more_reasons,
                });
            }
        }
        out.users.sort_by(|a, b| a.username.cmp(&b.username));
        out.groups.sort_by(|a, b| a.id.cmp(&b.id));
        out.instance_owners.sort();
        Ok(out)
    }

    /// One check of an HTTP route: `permission` with `action` (or any of its actions), on
    /// `namespace` or tenant-wide, or (`anywhere`) tenant-wide or on any namespace. Answers
    /// the denial's code, `None` when granted.
    pub fn route_check(
        &self,
        principal: &Principal,
        permission: &str,
        action: Option<&str>,
        namespace: Option<&str>,
        anywhere: bool,
        tenant: Option<&str>,
    ) -> Result<Option<DenyCode>> {
        let ask = Ask {
            permission,
            action,
            namespace,
            reach: if anywhere { Reach::Subtree } else { Reach::Exact },
        };
        Ok(self.decide(principal, &ask, tenant, &mut Codes)?.denied)
    }

    /// One of the Kestra UI's checks, in `tenant`.
    pub fn check(&self, principal: &Principal, check: &UiCheck<'_>, tenant: Option<&str>) -> Result<bool> {
        let ask = match *check {
            UiCheck::IsAllowed {
                permission,
                action,
                namespace,
            } => Ask::exact(permission, action, namespace),
            UiCheck::IsAllowedGlobal { permission, action } => Ask::exact(permission, action, None),
            UiCheck::HasAny { permission, namespace } => Ask::subtree(permission, None, namespace),
            UiCheck::HasAnyAction {
                permission,
                action,
                namespace,
            } => Ask::subtree(permission, Some(action), namespace),
            UiCheck::HasAnyActionOnAnyNamespace { permission, action } => Ask::subtree(permission, Some(action), None),
            UiCheck::HasAnyRole => return self.has_any_role(principal, tenant),
        };
        Ok(self.decide(principal, &ask, tenant, &mut FirstGrant)?.allowed())
    }

    /// The UI's `hasAnyRole()`: any role at all in the tenant.
    fn has_any_role(&self, principal: &Principal, tenant: Option<&str>) -> Result<bool> {
        self.own(principal)?;
        let Ok(view) = self.view_for(principal, tenant)? else {
            return Ok(false);
        };
        Ok(view.access && (view.default_role.is_some() || view.grants().any(|(g, _)| g.has_binding)))
    }

    /// Every permission of the model x each of its valid actions -> allowed, for a namespace
    /// (or tenant-wide grants only when `None`).
    pub fn matrix(
        &self,
        principal: &Principal,
        namespace: Option<&str>,
        tenant: Option<&str>,
    ) -> Result<super::Matrix> {
        // Provenance first, as every other question checks it.
        self.own(principal)?;
        if let Some(ns) = namespace {
            namespace::validate(ns)?;
        }
        let mut rows = Vec::new();
        for def in super::catalog::PERMISSIONS {
            let p = key_space().permission(def.name).unwrap_or(Permission(0));
            if !p.in_model(self.model) {
                continue;
            }
            let mut cells = Vec::new();
            for action in p.actions(self.model) {
                let ask = Ask::exact(def.name, action, namespace);
                cells.push((
                    *action,
                    self.decide(principal, &ask, tenant, &mut FirstGrant)?.allowed(),
                ));
            }
            rows.push((def.name, cells));
        }
        Ok(rows)
    }

    /// Where a (permission, action) is granted: everywhere (a tenant-wide grant), or the
    /// namespaces whose subtrees it covers.
    pub fn allowed_namespaces(
        &self,
        principal: &Principal,
        permission: &str,
        action: &str,
        tenant: Option<&str>,
    ) -> Result<NamespaceGrants> {
        self.own(principal)?;
        let q = self.question(&Ask::exact(permission, action, None))?;
        let Ok(view) = self.view_for(principal, tenant)? else {
            return Ok(NamespaceGrants::default());
        };
        if self.judge(&view, principal, &q, &mut FirstGrant) {
            return Ok(NamespaceGrants {
                everywhere: true,
                namespaces: Vec::new(),
            });
        }
        let r = &q.resolved;
        if r.scope != Scope::Namespace || !view.access {
            return Ok(NamespaceGrants::default());
        }
        let mut namespaces: Vec<String> = view
            .grants()
            .flat_map(|(g, _)| {
                g.namespaces
                    .iter()
                    .filter(|(_, e)| q.wanted.within(g.namespaces.direct(e)))
                    .filter_map(|(id, _)| view.index?.namespaces.names.get(*id as usize).cloned())
            })
            .collect();
        namespaces.sort();
        namespaces.dedup();
        // Keep only the roots: a namespace below a listed one adds nothing.
        let roots: Vec<String> = namespaces
            .iter()
            .filter(|ns| {
                !namespaces
                    .iter()
                    .any(|other| other != *ns && namespace::covers(other, ns))
            })
            .cloned()
            .collect();
        Ok(NamespaceGrants {
            everywhere: false,
            namespaces: roots,
        })
    }
}

fn unknown_permission(name: &str) -> Error {
    Error::UnknownPermission {
        name: name.to_owned(),
        reason: "no Kestra version has this permission or resource".into(),
    }
}

/// The numbered chain of a resolved question's namespace in a tenant; empty when it names
/// none or its permission is not namespace-scoped.
fn chain_in<'b>(
    index: Option<&TenantIndex>,
    r: &Resolved<'_>,
    buf: &'b mut [u32; namespace::MAX_NAMESPACE_DEPTH],
) -> &'b [u32] {
    match (index, r.namespace) {
        (Some(index), Some(ns)) if r.scope == Scope::Namespace => index.namespaces.chain(ns, buf),
        _ => &[],
    }
}

/// Whether one grant table answers a resolved request as `authorize` asks it: tenant-wide, or
/// on the namespace or an ancestor. (Tenant access and the first-login role are not a
/// table's: the caller's.)
#[cfg_attr(not(feature = "audit"), allow(dead_code))]
pub(crate) fn table_answers(index: &TenantIndex, grants: &Grants, resolved: &Resolved<'_>) -> bool {
    let q = Question {
        resolved: *resolved,
        wanted: Wanted::One(resolved.key),
        reach: Reach::Exact,
    };
    let mut buf = [0u32; namespace::MAX_NAMESPACE_DEPTH];
    table_grants(grants, &q, chain_in(Some(index), resolved, &mut buf), None)
}

/// Does one grant table answer the question? `chain` is the namespace's numbered ancestry,
/// `itself` its own number when a Subtree question names it.
#[inline(always)]
fn table_grants(g: &Grants, q: &Question<'_>, chain: &[u32], itself: Option<u32>) -> bool {
    if q.wanted.within(&g.tenant_wide) {
        return true;
    }
    let on_chain = || {
        chain.iter().any(|id| {
            g.namespaces
                .get(id)
                .is_some_and(|e| q.wanted.within(g.namespaces.direct(e)))
        })
    };
    let r = &q.resolved;
    match q.reach {
        Reach::Exact => on_chain(),
        Reach::Subtree if r.scope != Scope::Namespace => false,
        Reach::Subtree => match r.namespace {
            None => q.wanted.within(&g.any_namespace),
            Some(_) => {
                on_chain()
                    || itself
                        .and_then(|id| g.namespaces.get(&id))
                        .is_some_and(|e| q.wanted.within(g.namespaces.subtree(e)))
            }
        },
    }
}

/// Records a reason for each binding of one grant table that grants the question on the
/// namespace's chain (or tenant-wide); answers whether any did. A collector that keeps the
/// most specific (`Collector::DEEPEST_FIRST`) is handed the deepest namespace first and the
/// tenant-wide grants last, so what it keeps comes first and the rest is counted, not built;
/// grants of one rank still arrive in the same order, so it keeps the same ones.
fn record_bindings<'a, C: Collector<'a>>(
    view: &View<'a, '_>,
    index: &'a TenantIndex,
    grants: &Grants,
    via: Via,
    q: &Question<'_>,
    chain: &[u32],
    found: &mut C,
) -> bool {
    let table = TableWalk {
        view,
        index,
        grants,
        via,
        q,
    };
    let mut any = false;
    if C::DEEPEST_FIRST {
        for id in chain.iter().rev() {
            any |= table.on_namespace(*id, found);
        }
        any |= table.tenant_wide(found);
    } else {
        any |= table.tenant_wide(found);
        for id in chain {
            any |= table.on_namespace(*id, found);
        }
    }
    any
}

/// One grant table's bindings, walked for a question by `record_bindings`.
struct TableWalk<'v, 'a, 'p, 'q> {
    view: &'v View<'a, 'p>,
    index: &'a TenantIndex,
    grants: &'v Grants,
    via: Via,
    q: &'v Question<'q>,
}

impl<'a> TableWalk<'_, 'a, '_, '_> {
    /// Whether a binding's role grants the question.
    fn role_grants(&self, role: usize) -> bool {
        self.index
            .roles
            .get(role)
            .is_some_and(|role| self.q.wanted.within(&role.keys))
    }

    /// The table's tenant-wide grants.
    fn tenant_wide<C: Collector<'a>>(&self, found: &mut C) -> bool {
        let grants = self.grants;
        if !self.q.wanted.within(&grants.tenant_wide) {
            return false;
        }
        // A binding with a namespace grants tenant-wide only a tenant-scope permission.
        let tenant_scope = self.q.resolved.scope == Scope::Tenant;
        // Once ordered (counted), they come most specific first.
        let counted = !grants.tenant_wide_counts.is_empty();
        let left = counted.then(|| {
            grants
                .tenant_wide_counts
                .iter()
                .filter(|(role, _, _)| self.role_grants(*role as usize))
                .map(|(_, all, unscoped)| if tenant_scope { *all } else { *unscoped } as usize)
                .sum()
        });
        let from = if counted && !tenant_scope {
            grants.tenant_wide_unscoped_from
        } else {
            0
        };
        let names = &self.index.namespaces.names;
        self.record_run(
            grants.tenant_wide_bindings.get(from..).unwrap_or_default(),
            left,
            |meta| meta.namespace.is_none() || tenant_scope,
            |meta| {
                let namespace = meta.namespace.and_then(|id| names.get(id as usize));
                MostSpecific::rank_of(self.via, true, namespace.map(|n| namespace::depth(n)))
            },
            found,
        )
    }

    /// The table's bindings on one namespace of the chain: one rank for all of them.
    fn on_namespace<C: Collector<'a>>(&self, id: u32, found: &mut C) -> bool {
        let table = &self.grants.namespaces;
        let Some(entry) = table.get(&id).filter(|e| self.q.wanted.within(table.direct(e))) else {
            return false;
        };
        let depth = self
            .index
            .namespaces
            .names
            .get(id as usize)
            .map(|n| namespace::depth(n));
        let rank = MostSpecific::rank_of(self.via, true, depth);
        // Counted from the entry's roles when it has many bindings.
        let left = table.role_counts(entry).map(|counts| {
            counts
                .iter()
                .filter(|(role, _)| self.role_grants(*role as usize))
                .map(|(_, count)| *count as usize)
                .sum()
        });
        self.record_run(table.bindings(entry), left, |_| true, |_| rank, found)
    }

    /// Records the bindings of a run, most specific first, that grant the question (`applies`
    /// besides the role); `left`, when the run is counted, is how many of them do: once the
    /// collector wants no more, those left are counted, not walked.
    fn record_run<C: Collector<'a>>(
        &self,
        run: &[usize],
        mut left: Option<usize>,
        applies: impl Fn(&BindingMeta) -> bool,
        rank: impl Fn(&BindingMeta) -> u32,
        found: &mut C,
    ) -> bool {
        let mut any = false;
        for b in run {
            if left == Some(0) {
                break;
            }
            let Some(meta) = self
                .index
                .bindings
                .get(*b)
                .filter(|meta| self.role_grants(meta.role) && applies(meta))
            else {
                continue;
            };
            any = true;
            left = left.map(|n| n.saturating_sub(1));
            let rank = rank(meta);
            if found.wants(rank) {
                found.record_ranked(rank, binding_reason(self.view, self.index, self.via, meta));
            } else if let Some(rest) = left {
                found.skip(rest);
                break;
            }
        }
        any
    }
}

/// The reason a binding gives.
fn binding_reason<'a>(view: &View<'a, '_>, index: &'a TenantIndex, via: Via, meta: &'a BindingMeta) -> Reason<'a> {
    let role = index.roles.get(meta.role);
    Reason {
        via,
        role: role.map(|x| x.id.as_str().into()),
        role_name: role.map(|x| x.name.as_str().into()),
        binding: index.binding_id(meta).map(Into::into),
        namespace: meta
            .namespace
            .and_then(|id| index.namespaces.names.get(id as usize))
            .map(|n| n.as_str().into()),
        group: meta
            .group
            .and_then(|g| index.group_ids.get(g))
            .map(|g| g.as_str().into()),
        tenant: view.tenant.into(),
    }
}

/// Why nothing granted the question.
fn deny_code(view: &View<'_, '_>, q: &Question<'_>) -> DenyCode {
    let r = &q.resolved;
    if r.scope == Scope::Instance {
        DenyCode::InstanceOwnerOnly
    } else if !view.access {
        DenyCode::NoTenantAccess
    } else if r.scope == Scope::GlobalOnly
        && view
            .grants()
            .any(|(g, _)| q.wanted.within(&g.global_only_from_namespace))
    {
        DenyCode::GlobalOnly
    } else if r.scope == Scope::Namespace && view.grants().any(|(g, _)| q.wanted.within(&g.any_namespace)) {
        DenyCode::NamespaceNotCovered
    } else {
        DenyCode::NoGrant
    }
}

#[cfg(test)]
mod tests {
    use super::{Collector, MAX_REASONS, MostSpecific, Reason, Via};

    /// Keeping the most specific as they come is the same as ranking all of them (stably) and
    /// taking the first, over many mixes of reasons.
    #[test]
    fn most_specific_keeps_the_first_of_a_stable_ranking() {
        const NAMESPACES: [&str; 5] = ["a", "a.b", "a.b.c", "a.b.c.d", "x.y"];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from((seed >> 33) % n).unwrap()
        };
        for _ in 0..2000 {
            let count = next(12);
            let all: Vec<Reason<'static>> = (0..count)
                .map(|i| {
                    let via = Via::ALL[next(4)];
                    let bound = matches!(via, Via::User | Via::Group);
                    Reason {
                        via,
                        binding: (bound && next(5) > 0).then(|| format!("#{i}").into()),
                        namespace: (bound && next(3) > 0).then(|| NAMESPACES[next(5)].into()),
                        tenant: "main".into(),
                        ..Reason::default()
                    }
                })
                .collect();
            // As the routine does: a binding's reason is built only when it is wanted.
            let mut found = MostSpecific::default();
            for reason in all.clone() {
                if found.wants(MostSpecific::rank(&reason)) {
                    found.record(reason);
                }
            }
            let (kept, more) = found.finish();
            let mut ranked = all.clone();
            ranked.sort_by_key(MostSpecific::rank);
            ranked.truncate(MAX_REASONS);
            assert_eq!(kept, ranked, "{all:?}");
            assert_eq!(more, count.saturating_sub(MAX_REASONS));
        }
    }
}
