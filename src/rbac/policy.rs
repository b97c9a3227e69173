//! Policy input in Kestra's own JSON shapes (kestra-rbac.md §2): roles, groups, users and
//! bindings per tenant, bindings in both the stored shape (`type, externalId, roleId,
//! namespaceId`) and the detail shape (`type, namespace, role{id}, group{id}, user{id}`), and
//! one user's `GET /api/v1/{tenant}/tenant-access/{userId}` answer. Every error names the path
//! of the bad entry.

use super::namespace;
use crate::error::{Error, Result};
use crate::json;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// Upper bounds on a policy, so hostile input cannot make compilation unbounded.
pub const MAX_TENANTS: usize = 10_000;
pub const MAX_ROLES: usize = 100_000;
pub const MAX_BINDINGS: usize = 1_000_000;
pub const MAX_USERS: usize = 1_000_000;
pub const MAX_GROUPS: usize = 100_000;
pub const MAX_POLICY_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelChoice {
    /// 2.0 when any role uses a 2.0-only action name, else CRUD (decision 12).
    Auto,
    Crud,
    V2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingKind {
    User,
    Group,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoleInput {
    pub id: String,
    pub name: String,
    /// Permission -> actions, in input order.
    pub permissions: Vec<(String, Vec<String>)>,
    /// `isDefault`: a first-login role of its tenant (decision 25).
    pub is_default: bool,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupInput {
    pub id: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserInput {
    /// How bindings and memberships refer to the user; never matched against a token.
    pub id: String,
    /// What a token's username is matched against, exactly (decision 21).
    pub username: Option<String>,
    /// Informational only: an email is not an identity.
    pub email: Option<String>,
    /// Group ids or names.
    pub groups: Vec<String>,
    pub instance_owner: bool,
}

/// A binding. Its names borrow from the policy text when they can (100,000 bindings are
/// 400,000 names: allocating each was a fifth of building an Authorizer from them).
#[derive(Debug, Clone, PartialEq)]
pub struct BindingInput<'a> {
    /// The binding's id; `None` when the input gives none, and it is then `#<its position in
    /// the tenant's bindings>` (written once, when the policy is compiled).
    pub id: Option<Cow<'a, str>>,
    pub kind: BindingKind,
    pub external_id: Cow<'a, str>,
    pub role_id: Cow<'a, str>,
    pub namespace: Option<Cow<'a, str>>,
    pub path: BindingPath,
}

impl BindingInput<'_> {
    pub fn into_owned(self) -> BindingInput<'static> {
        let own = |text: Cow<'_, str>| Cow::Owned(text.into_owned());
        BindingInput {
            id: self.id.map(own),
            kind: self.kind,
            external_id: own(self.external_id),
            role_id: own(self.role_id),
            namespace: self.namespace.map(own),
            path: self.path,
        }
    }
}

/// Where a binding is in the policy, for error messages: written out only when one is
/// reported (formatting a path per binding was a tenth of reading 100,000 of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingPath {
    /// `tenants.<tenant>.bindings[i]`.
    Tenant(usize),
    /// `policy.bindings[i]`: the single-tenant shape.
    Single(usize),
    /// Anywhere else (a tenant-access answer's role).
    Other(String),
}

impl BindingPath {
    /// The path, in the tenant the binding belongs to.
    pub fn render(&self, tenant: &str) -> String {
        match self {
            BindingPath::Tenant(i) => format!("tenants.{tenant}.bindings[{i}]"),
            BindingPath::Single(i) => format!("policy.bindings[{i}]"),
            BindingPath::Other(path) => path.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TenantInput<'a> {
    pub id: String,
    pub roles: Vec<RoleInput>,
    pub groups: Vec<GroupInput>,
    pub users: Vec<UserInput>,
    pub bindings: Vec<BindingInput<'a>>,
}

/// A policy as given, checked for shape; bindings may borrow from the text it was read from
/// (`into_owned` detaches it).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyInput<'a> {
    pub model: ModelChoice,
    pub tenants: Vec<TenantInput<'a>>,
}

fn err(path: &str, reason: impl Into<String>) -> Error {
    Error::policy(path, reason)
}

fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>> {
    value.as_object().ok_or_else(|| err(path, "must be an object"))
}

fn array<'a>(value: Option<&'a Value>, path: &str) -> Result<&'a [Value]> {
    match value {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(err(path, "must be an array")),
    }
}

fn text(map: &Map<String, Value>, key: &str, path: &str) -> Result<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(err(&format!("{path}.{key}"), "must be a string")),
    }
}

fn required_text(map: &Map<String, Value>, key: &str, path: &str) -> Result<String> {
    match text(map, key, path)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(err(&format!("{path}.{key}"), "is required")),
    }
}

fn flag(map: &Map<String, Value>, key: &str, path: &str) -> Result<bool> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(err(&format!("{path}.{key}"), "must be true or false")),
    }
}

/// `{id}` objects or plain strings: the id.
fn id_of(value: &Value, path: &str) -> Result<String> {
    match value {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        Value::Object(map) => required_text(map, "id", path),
        _ => Err(err(path, "must be an id string or an object with an id")),
    }
}

/// A binding's namespace: absent or `null` is "no namespace" (tenant-wide); an empty string
/// is an error, never "no namespace" (decision 27).
fn checked_namespace<'a>(value: Option<Cow<'a, str>>, path: impl FnOnce() -> String) -> Result<Option<Cow<'a, str>>> {
    match value {
        None => Ok(None),
        Some(ns) => {
            namespace::validate(&ns).map_err(|e| err(&path(), e.to_string()))?;
            Ok(Some(ns))
        }
    }
}

/// Role permissions: `{"FLOW": ["READ"]}` (Role), or `[{"permission"|"resource": "FLOW",
/// "actions": [...]}]` (tenant-access and Terraform shapes).
pub(crate) fn permissions(value: Option<&Value>, path: &str) -> Result<Vec<(String, Vec<String>)>> {
    let actions = |value: &Value, path: &str| -> Result<Vec<String>> {
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    a.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| err(&format!("{path}[{i}]"), "must be a string"))
                })
                .collect(),
            _ => Err(err(path, "must be an array of action names")),
        }
    };
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |name: String, list: Vec<String>| match out.iter_mut().find(|(n, _)| *n == name) {
        Some((_, known)) => known.extend(list),
        None => out.push((name, list)),
    };
    match value {
        None | Some(Value::Null) => {}
        Some(Value::Object(map)) => {
            for (name, list) in map {
                add(name.clone(), actions(list, &format!("{path}.{name}"))?);
            }
        }
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                let map = object(item, &item_path)?;
                let name = match (text(map, "permission", &item_path)?, text(map, "resource", &item_path)?) {
                    (Some(name), _) | (None, Some(name)) => name,
                    (None, None) => return Err(err(&item_path, "needs \"permission\" or \"resource\"")),
                };
                let list = actions(
                    map.get("actions").unwrap_or(&Value::Null),
                    &format!("{item_path}.actions"),
                )?;
                add(name, list);
            }
        }
        Some(_) => return Err(err(path, "must be an object of permission -> actions")),
    }
    Ok(out)
}

fn role(value: &Value, path: &str) -> Result<RoleInput> {
    let map = object(value, path)?;
    let id = required_text(map, "id", path)?;
    let name = text(map, "name", path)?.unwrap_or_else(|| id.clone());
    Ok(RoleInput {
        permissions: permissions(map.get("permissions"), &format!("{path}.permissions"))?,
        is_default: flag(map, "isDefault", path)?,
        id,
        name,
        path: path.to_owned(),
    })
}

fn group(value: &Value, path: &str) -> Result<GroupInput> {
    let map = object(value, path)?;
    Ok(GroupInput {
        id: required_text(map, "id", path)?,
        name: text(map, "name", path)?,
    })
}

fn user(value: &Value, path: &str) -> Result<UserInput> {
    let map = object(value, path)?;
    let username = text(map, "username", path)?;
    let email = text(map, "email", path)?;
    let id = match text(map, "id", path)? {
        Some(id) if !id.is_empty() => id,
        _ => username
            .clone()
            .or_else(|| email.clone())
            .ok_or_else(|| err(path, "needs an id, a username or an email"))?,
    };
    let mut groups = Vec::new();
    for key in ["groups", "groupList"] {
        for (i, g) in array(map.get(key), &format!("{path}.{key}"))?.iter().enumerate() {
            let item_path = format!("{path}.{key}[{i}]");
            // GroupIdentifier carries `groupId`; the other shapes carry `id` (and maybe `name`).
            let id = match g {
                Value::Object(m) if m.contains_key("groupId") => required_text(m, "groupId", &item_path)?,
                other => id_of(other, &item_path)?,
            };
            groups.push(id);
        }
    }
    let instance_owner = flag(map, "superAdmin", path)? || flag(map, "instanceOwner", path)?;
    Ok(UserInput {
        id,
        username,
        email,
        groups,
        instance_owner,
    })
}

fn binding(value: &Value, path: &str, at: BindingPath) -> Result<BindingInput<'static>> {
    let mut map = object(value, path)?;
    // The older detail answer wrapped the stored binding: `{binding: {...}}`.
    if let Some(inner) = map.get("binding") {
        map = object(inner, &format!("{path}.binding"))?;
    }
    let kind = binding_kind(text(map, "type", path)?.as_deref(), path)?;
    let external_id = match (text(map, "externalId", path)?, map.get("user"), map.get("group"), kind) {
        (Some(id), _, _, _) if !id.is_empty() => id,
        (_, Some(user), _, BindingKind::User) if !user.is_null() => id_of(user, &format!("{path}.user"))?,
        (_, _, Some(group), BindingKind::Group) if !group.is_null() => id_of(group, &format!("{path}.group"))?,
        _ => {
            return Err(err(
                path,
                "needs \"externalId\" (or a user / group object matching its type)",
            ));
        }
    };
    let role_id = match (text(map, "roleId", path)?, map.get("role")) {
        (Some(id), _) if !id.is_empty() => id,
        (_, Some(role)) => id_of(role, &format!("{path}.role"))?,
        _ => return Err(err(path, "needs \"roleId\" or a role object")),
    };
    let (namespace_id, namespace) = (text(map, "namespaceId", path)?, text(map, "namespace", path)?);
    let id = text(map, "id", path)?;
    let raw = RawBinding {
        kind,
        external_id: external_id.into(),
        role_id: role_id.into(),
        namespace: namespace_id.or(namespace).map(Cow::Owned),
        id: id.map(Cow::Owned),
    };
    finish_binding(raw, at, || format!("{path}.namespace"))
}

fn binding_kind(name: Option<&str>, path: &str) -> Result<BindingKind> {
    match name {
        Some("USER") => Ok(BindingKind::User),
        Some("GROUP") => Ok(BindingKind::Group),
        Some(other) => Err(err(
            &format!("{path}.type"),
            format!("must be USER or GROUP, not \"{}\"", crate::error::shorten(other)),
        )),
        None => Err(err(&format!("{path}.type"), "is required (USER or GROUP)")),
    }
}

/// What every binding shape shares once its principal and role are known: the namespace
/// (`namespaceId`, else `namespace`; empty means none) and the id (`#<index>` when absent).
fn finish_binding<'a>(
    raw: RawBinding<'a>,
    at: BindingPath,
    namespace_path: impl FnOnce() -> String,
) -> Result<BindingInput<'a>> {
    Ok(BindingInput {
        id: raw.id,
        kind: raw.kind,
        external_id: raw.external_id,
        role_id: raw.role_id,
        namespace: checked_namespace(raw.namespace, namespace_path)?,
        path: at,
    })
}

/// A binding's fields as read, before the shared checks.
struct RawBinding<'a> {
    kind: BindingKind,
    external_id: Cow<'a, str>,
    role_id: Cow<'a, str>,
    namespace: Option<Cow<'a, str>>,
    id: Option<Cow<'a, str>>,
}

fn tenant_id(id: &str, path: &str) -> Result<()> {
    if valid_tenant(id) {
        Ok(())
    } else {
        Err(err(
            path,
            Error::TenantInvalid {
                tenant: crate::error::shorten(id),
            }
            .to_string(),
        ))
    }
}

/// Kestra tenant ids: `^[a-z0-9][a-z0-9_-]*`.
pub fn valid_tenant(id: &str) -> bool {
    id.len() <= 256
        && id
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// One tenant's members; `single` for the single-tenant shape (paths under `policy`).
fn tenant(
    id: String,
    map: &Map<String, Value>,
    path: &str,
    single: bool,
    counts: &mut Counts,
) -> Result<TenantInput<'static>> {
    let mut t = tenant_without_bindings(
        id,
        path,
        array(map.get("roles"), &format!("{path}.roles"))?,
        array(map.get("groups"), &format!("{path}.groups"))?,
        array(map.get("users"), &format!("{path}.users"))?,
    )?;
    for (i, b) in array(map.get("bindings"), &format!("{path}.bindings"))?
        .iter()
        .enumerate()
    {
        let at = if single {
            BindingPath::Single(i)
        } else {
            BindingPath::Tenant(i)
        };
        t.bindings.push(binding(b, &format!("{path}.bindings[{i}]"), at)?);
    }
    counts.add(&t)?;
    Ok(t)
}

fn tenant_without_bindings(
    id: String,
    path: &str,
    roles: &[Value],
    groups: &[Value],
    users: &[Value],
) -> Result<TenantInput<'static>> {
    tenant_id(&id, path)?;
    let mut t = TenantInput {
        id,
        ..Default::default()
    };
    for (i, r) in roles.iter().enumerate() {
        t.roles.push(role(r, &format!("{path}.roles[{i}]"))?);
    }
    for (i, g) in groups.iter().enumerate() {
        t.groups.push(group(g, &format!("{path}.groups[{i}]"))?);
    }
    for (i, u) in users.iter().enumerate() {
        t.users.push(user(u, &format!("{path}.users[{i}]"))?);
    }
    Ok(t)
}

#[derive(Default)]
struct Counts {
    roles: usize,
    groups: usize,
    users: usize,
    bindings: usize,
}

impl Counts {
    fn add(&mut self, t: &TenantInput<'_>) -> Result<()> {
        self.roles = self.roles.saturating_add(t.roles.len());
        self.groups = self.groups.saturating_add(t.groups.len());
        self.users = self.users.saturating_add(t.users.len());
        self.bindings = self.bindings.saturating_add(t.bindings.len());
        for (what, count, max) in [
            ("roles", self.roles, MAX_ROLES),
            ("groups", self.groups, MAX_GROUPS),
            ("users", self.users, MAX_USERS),
            ("bindings", self.bindings, MAX_BINDINGS),
        ] {
            if count > max {
                return Err(err(what, format!("more than {max} in the policy")));
            }
        }
        Ok(())
    }
}

/// One `ApiTenantAccess` answer: the user, their groups, and every role assignment with its
/// namespace and origin, turned into a one-user tenant.
fn tenant_access(value: &Value, path: &str, answer: usize) -> Result<TenantInput<'static>> {
    let map = object(value, path)?;
    let tenant_id_value = required_text(map, "tenantId", path)?;
    tenant_id(&tenant_id_value, &format!("{path}.tenantId"))?;
    let user_id = required_text(map, "userId", path)?;
    let mut t = TenantInput {
        id: tenant_id_value,
        ..Default::default()
    };
    let mut group_ids = Vec::new();
    for (i, g) in array(map.get("groups"), &format!("{path}.groups"))?.iter().enumerate() {
        let g = group(g, &format!("{path}.groups[{i}]"))?;
        group_ids.push(g.id.clone());
        t.groups.push(g);
    }
    t.users.push(UserInput {
        id: user_id.clone(),
        username: text(map, "username", path)?,
        email: None,
        groups: group_ids,
        instance_owner: flag(map, "superAdmin", path)? || flag(map, "instanceOwner", path)?,
    });
    for (i, assignment) in array(map.get("roles"), &format!("{path}.roles"))?.iter().enumerate() {
        let item_path = format!("{path}.roles[{i}]");
        let a = object(assignment, &item_path)?;
        let role_id = format!("{}#{answer}.{i}", required_text(a, "id", &item_path)?);
        let name = text(a, "name", &item_path)?.unwrap_or_else(|| role_id.clone());
        t.roles.push(RoleInput {
            id: role_id.clone(),
            name,
            permissions: permissions(a.get("permissions"), &format!("{item_path}.permissions"))?,
            // An assignment is a role the user holds, not the tenant's first-login role.
            is_default: false,
            path: item_path.clone(),
        });
        let (kind, external_id) = match text(a, "origin", &item_path)?.as_deref() {
            Some("GROUP") => (BindingKind::Group, required_text(a, "sourceId", &item_path)?),
            Some("BINDING") | None => (BindingKind::User, user_id.clone()),
            Some(other) => {
                return Err(err(
                    &format!("{item_path}.origin"),
                    format!("must be BINDING or GROUP, not \"{}\"", crate::error::shorten(other)),
                ));
            }
        };
        t.bindings.push(BindingInput {
            id: Some(
                text(a, "sourceId", &item_path)?
                    .unwrap_or_else(|| format!("#{i}"))
                    .into(),
            ),
            kind,
            external_id: external_id.into(),
            role_id: role_id.into(),
            namespace: checked_namespace(text(a, "namespace", &item_path)?.map(Cow::Owned), || {
                format!("{item_path}.namespace")
            })?,
            path: BindingPath::Other(item_path),
        });
    }
    Ok(t)
}

fn model_choice(name: Option<&str>) -> Result<ModelChoice> {
    match name {
        None | Some("auto") => Ok(ModelChoice::Auto),
        Some("crud") | Some("v1") => Ok(ModelChoice::Crud),
        Some("v2") => Ok(ModelChoice::V2),
        Some(_) => Err(err("model", "must be \"auto\", \"crud\" or \"v2\"")),
    }
}

/// The single-tenant shape's tenant id: `tenant`, else `main`.
const SINGLE_TENANT_DEFAULT: &str = "main";

impl<'a> PolicyInput<'a> {
    /// Parses policy JSON text (duplicate member names refused).
    pub fn parse(text: &'a str) -> Result<Self> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(Error::InputTooLarge {
                what: "policy",
                size: text.len(),
                max: MAX_POLICY_BYTES,
            });
        }
        match typed::read(text) {
            Some(policy) => Ok(policy),
            None => PolicyInput::parse_general(text),
        }
    }

    /// The general reader alone (tests compare it with the typed one).
    #[doc(hidden)]
    pub fn parse_general(text: &str) -> Result<PolicyInput<'static>> {
        let map = json::parse_object(text.as_bytes()).map_err(|fault| err("", fault.describe()))?;
        PolicyInput::from_json(&Value::Object(map))
    }

    /// The typed reader alone: `None` when it leaves the text to the general one.
    #[doc(hidden)]
    pub fn parse_typed(text: &'a str) -> Option<Self> {
        typed::read(text)
    }

    /// The same policy, owning all of its names.
    pub fn into_owned(self) -> PolicyInput<'static> {
        PolicyInput {
            model: self.model,
            tenants: self
                .tenants
                .into_iter()
                .map(|t| TenantInput {
                    id: t.id,
                    roles: t.roles,
                    groups: t.groups,
                    users: t.users,
                    bindings: t.bindings.into_iter().map(BindingInput::into_owned).collect(),
                })
                .collect(),
        }
    }
}

impl PolicyInput<'static> {
    /// Reads `{ model?, tenants: { <id>: { roles, groups, users, bindings } }, tenantAccess? }`,
    /// or a single tenant's `{ tenant?, roles, groups, users, bindings }` (tenant `main` when unnamed).
    pub fn from_json(value: &Value) -> Result<Self> {
        let map = object(value, "policy")?;
        const KNOWN: [&str; 8] = [
            "model",
            "tenants",
            "tenantAccess",
            "tenant",
            "roles",
            "groups",
            "users",
            "bindings",
        ];
        if let Some(unknown) = map.keys().find(|k| !KNOWN.contains(&k.as_str())) {
            return Err(err(
                unknown,
                "unknown member (expected model, tenants, tenantAccess, tenant, roles, groups, users, bindings)",
            ));
        }
        let model = model_choice(text(map, "model", "policy")?.as_deref())?;
        let mut counts = Counts::default();
        let mut tenants: Vec<TenantInput<'static>> = Vec::new();
        let single = ["roles", "groups", "users", "bindings"]
            .iter()
            .any(|k| map.contains_key(*k));
        match map.get("tenants") {
            None | Some(Value::Null) => {}
            Some(Value::Object(by_id)) => {
                if by_id.len() > MAX_TENANTS {
                    return Err(err("tenants", format!("more than {MAX_TENANTS}")));
                }
                for (id, t) in by_id {
                    let path = format!("tenants.{id}");
                    tenants.push(tenant(id.clone(), object(t, &path)?, &path, false, &mut counts)?);
                }
            }
            Some(_) => return Err(err("tenants", "must be an object of tenant id -> tenant")),
        }
        if single {
            let id = text(map, "tenant", "policy")?.unwrap_or_else(|| SINGLE_TENANT_DEFAULT.to_owned());
            if tenants.iter().any(|t| t.id == id) {
                return Err(err("tenant", "names a tenant also listed under tenants"));
            }
            tenants.push(tenant(id, map, "policy", true, &mut counts)?);
        }
        for (i, answer) in array(map.get("tenantAccess"), "tenantAccess")?.iter().enumerate() {
            let t = tenant_access(answer, &format!("tenantAccess[{i}]"), i)?;
            counts.add(&t)?;
            match tenants.iter_mut().find(|known| known.id == t.id) {
                // A second answer for the same tenant (another user) joins it.
                Some(known) => {
                    known.roles.extend(t.roles);
                    known.groups.extend(
                        t.groups
                            .into_iter()
                            .filter(|g| !known.groups.iter().any(|k| k.id == g.id))
                            .collect::<Vec<_>>(),
                    );
                    known.users.extend(t.users);
                    known.bindings.extend(t.bindings);
                }
                None => tenants.push(t),
            }
        }
        Ok(PolicyInput { model, tenants })
    }
}

/// Policy text in its common shape, read without building a JSON tree first: for 100,000
/// bindings the tree (a B-tree node per object) was most of the time and the memory of
/// building an Authorizer. Roles, groups and users (few, and of many shapes) are still read
/// as strict JSON values by the general reader's own functions; bindings in the stored shape
/// (`type, externalId, roleId, namespaceId | namespace, id`) are read typed, borrowing the text.
///
/// It reads a subset: anything else (another binding shape, `tenantAccess`, an unknown or
/// repeated member, any error at all) answers `None` and the general reader decides, so the
/// two can never disagree on what a text means (a test compares them).
mod typed {
    use super::*;
    use crate::json::StrictValue;
    use serde::Deserialize;
    use serde::de::{self, Deserializer, MapAccess, Visitor};
    use std::borrow::Cow;

    /// A member that may be missing, `null`, or a value: the single-tenant shape is chosen by
    /// which members are present, even as `null`.
    #[derive(Default)]
    enum Member<T> {
        #[default]
        Missing,
        Null,
        Value(T),
    }

    impl<T> Member<T> {
        fn present(&self) -> bool {
            !matches!(self, Member::Missing)
        }
        fn into_value(self) -> Option<T> {
            match self {
                Member::Value(v) => Some(v),
                _ => None,
            }
        }
    }

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Member<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
            Ok(match Option::<T>::deserialize(deserializer)? {
                None => Member::Null,
                Some(v) => Member::Value(v),
            })
        }
    }

    /// A struct read from a JSON object only: serde's derived readers also take an array of
    /// the fields in order, which the general reader refuses.
    struct Obj<T>(T);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
            struct ObjVisitor<T>(std::marker::PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjVisitor<T> {
                type Value = Obj<T>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, access: A) -> std::result::Result<Self::Value, A::Error> {
                    T::deserialize(de::value::MapAccessDeserializer::new(access)).map(Obj)
                }
            }
            deserializer.deserialize_map(ObjVisitor(std::marker::PhantomData))
        }
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Document<'a> {
        #[serde(borrow, default)]
        model: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        tenants: Option<Tenants<'a>>,
        #[serde(borrow, default)]
        tenant: Option<Cow<'a, str>>,
        #[serde(default)]
        roles: Member<Vec<StrictValue>>,
        #[serde(default)]
        groups: Member<Vec<StrictValue>>,
        #[serde(default)]
        users: Member<Vec<StrictValue>>,
        #[serde(borrow, default)]
        bindings: Member<Bindings<'a>>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Tenant<'a> {
        #[serde(default)]
        roles: Option<Vec<StrictValue>>,
        #[serde(default)]
        groups: Option<Vec<StrictValue>>,
        #[serde(default)]
        users: Option<Vec<StrictValue>>,
        #[serde(borrow, default)]
        bindings: Option<Bindings<'a>>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Binding<'a> {
        #[serde(rename = "type", borrow, default)]
        kind: Option<Text<'a>>,
        #[serde(borrow, default)]
        external_id: Option<Text<'a>>,
        #[serde(borrow, default)]
        role_id: Option<Text<'a>>,
        #[serde(borrow, default)]
        namespace_id: Option<Text<'a>>,
        #[serde(borrow, default)]
        namespace: Option<Text<'a>>,
        #[serde(borrow, default)]
        id: Option<Text<'a>>,
    }

    /// A tenant's bindings, each turned into a `BindingInput` as soon as it is read (a list of
    /// raw bindings first was 20 MB more to write and copy for 100,000 of them). Their paths
    /// say `Tenant(i)` until the tenant is known to be the single-tenant shape.
    struct Bindings<'a>(Vec<BindingInput<'a>>);

    impl<'de: 'a, 'a> Deserialize<'de> for Bindings<'a> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
            struct BindingsVisitor;
            impl<'de> Visitor<'de> for BindingsVisitor {
                type Value = Bindings<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a list of bindings")
                }
                fn visit_seq<A: de::SeqAccess<'de>>(self, mut items: A) -> std::result::Result<Self::Value, A::Error> {
                    let mut out = Vec::new();
                    while let Some(Obj(b)) = items.next_element::<Obj<Binding<'de>>>()? {
                        let at = BindingPath::Tenant(out.len());
                        // Errors are the general reader's to report: this one only declines.
                        out.push(binding_input(b, at).ok_or_else(|| de::Error::custom("left to the general reader"))?);
                    }
                    Ok(Bindings(out))
                }
            }
            deserializer.deserialize_seq(BindingsVisitor)
        }
    }

    fn binding_input(b: Binding<'_>, at: BindingPath) -> Option<BindingInput<'_>> {
        let kind = binding_kind(b.kind.as_ref().map(|Text(k)| &**k), "").ok()?;
        // The general reader would look for user / group / role objects, which this shape has
        // not: an empty id is its error.
        let external_id = b.external_id.map(|Text(t)| t).filter(|s| !s.is_empty())?;
        let role_id = b.role_id.map(|Text(t)| t).filter(|s| !s.is_empty())?;
        let raw = RawBinding {
            kind,
            external_id,
            role_id,
            namespace: b.namespace_id.or(b.namespace).map(|Text(t)| t),
            id: b.id.map(|Text(t)| t),
        };
        finish_binding(raw, at, String::new).ok()
    }

    /// A string borrowed from the text when it has no escapes. (serde's own `Cow` reader
    /// always copies inside an `Option`.)
    struct Text<'a>(Cow<'a, str>);

    impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
            struct TextVisitor;
            impl<'de> Visitor<'de> for TextVisitor {
                type Value = Text<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a string")
                }
                fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> std::result::Result<Self::Value, E> {
                    Ok(Text(Cow::Borrowed(text)))
                }
                fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<Self::Value, E> {
                    Ok(Text(Cow::Owned(text.to_owned())))
                }
            }
            deserializer.deserialize_str(TextVisitor)
        }
    }

    /// `tenants`: id -> tenant, in text order; a repeated id is an error (the general reader
    /// refuses it too).
    struct Tenants<'a>(Vec<(Cow<'a, str>, Obj<Tenant<'a>>)>);

    impl<'de: 'a, 'a> Deserialize<'de> for Tenants<'a> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
            struct TenantsVisitor;
            impl<'de> Visitor<'de> for TenantsVisitor {
                type Value = Tenants<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object of tenant id -> tenant")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> std::result::Result<Self::Value, A::Error> {
                    let mut out: Vec<(Cow<'de, str>, Obj<Tenant<'de>>)> = Vec::new();
                    while let Some(key) = access.next_key::<Cow<'de, str>>()? {
                        if out.len() >= MAX_TENANTS || out.iter().any(|(k, _)| *k == key) {
                            return Err(de::Error::custom("repeated or too many tenants"));
                        }
                        out.push((key, access.next_value()?));
                    }
                    Ok(Tenants(out))
                }
            }
            deserializer.deserialize_map(TenantsVisitor)
        }
    }

    fn values(items: Option<Vec<StrictValue>>) -> Vec<Value> {
        items
            .map(|list| list.into_iter().map(|StrictValue(v)| v).collect())
            .unwrap_or_default()
    }

    fn tenant<'a>(
        id: String,
        path: &str,
        single: bool,
        parts: Tenant<'a>,
        counts: &mut Counts,
    ) -> Option<TenantInput<'a>> {
        let (roles, groups, users) = (values(parts.roles), values(parts.groups), values(parts.users));
        let mut t = tenant_without_bindings(id, path, &roles, &groups, &users).ok()?;
        t.bindings = parts.bindings.map(|Bindings(list)| list).unwrap_or_default();
        if single {
            for b in &mut t.bindings {
                if let BindingPath::Tenant(i) = b.path {
                    b.path = BindingPath::Single(i);
                }
            }
        }
        counts.add(&t).ok()?;
        Some(t)
    }

    /// The policy, or `None` when the general reader must decide.
    pub(super) fn read(text: &str) -> Option<PolicyInput<'_>> {
        let Obj(doc) = serde_json::from_str::<Obj<Document<'_>>>(text).ok()?;
        let model = model_choice(doc.model.as_deref()).ok()?;
        let mut counts = Counts::default();
        let mut tenants = Vec::new();
        let mut listed = doc.tenants.map(|t| t.0).unwrap_or_default();
        // The general reader walks a sorted map.
        listed.sort_by(|(a, _), (b, _)| a.cmp(b));
        for (id, Obj(parts)) in listed {
            let path = format!("tenants.{id}");
            tenants.push(tenant(id.into_owned(), &path, false, parts, &mut counts)?);
        }
        if doc.roles.present() || doc.groups.present() || doc.users.present() || doc.bindings.present() {
            let id = doc.tenant.as_deref().unwrap_or(SINGLE_TENANT_DEFAULT).to_owned();
            if tenants.iter().any(|t| t.id == id) {
                return None;
            }
            let parts = Tenant {
                roles: doc.roles.into_value(),
                groups: doc.groups.into_value(),
                users: doc.users.into_value(),
                bindings: doc.bindings.into_value(),
            };
            tenants.push(tenant(id, "policy", true, parts, &mut counts)?);
        }
        Some(PolicyInput { model, tenants })
    }
}
