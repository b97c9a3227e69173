//! Kestra's permission vocabulary: the CRUD model of Kestra up to 1.3 and the resource/action
//! model of 2.0, the scope class of every name, the official CRUD -> action expansion, and a
//! dense numbering of every valid (permission, action) pair so that a grant set is a small
//! bitset.

use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// Which permission model a policy speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Kestra up to 1.3: READ, CREATE, UPDATE, DELETE on every permission.
    Crud,
    /// Kestra 2.0: resources with their own actions.
    V2,
}

impl Model {
    pub fn name(self) -> &'static str {
        match self {
            Model::Crud => "crud",
            Model::V2 => "v2",
        }
    }
}

/// How a binding's namespace applies to a permission, as Kestra's 2.0 RBAC documentation
/// classes it; a name only the CRUD model has takes the class of its 2.0 successor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A namespace binding covers its namespace and the subtree below it.
    Namespace,
    /// The binding's namespace is ignored: the grant holds in the whole tenant.
    Tenant,
    /// Only a binding without a namespace grants it.
    GlobalOnly,
    /// No binding grants it: only the Instance Owner (superAdmin) flag.
    Instance,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Namespace => "namespace",
            Scope::Tenant => "tenant",
            Scope::GlobalOnly => "global-only",
            Scope::Instance => "instance",
        }
    }
}

pub(crate) const CRUD: [&str; 4] = ["READ", "CREATE", "UPDATE", "DELETE"];
const COMMON: &[&str] = &["VIEW", "LIST", "CREATE", "UPDATE", "DELETE"];

/// Every action name of either model (2.0's `Action` enum, the UI's `REVIEW`, the
/// plugin-default actions of the migration, and CRUD's `READ`).
pub(crate) const ACTIONS: &[&str] = &[
    "READ",
    "CREATE",
    "UPDATE",
    "DELETE",
    "VIEW",
    "LIST",
    "EXECUTE",
    "RESTART",
    "KILL",
    "REPLAY",
    "PAUSE",
    "RESUME",
    "REVIEW",
    "UNQUEUE",
    "FORCE_RUN",
    "FOLLOW",
    "CHANGE_LABELS",
    "ACCESS_LOGS",
    "ACCESS_OUTPUTS",
    "ACCESS_FILES",
    "EXPORT",
    "IMPORT",
    "DISABLE",
    "ENABLE",
    "VALIDATE",
    "UNLOCK",
    "LOCK",
    "BACKFILL",
    "MANAGE_FILES",
    "MANAGE_MEMBERS",
    "MANAGE_GROUP_MEMBERSHIP",
    "USE",
    "IMPERSONATE",
    "EXPORT_PLUGIN_DEFAULTS",
    "IMPORT_PLUGIN_DEFAULTS",
];

/// One permission (1.x) or resource (2.0) name.
pub(crate) struct PermissionDef {
    pub name: &'static str,
    /// In the CRUD model's `Permission` enum (any version up to 1.3).
    pub crud: bool,
    /// Its scope in the CRUD model (for CRUD-only names: the class of the 2.0 successor).
    pub crud_scope: Scope,
    /// Valid 2.0 actions; `None` when the name is not a 2.0 resource.
    pub v2_actions: Option<&'static [&'static str]>,
    pub v2_scope: Scope,
    /// Granted to an Instance Owner (superAdmin) in every tenant, whatever the bindings.
    pub instance_owner: bool,
}

const fn def(
    name: &'static str,
    crud: bool,
    crud_scope: Scope,
    v2_actions: Option<&'static [&'static str]>,
    v2_scope: Scope,
    instance_owner: bool,
) -> PermissionDef {
    PermissionDef {
        name,
        crud,
        crud_scope,
        v2_actions,
        v2_scope,
        instance_owner,
    }
}

use Scope::{GlobalOnly, Instance, Namespace, Tenant};

pub(crate) const PERMISSIONS: &[PermissionDef] = &[
    // Workload, namespace-scopable.
    def(
        "FLOW",
        true,
        Namespace,
        Some(&[
            "VIEW", "LIST", "CREATE", "UPDATE", "DELETE", "EXECUTE", "DISABLE", "ENABLE", "VALIDATE", "EXPORT",
            "IMPORT",
        ]),
        Namespace,
        false,
    ),
    def(
        "EXECUTION",
        true,
        Namespace,
        Some(&[
            "VIEW",
            "LIST",
            "CREATE",
            "UPDATE",
            "DELETE",
            "RESTART",
            "KILL",
            "REPLAY",
            "PAUSE",
            "RESUME",
            "REVIEW",
            "CHANGE_LABELS",
            "ACCESS_LOGS",
            "ACCESS_OUTPUTS",
            "ACCESS_FILES",
            "FOLLOW",
            "EXPORT",
            "UNQUEUE",
            "FORCE_RUN",
        ]),
        Namespace,
        false,
    ),
    def(
        "TRIGGER",
        false,
        Namespace,
        Some(&[
            "VIEW", "LIST", "CREATE", "UPDATE", "DELETE", "UNLOCK", "RESTART", "DISABLE", "ENABLE", "EXPORT",
            "BACKFILL",
        ]),
        Namespace,
        false,
    ),
    def(
        "NAMESPACE",
        true,
        Namespace,
        Some(&["VIEW", "LIST", "CREATE", "UPDATE", "DELETE", "MANAGE_FILES"]),
        Namespace,
        false,
    ),
    def("KVSTORE", true, Namespace, Some(COMMON), Namespace, false),
    def("SECRET", true, Namespace, Some(COMMON), Namespace, false),
    def("CREDENTIAL", true, Namespace, Some(COMMON), Namespace, false),
    def("REUSABLE_INPUTS", false, Namespace, Some(COMMON), Namespace, false),
    def(
        "APP",
        true,
        Namespace,
        Some(&[
            "VIEW",
            "LIST",
            "CREATE",
            "UPDATE",
            "DELETE",
            "EXECUTE",
            "ACCESS_FILES",
            "ACCESS_LOGS",
        ]),
        Namespace,
        false,
    ),
    def(
        "TESTSUITE",
        false,
        Namespace,
        Some(&["VIEW", "LIST", "CREATE", "UPDATE", "DELETE", "EXECUTE"]),
        Namespace,
        false,
    ),
    def(
        "ASSET",
        true,
        Namespace,
        Some(&["VIEW", "LIST", "CREATE", "UPDATE", "DELETE", "LOCK", "UNLOCK"]),
        Namespace,
        false,
    ),
    // In 2.0's published `Resource` list though documented nowhere: they load, and grant only
    // requests that name them: a policy copied from Kestra's API never fails on a name it uses.
    def("APP_EXECUTION", false, Namespace, Some(COMMON), Namespace, false),
    def("NAMESPACE_FILE", false, Namespace, Some(COMMON), Namespace, false),
    def("TESTSUITE_RUN", false, Namespace, Some(COMMON), Namespace, false),
    def("CASE", false, Namespace, Some(COMMON), Namespace, false),
    def(
        "POLICY",
        false,
        Namespace,
        Some(&[
            "VIEW", "LIST", "CREATE", "UPDATE", "DELETE", "EXECUTE", "EXPORT", "IMPORT",
        ]),
        Namespace,
        false,
    ),
    // A namespace binding on BINDING delegates access management for that subtree.
    def("BINDING", true, Namespace, Some(COMMON), Namespace, true),
    // Tenant-wide: a binding's namespace is ignored.
    def(
        "USER",
        true,
        Tenant,
        Some(&[
            "VIEW",
            "LIST",
            "CREATE",
            "UPDATE",
            "DELETE",
            "MANAGE_GROUP_MEMBERSHIP",
            "IMPERSONATE",
        ]),
        Tenant,
        true,
    ),
    def(
        "GROUP",
        true,
        Tenant,
        Some(&["VIEW", "LIST", "CREATE", "UPDATE", "DELETE", "MANAGE_MEMBERS"]),
        Tenant,
        true,
    ),
    def("ROLE", true, Tenant, Some(COMMON), Tenant, true),
    def("SECURITY_INTEGRATION", false, Tenant, Some(COMMON), Tenant, true),
    def("SERVICE_ACCOUNT", true, Tenant, Some(COMMON), Tenant, true),
    def("INVITATION", true, Tenant, Some(COMMON), Tenant, true),
    def("DASHBOARD", true, Tenant, Some(COMMON), Tenant, false),
    def(
        "AUDITLOG",
        true,
        Tenant,
        Some(&["VIEW", "LIST", "EXPORT"]),
        Tenant,
        false,
    ),
    def("COPILOT", false, Tenant, Some(&["USE"]), Tenant, false),
    def(
        "SYSTEM_SETTINGS",
        false,
        Tenant,
        Some(&["VIEW", "UPDATE"]),
        Tenant,
        false,
    ),
    def(
        "TENANT_SETTINGS",
        false,
        Tenant,
        Some(&["VIEW", "UPDATE"]),
        Tenant,
        false,
    ),
    // Global-only: a namespace binding grants nothing.
    def("BLUEPRINT", true, GlobalOnly, Some(COMMON), GlobalOnly, false),
    def("MCP_SERVER", false, GlobalOnly, Some(COMMON), GlobalOnly, false),
    def("PROMOTION_TARGET", false, GlobalOnly, Some(COMMON), GlobalOnly, false),
    def("SUPPORT", false, GlobalOnly, Some(COMMON), GlobalOnly, false),
    // Instance resources of 2.0: no RBAC action reaches them, only the Instance Owner.
    def("TENANT", true, GlobalOnly, Some(COMMON), Instance, true),
    def("WORKER_GROUP", false, Instance, Some(COMMON), Instance, true),
    def("WORKER_QUEUE", false, Instance, Some(COMMON), Instance, true),
    def("VERSIONED_PLUGIN", false, Instance, Some(COMMON), Instance, true),
    def("KILL_SWITCH", false, Instance, Some(COMMON), Instance, true),
    def("INSTANCE", false, Instance, Some(COMMON), Instance, true),
    // Names of the CRUD model only, with the class of their 2.0 successor.
    def("TEMPLATE", true, Namespace, None, Namespace, false),
    def("APPEXECUTION", true, Namespace, None, Namespace, false),
    def("TEST", true, Namespace, None, Namespace, false),
    def("IMPERSONATE", true, Tenant, None, Tenant, false),
    def("ME", true, Tenant, None, Tenant, false),
    def("APITOKEN", true, Tenant, None, Tenant, false),
    def("TENANT_ACCESS", true, Tenant, Some(COMMON), Tenant, true),
    def("GROUP_MEMBERSHIP", true, Tenant, None, Tenant, true),
    def("AI_COPILOT", true, Tenant, None, Tenant, false),
    def("SETTING", true, GlobalOnly, None, GlobalOnly, false),
    def("INFRASTRUCTURE", true, GlobalOnly, None, GlobalOnly, true),
];

/// Names Kestra knows but that never grant anything (`UNKNOWN` of both enums).
pub(crate) const INERT_NAMES: &[&str] = &["UNKNOWN"];

/// The official CRUD -> 2.0 expansion (Kestra's `V2_1RolePermissionMigration`,
/// <https://kestra.io/docs/migration-guide/v2.0.0/rbac-action-model>):
/// what one CRUD grant becomes in 2.0. `BINDING:UPDATE`, `IMPERSONATE`, `TEMPLATE`, `ME`,
/// `APITOKEN`, `TENANT` and `INFRASTRUCTURE` become nothing.
pub fn expand(permission: &str, crud_action: &str) -> &'static [(&'static str, &'static [&'static str])] {
    match (permission, crud_action) {
        ("FLOW", "READ") => &[("FLOW", &["VIEW", "LIST", "EXPORT"])],
        ("FLOW", "CREATE") => &[("FLOW", &["CREATE", "IMPORT"])],
        ("FLOW", "UPDATE") => &[("FLOW", &["UPDATE", "EXECUTE", "DISABLE", "ENABLE", "VALIDATE"])],
        ("EXECUTION", "READ") => &[(
            "EXECUTION",
            &[
                "VIEW",
                "LIST",
                "ACCESS_LOGS",
                "ACCESS_OUTPUTS",
                "ACCESS_FILES",
                "EXPORT",
                "FOLLOW",
            ],
        )],
        ("EXECUTION", "UPDATE") => &[(
            "EXECUTION",
            &[
                "UPDATE",
                "RESTART",
                "KILL",
                "REPLAY",
                "PAUSE",
                "RESUME",
                "CHANGE_LABELS",
                "UNQUEUE",
                "FORCE_RUN",
            ],
        )],
        // The migration also wrote EXPORT_/IMPORT_PLUGIN_DEFAULTS, which 2.0 then removed.
        ("NAMESPACE", "READ") => &[("NAMESPACE", &["VIEW", "LIST"])],
        ("NAMESPACE", "UPDATE") => &[("NAMESPACE", &["UPDATE", "MANAGE_FILES"])],
        ("APP" | "APPEXECUTION", "READ") => &[("APP", &["VIEW", "LIST"])],
        ("APP" | "APPEXECUTION", "CREATE") => &[("APP", &["CREATE"])],
        ("APP" | "APPEXECUTION", "UPDATE") => &[("APP", &["UPDATE", "EXECUTE", "ACCESS_FILES", "ACCESS_LOGS"])],
        ("APP" | "APPEXECUTION", "DELETE") => &[("APP", &["DELETE"])],
        ("USER" | "TENANT_ACCESS", "READ") => &[("USER", &["VIEW", "LIST"])],
        ("USER" | "TENANT_ACCESS", "CREATE") => &[("USER", &["CREATE"])],
        ("USER" | "TENANT_ACCESS", "UPDATE") => &[("USER", &["UPDATE", "MANAGE_GROUP_MEMBERSHIP"])],
        ("USER" | "TENANT_ACCESS", "DELETE") => &[("USER", &["DELETE"])],
        ("GROUP" | "GROUP_MEMBERSHIP", "READ") => &[("GROUP", &["VIEW", "LIST"])],
        ("GROUP" | "GROUP_MEMBERSHIP", "CREATE") => &[("GROUP", &["CREATE"])],
        ("GROUP" | "GROUP_MEMBERSHIP", "UPDATE") => &[("GROUP", &["UPDATE", "MANAGE_MEMBERS"])],
        ("GROUP" | "GROUP_MEMBERSHIP", "DELETE") => &[("GROUP", &["DELETE"])],
        ("AUDITLOG", "READ") => &[("AUDITLOG", &["VIEW", "LIST", "EXPORT"])],
        ("AUDITLOG", _) => &[],
        ("SETTING", "READ") => &[("SYSTEM_SETTINGS", &["VIEW"]), ("TENANT_SETTINGS", &["VIEW"])],
        ("SETTING", "UPDATE") => &[("SYSTEM_SETTINGS", &["UPDATE"]), ("TENANT_SETTINGS", &["UPDATE"])],
        ("SETTING", _) => &[],
        ("AI_COPILOT", "READ") => &[("COPILOT", &["USE"])],
        ("AI_COPILOT", _) => &[],
        ("BINDING", "UPDATE") => &[],
        ("IMPERSONATE" | "TEMPLATE" | "ME" | "APITOKEN" | "TENANT" | "INFRASTRUCTURE", _) => &[],
        ("TEST", "READ") => &[("TESTSUITE", &["VIEW", "LIST"])],
        ("TEST", "CREATE") => &[("TESTSUITE", &["CREATE"])],
        ("TEST", "UPDATE") => &[("TESTSUITE", &["UPDATE"])],
        ("TEST", "DELETE") => &[("TESTSUITE", &["DELETE"])],
        // All others: READ -> VIEW, LIST; CREATE, UPDATE, DELETE keep their names.
        (_, "READ") => &[("", &["VIEW", "LIST"])],
        (_, "CREATE") => &[("", &["CREATE"])],
        (_, "UPDATE") => &[("", &["UPDATE"])],
        (_, "DELETE") => &[("", &["DELETE"])],
        _ => &[],
    }
}

/// A permission by index into [`PERMISSIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Permission(pub(crate) u8);

/// An action by index into [`ACTIONS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Action(pub(crate) u8);

/// A (permission, action) pair's dense number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key(pub(crate) u16);

/// Bits for every key: checked by a test to hold the whole key space.
pub(crate) const KEY_WORDS: usize = 8;

/// A set of keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct KeySet([u64; KEY_WORDS]);

/// The set of no keys, for lookups that find none.
pub(crate) static NO_KEYS: KeySet = KeySet([0; KEY_WORDS]);

// Inlined: decisions and compilation call these in their inner loops (a call each was a
// tenth of building a large policy in wasm).
impl KeySet {
    #[inline]
    pub(crate) fn insert(&mut self, key: Key) {
        let (word, bit) = (usize::from(key.0 / 64), key.0 % 64);
        if let Some(w) = self.0.get_mut(word) {
            *w |= 1u64 << bit;
        }
    }
    #[inline]
    pub(crate) fn contains(&self, key: Key) -> bool {
        let (word, bit) = (usize::from(key.0 / 64), key.0 % 64);
        self.0.get(word).is_some_and(|w| w & (1u64 << bit) != 0)
    }
    #[inline]
    pub(crate) fn union_with(&mut self, other: &KeySet) {
        for (a, b) in self.0.iter_mut().zip(other.0.iter()) {
            *a |= b;
        }
    }
    #[inline]
    pub(crate) fn intersects(&self, other: &KeySet) -> bool {
        self.0.iter().zip(other.0.iter()).any(|(a, b)| a & b != 0)
    }
    /// The keys in one set and not the other.
    #[cfg_attr(not(feature = "audit"), allow(dead_code))]
    pub(crate) fn symmetric_difference(&self, other: &KeySet) -> KeySet {
        let mut out = *self;
        for (a, b) in out.0.iter_mut().zip(other.0.iter()) {
            *a ^= b;
        }
        out
    }
    /// How many keys the set holds.
    #[cfg_attr(not(feature = "audit"), allow(dead_code))]
    pub(crate) fn len(&self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).fold(0, u32::saturating_add)
    }
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
}

pub(crate) struct KeySpace {
    permission_ids: FxHashMap<&'static str, Permission>,
    action_ids: FxHashMap<&'static str, Action>,
    /// `keys[permission][action]`: the key of a pair valid in some model.
    keys: Vec<Vec<Option<Key>>>,
    /// Per permission, all of its keys (for "any action on P").
    permission_masks: Vec<KeySet>,
}

pub(crate) fn key_space() -> &'static KeySpace {
    static SPACE: OnceLock<KeySpace> = OnceLock::new();
    SPACE.get_or_init(|| {
        let mut keys = Vec::new();
        let mut masks = Vec::new();
        let mut next: u16 = 0;
        for p in PERMISSIONS {
            let mut row = vec![None; ACTIONS.len()];
            let mut mask = KeySet::default();
            for (a, name) in ACTIONS.iter().enumerate() {
                let crud = p.crud && CRUD.contains(name);
                let v2 = p.v2_actions.is_some_and(|list| list.contains(name));
                if (crud || v2)
                    && let Some(slot) = row.get_mut(a)
                {
                    let key = Key(next);
                    *slot = Some(key);
                    mask.insert(key);
                    next = next.saturating_add(1);
                }
            }
            keys.push(row);
            masks.push(mask);
        }
        KeySpace {
            permission_ids: PERMISSIONS
                .iter()
                .enumerate()
                .map(|(i, p)| (p.name, Permission(u8::try_from(i).unwrap_or(u8::MAX))))
                .collect(),
            action_ids: ACTIONS
                .iter()
                .enumerate()
                .map(|(i, a)| (*a, Action(u8::try_from(i).unwrap_or(u8::MAX))))
                .collect(),
            keys,
            permission_masks: masks,
        }
    })
}

impl KeySpace {
    pub(crate) fn permission(&self, name: &str) -> Option<Permission> {
        self.permission_ids.get(name).copied()
    }
    pub(crate) fn action(&self, name: &str) -> Option<Action> {
        self.action_ids.get(name).copied()
    }
    pub(crate) fn key(&self, permission: Permission, action: Action) -> Option<Key> {
        self.keys
            .get(usize::from(permission.0))?
            .get(usize::from(action.0))
            .copied()
            .flatten()
    }
    /// Every key of a permission, by reference: no copy of the set.
    pub(crate) fn mask_ref(&self, permission: Permission) -> Option<&KeySet> {
        self.permission_masks.get(usize::from(permission.0))
    }

    pub(crate) fn mask(&self, permission: Permission) -> KeySet {
        self.permission_masks
            .get(usize::from(permission.0))
            .copied()
            .unwrap_or_default()
    }
}

impl Permission {
    pub(crate) fn def(self) -> Option<&'static PermissionDef> {
        PERMISSIONS.get(usize::from(self.0))
    }
    pub fn name(self) -> &'static str {
        self.def().map_or("", |d| d.name)
    }
    pub(crate) fn scope(self, model: Model) -> Scope {
        match (self.def(), model) {
            (Some(d), Model::Crud) => d.crud_scope,
            (Some(d), Model::V2) => d.v2_scope,
            (None, _) => Scope::Instance,
        }
    }
    pub(crate) fn in_model(self, model: Model) -> bool {
        match (self.def(), model) {
            (Some(d), Model::Crud) => d.crud,
            (Some(d), Model::V2) => d.v2_actions.is_some(),
            (None, _) => false,
        }
    }
    /// The actions valid for this permission in a model, in catalog order.
    pub(crate) fn actions(self, model: Model) -> &'static [&'static str] {
        match (self.def(), model) {
            (Some(d), Model::Crud) if d.crud => &CRUD,
            (Some(d), Model::V2) => d.v2_actions.unwrap_or(&[]),
            _ => &[],
        }
    }
}

impl Action {
    pub fn name(self) -> &'static str {
        ACTIONS.get(usize::from(self.0)).copied().unwrap_or("")
    }
    /// One of the four CRUD actions (ACTIONS lists them first; a test holds it).
    pub(crate) fn is_crud(self) -> bool {
        usize::from(self.0) < CRUD.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crud_actions_come_first() {
        assert_eq!(ACTIONS.get(..CRUD.len()), Some(&CRUD[..]));
        let space = key_space();
        for (i, name) in ACTIONS.iter().enumerate() {
            assert_eq!(space.action(name).unwrap().is_crud(), i < CRUD.len(), "{name}");
        }
    }

    #[test]
    fn key_space_fits_the_bitset() {
        let space = key_space();
        let count = space.keys.iter().flatten().flatten().count();
        let max = space.keys.iter().flatten().flatten().map(|k| k.0).max().unwrap();
        assert_eq!(usize::from(max) + 1, count);
        assert!(count <= KEY_WORDS * 64, "{count} keys");
        assert!(count > 250, "{count} keys");
    }

    #[test]
    fn names_are_unique_and_expansions_name_real_pairs() {
        let space = key_space();
        assert_eq!(space.permission_ids.len(), PERMISSIONS.len());
        assert_eq!(space.action_ids.len(), ACTIONS.len());
        for p in PERMISSIONS.iter().filter(|p| p.crud) {
            for a in CRUD {
                for (target, actions) in expand(p.name, a) {
                    let target = if target.is_empty() { p.name } else { target };
                    let tp = space.permission(target).unwrap();
                    for action in *actions {
                        let ta = space.action(action).unwrap();
                        assert!(
                            tp.actions(Model::V2).contains(action),
                            "{} {a} -> {target}:{action}",
                            p.name
                        );
                        assert!(space.key(tp, ta).is_some());
                    }
                }
            }
        }
    }
}
