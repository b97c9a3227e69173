//! The general reader: any of the policy shapes, from a JSON tree. Every error names the path
//! of the bad entry.

use super::*;
use crate::json;
use crate::rbac::namespace;
use serde_json::Map;
use std::borrow::Cow;

/// The text of a policy, read through a JSON tree.
pub(super) fn read(text: &str) -> Result<PolicyInput<'static>> {
    let map = json::parse_object(text.as_bytes()).map_err(|fault| err("", fault.describe()))?;
    PolicyInput::from_json(&Value::Object(map))
}

pub(super) fn err(path: &str, reason: impl Into<String>) -> Error {
    Error::policy(path, reason)
}

pub(super) fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>> {
    value.as_object().ok_or_else(|| err(path, "must be an object"))
}

pub(super) fn array<'a>(value: Option<&'a Value>, path: &str) -> Result<&'a [Value]> {
    match value {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(err(path, "must be an array")),
    }
}

pub(super) fn text(map: &Map<String, Value>, key: &str, path: &str) -> Result<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(err(&format!("{path}.{key}"), "must be a string")),
    }
}

pub(super) fn required_text(map: &Map<String, Value>, key: &str, path: &str) -> Result<String> {
    match text(map, key, path)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(err(&format!("{path}.{key}"), "is required")),
    }
}

pub(super) fn flag(map: &Map<String, Value>, key: &str, path: &str) -> Result<bool> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(err(&format!("{path}.{key}"), "must be true or false")),
    }
}

/// `{id}` objects or plain strings: the id.
pub(super) fn id_of(value: &Value, path: &str) -> Result<String> {
    match value {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        Value::Object(map) => required_text(map, "id", path),
        _ => Err(err(path, "must be an id string or an object with an id")),
    }
}

/// A binding's namespace: absent or `null` is "no namespace" (tenant-wide); an empty string
/// is an error, never "no namespace".
pub(super) fn checked_namespace<'a>(
    value: Option<Cow<'a, str>>,
    path: impl FnOnce() -> String,
) -> Result<Option<Cow<'a, str>>> {
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
pub(super) fn permissions(value: Option<&Value>, path: &str) -> Result<Vec<(String, Vec<String>)>> {
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

pub(super) fn role(value: &Value, path: &str) -> Result<RoleInput> {
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

pub(super) fn group(value: &Value, path: &str) -> Result<GroupInput> {
    let map = object(value, path)?;
    Ok(GroupInput {
        id: required_text(map, "id", path)?,
        name: text(map, "name", path)?,
    })
}

pub(super) fn user(value: &Value, path: &str) -> Result<UserInput> {
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

pub(super) fn binding(value: &Value, path: &str, at: BindingPath) -> Result<BindingInput<'static>> {
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

pub(super) fn binding_kind(name: Option<&str>, path: &str) -> Result<BindingKind> {
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
pub(super) fn finish_binding<'a>(
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
pub(super) struct RawBinding<'a> {
    pub(super) kind: BindingKind,
    pub(super) external_id: Cow<'a, str>,
    pub(super) role_id: Cow<'a, str>,
    pub(super) namespace: Option<Cow<'a, str>>,
    pub(super) id: Option<Cow<'a, str>>,
}

pub(super) fn tenant_id(id: &str, path: &str) -> Result<()> {
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
pub(super) fn tenant(
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

pub(super) fn tenant_without_bindings(
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
pub(super) struct Counts {
    roles: usize,
    groups: usize,
    users: usize,
    bindings: usize,
}

impl Counts {
    pub(super) fn add(&mut self, t: &TenantInput<'_>) -> Result<()> {
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
pub(super) fn tenant_access(value: &Value, path: &str, answer: usize) -> Result<TenantInput<'static>> {
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

pub(super) fn model_choice(name: Option<&str>) -> Result<ModelChoice> {
    match name {
        None | Some("auto") => Ok(ModelChoice::Auto),
        Some("crud") | Some("v1") => Ok(ModelChoice::Crud),
        Some("v2") => Ok(ModelChoice::V2),
        Some(_) => Err(err("model", "must be \"auto\", \"crud\" or \"v2\"")),
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
