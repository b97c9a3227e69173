//! Why a request was refused, and what would grant it. The decision is `authorize`'s own; for
//! a denial the principal's tables in the tenant are searched for the grants that nearly
//! answer (a binding on another namespace, a role with the permission but not the action, a
//! global-only permission bound on a namespace, a group the user is not in, a first-login
//! role without it), and each comes with the change that would grant it, as data a tool can
//! apply and a sentence a person can read. Suggestions are ordered smallest change first.

use crate::error::Result;
use crate::rbac::catalog::{CRUD, Model, PERMISSIONS, Permission, Scope, expand, key_space};
use crate::rbac::evaluate::{Resolved, table_answers};
use crate::rbac::namespace::covers;
use crate::rbac::tenant::{Grants, TenantIndex};
use crate::rbac::{CompiledPolicy, Decision, Principal, Request};
use serde::Serialize;

/// At most this many suggestions of each kind: the nearest first.
const MAX_PER_KIND: usize = 5;

/// A decision, and for a denial what nearly grants it and what would.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation<'a> {
    pub decision: Decision<'a>,
    /// Empty for an allow (the decision's reasons say why); for a denial, smallest change
    /// first.
    pub suggestions: Vec<Suggestion>,
}

/// One near miss, or one way to grant the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// `BINDING_ELSEWHERE`, `ROLE_LACKS_ACTION`, `GLOBAL_ONLY_ON_NAMESPACE`, `GROUP_NOT_HELD`,
    /// `DEFAULT_ROLE_LACKS`, `NO_TENANT_ACCESS`, `BIND_ROLE`, `INSTANCE_OWNER_ONLY`,
    /// `TENANT_REQUIRED` or `NO_USERNAME`.
    pub kind: &'static str,
    /// One line for a person.
    pub message: String,
    /// The binding that nearly grants it, when one does.
    pub binding: Option<String>,
    pub role: Option<String>,
    /// The namespace of that binding.
    pub namespace: Option<String>,
    pub group: Option<String>,
    /// The changes that, applied in order, grant the request; empty when none can (a token
    /// without a username, a request without a tenant).
    pub changes: Vec<Change>,
}

/// One change to the policy (or the configuration's default role).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Change {
    /// A binding of `role` to the subject, on `namespace` (tenant-wide when `None`).
    BindRole {
        tenant: String,
        role: String,
        subject: Subject,
        namespace: Option<String>,
    },
    /// `action` added to `permission` in the role (the configuration's `defaultRole` when
    /// `tenant` is `None`). Everyone the role reaches gains it.
    AddAction {
        tenant: Option<String>,
        role: String,
        permission: &'static str,
        action: &'static str,
    },
    /// A new role granting only `permission` / `action`.
    CreateRole {
        tenant: String,
        role: String,
        permission: &'static str,
        action: &'static str,
    },
    /// The user made a member of the group (with a groups claim: the identity provider's
    /// group, which the token then carries).
    AddToGroup {
        tenant: String,
        group: String,
        username: String,
    },
    /// With a groups claim: the identity provider puts the user in `group`, which their token
    /// then carries (a policy group of that name, or with that id when no group has that name).
    CarryGroup { group: String, username: String },
    /// The user listed in the tenant, with `id` (their id in other tenants, or one no tenant
    /// uses yet).
    AddUser {
        tenant: String,
        id: String,
        username: String,
    },
    /// The user made an Instance Owner (superAdmin).
    MakeInstanceOwner { username: String },
}

/// Who a binding names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// `USER` or `GROUP`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
}

/// `authorize`'s decision for `principal`, and for a denial the suggestions.
pub fn explain<'a>(
    policy: &'a CompiledPolicy,
    principal: &Principal,
    request: &Request<'a>,
) -> Result<Explanation<'a>> {
    let decision = policy.authorize(principal, request)?;
    if decision.allowed {
        return Ok(Explanation {
            decision,
            suggestions: Vec::new(),
        });
    }
    let resolved = policy.resolve(request.permission, request.action, request.namespace)?;
    let (permission, action) = model_names(policy.model(), resolved.permission, request.action);
    let username = principal.username().unwrap_or_default().to_owned();
    let mut suggestions = Vec::new();
    let plain = |kind, message: String, changes| Suggestion {
        kind,
        message,
        binding: None,
        role: None,
        namespace: None,
        group: None,
        changes,
    };
    match (decision.code, decision.tenant.as_deref()) {
        ("DENIED_NO_USERNAME", _) => suggestions.push(plain(
            "NO_USERNAME",
            format!(
                "the token has no \"{}\" claim, so Kestra cannot name the user",
                policy.username_claim()
            ),
            Vec::new(),
        )),
        ("DENIED_TENANT_REQUIRED", _) => suggestions.push(plain(
            "TENANT_REQUIRED",
            "this configuration requires requests to name a tenant".into(),
            Vec::new(),
        )),
        (_, Some(tenant)) if action.is_empty() || decision.code == "DENIED_INSTANCE_OWNER_ONLY" => {
            // Only Instance Ownership grants it: an instance resource, or a 2.0 action no CRUD
            // grant expands to (on a CRUD policy).
            let owners = resolved.permission.def().is_some_and(|d| d.instance_owner);
            let why = if action.is_empty() {
                format!("no grant of this CRUD policy gives {permission}:{}", request.action)
            } else {
                format!("{permission} is an instance resource")
            };
            if owners {
                let mut changes = listing(policy, principal, tenant, &username);
                let note = if changes.is_empty() { "" } else { LISTED_NOTE };
                changes.push(Change::MakeInstanceOwner { username });
                suggestions.push(plain(
                    "INSTANCE_OWNER_ONLY",
                    format!("{why}: only an Instance Owner may {} it{note}", request.action),
                    changes,
                ));
            } else {
                suggestions.push(plain(
                    "NOT_IN_MODEL",
                    format!("{why}: only a policy in the 2.0 model can grant it"),
                    Vec::new(),
                ));
            }
        }
        (_, None) => {}
        (code, Some(tenant)) => {
            let search = Search {
                policy,
                principal,
                tenant,
                resolved,
                names: (permission, action),
                username,
            };
            search.near_misses(code, &mut suggestions);
        }
    }
    // Smallest change first; among equals, the nearest miss first (the order found). A few
    // suggestions: passes by size rather than a sort.
    let size = |s: &Suggestion| {
        if s.changes.is_empty() {
            usize::MAX
        } else {
            s.changes.len()
        }
    };
    let mut sizes: Vec<usize> = suggestions.iter().map(size).collect();
    let mut ordered = Vec::with_capacity(suggestions.len());
    while let Some(least) = sizes.iter().copied().min() {
        sizes.retain(|s| *s != least);
        ordered.extend(suggestions.iter().filter(|s| size(s) == least).cloned());
    }
    Ok(Explanation {
        decision,
        suggestions: ordered,
    })
}

/// The permission and action as the policy's roles name them: for a 2.0 request on a CRUD
/// policy, the CRUD grant whose official expansion includes it.
fn model_names(model: Model, permission: Permission, action: &str) -> (&'static str, &'static str) {
    let space = key_space();
    let own = |a: &str| space.action(a).map(|a| (permission.name(), a.name()));
    match model {
        Model::V2 if action == "READ" => own("VIEW"),
        Model::V2 => own(action),
        Model::Crud if CRUD.contains(&action) && permission.in_model(Model::Crud) => own(action),
        Model::Crud => PERMISSIONS
            .iter()
            .filter(|d| d.crud)
            .flat_map(|d| CRUD.iter().map(move |a| (d.name, *a)))
            .find(|(p, a)| {
                expand(p, a).iter().any(|(target, actions)| {
                    let target = if target.is_empty() { *p } else { *target };
                    target == permission.name() && actions.contains(&action)
                })
            }),
    }
    .unwrap_or((permission.name(), ""))
}

/// The changes that list a user the policy does not know in `tenant`, so that a binding or
/// a membership can name them: none for a known user. The id is the username when no tenant
/// uses it as a user id (a binding may name an id no tenant lists: taking it would adopt that
/// binding), else the first free `<username>-<n>`.
fn listing(policy: &CompiledPolicy, principal: &Principal, tenant: &str, username: &str) -> Vec<Change> {
    if principal
        .username()
        .is_some_and(|u| policy.users_by_username.contains_key(u))
    {
        return Vec::new();
    }
    let taken = |id: &str| policy.tenants.values().any(|t| t.user_by_id.contains_key(id));
    let id = fresh(username, taken);
    vec![Change::AddUser {
        tenant: tenant.to_owned(),
        id,
        username: username.to_owned(),
    }]
}

/// `base`, else the first `<base>-<n>` that is not `taken`.
fn fresh(base: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut n: u32 = 1;
    let mut id = base.to_owned();
    while taken(&id) && n < u32::MAX {
        n = n.saturating_add(1);
        id = format!("{base}-{n}");
    }
    id
}

/// What a suggestion that lists a user the policy does not know costs them: Kestra gives the
/// first-login role only to users it does not know.
const LISTED_NOTE: &str = " (once listed, you no longer get the first-login role, in any tenant)";

struct Search<'a, 'r> {
    policy: &'a CompiledPolicy,
    principal: &'r Principal,
    tenant: &'r str,
    resolved: Resolved<'r>,
    /// The permission and action in the policy's model.
    names: (&'static str, &'static str),
    username: String,
}

impl Search<'_, '_> {
    fn asked(&self) -> String {
        let (p, a) = self.names;
        match (self.resolved.scope, self.resolved.namespace) {
            (Scope::Namespace, Some(ns)) => format!("{p}:{a} on {ns}"),
            (Scope::Namespace, None) => format!("{p}:{a} tenant-wide"),
            _ => format!("{p}:{a}"),
        }
    }

    /// Where a binding for this request goes: the request's namespace for a namespace
    /// permission, else none.
    fn target_namespace(&self) -> Option<String> {
        match self.resolved.scope {
            Scope::Namespace => self.resolved.namespace.map(str::to_owned),
            _ => None,
        }
    }

    /// Whether a binding on `ns` (tenant-wide when `None`) reaches the request, for a role
    /// that has the key.
    fn reaches(&self, ns: Option<&str>) -> bool {
        match (ns, self.resolved.scope) {
            (None, _) | (Some(_), Scope::Tenant) => true,
            (Some(root), Scope::Namespace) => self.resolved.namespace.is_some_and(|n| covers(root, n)),
            (Some(_), _) => false,
        }
    }

    /// Whether a grant table answers the request.
    fn answers(&self, index: &TenantIndex, grants: &Grants) -> bool {
        table_answers(index, grants, &self.resolved)
    }

    fn user_id(&self) -> Option<&str> {
        self.principal
            .username()
            .and_then(|u| self.policy.users_by_username.get(u))
            .map(|i| i.id.as_str())
    }

    /// The changes that make the user a subject a binding can name: none for a user the
    /// policy knows (a binding names them by id, in any tenant), else listing them.
    fn as_subject(&self) -> (Subject, Vec<Change>) {
        let changes = listing(self.policy, self.principal, self.tenant, &self.username);
        let id = match changes.first() {
            Some(Change::AddUser { id, .. }) => id.clone(),
            _ => self.user_id().unwrap_or_default().to_owned(),
        };
        (Subject { kind: "USER", id }, changes)
    }

    /// The changes that make the user a member a group of this tenant can list: listing them
    /// in the tenant first when they are not (a membership is part of a tenant's user entry).
    fn as_member(&self, index: &TenantIndex) -> Vec<Change> {
        let Some(id) = self.user_id() else {
            return self.as_subject().1;
        };
        let listed = index
            .user_by_id
            .get(id)
            .is_some_and(|slot| index.user_listed.get(*slot).copied().unwrap_or(false));
        if listed {
            return Vec::new();
        }
        vec![Change::AddUser {
            tenant: self.tenant.to_owned(),
            id: id.to_owned(),
            username: self.username.clone(),
        }]
    }

    /// A note for a message whose changes list a user the policy does not know.
    fn listing_note(&self, changes: &[Change]) -> &'static str {
        let lists_new = changes.iter().any(|c| matches!(c, Change::AddUser { .. })) && self.user_id().is_none();
        if lists_new { LISTED_NOTE } else { "" }
    }

    fn near_misses(&self, code: &str, out: &mut Vec<Suggestion>) {
        let index = self.policy.tenants.get(self.tenant);
        let tp = index.and_then(|i| self.principal.tenant(i.slot));
        if let Some(index) = index {
            self.bindings(index, tp.map(|p| (p.user, p.groups.as_slice())), out);
            self.groups(index, tp.map(|p| p.groups.as_slice()).unwrap_or_default(), out);
        }
        self.first_login(index, out);
        self.bind_role(code, index, out);
    }

    /// The principal's bindings that nearly grant it.
    fn bindings(&self, index: &TenantIndex, tables: Option<(Option<usize>, &[usize])>, out: &mut Vec<Suggestion>) {
        let Some((user, groups)) = tables else { return };
        // Every binding naming the user or one of their groups, in input order: a binding
        // that grants nothing where it is (a global-only role on a namespace) is in no grant
        // table, and is the nearest miss of all.
        let mine = index.bindings.iter().filter(|meta| match (meta.group, meta.user) {
            (Some(g), _) => groups.contains(&g),
            (None, u) => u.is_some() && u == user,
        });
        let mask = key_space().mask(self.resolved.permission);
        let (mut elsewhere, mut lacking, mut global) = (Vec::new(), Vec::new(), Vec::new());
        let mut lacking_roles: Vec<usize> = Vec::new();
        for meta in mine {
            let role_has_key = index
                .roles
                .get(meta.role)
                .is_some_and(|r| r.keys.contains(self.resolved.key));
            // Only what can be kept is built: the nearest few of each kind.
            let wanted = match (role_has_key, self.resolved.scope) {
                (true, Scope::GlobalOnly) => global.len() < MAX_PER_KIND,
                (true, _) => true,
                (false, _) => lacking.len() < MAX_PER_KIND && !lacking_roles.contains(&meta.role),
            };
            if !wanted {
                continue;
            }
            let Some(role) = index.roles.get(meta.role) else {
                continue;
            };
            let ns = meta
                .namespace
                .and_then(|id| index.namespaces.names.get(id as usize))
                .map(String::as_str);
            let group = meta.group.and_then(|g| index.group_ids.get(g)).map(String::as_str);
            let subject = match group {
                Some(g) => Subject {
                    kind: "GROUP",
                    id: g.to_owned(),
                },
                None => match self.user_id() {
                    Some(id) => Subject {
                        kind: "USER",
                        id: id.to_owned(),
                    },
                    None => continue,
                },
            };
            let who = group.map_or_else(|| "you".to_owned(), |g| format!("group {g}"));
            let binding = index.binding_id(meta).unwrap_or_default().to_owned();
            let on = ns.map_or_else(|| "tenant-wide".to_owned(), |n| format!("on {n}"));
            let base = Suggestion {
                kind: "",
                message: String::new(),
                binding: Some(binding.clone()),
                role: Some(role.id.clone()),
                namespace: ns.map(str::to_owned),
                group: group.map(str::to_owned),
                changes: Vec::new(),
            };
            let has_key = role.keys.contains(self.resolved.key);
            if has_key && !self.reaches(ns) {
                let bind = Change::BindRole {
                    tenant: self.tenant.to_owned(),
                    role: role.id.clone(),
                    subject,
                    namespace: self.target_namespace(),
                };
                if self.resolved.scope == Scope::GlobalOnly {
                    global.push(Suggestion {
                        kind: "GLOBAL_ONLY_ON_NAMESPACE",
                        message: format!(
                            "{} is granted only by bindings without a namespace; binding {binding} gives {who} role {} {on}",
                            self.names.0, role.id
                        ),
                        changes: vec![bind],
                        ..base
                    });
                } else {
                    let distance = self
                        .resolved
                        .namespace
                        .zip(ns)
                        .map_or(usize::MAX, |(a, b)| distance(a, b));
                    // The nearest few, ties in binding order: a farther one is not built.
                    if elsewhere.len() >= MAX_PER_KIND {
                        let farthest = elsewhere
                            .iter()
                            .enumerate()
                            .max_by_key(|(i, (d, _))| (*d, *i))
                            .map(|(i, (d, _))| (i, *d));
                        match farthest {
                            Some((at, d)) if d > distance => {
                                elsewhere.remove(at);
                            }
                            _ => continue,
                        }
                    }
                    elsewhere.push((
                        distance,
                        Suggestion {
                            kind: "BINDING_ELSEWHERE",
                            message: format!(
                                "binding {binding} gives {who} role {} {on}, which does not reach {}",
                                role.id,
                                self.resolved.namespace.unwrap_or("requests without a namespace")
                            ),
                            changes: vec![bind],
                            ..base
                        },
                    ));
                }
            } else if !has_key && !self.names.1.is_empty() && role.keys.intersects(&mask) && self.reaches(ns) {
                lacking_roles.push(meta.role);
                lacking.push(Suggestion {
                    kind: "ROLE_LACKS_ACTION",
                    message: format!(
                        "role {} (binding {binding}, {on}) grants {} but not {}; adding it gives it to everyone with the role",
                        role.id, self.names.0, self.names.1
                    ),
                    changes: vec![Change::AddAction {
                        tenant: Some(self.tenant.to_owned()),
                        role: role.id.clone(),
                        permission: self.names.0,
                        action: self.names.1,
                    }],
                    ..base
                });
            }
        }
        // The nearest first, ties in binding order.
        for _ in 0..MAX_PER_KIND {
            let nearest = elsewhere
                .iter()
                .enumerate()
                .min_by_key(|(i, (d, _))| (*d, *i))
                .map(|(i, _)| i);
            let Some(at) = nearest else { break };
            out.push(elsewhere.remove(at).1);
        }
        out.extend(lacking.into_iter().take(MAX_PER_KIND));
        out.extend(global.into_iter().take(MAX_PER_KIND));
    }

    /// Groups of the tenant whose bindings grant it, which the user is not in. With a groups
    /// claim, what the token must carry: the group's name (every group of that name matches
    /// it), or its id when no group has that name; a group no token can name is skipped.
    fn groups(&self, index: &TenantIndex, held: &[usize], out: &mut Vec<Suggestion>) {
        let claim = self.policy.groups_claim_path.is_some();
        let names = if claim { index.group_names() } else { Vec::new() };
        let mut found = 0;
        for (slot, (id, grants)) in index.group_ids.iter().zip(&index.group_grants).enumerate() {
            if found >= MAX_PER_KIND {
                break;
            }
            if held.contains(&slot) || !self.answers(index, grants) {
                continue;
            }
            let (changes, message) = if claim {
                let carried = names.get(slot).copied().flatten().or_else(|| {
                    Some(id.as_str()).filter(|id| index.groups_of_token_group(id) == std::slice::from_ref(&slot))
                });
                let Some(carried) = carried else { continue };
                (
                    vec![Change::CarryGroup {
                        group: carried.to_owned(),
                        username: self.username.clone(),
                    }],
                    format!(
                        "group {id} grants {}; your token does not carry \"{carried}\" (groups come from the identity provider)",
                        self.asked()
                    ),
                )
            } else {
                let mut changes = self.as_member(index);
                changes.push(Change::AddToGroup {
                    tenant: self.tenant.to_owned(),
                    group: id.clone(),
                    username: self.username.clone(),
                });
                let note = self.listing_note(&changes);
                (
                    changes,
                    format!("group {id} grants {}; you are not a member{note}", self.asked()),
                )
            };
            found = found.saturating_add(1);
            out.push(Suggestion {
                kind: "GROUP_NOT_HELD",
                message,
                binding: None,
                role: None,
                namespace: None,
                group: Some(id.clone()),
                changes,
            });
        }
    }

    /// A user the policy does not list has the first-login role, which lacks it.
    fn first_login(&self, index: Option<&TenantIndex>, out: &mut Vec<Suggestion>) {
        let Some(role) = self.policy.first_login(self.principal, index, self.tenant) else {
            return;
        };
        if self.names.1.is_empty() || self.resolved.scope == Scope::Instance {
            return;
        }
        let from_policy = index.and_then(|i| i.first_login_role).is_some();
        // The configuration's role written in CRUD names (read through the migration table in
        // a 2.0 policy) takes the CRUD grant that expands to it: a 2.0 name would end the
        // migration and drop what it expands to.
        let migrated = !from_policy && self.policy.default_role.as_ref().is_some_and(|r| r.migrated);
        let (permission, action) = if migrated {
            model_names(Model::Crud, self.resolved.permission, self.names.1)
        } else {
            self.names
        };
        if action.is_empty() {
            return;
        }
        out.push(Suggestion {
            kind: "DEFAULT_ROLE_LACKS",
            message: format!(
                "the policy does not list you, so you have the first-login role {}, which lacks {}:{}; adding {permission}:{action} to it gives it to every such user",
                role.name, self.names.0, self.names.1
            ),
            binding: None,
            role: Some(role.id.to_owned()),
            namespace: None,
            group: None,
            changes: vec![Change::AddAction {
                tenant: from_policy.then(|| self.tenant.to_owned()),
                role: role.id.to_owned(),
                permission,
                action,
            }],
        });
    }

    /// The baseline: bind the role with the fewest keys that has it (a new role when none
    /// does) to the user, where the request is.
    fn bind_role(&self, code: &str, index: Option<&TenantIndex>, out: &mut Vec<Suggestion>) {
        if self.names.1.is_empty() {
            return;
        }
        // A namespace binding of a global-only permission grants nothing.
        let least = index.and_then(|i| {
            i.roles
                .iter()
                .filter(|r| r.keys.contains(self.resolved.key))
                .min_by_key(|r| (r.keys.len(), r.id.as_str()))
        });
        let (subject, mut changes) = self.as_subject();
        let role = match least {
            Some(r) => r.id.clone(),
            None => {
                let base = format!("{}-{}", self.names.0, self.names.1).to_ascii_lowercase();
                let role = fresh(&base, |id| index.is_some_and(|i| i.roles.iter().any(|r| r.id == id)));
                changes.push(Change::CreateRole {
                    tenant: self.tenant.to_owned(),
                    role: role.clone(),
                    permission: self.names.0,
                    action: self.names.1,
                });
                role
            }
        };
        let on = self
            .target_namespace()
            .map_or_else(|| "tenant-wide".to_owned(), |n| format!("on {n}"));
        let why = if code == "DENIED_NO_TENANT_ACCESS" {
            format!(
                "you have no access to tenant {}; a binding in it gives access: ",
                self.tenant
            )
        } else {
            String::new()
        };
        let created = if least.is_none() { "a new role " } else { "role " };
        changes.push(Change::BindRole {
            tenant: self.tenant.to_owned(),
            role: role.clone(),
            subject,
            namespace: self.target_namespace(),
        });
        out.push(Suggestion {
            kind: if code == "DENIED_NO_TENANT_ACCESS" {
                "NO_TENANT_ACCESS"
            } else {
                "BIND_ROLE"
            },
            message: format!(
                "{why}bind {created}{role} to you {on}: it grants {}:{}{}",
                self.names.0,
                self.names.1,
                self.listing_note(&changes)
            ),
            binding: None,
            role: Some(role),
            namespace: None,
            group: None,
            changes,
        });
    }
}

/// How far apart two namespaces are: segments to climb from each to their common ancestor.
fn distance(a: &str, b: &str) -> usize {
    let (sa, sb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    let common = sa.iter().zip(&sb).take_while(|(x, y)| x == y).count();
    sa.len()
        .saturating_sub(common)
        .saturating_add(sb.len().saturating_sub(common))
}
