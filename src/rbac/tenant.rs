//! A tenant's compiled index: its roles, bindings and namespaces, and per principal (a user or
//! a group) grant tables keyed by scope: a tenant-wide key set, and per namespace a key set of
//! its own grants plus the union of its subtree's. A decision looks up the principal's few
//! tables and walks the requested namespace's ancestors: O(groups x namespace depth), whatever
//! the number of bindings, roles or users.

use super::catalog::{self, Action, Key, KeySet, Model, NO_KEYS, Permission, Scope, key_space};
use super::namespace;
use rustc_hash::FxHashMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub(crate) struct CompiledRole {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) keys: KeySet,
    /// `keys` split by scope class, for bindings with a namespace.
    pub(crate) namespace_keys: KeySet,
    pub(crate) tenant_keys: KeySet,
    pub(crate) global_keys: KeySet,
}

impl CompiledRole {
    pub(crate) fn new(id: String, name: String, keys: KeySet, model: Model) -> Self {
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
pub(crate) struct BindingMeta {
    /// Where the binding's id is in the tenant's `binding_ids` (`#<its index>` when the input
    /// gave none).
    pub(crate) id: (u32, u32),
    pub(crate) role: usize,
    /// The binding's namespace number (see [`Namespaces`]).
    pub(crate) namespace: Option<u32>,
    /// The group slot for group bindings.
    pub(crate) group: Option<usize>,
    /// The user slot for user bindings.
    #[cfg_attr(not(feature = "audit"), allow(dead_code))]
    pub(crate) user: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct NamespaceEntry {
    /// Keys granted by bindings on exactly this namespace: their number in the tenant's
    /// key sets (`NamespaceTable::direct`).
    pub(crate) direct: u32,
    /// Keys granted on this namespace or anywhere below it (`NamespaceTable::subtree`).
    pub(crate) subtree: u32,
    /// The bindings on exactly this namespace: `start..end` of the principal's
    /// `namespace_bindings` (one list per principal, not one per namespace).
    pub(crate) bindings: (u32, u32),
    /// For an entry of more bindings than `authorize` lists reasons: `start..end` of the
    /// table's `role_counts`, how many of its bindings each role has (empty otherwise).
    pub(crate) role_counts: (u32, u32),
}

/// The namespaces a tenant's bindings name, with all their ancestors, numbered once: the
/// per-principal tables key on these numbers, so a decision hashes each ancestor of the
/// requested namespace once, whatever the number of principals.
#[derive(Debug, Clone, Default)]
pub(crate) struct Namespaces {
    pub(crate) ids: FxHashMap<String, u32>,
    pub(crate) names: Vec<String>,
    pub(crate) parents: Vec<Option<u32>>,
}

impl Namespaces {
    /// The number of a (validated) namespace, numbering its ancestors too.
    pub(crate) fn intern(&mut self, ns: &str) -> u32 {
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
    pub(crate) fn chain<'b>(&self, ns: &str, buf: &'b mut [u32; namespace::MAX_NAMESPACE_DEPTH]) -> &'b [u32] {
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
    pub(crate) fn reaches(&self, ns: &str, chain: &[u32]) -> Option<u32> {
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
pub(crate) struct NamespaceTable {
    pub(crate) entries: Vec<(u32, NamespaceEntry)>,
    /// Binding indexes, each entry's as one run.
    pub(crate) bindings: Vec<usize>,
    /// (role index, bindings with it) of the entries with many bindings, each entry's as one
    /// run: `authorize` counts the reasons it does not list from these.
    pub(crate) role_counts: Vec<(u32, u32)>,
    /// The tenant's key sets, which entries name by number (shared by every table of the
    /// tenant: `KeySetPool`).
    pub(crate) key_sets: Arc<[KeySet]>,
}

/// Key sets stored once per tenant while it is compiled. 100,000 bindings make some 265,000
/// namespace entries (each binding's namespace and its ancestors, per principal) whose key
/// sets are few distinct ones (16 in the benchmark's policy): two sets held in each entry were
/// 128 of its 152 bytes and most of the memory a large policy took.
#[derive(Debug)]
pub(crate) struct KeySetPool {
    sets: Vec<KeySet>,
    numbers: FxHashMap<KeySet, u32>,
}

impl Default for KeySetPool {
    /// Number 0 is the empty set, what a default entry names.
    fn default() -> Self {
        let mut numbers = FxHashMap::default();
        numbers.insert(KeySet::default(), 0);
        KeySetPool {
            sets: vec![KeySet::default()],
            numbers,
        }
    }
}

impl KeySetPool {
    /// The set's number, storing it the first time. `u32::MAX` (past four billion distinct
    /// sets, far beyond what a bounded policy makes) names no set: it grants nothing.
    pub(crate) fn number(&mut self, set: KeySet) -> u32 {
        if let Some(n) = self.numbers.get(&set) {
            return *n;
        }
        let Ok(n) = u32::try_from(self.sets.len()) else {
            return u32::MAX;
        };
        self.sets.push(set);
        self.numbers.insert(set, n);
        n
    }

    pub(crate) fn into_shared(self) -> Arc<[KeySet]> {
        self.sets.into()
    }
}

impl NamespaceTable {
    /// The entry of a namespace number. Searched from where the number falls between the
    /// table's first and last (namespaces are numbered as the policy names them, so a table's
    /// tend to spread evenly), widening from there and then halving: a good guess costs a few
    /// probes where a binary search of a large table took a dozen dependent ones, and any guess
    /// costs at most twice the binary search.
    pub(crate) fn get(&self, id: &u32) -> Option<&NamespaceEntry> {
        let id = *id;
        let entries = self.entries.as_slice();
        let key = |at: usize| entries.get(at).map(|(k, _)| *k);
        let (first, last) = (key(0)?, entries.last().map(|(k, _)| *k)?);
        if id < first || id > last {
            return None;
        }
        let span = u64::from(last.saturating_sub(first)).max(1);
        let offset = u64::from(id.saturating_sub(first));
        let top = entries.len().saturating_sub(1);
        let guess = usize::try_from(offset.saturating_mul(top as u64).checked_div(span).unwrap_or(0))
            .map_or(top, |g| g.min(top));
        let probe = key(guess)?;
        // [lo, hi) holds the id if the table does.
        let (lo, hi) = if probe == id {
            return entries.get(guess).map(|(_, e)| e);
        } else if probe < id {
            let mut step: usize = 1;
            let mut lo = guess.saturating_add(1);
            loop {
                let next = guess.saturating_add(step);
                match key(next) {
                    Some(k) if k < id => lo = next.saturating_add(1),
                    Some(_) => break (lo, next.saturating_add(1)),
                    None => break (lo, entries.len()),
                }
                step = step.saturating_mul(2);
            }
        } else {
            let mut step: usize = 1;
            let mut hi = guess;
            loop {
                let Some(next) = guess.checked_sub(step) else {
                    break (0, hi);
                };
                match key(next) {
                    Some(k) if k > id => hi = next,
                    Some(_) => break (next, hi),
                    None => break (0, hi),
                }
                step = step.saturating_mul(2);
            }
        };
        let bracket = entries.get(lo..hi)?;
        let at = bracket.binary_search_by_key(&id, |(k, _)| *k).ok()?;
        bracket.get(at).map(|(_, e)| e)
    }
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&u32, &NamespaceEntry)> {
        self.entries.iter().map(|(k, e)| (k, e))
    }
    /// The keys granted on exactly the entry's namespace.
    #[inline]
    pub(crate) fn direct(&self, entry: &NamespaceEntry) -> &KeySet {
        self.key_sets.get(entry.direct as usize).unwrap_or(&NO_KEYS)
    }
    /// The keys granted on the entry's namespace or below it.
    #[inline]
    pub(crate) fn subtree(&self, entry: &NamespaceEntry) -> &KeySet {
        self.key_sets.get(entry.subtree as usize).unwrap_or(&NO_KEYS)
    }
    pub(crate) fn bindings(&self, entry: &NamespaceEntry) -> &[usize] {
        let (start, end) = entry.bindings;
        self.bindings.get(start as usize..end as usize).unwrap_or_default()
    }
    /// How many of the entry's bindings each role has, when counted (entries with many).
    pub(crate) fn role_counts(&self, entry: &NamespaceEntry) -> Option<&[(u32, u32)]> {
        let (start, end) = entry.role_counts;
        self.role_counts
            .get(start as usize..end as usize)
            .filter(|counts| !counts.is_empty())
    }
}

/// A namespace binding waiting for `Grants::finish`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Staged {
    pub(crate) namespace: u32,
    pub(crate) role: usize,
    pub(crate) binding: usize,
}

/// One principal's (a user's or a group's) grants in one tenant.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grants {
    pub(crate) tenant_wide: KeySet,
    /// The bindings that grant tenant-wide: without a namespace, or whose role has tenant-scope
    /// keys. When there are more than `authorize` lists, most specific first (`finish`).
    pub(crate) tenant_wide_bindings: Vec<usize>,
    /// Where those without a namespace begin in `tenant_wide_bindings`, once ordered.
    pub(crate) tenant_wide_unscoped_from: usize,
    /// (role, bindings, bindings without a namespace) of `tenant_wide_bindings`, when there are
    /// more than `authorize` lists: it counts the rest from these.
    pub(crate) tenant_wide_counts: Vec<(u32, u32, u32)>,
    /// (binding, namespace, role) of each, until `finish`.
    pub(crate) tenant_wide_staged: Vec<(usize, Option<u32>, usize)>,
    pub(crate) namespaces: NamespaceTable,
    pub(crate) staged: Vec<Staged>,
    pub(crate) any_namespace: KeySet,
    /// Global-only keys that only a namespace binding names: they grant nothing, and say why.
    pub(crate) global_only_from_namespace: KeySet,
    pub(crate) has_binding: bool,
}

impl Grants {
    /// Folds one binding in; `namespace` is the binding's namespace number, `role_index` the
    /// role's place in the tenant's roles.
    pub(crate) fn add(&mut self, role: &CompiledRole, role_index: usize, binding: usize, namespace: Option<u32>) {
        self.has_binding = true;
        let Some(ns) = namespace else {
            self.tenant_wide.union_with(&role.keys);
            self.tenant_wide_bindings.push(binding);
            self.tenant_wide_staged.push((binding, None, role_index));
            return;
        };
        if !role.tenant_keys.is_empty() {
            self.tenant_wide.union_with(&role.tenant_keys);
            self.tenant_wide_bindings.push(binding);
            self.tenant_wide_staged.push((binding, Some(ns), role_index));
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
    pub(crate) fn finish(&mut self, roles: &[CompiledRole], spaces: &Namespaces, pool: &mut KeySetPool) {
        self.finish_tenant_wide(spaces);
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
        // Each entry's (direct, subtree) keys while they are gathered, numbered at the end.
        let mut entry_keys: Vec<(KeySet, KeySet)> = Vec::with_capacity(distinct.saturating_add(1));
        let mut bindings: Vec<usize> = Vec::with_capacity(self.staged.len());
        // Each binding's role, beside `bindings`, for the counts below.
        let mut binding_roles: Vec<usize> = Vec::with_capacity(self.staged.len());
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
                entry_keys.push((KeySet::default(), KeySet::default()));
            }
            if let (Some((_, entry)), Some((direct, subtree))) = (entries.last_mut(), entry_keys.last_mut()) {
                subtree.union_with(keys);
                if own {
                    direct.union_with(keys);
                    bindings.push(staged.binding);
                    binding_roles.push(staged.role);
                    entry.bindings.1 = at.saturating_add(1);
                }
            }
        }
        for ((_, entry), (direct, subtree)) in entries.iter_mut().zip(entry_keys) {
            entry.direct = pool.number(direct);
            entry.subtree = pool.number(subtree);
        }
        let mut role_counts: Vec<(u32, u32)> = Vec::new();
        for (_, entry) in &mut entries {
            let (start, end) = entry.bindings;
            if (end.saturating_sub(start) as usize) <= crate::rbac::MAX_REASONS {
                continue;
            }
            let from = u32::try_from(role_counts.len()).unwrap_or(u32::MAX);
            for (role, (count, _)) in count_roles(
                binding_roles
                    .get(start as usize..end as usize)
                    .unwrap_or_default()
                    .iter()
                    .map(|role| (*role, false)),
            ) {
                role_counts.push((role, count));
            }
            entry.role_counts = (from, u32::try_from(role_counts.len()).unwrap_or(u32::MAX));
        }
        self.namespaces = NamespaceTable {
            entries,
            bindings,
            role_counts,
            key_sets: Arc::default(),
        };
        self.staged = Vec::new();
    }
}

impl Grants {
    /// With more tenant-wide bindings than `authorize` lists: orders them most specific first
    /// (with a namespace, deepest first, then without one; input order within) and counts them
    /// per role, so a decision lists the first and counts the rest without walking them.
    fn finish_tenant_wide(&mut self, spaces: &Namespaces) {
        let mut staged = std::mem::take(&mut self.tenant_wide_staged);
        if staged.len() <= crate::rbac::MAX_REASONS {
            self.tenant_wide_unscoped_from = 0;
            return;
        }
        // By depth, deepest first, in buckets, then those without a namespace: stable, input
        // order within.
        let depth = |ns: u32| {
            spaces
                .names
                .get(ns as usize)
                .map_or(0, |name| namespace::depth(name) as usize)
        };
        let deepest = staged.iter().filter_map(|(_, ns, _)| ns.map(depth)).max().unwrap_or(0);
        let mut by_depth: Vec<Vec<usize>> = vec![Vec::new(); deepest.saturating_add(1)];
        let mut unscoped: Vec<usize> = Vec::new();
        for (binding, ns, _) in &staged {
            match ns.map(depth).and_then(|d| by_depth.get_mut(d)) {
                Some(bucket) => bucket.push(*binding),
                None => unscoped.push(*binding),
            }
        }
        let mut ordered: Vec<usize> = by_depth.into_iter().rev().flatten().collect();
        self.tenant_wide_unscoped_from = ordered.len();
        ordered.extend(unscoped);
        self.tenant_wide_bindings = ordered;
        self.tenant_wide_counts = count_roles(staged.drain(..).map(|(_, ns, role)| (role, ns.is_none())))
            .into_iter()
            .map(|(role, (all, unscoped))| (role, all, unscoped))
            .collect();
    }
}

/// How many bindings each role has: (role, (bindings, bindings flagged)), in no order.
fn count_roles(roles: impl Iterator<Item = (usize, bool)>) -> Vec<(u32, (u32, u32))> {
    let mut counts: FxHashMap<usize, (u32, u32)> = FxHashMap::default();
    for (role, flagged) in roles {
        let count = counts.entry(role).or_default();
        count.0 = count.0.saturating_add(1);
        if flagged {
            count.1 = count.1.saturating_add(1);
        }
    }
    counts
        .into_iter()
        .map(|(role, count)| (u32::try_from(role).unwrap_or(u32::MAX), count))
        .collect()
}

/// Calls `f` for every key of a set with the key's permission.
pub(crate) fn for_each_key(keys: &KeySet, mut f: impl FnMut(Key, Permission)) {
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
pub(crate) struct TenantIndex {
    /// This tenant's number among the policy's tenants (a principal's entries are keyed by it).
    pub(crate) slot: usize,
    pub(crate) roles: Vec<CompiledRole>,
    pub(crate) bindings: Vec<BindingMeta>,
    /// Every binding's id, end to end: one allocation for all of them.
    pub(crate) binding_ids: String,
    /// User principals by user id: how bindings and memberships refer to a user. Never
    /// looked up with anything a token says: a token names a user by username only.
    pub(crate) user_by_id: FxHashMap<String, usize>,
    pub(crate) user_grants: Vec<Grants>,
    /// Whether a user principal was listed in `users` (tenant access).
    pub(crate) user_listed: Vec<bool>,
    pub(crate) user_groups: Vec<Vec<usize>>,
    /// Groups by id, and by name (every group of that name: names need not be unique).
    pub(crate) group_by_id: FxHashMap<String, usize>,
    pub(crate) group_by_name: FxHashMap<String, Vec<usize>>,
    pub(crate) group_ids: Vec<String>,
    pub(crate) group_grants: Vec<Grants>,
    pub(crate) namespaces: Namespaces,
    /// The role marked `isDefault: true`: the tenant's first-login role, which takes precedence over
    /// the configuration's `defaultRole` for users the tenant does not list.
    pub(crate) first_login_role: Option<usize>,
}

impl TenantIndex {
    pub(crate) fn binding_id(&self, meta: &BindingMeta) -> Option<&str> {
        let (start, end) = meta.id;
        self.binding_ids.get(start as usize..end as usize)
    }

    /// Appends binding `b`'s id (`#<b>` when it has none) to `binding_ids`, written once here
    /// rather than per decision; `None` past 4 GiB of ids (the policy text is bounded far
    /// below that).
    pub(crate) fn store_binding_id(&mut self, id: Option<&str>, b: usize) -> Option<(u32, u32)> {
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

    pub(crate) fn user_slot(&mut self, id: &str) -> usize {
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
    pub(crate) fn group_by_reference(&self, reference: &str) -> Option<usize> {
        if let Some(g) = self.group_by_id.get(reference) {
            return Some(*g);
        }
        match self.group_by_name.get(reference).map(Vec::as_slice) {
            Some([only]) => Some(*only),
            _ => None,
        }
    }

    /// Each group's name by slot (`None` for a group without one).
    pub(crate) fn group_names(&self) -> Vec<Option<&str>> {
        let mut names = vec![None; self.group_ids.len()];
        for (name, slots) in &self.group_by_name {
            for slot in slots {
                if let Some(at) = names.get_mut(*slot) {
                    *at = Some(name.as_str());
                }
            }
        }
        names
    }

    /// The groups a token's group matches: every group of that name, else the group with that
    /// id (a token's groups are names; ids only as a
    /// fallback). Order-independent too.
    pub(crate) fn groups_of_token_group<'s>(&'s self, group: &str) -> &'s [usize] {
        match self.group_by_name.get(group) {
            Some(slots) => slots,
            None => self
                .group_by_id
                .get_key_value(group)
                .map_or(&[], |(_, g)| std::slice::from_ref(g)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_set_is_stored_once_and_zero_is_the_empty_set() {
        let mut pool = KeySetPool::default();
        let mut flow = KeySet::default();
        flow.insert(Key(3));
        let mut more = flow;
        more.insert(Key(200));
        assert_eq!(pool.number(KeySet::default()), 0);
        let first = pool.number(flow);
        assert_eq!(pool.number(more), first + 1);
        assert_eq!(pool.number(flow), first);
        let table = NamespaceTable {
            entries: vec![(
                7,
                NamespaceEntry {
                    direct: first,
                    subtree: first + 1,
                    ..NamespaceEntry::default()
                },
            )],
            key_sets: pool.into_shared(),
            ..NamespaceTable::default()
        };
        let entry = table.get(&7).unwrap();
        assert_eq!(table.direct(entry), &flow);
        assert_eq!(table.subtree(entry), &more);
        // A number past the tenant's sets grants nothing.
        let stray = NamespaceEntry {
            direct: u32::MAX,
            ..NamespaceEntry::default()
        };
        assert!(table.direct(&stray).is_empty());
        assert!(table.subtree(&NamespaceEntry::default()).is_empty());
    }

    /// The guessing search finds what a binary search finds, in even, clustered, skewed and
    /// extreme tables (ids near 0 and u32::MAX, one entry, duplicates-free runs), for ids in
    /// the table, between its ids and outside it.
    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn the_table_search_answers_as_a_binary_search() {
        use proptest::prelude::*;
        let shapes = prop_oneof![
            proptest::collection::btree_set(any::<u32>(), 0..300),
            proptest::collection::btree_set(0u32..2000, 0..300),
            proptest::collection::btree_set(prop_oneof![0u32..10, (u32::MAX - 10)..=u32::MAX], 0..20),
            (1u32..64, 0usize..200).prop_map(|(stride, n)| (0..n as u32).map(|i| i * i * stride).collect()),
        ];
        let mut runner = proptest::test_runner::TestRunner::default();
        runner
            .run(
                &(shapes, proptest::collection::vec(any::<u32>(), 0..40)),
                |(ids, extra)| {
                    let table = NamespaceTable {
                        entries: ids
                            .iter()
                            .enumerate()
                            .map(|(i, id)| {
                                let entry = NamespaceEntry {
                                    direct: i as u32,
                                    ..NamespaceEntry::default()
                                };
                                (*id, entry)
                            })
                            .collect(),
                        ..NamespaceTable::default()
                    };
                    let asked = ids
                        .iter()
                        .flat_map(|id| [id.wrapping_sub(1), *id, id.wrapping_add(1)])
                        .chain(extra);
                    for id in asked.chain([0, u32::MAX]) {
                        let expected = table
                            .entries
                            .binary_search_by_key(&id, |(k, _)| *k)
                            .ok()
                            .map(|at| at as u32);
                        prop_assert_eq!(table.get(&id).map(|e| e.direct), expected, "id {}", id);
                    }
                    Ok(())
                },
            )
            .unwrap();
    }
}
