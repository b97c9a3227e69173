//! The compiled policy. Building it resolves every name once and folds every binding into
//! per-principal grant tables keyed by scope: a tenant-wide key set, and per namespace a key
//! set of its own grants plus the union of its subtree's. A decision then looks up the
//! principal's few tables (the user and their groups) and walks the requested namespace's
//! ancestors: O(groups x namespace depth), whatever the number of bindings, roles or users.

use super::catalog::{self, Action, CRUD, INERT_NAMES, Key, KeySet, Model, Permission, Scope, key_space};
use super::decision::{ALLOWED, Decision, DenyCode, Matrix, NamespaceGrants, Reason, Request, Via};
use super::namespace;
use super::policy::{BindingKind, ModelChoice, PolicyInput, RoleInput, valid_tenant};
use crate::config::{Finding, KestraConfig};
use crate::error::{Error, Result, shorten};
use crate::token::VerifiedIdToken;
use rustc_hash::FxHashMap;
use serde_json::Value;
use std::collections::hash_map::Entry;
use std::sync::Arc;

/// Options of the RBAC layer that are not in Kestra's configuration.
#[derive(Debug, Clone, Default)]
pub struct RbacOptions {
    /// `auto` (default), `crud` or `v2`; overrides the policy's own `model`.
    pub model: Option<ModelChoice>,
    /// The claim that holds the Kestra username (decision 16). Default `email`.
    pub username_claim: Option<String>,
    /// The tenant of requests that name none when tenants are optional. Default: the
    /// policy's only tenant, else `main`.
    pub default_tenant: Option<String>,
    /// Refuse tokens whose `email_verified` is not `true` when the username is the email.
    pub require_verified_email: bool,
}

#[derive(Debug, Clone)]
struct CompiledRole {
    id: String,
    name: String,
    keys: KeySet,
    /// `keys` split by scope class, for bindings with a namespace.
    namespace_keys: KeySet,
    tenant_keys: KeySet,
    global_keys: KeySet,
}

impl CompiledRole {
    fn new(id: String, name: String, keys: KeySet, model: Model) -> Self {
        let (mut namespace_keys, mut tenant_keys, mut global_keys) =
            (KeySet::default(), KeySet::default(), KeySet::default());
        for_each_key(&keys, |key, permission| match permission.scope(model) {
            Scope::Namespace => namespace_keys.insert(key),
            Scope::Tenant => tenant_keys.insert(key),
            Scope::GlobalOnly => global_keys.insert(key),
            Scope::Instance => {}
        });
        CompiledRole {
            id,
            name,
            keys,
            namespace_keys,
            tenant_keys,
            global_keys,
        }
    }
}

#[derive(Debug, Clone)]
struct BindingMeta {
    /// Where the binding's id is in the tenant's `binding_ids` (`#<its index>` when the input
    /// gave none).
    id: (u32, u32),
    role: usize,
    /// The binding's namespace number (see [`Namespaces`]).
    namespace: Option<u32>,
    /// The group slot for group bindings.
    group: Option<usize>,
}

#[derive(Debug, Clone, Default)]
struct NamespaceEntry {
    /// Keys granted by bindings on exactly this namespace.
    direct: KeySet,
    /// Keys granted on this namespace or anywhere below it.
    subtree: KeySet,
    /// The bindings on exactly this namespace: `start..end` of the principal's
    /// `namespace_bindings` (one list per principal, not one per namespace).
    bindings: (u32, u32),
}

/// The namespaces a tenant's bindings name, with all their ancestors, numbered once: the
/// per-principal tables key on these numbers, so a decision hashes each ancestor of the
/// requested namespace once, whatever the number of principals.
#[derive(Debug, Clone, Default)]
struct Namespaces {
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
    parents: Vec<Option<u32>>,
}

impl Namespaces {
    /// The number of a (validated) namespace, numbering its ancestors too.
    fn intern(&mut self, ns: &str) -> u32 {
        if let Some(id) = self.ids.get(ns) {
            return *id;
        }
        // Depth is bounded by namespace validation, so the recursion is too.
        let parent = ns.rfind('.').and_then(|i| ns.get(..i)).map(|p| self.intern(p));
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.ids.insert(ns.to_owned(), id);
        self.names.push(ns.to_owned());
        self.parents.push(parent);
        id
    }

    /// The numbers of `ns`'s ancestors and itself, root first, as far as any binding reaches:
    /// an ancestor no binding names has no numbered descendants either.
    fn chain<'b>(&self, ns: &str, buf: &'b mut [u32; namespace::MAX_NAMESPACE_DEPTH]) -> &'b [u32] {
        let mut len: usize = 0;
        for (slot, ancestor) in buf.iter_mut().zip(namespace::self_and_ancestors(ns)) {
            match self.ids.get(ancestor) {
                Some(id) => {
                    *slot = *id;
                    len = len.saturating_add(1);
                }
                None => break,
            }
        }
        buf.get(..len).unwrap_or_default()
    }

    /// Whether the chain reaches `ns` itself.
    fn reaches(&self, ns: &str, chain: &[u32]) -> Option<u32> {
        chain
            .last()
            .copied()
            .filter(|last| self.names.get(*last as usize).is_some_and(|n| n == ns))
    }
}

/// One principal's namespace entries, sorted by namespace number. Built in one go once every
/// binding is known (`Grants::finish`): a hash table per principal, grown binding by binding,
/// was most of the time of compiling 100,000 bindings.
#[derive(Debug, Clone, Default)]
struct NamespaceTable {
    entries: Vec<(u32, NamespaceEntry)>,
    /// Binding indexes, each entry's as one run.
    bindings: Vec<usize>,
}

impl NamespaceTable {
    fn get(&self, id: &u32) -> Option<&NamespaceEntry> {
        let at = self.entries.binary_search_by_key(id, |(k, _)| *k).ok()?;
        self.entries.get(at).map(|(_, e)| e)
    }
    fn iter(&self) -> impl Iterator<Item = (&u32, &NamespaceEntry)> {
        self.entries.iter().map(|(k, e)| (k, e))
    }
    fn bindings(&self, entry: &NamespaceEntry) -> &[usize] {
        let (start, end) = entry.bindings;
        self.bindings.get(start as usize..end as usize).unwrap_or_default()
    }
}

/// A namespace binding waiting for `Grants::finish`.
#[derive(Debug, Clone, Copy)]
struct Staged {
    namespace: u32,
    role: usize,
    binding: usize,
}

/// One principal's (a user's or a group's) grants in one tenant.
#[derive(Debug, Clone, Default)]
struct Grants {
    tenant_wide: KeySet,
    tenant_wide_bindings: Vec<usize>,
    namespaces: NamespaceTable,
    staged: Vec<Staged>,
    any_namespace: KeySet,
    /// Global-only keys that only a namespace binding names: they grant nothing, and say why.
    global_only_from_namespace: KeySet,
    has_binding: bool,
}

impl Grants {
    /// Folds one binding in; `namespace` is the binding's namespace number, `role_index` the
    /// role's place in the tenant's roles.
    fn add(&mut self, role: &CompiledRole, role_index: usize, binding: usize, namespace: Option<u32>) {
        self.has_binding = true;
        let Some(ns) = namespace else {
            self.tenant_wide.union_with(&role.keys);
            self.tenant_wide_bindings.push(binding);
            return;
        };
        if !role.tenant_keys.is_empty() {
            self.tenant_wide.union_with(&role.tenant_keys);
            self.tenant_wide_bindings.push(binding);
        }
        self.global_only_from_namespace.union_with(&role.global_keys);
        let scoped = &role.namespace_keys;
        if scoped.is_empty() {
            return;
        }
        self.any_namespace.union_with(scoped);
        self.staged.push(Staged {
            namespace: ns,
            role: role_index,
            binding,
        });
    }

    /// Builds the namespace table from the staged bindings: each binding's keys on its
    /// namespace (`direct`) and on it and every ancestor (`subtree`).
    fn finish(&mut self, roles: &[CompiledRole], spaces: &Namespaces) {
        if self.staged.is_empty() {
            return;
        }
        // (namespace, staged binding, whether the namespace is the binding's own), sorted so
        // that each namespace's rows are adjacent and its bindings stay in input order.
        let mut rows: Vec<(u32, usize, bool)> = Vec::with_capacity(self.staged.len().saturating_mul(4));
        for (i, staged) in self.staged.iter().enumerate() {
            rows.push((staged.namespace, i, true));
            let mut parent = spaces.parents.get(staged.namespace as usize).copied().flatten();
            while let Some(id) = parent {
                rows.push((id, i, false));
                parent = spaces.parents.get(id as usize).copied().flatten();
            }
        }
        rows.sort_unstable();
        let distinct = rows
            .windows(2)
            .filter(|pair| matches!(pair, [a, b] if a.0 != b.0))
            .count();
        let mut entries: Vec<(u32, NamespaceEntry)> = Vec::with_capacity(distinct.saturating_add(1));
        let mut bindings: Vec<usize> = Vec::with_capacity(self.staged.len());
        for (id, i, own) in rows {
            let Some(staged) = self.staged.get(i) else { continue };
            let Some(keys) = roles.get(staged.role).map(|r| &r.namespace_keys) else {
                continue;
            };
            // Runs end where the next begins: rows are sorted by namespace.
            let at = u32::try_from(bindings.len()).unwrap_or(u32::MAX);
            if entries.last().is_none_or(|(last, _)| *last != id) {
                let entry = NamespaceEntry {
                    bindings: (at, at),
                    ..NamespaceEntry::default()
                };
                entries.push((id, entry));
            }
            if let Some((_, entry)) = entries.last_mut() {
                entry.subtree.union_with(keys);
                if own {
                    entry.direct.union_with(keys);
                    bindings.push(staged.binding);
                    entry.bindings.1 = at.saturating_add(1);
                }
            }
        }
        self.namespaces = NamespaceTable { entries, bindings };
        self.staged = Vec::new();
    }

    /// Does this table grant `key` on the namespace whose chain is given (empty: tenant-wide
    /// grants only)?
    fn grants(&self, key: Key, chain: &[u32]) -> bool {
        self.tenant_wide.contains(key)
            || chain
                .iter()
                .any(|id| self.namespaces.get(id).is_some_and(|e| e.direct.contains(key)))
    }
}

/// Calls `f` for every key of a set with the key's permission.
fn for_each_key(keys: &KeySet, mut f: impl FnMut(Key, Permission)) {
    let space = key_space();
    for p in 0..catalog::PERMISSIONS.len() {
        let permission = Permission(u8::try_from(p).unwrap_or(u8::MAX));
        if !space.mask(permission).intersects(keys) {
            continue;
        }
        for a in 0..catalog::ACTIONS.len() {
            if let Some(key) = space.key(permission, Action(u8::try_from(a).unwrap_or(u8::MAX)))
                && keys.contains(key)
            {
                f(key, permission);
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
struct TenantIndex {
    /// This tenant's number among the policy's tenants (a principal's entries are keyed by it).
    slot: usize,
    roles: Vec<CompiledRole>,
    bindings: Vec<BindingMeta>,
    /// Every binding's id, end to end: one allocation for all of them.
    binding_ids: String,
    /// User principals by user id: how bindings and memberships refer to a user. Never
    /// looked up with anything a token says (decision 21).
    user_by_id: FxHashMap<String, usize>,
    user_grants: Vec<Grants>,
    /// Whether a user principal was listed in `users` (tenant access).
    user_listed: Vec<bool>,
    user_groups: Vec<Vec<usize>>,
    /// Groups by id, and by name (every group of that name: names need not be unique).
    group_by_id: FxHashMap<String, usize>,
    group_by_name: FxHashMap<String, Vec<usize>>,
    group_ids: Vec<String>,
    group_grants: Vec<Grants>,
    namespaces: Namespaces,
    /// The role marked `isDefault: true`: the tenant's first-login role (decision 25).
    first_login_role: Option<usize>,
}

impl TenantIndex {
    fn binding_id(&self, meta: &BindingMeta) -> Option<&str> {
        let (start, end) = meta.id;
        self.binding_ids.get(start as usize..end as usize)
    }

    /// Appends binding `b`'s id (`#<b>` when it has none) to `binding_ids`, written once here
    /// rather than per decision; `None` past 4 GiB of ids (the policy text is bounded far
    /// below that).
    fn store_binding_id(&mut self, id: Option<&str>, b: usize) -> Option<(u32, u32)> {
        let start = u32::try_from(self.binding_ids.len()).ok()?;
        match id {
            Some(id) => self.binding_ids.push_str(id),
            None => {
                self.binding_ids.push('#');
                self.binding_ids.push_str(itoa::Buffer::new().format(b));
            }
        }
        let end = u32::try_from(self.binding_ids.len()).ok()?;
        Some((start, end))
    }

    fn user_slot(&mut self, id: &str) -> usize {
        if let Some(i) = self.user_by_id.get(id) {
            return *i;
        }
        let i = self.user_grants.len();
        self.user_grants.push(Grants::default());
        self.user_listed.push(false);
        self.user_groups.push(Vec::new());
        self.user_by_id.insert(id.to_owned(), i);
        i
    }

    /// The group a policy reference (a membership, a group binding's `externalId`) names: by
    /// id, else by a name only one group has. Independent of the order groups are listed in.
    fn group_by_reference(&self, reference: &str) -> Option<usize> {
        if let Some(g) = self.group_by_id.get(reference) {
            return Some(*g);
        }
        match self.group_by_name.get(reference).map(Vec::as_slice) {
            Some([only]) => Some(*only),
            _ => None,
        }
    }

    /// The groups a token's group matches: every group of that name, else the group with that
    /// id (decision 21). Order-independent too.
    fn groups_of_token_group<'s>(&'s self, group: &str) -> &'s [usize] {
        match self.group_by_name.get(group) {
            Some(slots) => slots,
            None => self
                .group_by_id
                .get_key_value(group)
                .map_or(&[], |(_, g)| std::slice::from_ref(g)),
        }
    }
}

/// The default role from `kestra.security.defaultRole`.
#[derive(Debug, Clone)]
struct DefaultRole {
    name: String,
    keys: KeySet,
    tenant: Option<String>,
}

/// A policy user as a token may reach them: through their username only.
#[derive(Debug, Clone)]
struct UserIdentity {
    id: String,
    instance_owner: bool,
}

/// The compiled policy a principal was resolved against: principals carry it, and a policy
/// refuses the slots of any other (decision 22). Compared by address, kept alive by each
/// holder, so no two live policies share one.
#[derive(Debug, Default)]
struct PolicyStamp;

/// Configuration and policy, compiled once.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    model: Model,
    tenants: FxHashMap<String, TenantIndex>,
    default_role: Option<DefaultRole>,
    tenants_required: bool,
    fallback_tenant: Option<String>,
    default_tenant: String,
    groups_claim_path: Option<Vec<String>>,
    username_claim: String,
    /// Policy users by username, the only name a token's identity is matched against.
    users_by_username: FxHashMap<String, UserIdentity>,
    findings: Vec<Finding>,
    stamp: Arc<PolicyStamp>,
}

/// Who a verified token is to one compiled policy, resolved once per session. Usable only
/// with the policy that resolved it.
#[derive(Debug, Clone, Default)]
pub struct Principal {
    username: Option<String>,
    groups: Vec<String>,
    known: bool,
    instance_owner: bool,
    /// Per policy tenant (by slot, ascending): the user's principal index (if any) and group
    /// indices. A decision finds its tenant once in the policy, then here by number.
    tenants: Vec<(usize, TenantPrincipal)>,
    stamp: Option<Arc<PolicyStamp>>,
}

#[derive(Debug, Clone, Default)]
struct TenantPrincipal {
    user: Option<usize>,
    groups: Vec<usize>,
    access: bool,
}

impl Principal {
    fn tenant(&self, slot: usize) -> Option<&TenantPrincipal> {
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
}

/// The first-login role that applies in a tenant: a policy role marked `isDefault`, or the
/// configuration's `defaultRole`.
#[derive(Debug, Clone, Copy)]
struct FirstLogin<'a> {
    id: &'a str,
    name: &'a str,
    keys: &'a KeySet,
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
    /// The numbered chain of the request's namespace in this tenant; empty when the request
    /// names none or its permission is not namespace-scoped.
    fn chain<'b>(&self, r: &Resolved<'_>, buf: &'b mut [u32; namespace::MAX_NAMESPACE_DEPTH]) -> &'b [u32] {
        match (self.index, r.namespace) {
            (Some(index), Some(ns)) if r.scope == Scope::Namespace => index.namespaces.chain(ns, buf),
            _ => &[],
        }
    }

    fn grants(&self) -> impl Iterator<Item = (&'a Grants, Via, Option<&'a str>)> + '_ {
        let index = self.index;
        let user = self
            .principal
            .and_then(|p| p.user)
            .and_then(move |u| index?.user_grants.get(u))
            .map(|g| (g, Via::User, None));
        let groups = self
            .principal
            .map(|p| p.groups.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(move |g| {
                let index = index?;
                Some((
                    index.group_grants.get(*g)?,
                    Via::Group,
                    index.group_ids.get(*g).map(String::as_str),
                ))
            });
        user.into_iter().chain(groups)
    }
}

/// A validated request: names resolved to their key in the policy's model.
#[derive(Debug, Clone, Copy)]
struct Resolved<'r> {
    permission: Permission,
    key: Key,
    scope: Scope,
    namespace: Option<&'r str>,
}

fn finding(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Finding {
    Finding {
        code,
        path: path.into(),
        message: message.into(),
    }
}

/// Where a role came from, for errors and findings.
enum RoleSource {
    Policy,
    DefaultRole,
}

impl RoleSource {
    fn error(&self, path: &str, reason: String) -> Error {
        match self {
            RoleSource::Policy => Error::policy(path, reason),
            RoleSource::DefaultRole => Error::config(path, reason),
        }
    }
}

/// Folds one role's permissions into a key set under `model` (decision 12, 20).
fn compile_role(
    permissions: &[(String, Vec<String>)],
    model: Model,
    path: &str,
    source: RoleSource,
    findings: &mut Vec<Finding>,
) -> Result<KeySet> {
    let space = key_space();
    let mut keys = KeySet::default();
    // A configuration default role written in CRUD names, in a 2.0 policy: Kestra's migration
    // expands the role it stored from it, so it is read through the same table (decision 29).
    let migrated = matches!(source, RoleSource::DefaultRole) && model == Model::V2 && !uses_v2_action(permissions);
    if migrated && !permissions.is_empty() {
        findings.push(finding(
            "WARN_DEFAULT_ROLE_MIGRATED",
            path,
            "the default role is written in CRUD actions: in this 2.0 policy it is read through Kestra's migration table (READ -> VIEW, LIST, ...), as Kestra migrates the role it created",
        ));
    }
    for (name, actions) in permissions {
        let at = format!("{path}.{name}");
        let Some(permission) = space.permission(name) else {
            if INERT_NAMES.contains(&name.as_str()) {
                findings.push(finding("WARN_PERMISSION_IGNORED", at, format!("{name} grants nothing")));
                continue;
            }
            return Err(source.error(&at, format!("unknown permission \"{}\"", shorten(name))));
        };
        if migrated {
            for action_name in actions {
                if !CRUD.contains(&action_name.as_str()) {
                    return Err(source.error(&at, format!("unknown action \"{}\"", shorten(action_name))));
                }
                insert_expansion(&mut keys, permission, name, action_name);
            }
            continue;
        }
        if !permission.in_model(model) {
            findings.push(finding(
                "WARN_PERMISSION_IGNORED",
                at,
                format!(
                    "{name} is not a permission of the {} model, so it grants nothing here",
                    model.name()
                ),
            ));
            continue;
        }
        for action_name in actions {
            let Some(action) = space.action(action_name) else {
                return Err(source.error(&at, format!("unknown action \"{}\"", shorten(action_name))));
            };
            match model {
                Model::Crud => {
                    if !CRUD.contains(&action_name.as_str()) {
                        findings.push(finding(
                            "WARN_ACTION_IGNORED",
                            at.clone(),
                            format!("{action_name} is a Kestra 2.0 action; this policy uses the CRUD model"),
                        ));
                        continue;
                    }
                    if let Some(key) = space.key(permission, action) {
                        keys.insert(key);
                    }
                    // The official expansion lets a CRUD policy answer 2.0-style requests.
                    insert_expansion(&mut keys, permission, name, action_name);
                }
                Model::V2 => {
                    // kestractl's legacy alias: READ means VIEW only.
                    let effective = if action_name == "READ" {
                        findings.push(finding(
                            "WARN_LEGACY_ACTION",
                            at.clone(),
                            "READ is read as VIEW in the 2.0 model (VIEW only, not LIST)",
                        ));
                        space.action("VIEW").unwrap_or(action)
                    } else {
                        action
                    };
                    match space
                        .key(permission, effective)
                        .filter(|_| permission.actions(Model::V2).contains(&effective.name()))
                    {
                        Some(key) => keys.insert(key),
                        None if REMOVED_IN_V2.contains(&action_name.as_str()) => findings.push(finding(
                            "WARN_ACTION_IGNORED",
                            at.clone(),
                            format!("{action_name} was removed in Kestra 2.0, so it grants nothing"),
                        )),
                        None => findings.push(finding(
                            "WARN_ACTION_IGNORED",
                            at.clone(),
                            format!("{action_name} is not an action of {name}, so it grants nothing"),
                        )),
                    }
                }
            }
        }
    }
    Ok(keys)
}

/// Inserts the 2.0 grants one CRUD grant becomes by Kestra's migration table
/// (`catalog::expand`): the pairs valid in the 2.0 model.
fn insert_expansion(keys: &mut KeySet, permission: Permission, name: &str, crud_action: &str) {
    let space = key_space();
    for (target, v2_actions) in catalog::expand(name, crud_action) {
        let target = if target.is_empty() {
            permission
        } else {
            space.permission(target).unwrap_or(permission)
        };
        for v2 in v2_actions.iter().filter(|a| target.actions(Model::V2).contains(a)) {
            if let Some(key) = space.action(v2).and_then(|a| space.key(target, a)) {
                keys.insert(key);
            }
        }
    }
}

fn uses_v2_action(permissions: &[(String, Vec<String>)]) -> bool {
    permissions
        .iter()
        .flat_map(|(_, actions)| actions)
        .any(|a| !CRUD.contains(&a.as_str()) && key_space().action(a).is_some())
}

/// Actions the CRUD -> 2.0 migration wrote and 2.0 then removed.
const REMOVED_IN_V2: [&str; 2] = ["EXPORT_PLUGIN_DEFAULTS", "IMPORT_PLUGIN_DEFAULTS"];

const IAM: [&str; 9] = [
    "SECURITY_INTEGRATION",
    "USER",
    "ROLE",
    "GROUP",
    "BINDING",
    "SERVICE_ACCOUNT",
    "INVITATION",
    "TENANT_ACCESS",
    "GROUP_MEMBERSHIP",
];
const READ_ONLY: [&str; 3] = ["READ", "VIEW", "LIST"];

impl CompiledPolicy {
    /// Compiles the Kestra configuration (default role, groups claim, tenants) and an
    /// optional policy. With no policy every verified user has the default role.
    pub fn compile(config: &KestraConfig, policy: Option<&PolicyInput<'_>>, options: &RbacOptions) -> Result<Self> {
        let mut findings = Vec::new();
        let roles_permissions = policy
            .into_iter()
            .flat_map(|p| p.tenants.iter())
            .flat_map(|t| t.roles.iter())
            .map(|r| &r.permissions);
        let choice = options.model.or(policy.map(|p| p.model)).unwrap_or(ModelChoice::Auto);
        let model = match choice {
            ModelChoice::Crud => Model::Crud,
            ModelChoice::V2 => Model::V2,
            ModelChoice::Auto => {
                let default_v2 = config
                    .default_role
                    .as_ref()
                    .is_some_and(|r| uses_v2_action(&r.permissions));
                let mut any_v2 = default_v2;
                for permissions in roles_permissions {
                    any_v2 = any_v2 || uses_v2_action(permissions);
                }
                if any_v2 { Model::V2 } else { Model::Crud }
            }
        };

        let default_role = match &config.default_role {
            None => None,
            Some(role) => {
                let keys = compile_role(
                    &role.permissions,
                    model,
                    &format!("{}.permissions", role.path),
                    RoleSource::DefaultRole,
                    &mut findings,
                )?;
                if let Some(t) = &role.tenant_id
                    && !valid_tenant(t)
                {
                    return Err(Error::config(
                        format!("{}.tenant-id", role.path),
                        format!("\"{}\" is not a Kestra tenant id", shorten(t)),
                    ));
                }
                let iam_write: Vec<&str> = role
                    .permissions
                    .iter()
                    .filter(|(p, actions)| {
                        IAM.contains(&p.as_str()) && actions.iter().any(|a| !READ_ONLY.contains(&a.as_str()))
                    })
                    .map(|(p, _)| p.as_str())
                    .collect();
                if !iam_write.is_empty() {
                    findings.push(finding(
                        "WARN_DEFAULT_ROLE_IAM_WRITE",
                        format!("{}.permissions", role.path),
                        format!(
                            "the default role lets every SSO user change access control ({}): any new user can grant themselves anything",
                            iam_write.join(", ")
                        ),
                    ));
                }
                if keys.is_empty() {
                    findings.push(finding(
                        "WARN_DEFAULT_ROLE_EMPTY",
                        role.path.clone(),
                        "the default role grants nothing",
                    ));
                }
                Some(DefaultRole {
                    name: role.name.clone().unwrap_or_else(|| "default role".into()),
                    keys,
                    tenant: role.tenant_id.clone(),
                })
            }
        };

        let mut tenants = FxHashMap::default();
        let mut users_by_username: FxHashMap<String, UserIdentity> = FxHashMap::default();
        let mut username_of_id: FxHashMap<&str, Option<&str>> = FxHashMap::default();
        for input in policy.map(|p| p.tenants.as_slice()).unwrap_or_default() {
            let mut index = TenantIndex::default();
            index.bindings.reserve(input.bindings.len());
            // Room for every id; eight bytes for each `#<index>`.
            let id_bytes = input.bindings.iter().map(|b| b.id.as_deref().map_or(8, str::len));
            index.binding_ids.reserve(id_bytes.fold(0, usize::saturating_add));
            let mut role_by_id = FxHashMap::default();
            for role in &input.roles {
                if role_by_id.contains_key(role.id.as_str()) {
                    return Err(Error::policy(
                        &role.path,
                        format!("role id \"{}\" appears twice", shorten(&role.id)),
                    ));
                }
                if role.is_default {
                    if let Some(other) = index.first_login_role.and_then(|r| index.roles.get(r)) {
                        return Err(Error::policy(
                            &role.path,
                            format!(
                                "roles \"{}\" and \"{}\" are both marked isDefault; Kestra keeps one default role per tenant",
                                shorten(&other.id),
                                shorten(&role.id)
                            ),
                        ));
                    }
                    index.first_login_role = Some(index.roles.len());
                }
                role_by_id.insert(role.id.as_str(), index.roles.len());
                index.roles.push(compile_policy_role(role, model, &mut findings)?);
            }
            for group in &input.groups {
                let g = index.group_ids.len();
                if index.group_by_id.insert(group.id.clone(), g).is_some() {
                    return Err(Error::policy(
                        format!("tenants.{}.groups", input.id),
                        format!("group id \"{}\" appears twice", shorten(&group.id)),
                    ));
                }
                if let Some(name) = &group.name {
                    index.group_by_name.entry(name.clone()).or_default().push(g);
                }
                index.group_ids.push(group.id.clone());
                index.group_grants.push(Grants::default());
            }
            for (u, user) in input.users.iter().enumerate() {
                let slot = index.user_slot(&user.id);
                if index.user_listed.get(slot).copied().unwrap_or(false) {
                    return Err(Error::policy(
                        format!("tenants.{}.users[{u}].id", input.id),
                        format!("user id \"{}\" is listed twice in the tenant", shorten(&user.id)),
                    ));
                }
                // One user id, one username, across every tenant (and every tenant-access
                // answer): two would let a second username reach the first one's bindings.
                match username_of_id.entry(user.id.as_str()) {
                    Entry::Vacant(slot) => {
                        slot.insert(user.username.as_deref());
                    }
                    Entry::Occupied(mut known) => match (*known.get(), user.username.as_deref()) {
                        (Some(before), Some(now)) if before != now => {
                            return Err(Error::policy(
                                format!("tenants.{}.users[{u}].username", input.id),
                                format!(
                                    "user id \"{}\" has two usernames (\"{}\" and \"{}\"); a Kestra user has one",
                                    shorten(&user.id),
                                    shorten(before),
                                    shorten(now)
                                ),
                            ));
                        }
                        (None, Some(now)) => {
                            known.insert(Some(now));
                        }
                        _ => {}
                    },
                }
                if let Some(username) = &user.username {
                    let identity = users_by_username
                        .entry(username.clone())
                        .or_insert_with(|| UserIdentity {
                            id: user.id.clone(),
                            instance_owner: false,
                        });
                    if identity.id != user.id {
                        return Err(Error::policy(
                            format!("tenants.{}.users[{u}].username", input.id),
                            format!(
                                "username \"{}\" belongs to two user ids (\"{}\" and \"{}\"); Kestra usernames are unique",
                                shorten(username),
                                shorten(&identity.id),
                                shorten(&user.id)
                            ),
                        ));
                    }
                    identity.instance_owner |= user.instance_owner;
                }
                if let Some(listed) = index.user_listed.get_mut(slot) {
                    *listed = true;
                }
                for group in &user.groups {
                    let Some(g) = index.group_by_reference(group) else {
                        return Err(Error::policy(
                            format!("tenants.{}.users[{u}].groups", input.id),
                            format!(
                                "group \"{}\" is not among the tenant's groups (by id, or by a name one group has)",
                                shorten(group)
                            ),
                        ));
                    };
                    if let Some(list) = index.user_groups.get_mut(slot)
                        && !list.contains(&g)
                    {
                        list.push(g);
                    }
                }
            }
            for (b, binding) in input.bindings.iter().enumerate() {
                let Some(role) = role_by_id.get(&*binding.role_id).copied() else {
                    return Err(Error::policy(
                        binding.path.render(&input.id),
                        format!("role \"{}\" is not among the tenant's roles", shorten(&binding.role_id)),
                    ));
                };
                let group = match binding.kind {
                    BindingKind::User => None,
                    BindingKind::Group => match index.group_by_reference(&binding.external_id) {
                        Some(g) => Some(g),
                        None => {
                            return Err(Error::policy(
                                binding.path.render(&input.id),
                                format!(
                                    "group \"{}\" is not among the tenant's groups (by id, or by a name one group has)",
                                    shorten(&binding.external_id)
                                ),
                            ));
                        }
                    },
                };
                let ns = binding.namespace.as_deref().map(|ns| index.namespaces.intern(ns));
                let id = index
                    .store_binding_id(binding.id.as_deref(), b)
                    .ok_or_else(|| Error::policy(binding.path.render(&input.id), "binding ids too large"))?;
                index.bindings.push(BindingMeta {
                    id,
                    role,
                    namespace: ns,
                    group,
                });
                let grants = match group {
                    Some(g) => index.group_grants.get_mut(g),
                    None => {
                        // A user binding names the user by id: it reaches whoever has that id,
                        // never a token whose username happens to equal it.
                        let u = index.user_slot(&binding.external_id);
                        index.user_grants.get_mut(u)
                    }
                };
                if let (Some(grants), Some(compiled)) = (grants, index.roles.get(role)) {
                    grants.add(compiled, role, b, ns);
                }
            }
            for grants in index.user_grants.iter_mut().chain(index.group_grants.iter_mut()) {
                grants.finish(&index.roles, &index.namespaces);
            }
            index.slot = tenants.len();
            tenants.insert(input.id.clone(), index);
        }
        // User ids that bindings name and no tenant lists: read after every tenant, since a
        // user listed in one tenant may be bound in another.
        let mut unlisted = tenants
            .values()
            .flat_map(|index| index.user_by_id.keys())
            .filter(|id| !username_of_id.contains_key(id.as_str()));
        if let Some(id) = unlisted.next() {
            let more = unlisted.count();
            findings.push(finding(
                "WARN_BINDING_USER_UNLISTED",
                "bindings",
                format!(
                    "user bindings name the user id \"{}\"{} that no tenant lists among its users: they reach no one, since a token is matched to users by username only",
                    shorten(id),
                    if more > 0 { format!(" and {more} more") } else { String::new() }
                ),
            ));
        }
        if let Some(user) = policy
            .into_iter()
            .flat_map(|p| p.tenants.iter())
            .flat_map(|t| t.users.iter())
            .find(|u| u.username.is_none())
        {
            findings.push(finding(
                "WARN_USER_WITHOUT_USERNAME",
                "users",
                format!(
                    "user \"{}\" has no username, so no token can be them (tokens are matched to users by username only)",
                    shorten(&user.id)
                ),
            ));
        }

        let tenants_required = config.tenants.enabled == Some(true) && config.tenants.default_tenant == Some(false);
        let default_tenant = options
            .default_tenant
            .clone()
            .or_else(|| {
                if tenants.len() == 1 {
                    tenants.keys().next().cloned()
                } else {
                    None
                }
            })
            .unwrap_or_else(|| "main".to_owned());
        for (what, tenant) in [
            ("defaultTenant", Some(&default_tenant)),
            (
                "kestra.ee.tenants.fallbackTenant",
                config.tenants.fallback_tenant.as_ref(),
            ),
        ] {
            if let Some(t) = tenant
                && !valid_tenant(t)
            {
                return Err(Error::config(
                    what,
                    format!("\"{}\" is not a Kestra tenant id", shorten(t)),
                ));
            }
        }
        let groups_claim_path = config
            .groups_claim_path
            .as_ref()
            .map(|p| p.split('.').map(str::to_owned).collect());
        Ok(CompiledPolicy {
            model,
            tenants,
            default_role,
            tenants_required,
            fallback_tenant: config.tenants.fallback_tenant.clone(),
            default_tenant,
            groups_claim_path,
            username_claim: options.username_claim.clone().unwrap_or_else(|| "email".to_owned()),
            users_by_username,
            findings,
            stamp: Arc::new(PolicyStamp),
        })
    }

    pub fn model(&self) -> Model {
        self.model
    }

    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    pub fn tenants_required(&self) -> bool {
        self.tenants_required
    }

    /// The claim that holds the Kestra username.
    pub fn username_claim(&self) -> &str {
        &self.username_claim
    }

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

    /// The principal of a username and token groups (decisions 21, 23, 24): the username
    /// finds a policy user by `username` only, exactly; the user's id then finds their
    /// bindings in each tenant. With `groups-claim-path` set the token's groups are the user's
    /// groups; without it the policy's memberships are. Any group membership gives access to
    /// its tenant, in both models.
    fn resolve_identity(&self, username: Option<String>, groups: Vec<String>) -> Principal {
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
        for index in self.tenants.values() {
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

    /// Whether `principal` was resolved against this policy (decision 22).
    pub fn resolved(&self, principal: &Principal) -> bool {
        principal.stamp.as_ref().is_some_and(|s| Arc::ptr_eq(s, &self.stamp))
    }

    /// Refuses a principal this policy did not resolve: its slots mean nothing here.
    fn own(&self, principal: &Principal) -> Result<()> {
        if self.resolved(principal) {
            Ok(())
        } else {
            Err(Error::SessionForeign {
                reason: "the principal was resolved against another compiled policy",
            })
        }
    }

    /// The first-login role in `tenant` for a user the policy does not know: the tenant's
    /// `isDefault` role when its policy has one (the server's own, current state), else the
    /// configuration's `defaultRole` when it applies to the tenant (decision 25).
    fn first_login<'a>(
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

    /// The tenant a request is about (decision 18), or the denial when it must name one.
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

    /// The view a UI check looks through; `None` (nothing is granted) when the request must
    /// name a tenant and does not, or the token has no username.
    fn check_view<'a, 'p>(&'a self, principal: &'p Principal, tenant: Option<&'a str>) -> Result<Option<View<'a, 'p>>> {
        self.own(principal)?;
        let Ok(tenant) = self.tenant(tenant)? else {
            return Ok(None);
        };
        Ok(principal.username.is_some().then(|| self.view(principal, tenant)))
    }

    /// Resolves permission and action names in the policy's model.
    fn resolve<'r>(&self, permission: &str, action: &str, namespace: Option<&'r str>) -> Result<Resolved<'r>> {
        let space = key_space();
        let p = space.permission(permission).ok_or_else(|| Error::UnknownPermission {
            name: permission.to_owned(),
            reason: "no Kestra version has this permission or resource".into(),
        })?;
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

    /// Allowed? The decision path: no allocation, O(principals x namespace depth).
    fn allowed_in(&self, view: &View<'_, '_>, principal: &Principal, r: &Resolved<'_>) -> bool {
        let owner_grant = principal.instance_owner && r.permission.def().is_some_and(|d| d.instance_owner);
        if owner_grant {
            return true;
        }
        if r.scope == Scope::Instance || !view.access {
            return false;
        }
        if view.default_role.is_some_and(|d| d.keys.contains(r.key)) {
            return true;
        }
        let mut buf = [0u32; namespace::MAX_NAMESPACE_DEPTH];
        let chain = view.chain(r, &mut buf);
        view.grants().any(|(g, _, _)| g.grants(r.key, chain))
    }

    /// `authorize`: the decision with its reasons, or the denial with its code.
    pub fn authorize<'a>(&'a self, principal: &Principal, request: &Request<'a>) -> Result<Decision<'a>> {
        self.own(principal)?;
        let r = self.resolve(request.permission, request.action, request.namespace)?;
        let tenant = match self.tenant(request.tenant)? {
            Ok(t) => t,
            Err(code) => return Ok(Decision::deny(code)),
        };
        if principal.username.is_none() {
            return Ok(Decision::deny(DenyCode::NoUsername));
        }
        let view = self.view(principal, tenant);
        let mut reasons = Vec::new();
        if principal.instance_owner && r.permission.def().is_some_and(|d| d.instance_owner) {
            reasons.push(Reason {
                via: Via::InstanceOwner,
                tenant: tenant.into(),
                ..Reason::default()
            });
        }
        if r.scope != Scope::Instance && view.access {
            if let Some(d) = view.default_role.filter(|d| d.keys.contains(r.key)) {
                reasons.push(Reason {
                    via: Via::DefaultRole,
                    role: Some(d.id.into()),
                    role_name: Some(d.name.into()),
                    tenant: tenant.into(),
                    ..Reason::default()
                });
            }
            if let Some(index) = view.index {
                self.collect_reasons(&view, index, &r, &mut reasons);
            }
        }
        if !reasons.is_empty() {
            return Ok(Decision {
                allowed: true,
                code: ALLOWED,
                reasons,
                tenant: Some(tenant.into()),
            });
        }
        let code = if r.scope == Scope::Instance {
            DenyCode::InstanceOwnerOnly
        } else if !view.access {
            DenyCode::NoTenantAccess
        } else if r.scope == Scope::GlobalOnly
            && view
                .grants()
                .any(|(g, _, _)| g.global_only_from_namespace.contains(r.key))
        {
            DenyCode::GlobalOnly
        } else if r.scope == Scope::Namespace && view.grants().any(|(g, _, _)| g.any_namespace.contains(r.key)) {
            DenyCode::NamespaceNotCovered
        } else {
            DenyCode::NoGrant
        };
        let mut decision = Decision::deny(code);
        decision.tenant = Some(tenant.into());
        Ok(decision)
    }

    fn collect_reasons<'a>(
        &self,
        view: &View<'a, '_>,
        index: &'a TenantIndex,
        r: &Resolved<'_>,
        out: &mut Vec<Reason<'a>>,
    ) {
        let role_has = |b: &BindingMeta| index.roles.get(b.role).is_some_and(|role| role.keys.contains(r.key));
        let mut push = |b: usize, via: Via| {
            let Some(meta) = index.bindings.get(b) else { return };
            let role = index.roles.get(meta.role);
            out.push(Reason {
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
            });
        };
        for (grants, via, _) in view.grants() {
            if grants.tenant_wide.contains(r.key) {
                for b in &grants.tenant_wide_bindings {
                    if let Some(meta) = index.bindings.get(*b)
                        && role_has(meta)
                        && (meta.namespace.is_none() || r.scope == Scope::Tenant)
                    {
                        push(*b, via);
                    }
                }
            }
            let mut buf = [0u32; namespace::MAX_NAMESPACE_DEPTH];
            for id in view.chain(r, &mut buf) {
                {
                    if let Some(entry) = grants.namespaces.get(id).filter(|e| e.direct.contains(r.key)) {
                        for b in grants.namespaces.bindings(entry) {
                            if index.bindings.get(*b).is_some_and(role_has) {
                                push(*b, via);
                            }
                        }
                    }
                }
            }
        }
    }

    /// The Kestra UI's `isAllowed(p, a, ns)`: with a namespace, a tenant-wide grant or one on
    /// the namespace or an ancestor; without, tenant-wide grants only.
    pub fn is_allowed(
        &self,
        principal: &Principal,
        permission: &str,
        action: &str,
        namespace: Option<&str>,
        tenant: Option<&str>,
    ) -> Result<bool> {
        let r = self.resolve(permission, action, namespace)?;
        Ok(self
            .check_view(principal, tenant)?
            .is_some_and(|view| self.allowed_in(&view, principal, &r)))
    }

    /// The UI's `hasAnyActionOnAnyNamespace(p, a)`: granted tenant-wide or on any namespace.
    pub fn has_any_action_on_any_namespace(
        &self,
        principal: &Principal,
        permission: &str,
        action: &str,
        tenant: Option<&str>,
    ) -> Result<bool> {
        self.any(principal, permission, Some(action), None, tenant)
    }

    /// The UI's `hasAnyAction(p, a, ns?)`: without a namespace as
    /// `hasAnyActionOnAnyNamespace`; with one, granted on it, an ancestor, or anywhere in its
    /// subtree (this crate's reading; the UI's own code is not public).
    pub fn has_any_action(
        &self,
        principal: &Principal,
        permission: &str,
        action: &str,
        namespace: Option<&str>,
        tenant: Option<&str>,
    ) -> Result<bool> {
        self.any(principal, permission, Some(action), namespace, tenant)
    }

    /// The UI's `hasAny(p, ns?)`: any action on the permission, as `hasAnyAction`.
    pub fn has_any(
        &self,
        principal: &Principal,
        permission: &str,
        namespace: Option<&str>,
        tenant: Option<&str>,
    ) -> Result<bool> {
        self.any(principal, permission, None, namespace, tenant)
    }

    fn any(
        &self,
        principal: &Principal,
        permission: &str,
        action: Option<&str>,
        namespace: Option<&str>,
        tenant: Option<&str>,
    ) -> Result<bool> {
        let space = key_space();
        // With no action, any of the permission's keys will do: resolve with a valid action.
        let probe = match action {
            Some(a) => a,
            None => {
                let p = space.permission(permission).ok_or_else(|| Error::UnknownPermission {
                    name: permission.to_owned(),
                    reason: "no Kestra version has this permission or resource".into(),
                })?;
                p.actions(self.model)
                    .first()
                    .or_else(|| p.actions(Model::V2).first())
                    .copied()
                    .unwrap_or("VIEW")
            }
        };
        let r = self.resolve(permission, probe, namespace)?;
        let wanted = match action {
            Some(_) => {
                let mut k = KeySet::default();
                k.insert(r.key);
                k
            }
            None => space.mask(r.permission),
        };
        let Some(view) = self.check_view(principal, tenant)? else {
            return Ok(false);
        };
        if principal.instance_owner && r.permission.def().is_some_and(|d| d.instance_owner) {
            return Ok(true);
        }
        if r.scope == Scope::Instance || !view.access {
            return Ok(false);
        }
        if view.default_role.is_some_and(|d| d.keys.intersects(&wanted)) {
            return Ok(true);
        }
        let mut buf = [0u32; namespace::MAX_NAMESPACE_DEPTH];
        let chain = view.chain(&r, &mut buf);
        let itself = match (view.index, r.namespace) {
            (Some(index), Some(ns)) => index.namespaces.reaches(ns, chain),
            _ => None,
        };
        Ok(view.grants().any(|(g, _, _)| {
            if g.tenant_wide.intersects(&wanted) {
                return true;
            }
            if r.scope != Scope::Namespace {
                return false;
            }
            match r.namespace {
                None => g.any_namespace.intersects(&wanted),
                Some(_) => {
                    chain
                        .iter()
                        .any(|id| g.namespaces.get(id).is_some_and(|e| e.direct.intersects(&wanted)))
                        || itself
                            .and_then(|id| g.namespaces.get(&id))
                            .is_some_and(|e| e.subtree.intersects(&wanted))
                }
            }
        }))
    }

    /// The UI's `hasAnyRole()`: any role at all in the tenant.
    pub fn has_any_role(&self, principal: &Principal, tenant: Option<&str>) -> Result<bool> {
        let Some(view) = self.check_view(principal, tenant)? else {
            return Ok(false);
        };
        Ok(view.access && (view.default_role.is_some() || view.grants().any(|(g, _, _)| g.has_binding)))
    }

    /// Every permission of the model x each of its valid actions -> allowed, for a namespace
    /// (or tenant-wide grants only when `None`).
    pub fn matrix(&self, principal: &Principal, namespace: Option<&str>, tenant: Option<&str>) -> Result<Matrix> {
        if let Some(ns) = namespace {
            namespace::validate(ns)?;
        }
        let mut rows = Vec::new();
        for def in catalog::PERMISSIONS {
            let p = key_space().permission(def.name).unwrap_or(Permission(0));
            if !p.in_model(self.model) {
                continue;
            }
            let mut cells = Vec::new();
            for action in p.actions(self.model) {
                cells.push((
                    *action,
                    self.is_allowed(principal, def.name, action, namespace, tenant)?,
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
        let r = self.resolve(permission, action, None)?;
        let Some(view) = self.check_view(principal, tenant)? else {
            return Ok(NamespaceGrants::default());
        };
        if self.allowed_in(&view, principal, &r) {
            return Ok(NamespaceGrants {
                everywhere: true,
                namespaces: Vec::new(),
            });
        }
        if r.scope != Scope::Namespace || !view.access {
            return Ok(NamespaceGrants::default());
        }
        let mut namespaces: Vec<String> = view
            .grants()
            .flat_map(|(g, _, _)| {
                g.namespaces
                    .iter()
                    .filter(|(_, e)| e.direct.contains(r.key))
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

fn compile_policy_role(role: &RoleInput, model: Model, findings: &mut Vec<Finding>) -> Result<CompiledRole> {
    let keys = compile_role(
        &role.permissions,
        model,
        &format!("{}.permissions", role.path),
        RoleSource::Policy,
        findings,
    )?;
    Ok(CompiledRole::new(role.id.clone(), role.name.clone(), keys, model))
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
