//! What a change to the policy (or to the configuration's default role) does to people's
//! access, computed from both compiled indexes rather than by sampling decisions.
//!
//! A principal's access in a tenant is read as `authorize` decides it: keys granted
//! everywhere (tenant-wide bindings, tenant-scoped keys of namespace bindings, the first-login
//! role, an Instance Owner's own permissions), and per namespace the namespace-scoped keys of
//! the bindings on it, which hold on its subtree. Each key's region (everywhere, or a set of
//! subtrees) is compared before and after; a gain or loss is a subtree (or everywhere) minus
//! the subtrees inside it that were already (or are still) held, so the answer is exact.

use crate::error::{Error, Result};
use crate::rbac::catalog::{Key, KeySet, Model, PERMISSIONS, Scope, key_space};
use crate::rbac::namespace::{covers, self_and_ancestors};
use crate::rbac::tenant::{Grants, TenantIndex};
use crate::rbac::{CompiledPolicy, PolicyInput};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use std::collections::BTreeMap;

/// Every change of access between two compiled policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDiff {
    /// The model both policies are read in.
    pub model: &'static str,
    /// One entry per principal and tenant whose access changed; the unchanged are absent.
    /// Sorted by tenant (named tenants first, then "any other tenant"), principal type, name.
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub principal: DiffPrincipal,
    /// The tenant, or `None` for every tenant neither policy lists (where only an Instance
    /// Owner's permissions and a configuration default role without a tenant apply).
    pub tenant: Option<String>,
    pub gained: Vec<Region>,
    pub lost: Vec<Region>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffPrincipal {
    /// `USER` (by username: the identity a token proves), `GROUP` (by id in the tenant) or
    /// `DEFAULT_ROLE` (what a user the policy does not list gets at first login).
    #[serde(rename = "type")]
    pub kind: PrincipalKind,
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PrincipalKind {
    User,
    Group,
    DefaultRole,
}

/// Where one permission and action was gained or lost: on `namespace`'s subtree (everywhere
/// when `None`: every namespace and requests that name none), except the subtrees listed in
/// `except`, where nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    pub permission: &'static str,
    pub action: &'static str,
    pub namespace: Option<String>,
    pub except: Vec<String>,
}

/// Keys granted everywhere, and per namespace the keys granted on its subtree. Compared
/// structurally only to skip work: equal access is equal decisions, and unequal access is
/// compared key by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Access<'a> {
    everywhere: KeySet,
    namespaces: BTreeMap<&'a str, KeySet>,
}

impl<'a> Access<'a> {
    fn merge(&mut self, other: &Access<'a>) {
        self.everywhere.union_with(&other.everywhere);
        for (ns, keys) in &other.namespaces {
            self.namespaces.entry(ns).or_default().union_with(keys);
        }
    }

    /// Where `key` is granted: `None` everywhere, else the roots of the subtrees.
    fn region(&self, key: Key) -> Option<Vec<&'a str>> {
        if self.everywhere.contains(key) {
            return None;
        }
        let held: FxHashSet<&str> = self
            .namespaces
            .iter()
            .filter(|(_, keys)| keys.contains(key))
            .map(|(ns, _)| *ns)
            .collect();
        let mut roots: Vec<&'a str> = self
            .namespaces
            .iter()
            .filter(|(ns, keys)| keys.contains(key) && !self_and_ancestors(ns).any(|a| a != **ns && held.contains(a)))
            .map(|(ns, _)| *ns)
            .collect();
        roots.sort_unstable();
        Some(roots)
    }

    fn present(&self) -> KeySet {
        let mut all = self.everywhere;
        for keys in self.namespaces.values() {
            all.union_with(keys);
        }
        all
    }
}

/// The model's keys, each with its names and scope, in catalog order.
struct ModelKeys {
    keys: Vec<(Key, &'static str, &'static str, Scope)>,
    /// Keys of instance-scoped permissions: granted by nothing but Instance Ownership.
    instance: KeySet,
    /// Keys of the permissions an Instance Owner holds in every tenant.
    owner: KeySet,
}

impl ModelKeys {
    fn of(model: Model) -> Self {
        let space = key_space();
        let mut out = ModelKeys {
            keys: Vec::new(),
            instance: KeySet::default(),
            owner: KeySet::default(),
        };
        for def in PERMISSIONS {
            let Some(p) = space.permission(def.name) else { continue };
            if !p.in_model(model) {
                continue;
            }
            let scope = p.scope(model);
            for action in p.actions(model) {
                let Some(key) = space.action(action).and_then(|a| space.key(p, a)) else {
                    continue;
                };
                out.keys.push((key, def.name, action, scope));
                if scope == Scope::Instance {
                    out.instance.insert(key);
                }
                if def.instance_owner {
                    out.owner.insert(key);
                }
            }
        }
        out
    }

    fn without_instance(&self, keys: &KeySet) -> KeySet {
        let mut out = KeySet::default();
        for (key, ..) in &self.keys {
            if keys.contains(*key) && !self.instance.contains(*key) {
                out.insert(*key);
            }
        }
        out
    }
}

/// One policy as the diff reads it, tenant by tenant.
struct Side<'a> {
    policy: &'a CompiledPolicy,
    keys: &'a ModelKeys,
}

/// What a user's access in one tenant is made of.
#[derive(PartialEq, Eq)]
struct Parts<'a> {
    owner: bool,
    /// The first-login role's keys, for a user the policy does not list.
    first_login: Option<KeySet>,
    own: Access<'a>,
    groups: Vec<&'a str>,
}

impl<'a> Side<'a> {
    fn index(&self, tenant: Option<&str>) -> Option<&'a TenantIndex> {
        tenant.and_then(|t| self.policy.tenants.get(t))
    }

    fn table(&self, index: &'a TenantIndex, grants: &Grants) -> Access<'a> {
        let mut access = Access {
            everywhere: self.keys.without_instance(&grants.tenant_wide),
            namespaces: BTreeMap::new(),
        };
        for (id, entry) in grants.namespaces.iter() {
            if entry.direct.is_empty() {
                continue;
            }
            if let Some(name) = index.namespaces.names.get(*id as usize) {
                access.namespaces.insert(name.as_str(), entry.direct);
            }
        }
        access
    }

    /// Each group's access in a tenant, by id, with its display name.
    fn groups(&self, tenant: Option<&str>) -> FxHashMap<&'a str, (&'a str, Access<'a>)> {
        let Some(index) = self.index(tenant) else {
            return FxHashMap::default();
        };
        let mut names: Vec<Option<&'a str>> = vec![None; index.group_ids.len()];
        for (name, slots) in &index.group_by_name {
            for slot in slots {
                if let Some(at) = names.get_mut(*slot) {
                    *at = Some(name.as_str());
                }
            }
        }
        let mut out = FxHashMap::default();
        for (slot, (id, grants)) in index.group_ids.iter().zip(&index.group_grants).enumerate() {
            let name = names.get(slot).copied().flatten().unwrap_or(id.as_str());
            out.insert(id.as_str(), (name, self.table(index, grants)));
        }
        out
    }

    /// The first-login role in a tenant (`None`: a tenant neither policy lists).
    fn first_login(&self, tenant: Option<&str>) -> Option<(&'a str, &'a str, KeySet)> {
        let stranger = crate::rbac::Principal::stranger();
        // No tenant id is empty, so for "any other tenant" only a default role without a
        // tenant applies.
        self.policy
            .first_login(&stranger, self.index(tenant), tenant.unwrap_or(""))
            .map(|r| (r.id, r.name, self.keys.without_instance(r.keys)))
    }

    fn user_parts(&self, username: &str, tenant: Option<&str>, first_login: Option<KeySet>) -> Parts<'a> {
        let identity = self.policy.users_by_username.get(username);
        let mut parts = Parts {
            owner: identity.is_some_and(|i| i.instance_owner),
            first_login: if identity.is_none() { first_login } else { None },
            own: Access::default(),
            groups: Vec::new(),
        };
        let (Some(identity), Some(index)) = (identity, self.index(tenant)) else {
            return parts;
        };
        let Some(slot) = index.user_by_id.get(&identity.id).copied() else {
            return parts;
        };
        if let Some(grants) = index.user_grants.get(slot) {
            parts.own = self.table(index, grants);
        }
        // With a groups claim the token's groups are the user's groups: they are the groups'
        // changes, not the user's.
        if self.policy.groups_claim_path.is_none() {
            for g in index.user_groups.get(slot).map(Vec::as_slice).unwrap_or_default() {
                if let Some(id) = index.group_ids.get(*g) {
                    parts.groups.push(id.as_str());
                }
            }
            parts.groups.sort_unstable();
        }
        parts
    }

    fn user_access(&self, parts: &Parts<'a>, groups: &FxHashMap<&'a str, (&'a str, Access<'a>)>) -> Access<'a> {
        let mut access = parts.own.clone();
        if parts.owner {
            access.everywhere.union_with(&self.keys.owner);
        }
        if let Some(keys) = &parts.first_login {
            access.everywhere.union_with(keys);
        }
        for g in &parts.groups {
            if let Some((_, group)) = groups.get(g) {
                access.merge(group);
            }
        }
        access
    }
}

/// A policy compiled for a diff, without a verifier: `setup` is `{ kestraConfig, model,
/// usernameClaim, defaultTenant, placeholders }` (each optional, unknown members refused), as
/// `diffPolicies` reads each side in JavaScript.
pub fn compile_setup(setup: &serde_json::Value, policy: Option<&PolicyInput<'_>>) -> Result<CompiledPolicy> {
    let (config, options) = crate::options::policy_setup(setup)?;
    CompiledPolicy::compile(&config, policy, &options)
}

/// Every change of access from `before` to `after`. Both must be read in one model (pass the
/// same `model` option when the policies would choose differently).
pub fn diff_policies(before: &CompiledPolicy, after: &CompiledPolicy) -> Result<PolicyDiff> {
    if before.model() != after.model() {
        return Err(Error::OptionInvalid {
            option: "model",
            reason: format!(
                "the policies are read in different models ({} before, {} after): compare them in one, with the model option",
                before.model().name(),
                after.model().name()
            ),
        });
    }
    let keys = ModelKeys::of(after.model());
    let (b, a) = (
        Side {
            policy: before,
            keys: &keys,
        },
        Side {
            policy: after,
            keys: &keys,
        },
    );
    let mut tenants: Vec<Option<&str>> = before
        .tenants
        .keys()
        .chain(after.tenants.keys())
        .chain(before.default_role.iter().filter_map(|r| r.tenant.as_ref()))
        .chain(after.default_role.iter().filter_map(|r| r.tenant.as_ref()))
        .map(|t| Some(t.as_str()))
        .collect();
    tenants.sort_unstable();
    tenants.dedup();
    // Every tenant neither policy names, last.
    tenants.push(None);
    let mut usernames: Vec<&str> = before
        .users_by_username
        .keys()
        .chain(after.users_by_username.keys())
        .map(String::as_str)
        // A token's username is never empty: no one can be such a user.
        .filter(|u| !u.is_empty())
        .collect();
    usernames.sort_unstable();
    usernames.dedup();

    let mut changes = Vec::new();
    for tenant in tenants {
        let (groups_b, groups_a) = (b.groups(tenant), a.groups(tenant));
        let mut group_ids: Vec<&str> = groups_b.keys().chain(groups_a.keys()).copied().collect();
        group_ids.sort_unstable();
        group_ids.dedup();
        let mut changed_groups: FxHashSet<&str> = FxHashSet::default();
        let empty = Access::default();
        for id in group_ids {
            let (before_g, after_g) = (groups_b.get(id), groups_a.get(id));
            let (access_b, access_a) = (before_g.map_or(&empty, |g| &g.1), after_g.map_or(&empty, |g| &g.1));
            if access_b == access_a {
                continue;
            }
            changed_groups.insert(id);
            let name = after_g.or(before_g).map_or(id, |g| g.0);
            let principal = DiffPrincipal {
                kind: PrincipalKind::Group,
                id: id.to_owned(),
                name: name.to_owned(),
            };
            push_change(&mut changes, &keys, principal, tenant, access_b, access_a);
        }

        let (first_b, first_a) = (b.first_login(tenant), a.first_login(tenant));
        let key_of = |f: &Option<(&str, &str, KeySet)>| f.as_ref().map(|r| r.2);
        if key_of(&first_b) != key_of(&first_a) {
            let role = first_a.or(first_b).map_or(("", ""), |r| (r.0, r.1));
            let principal = DiffPrincipal {
                kind: PrincipalKind::DefaultRole,
                id: role.0.to_owned(),
                name: role.1.to_owned(),
            };
            let access = |f: &Option<(&str, &str, KeySet)>| Access {
                everywhere: f.as_ref().map(|r| r.2).unwrap_or_default(),
                namespaces: BTreeMap::new(),
            };
            push_change(
                &mut changes,
                &keys,
                principal,
                tenant,
                &access(&first_b),
                &access(&first_a),
            );
        }

        for username in &usernames {
            let parts_b = b.user_parts(username, tenant, key_of(&first_b));
            let parts_a = a.user_parts(username, tenant, key_of(&first_a));
            if parts_b == parts_a && !parts_a.groups.iter().any(|g| changed_groups.contains(g)) {
                continue;
            }
            let (access_b, access_a) = (b.user_access(&parts_b, &groups_b), a.user_access(&parts_a, &groups_a));
            if access_b == access_a {
                continue;
            }
            let id = after
                .users_by_username
                .get(*username)
                .or_else(|| before.users_by_username.get(*username))
                .map_or("", |i| i.id.as_str());
            let principal = DiffPrincipal {
                kind: PrincipalKind::User,
                id: id.to_owned(),
                name: (*username).to_owned(),
            };
            push_change(&mut changes, &keys, principal, tenant, &access_b, &access_a);
        }
    }
    changes.sort_by(|x, y| {
        (
            x.tenant.is_none(),
            &x.tenant,
            x.principal.kind,
            &x.principal.name,
            &x.principal.id,
        )
            .cmp(&(
                y.tenant.is_none(),
                &y.tenant,
                y.principal.kind,
                &y.principal.name,
                &y.principal.id,
            ))
    });
    Ok(PolicyDiff {
        model: after.model().name(),
        changes,
    })
}

/// Records a principal's change when its access differs key by key.
fn push_change(
    changes: &mut Vec<Change>,
    keys: &ModelKeys,
    principal: DiffPrincipal,
    tenant: Option<&str>,
    before: &Access<'_>,
    after: &Access<'_>,
) {
    let mut present = before.present();
    present.union_with(&after.present());
    let (mut gained, mut lost) = (Vec::new(), Vec::new());
    for (key, permission, action, _) in &keys.keys {
        if !present.contains(*key) {
            continue;
        }
        let (was, is) = (before.region(*key), after.region(*key));
        subtract(&is, &was, permission, action, &mut gained);
        subtract(&was, &is, permission, action, &mut lost);
    }
    if gained.is_empty() && lost.is_empty() {
        return;
    }
    changes.push(Change {
        principal,
        tenant: tenant.map(str::to_owned),
        gained,
        lost,
    });
}

/// `from` minus `minus`, each a region (`None` everywhere, else subtree roots), as regions
/// with exceptions. Subtrees are nested or disjoint, so a root of `from` is either covered by
/// a root of `minus`, or loses exactly the roots of `minus` inside it.
fn subtract(
    from: &Option<Vec<&str>>,
    minus: &Option<Vec<&str>>,
    permission: &'static str,
    action: &'static str,
    out: &mut Vec<Region>,
) {
    let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    match (from, minus) {
        (_, None) => {}
        (None, Some(held)) => out.push(Region {
            permission,
            action,
            namespace: None,
            except: owned(held),
        }),
        (Some(roots), Some(held)) => {
            for root in roots {
                if held.iter().any(|h| covers(h, root)) {
                    continue;
                }
                let inside: Vec<&str> = held.iter().copied().filter(|h| covers(root, h)).collect();
                out.push(Region {
                    permission,
                    action,
                    namespace: Some((*root).to_owned()),
                    except: owned(&inside),
                });
            }
        }
    }
}

impl Region {
    /// Whether the region holds a request on `namespace` (`None`: one that names none).
    pub fn holds(&self, namespace: Option<&str>) -> bool {
        let inside = match (&self.namespace, namespace) {
            (None, _) => true,
            (Some(root), Some(ns)) => covers(root, ns),
            (Some(_), None) => false,
        };
        inside && !namespace.is_some_and(|ns| self.except.iter().any(|e| covers(e, ns)))
    }
}
