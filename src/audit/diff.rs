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
use crate::rbac::catalog::{Key, KeySet, Model, PERMISSIONS, Scope, expand, key_space};
use crate::rbac::namespace::{covers, self_and_ancestors};
use crate::rbac::tenant::{Grants, TenantIndex};
use crate::rbac::{CompiledPolicy, PolicyInput};
use rustc_hash::FxHashMap;
use serde::Serialize;

/// Every change of access between two compiled policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyDiff {
    /// The model both policies are read in.
    pub model: &'static str,
    /// When the tenant of requests that name none changes (the fallback tenant, the default
    /// tenant, or tenants becoming required): `None` when it stays.
    #[serde(rename = "unnamedTenant")]
    pub unnamed_tenant: Option<TenantMove>,
    /// One entry per principal and tenant whose access changed; the unchanged are absent.
    /// Tenant by tenant (named ones sorted, then every other), users by username, groups by
    /// id, then the first-login role.
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

/// The tenant requests that name none are decided in, before and after (`None`: such a
/// request is denied, a tenant being required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TenantMove {
    pub before: Option<String>,
    pub after: Option<String>,
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
    /// On a CRUD policy: the 2.0 names (`PERMISSION:ACTION`, from the migration table) gained
    /// (or lost) in exactly the same places. A 2.0 name that changes elsewhere has regions of
    /// its own; one that changes nowhere is in neither.
    pub also: Vec<String>,
}

/// Keys granted everywhere, and per namespace the keys granted on its subtree. Compared
/// structurally only to skip work: equal access is equal decisions, and unequal access is
/// compared key by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Access<'a> {
    everywhere: KeySet,
    namespaces: FxHashMap<&'a str, KeySet>,
    /// Every key of `namespaces`: a part without a key is skipped whole.
    on_namespaces: KeySet,
}

impl<'a> Access<'a> {
    fn merge(&mut self, other: &Access<'a>) {
        self.everywhere.union_with(&other.everywhere);
        self.on_namespaces.union_with(&other.on_namespaces);
        for (ns, keys) in &other.namespaces {
            self.namespaces.entry(ns).or_default().union_with(keys);
        }
    }

    /// The namespaces where `self` and `other` grant different keys.
    fn differing(&self, other: &Access<'a>) -> Vec<&'a str> {
        let empty = KeySet::default();
        let mut out: Vec<&'a str> = self
            .namespaces
            .iter()
            .filter(|(ns, keys)| other.namespaces.get(*ns).unwrap_or(&empty) != *keys)
            .map(|(ns, _)| *ns)
            .chain(
                other
                    .namespaces
                    .keys()
                    .filter(|ns| !self.namespaces.contains_key(*ns))
                    .copied(),
            )
            .collect();
        out.sort_unstable();
        out
    }
}

/// A principal's access: the union of two parts (their own grants and their groups' merged
/// grants) and keys granted everywhere, looked up in place rather than merged per principal.
struct View<'v, 'a> {
    parts: [&'v Access<'a>; 2],
    everywhere: KeySet,
}

impl<'v, 'a> View<'v, 'a> {
    fn new(parts: [&'v Access<'a>; 2], extra: KeySet) -> Self {
        let mut everywhere = extra;
        for part in parts {
            everywhere.union_with(&part.everywhere);
        }
        View { parts, everywhere }
    }

    /// The keys granted on exactly `ns`.
    fn at(&self, ns: &str) -> KeySet {
        let mut keys = KeySet::default();
        for part in self.parts {
            if let Some(k) = part.namespaces.get(ns) {
                keys.union_with(k);
            }
        }
        keys
    }

    fn has(&self, ns: &str, key: Key) -> bool {
        self.parts
            .iter()
            .any(|p| p.on_namespaces.contains(key) && p.namespaces.get(ns).is_some_and(|k| k.contains(key)))
    }

    /// Whether a grant on `ns` or an ancestor (only strictly above it, with `strict`) holds
    /// `key`.
    fn covered(&self, ns: &str, key: Key, strict: bool) -> bool {
        self_and_ancestors(ns).any(|a| !(strict && a.len() == ns.len()) && self.has(a, key))
    }

    /// The namespaces holding `key`, sorted.
    fn holding(&self, key: Key) -> Vec<&'a str> {
        let mut held: Vec<&'a str> = Vec::new();
        for part in self.parts.iter().filter(|p| p.on_namespaces.contains(key)) {
            held.extend(
                part.namespaces
                    .iter()
                    .filter(|(_, k)| k.contains(key))
                    .map(|(ns, _)| *ns),
            );
        }
        held.sort_unstable();
        held.dedup();
        held
    }
}

/// One key a decision can ask about, with its names.
struct KeyName {
    key: Key,
    permission: &'static str,
    action: &'static str,
    /// For a 2.0 key of a CRUD policy: the CRUD keys (places in `ModelKeys::keys`) whose grant
    /// expands to it. Its change is reported only when no such key changed alike.
    sources: Vec<usize>,
}

/// Every key the policy's decisions answer, in catalog order: the model's own, and for a CRUD
/// policy also the 2.0 keys it answers through the migration table.
struct ModelKeys {
    keys: Vec<KeyName>,
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
        let mut seen = KeySet::default();
        // The model's own names first, then (CRUD) the 2.0 names it answers.
        let models: &[Model] = match model {
            Model::Crud => &[Model::Crud, Model::V2],
            Model::V2 => &[Model::V2],
        };
        for names in models {
            for def in PERMISSIONS {
                let Some(p) = space.permission(def.name) else { continue };
                if !p.in_model(*names) {
                    continue;
                }
                // Scopes are the policy's model's: a 2.0 key of a CRUD policy is scoped as
                // the CRUD policy's decisions scope it.
                let scope = p.scope(model);
                for action in p.actions(*names) {
                    let Some(key) = space.action(action).and_then(|a| space.key(p, a)) else {
                        continue;
                    };
                    if seen.contains(key) {
                        continue;
                    }
                    seen.insert(key);
                    let sources = if *names == model {
                        Vec::new()
                    } else {
                        out.keys
                            .iter()
                            .enumerate()
                            .filter(|(_, k)| {
                                expand(k.permission, k.action).iter().any(|(target, actions)| {
                                    let target = if target.is_empty() { k.permission } else { *target };
                                    target == def.name && actions.contains(action)
                                })
                            })
                            .map(|(i, _)| i)
                            .collect()
                    };
                    out.keys.push(KeyName {
                        key,
                        permission: def.name,
                        action,
                        sources,
                    });
                    if scope == Scope::Instance {
                        out.instance.insert(key);
                    }
                    if def.instance_owner {
                        out.owner.insert(key);
                    }
                }
            }
        }
        out
    }

    fn without_instance(&self, keys: &KeySet) -> KeySet {
        let mut out = KeySet::default();
        for k in &self.keys {
            if keys.contains(k.key) && !self.instance.contains(k.key) {
                out.insert(k.key);
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
            ..Access::default()
        };
        for (id, entry) in grants.namespaces.iter() {
            let direct = grants.namespaces.direct(entry);
            if direct.is_empty() {
                continue;
            }
            if let Some(name) = index.namespaces.names.get(*id as usize) {
                access.namespaces.insert(name.as_str(), *direct);
                access.on_namespaces.union_with(direct);
            }
        }
        access
    }

    /// Each group's access in a tenant, by id, with its display name.
    fn groups(&self, tenant: Option<&str>) -> FxHashMap<&'a str, (&'a str, Access<'a>)> {
        let Some(index) = self.index(tenant) else {
            return FxHashMap::default();
        };
        let names = index.group_names();
        let mut out = FxHashMap::default();
        for (slot, (id, grants)) in index.group_ids.iter().zip(&index.group_grants).enumerate() {
            let name = names.get(slot).copied().flatten().unwrap_or(id.as_str());
            out.insert(id.as_str(), (name, self.table(index, grants)));
        }
        out
    }

    /// With a groups claim: each string a token may carry (a group name, or a group id) and
    /// the merged access of every group it matches, as a token's group is matched.
    fn carried_groups(
        &self,
        tenant: Option<&str>,
        by_id: &FxHashMap<&'a str, (&'a str, Access<'a>)>,
    ) -> FxHashMap<&'a str, (&'a str, Access<'a>)> {
        let (Some(index), Some(_)) = (self.index(tenant), &self.policy.groups_claim_path) else {
            return FxHashMap::default();
        };
        let mut out = FxHashMap::default();
        for carried in index.group_by_name.keys().chain(index.group_ids.iter()) {
            let mut access = Access::default();
            for slot in index.groups_of_token_group(carried) {
                if let Some((_, group)) = index.group_ids.get(*slot).and_then(|id| by_id.get(id.as_str())) {
                    access.merge(group);
                }
            }
            out.insert(carried.as_str(), (carried.as_str(), access));
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

    /// Keys a user holds everywhere besides their grant tables.
    fn extra(&self, parts: &Parts<'a>) -> KeySet {
        let mut keys = parts.first_login.unwrap_or_default();
        if parts.owner {
            keys.union_with(&self.keys.owner);
        }
        keys
    }
}

/// The merged access of each distinct set of groups users are in, built once per set: users
/// share few sets, and merging a large group's grants per user was most of a diff's time.
#[derive(Default)]
struct GroupSets<'a> {
    merged: Vec<Access<'a>>,
    by_set: FxHashMap<Vec<&'a str>, usize>,
}

impl<'a> GroupSets<'a> {
    fn index(&mut self, set: &[&'a str], groups: &FxHashMap<&'a str, (&'a str, Access<'a>)>) -> usize {
        if let Some(at) = self.by_set.get(set) {
            return *at;
        }
        let mut access = Access::default();
        for g in set {
            if let Some((_, group)) = groups.get(g) {
                access.merge(group);
            }
        }
        let at = self.merged.len();
        self.merged.push(access);
        self.by_set.insert(set.to_vec(), at);
        at
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
pub fn diff_policies<'p>(before: &'p CompiledPolicy, after: &'p CompiledPolicy) -> Result<PolicyDiff> {
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
    let mut named: Vec<&str> = before
        .tenants
        .keys()
        .chain(after.tenants.keys())
        .chain(before.default_role.iter().filter_map(|r| r.tenant.as_ref()))
        .chain(after.default_role.iter().filter_map(|r| r.tenant.as_ref()))
        .map(String::as_str)
        .collect();
    named.sort_unstable();
    named.dedup();
    // Every tenant neither policy names, last.
    let tenants = named.into_iter().map(Some).chain([None]);
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
    // Users whose Instance Ownership or whose being listed at all changes: their access can
    // change in any tenant. Anyone else's only in the tenants that name their id.
    let everywhere: Vec<&str> = usernames
        .iter()
        .copied()
        .filter(|u| {
            let status = |p: &CompiledPolicy| p.users_by_username.get(*u).map(|i| i.instance_owner);
            status(before) != status(after)
        })
        .collect();
    let username_of = |p: &'p CompiledPolicy| -> FxHashMap<&'p str, &'p str> {
        p.users_by_username
            .iter()
            .filter(|(u, _)| !u.is_empty())
            .map(|(u, i)| (i.id.as_str(), u.as_str()))
            .collect()
    };
    let (names_b, names_a) = (username_of(before), username_of(after));

    // Built in the order reported: tenant by tenant (named ones sorted, then every other),
    // users by username, groups by id, the first-login role.
    let mut changes = Vec::new();
    let empty = Access::default();
    for tenant in tenants {
        let mut tenant_changes = Vec::new();
        let (groups_b, groups_a) = (b.groups(tenant), a.groups(tenant));
        // With a groups claim a group is what a token carries (a name, or an id no group is
        // named): every group it matches counts. Otherwise groups are policy groups, by id.
        let claim = before.groups_claim_path.is_some() || after.groups_claim_path.is_some();
        let (carried_b, carried_a) = if claim {
            (b.carried_groups(tenant, &groups_b), a.carried_groups(tenant, &groups_a))
        } else {
            (FxHashMap::default(), FxHashMap::default())
        };
        let (principals_b, principals_a) = if claim {
            (&carried_b, &carried_a)
        } else {
            (&groups_b, &groups_a)
        };
        let mut group_ids: Vec<&str> = principals_b.keys().chain(principals_a.keys()).copied().collect();
        group_ids.sort_unstable();
        group_ids.dedup();
        for id in group_ids {
            let (before_g, after_g) = (principals_b.get(id), principals_a.get(id));
            let (access_b, access_a) = (before_g.map_or(&empty, |g| &g.1), after_g.map_or(&empty, |g| &g.1));
            if access_b == access_a {
                continue;
            }
            let name = after_g.or(before_g).map_or(id, |g| g.0);
            let principal = DiffPrincipal {
                kind: PrincipalKind::Group,
                id: id.to_owned(),
                name: name.to_owned(),
            };
            let (view_b, view_a) = (
                View::new([access_b, &empty], KeySet::default()),
                View::new([access_a, &empty], KeySet::default()),
            );
            let candidates = access_b.differing(access_a);
            push_change(
                &mut tenant_changes,
                &keys,
                principal,
                tenant,
                (&view_b, &view_a),
                &candidates,
            );
        }

        let (first_b, first_a) = (b.first_login(tenant), a.first_login(tenant));
        let keys_of = |f: &Option<(&str, &str, KeySet)>| f.as_ref().map(|r| r.2);
        if keys_of(&first_b) != keys_of(&first_a) {
            let role = first_a.or(first_b).map_or(("", ""), |r| (r.0, r.1));
            let principal = DiffPrincipal {
                kind: PrincipalKind::DefaultRole,
                id: role.0.to_owned(),
                name: role.1.to_owned(),
            };
            let (view_b, view_a) = (
                View::new([&empty, &empty], keys_of(&first_b).unwrap_or_default()),
                View::new([&empty, &empty], keys_of(&first_a).unwrap_or_default()),
            );
            push_change(&mut tenant_changes, &keys, principal, tenant, (&view_b, &view_a), &[]);
        }

        let (mut sets_b, mut sets_a) = (GroupSets::default(), GroupSets::default());
        let mut pairs: FxHashMap<(usize, usize), Vec<&str>> = FxHashMap::default();
        let mut present: Vec<&str> = everywhere.clone();
        for (side, names) in [(&b, &names_b), (&a, &names_a)] {
            if let Some(index) = side.index(tenant) {
                present.extend(index.user_by_id.keys().filter_map(|id| names.get(id.as_str()).copied()));
            }
        }
        present.sort_unstable();
        present.dedup();
        for username in &present {
            let parts_b = b.user_parts(username, tenant, keys_of(&first_b));
            let parts_a = a.user_parts(username, tenant, keys_of(&first_a));
            let (set_b, set_a) = (
                sets_b.index(&parts_b.groups, &groups_b),
                sets_a.index(&parts_a.groups, &groups_a),
            );
            let (Some(merged_b), Some(merged_a)) = (sets_b.merged.get(set_b), sets_a.merged.get(set_a)) else {
                continue;
            };
            let in_groups = pairs
                .entry((set_b, set_a))
                .or_insert_with(|| merged_b.differing(merged_a));
            let mut candidates = parts_b.own.differing(&parts_a.own);
            candidates.extend_from_slice(in_groups);
            candidates.sort_unstable();
            candidates.dedup();
            let view_b = View::new([&parts_b.own, merged_b], b.extra(&parts_b));
            let view_a = View::new([&parts_a.own, merged_a], a.extra(&parts_a));
            if candidates.is_empty() && view_b.everywhere == view_a.everywhere {
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
            push_change(&mut changes, &keys, principal, tenant, (&view_b, &view_a), &candidates);
        }
        changes.append(&mut tenant_changes);
    }
    let unnamed = (before.unnamed_tenant(), after.unnamed_tenant());
    Ok(PolicyDiff {
        model: after.model().name(),
        unnamed_tenant: (unnamed.0 != unnamed.1).then(|| TenantMove {
            before: unnamed.0.map(str::to_owned),
            after: unnamed.1.map(str::to_owned),
        }),
        changes,
    })
}

/// Records a principal's change, when there is one. Only the keys that differ everywhere or
/// on a candidate namespace (every namespace where the two views grant different keys) can
/// have changed, and a gained or lost subtree's root is always such a namespace.
fn push_change(
    changes: &mut Vec<Change>,
    keys: &ModelKeys,
    principal: DiffPrincipal,
    tenant: Option<&str>,
    (before, after): (&View<'_, '_>, &View<'_, '_>),
    candidates: &[&str],
) {
    let mut touched = before.everywhere.symmetric_difference(&after.everywhere);
    for ns in candidates {
        touched.union_with(&before.at(ns).symmetric_difference(&after.at(ns)));
    }
    if touched.is_empty() {
        return;
    }
    // Per key of the model's list: (gained, lost), for the keys that changed.
    let mut per_key: Vec<Option<(Vec<Region>, Vec<Region>)>> = Vec::with_capacity(keys.keys.len());
    for k in &keys.keys {
        if !touched.contains(k.key) {
            per_key.push(None);
            continue;
        }
        let names = (k.permission, k.action);
        let (mut gained, mut lost) = (Vec::new(), Vec::new());
        gains(after, before, candidates, k.key, names, &mut gained);
        gains(before, after, candidates, k.key, names, &mut lost);
        let changed = !gained.is_empty() || !lost.is_empty();
        // A 2.0 name that changed in exactly the places a CRUD grant it expands from did is
        // named on that grant's regions rather than repeated.
        let source = k.sources.iter().copied().find(|s| {
            per_key
                .get(*s)
                .and_then(Option::as_ref)
                .is_some_and(|(g, l)| same_places(g, &gained) && same_places(l, &lost))
        });
        match source.and_then(|s| per_key.get_mut(s)).and_then(Option::as_mut) {
            Some((g, l)) if changed => {
                let name = format!("{}:{}", k.permission, k.action);
                for region in g.iter_mut().chain(l.iter_mut()) {
                    region.also.push(name.clone());
                }
                per_key.push(None);
            }
            _ => per_key.push(changed.then_some((gained, lost))),
        }
    }
    let (mut gained, mut lost) = (Vec::new(), Vec::new());
    for (g, l) in per_key.into_iter().flatten() {
        gained.extend(g);
        lost.extend(l);
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

/// Whether two lists of regions cover the same places (whatever their names).
fn same_places(a: &[Region], b: &[Region]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.namespace == y.namespace && x.except == y.except)
}

/// Where `to` grants `key` and `from` does not, as regions. A root of `to`'s grant that `from`
/// does not cover loses exactly `from`'s subtrees inside it: subtrees are nested or disjoint.
fn gains(
    to: &View<'_, '_>,
    from: &View<'_, '_>,
    candidates: &[&str],
    key: Key,
    (permission, action): (&'static str, &'static str),
    out: &mut Vec<Region>,
) {
    if from.everywhere.contains(key) {
        return;
    }
    // `from`'s namespaces holding the key, sorted (a namespace's descendants are one run of
    // them): listed once, when a region needs its exceptions.
    let mut held: Option<Vec<&str>> = None;
    if to.everywhere.contains(key) {
        let held = held.get_or_insert_with(|| from.holding(key));
        out.push(Region {
            permission,
            action,
            namespace: None,
            except: roots_below(from, held, None, key),
            also: Vec::new(),
        });
        return;
    }
    for ns in candidates {
        if to.has(ns, key) && !from.covered(ns, key, false) && !to.covered(ns, key, true) {
            let held = held.get_or_insert_with(|| from.holding(key));
            out.push(Region {
                permission,
                action,
                namespace: Some((*ns).to_owned()),
                except: roots_below(from, held, Some(ns), key),
                also: Vec::new(),
            });
        }
    }
}

/// The roots of the subtrees of `held` (a view's sorted namespaces holding `key`) strictly
/// below `ns` (all of them when `None`).
fn roots_below(view: &View<'_, '_>, held: &[&str], ns: Option<&str>, key: Key) -> Vec<String> {
    let run = match ns {
        None => held,
        Some(ns) => {
            let prefix = format!("{ns}.");
            let start = held.partition_point(|m| *m < prefix.as_str());
            let rest = held.get(start..).unwrap_or_default();
            let len = rest.iter().take_while(|m| m.starts_with(prefix.as_str())).count();
            rest.get(..len).unwrap_or_default()
        }
    };
    run.iter()
        .filter(|m| !view.covered(m, key, true))
        .map(|m| (*m).to_owned())
        .collect()
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
