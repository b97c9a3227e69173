//! Roles compiled to key sets: a policy role or the configuration's default role, read in the
//! policy's model (CRUD, or Kestra 2.0 resources and actions).

use super::catalog::{self, CRUD, INERT_NAMES, KeySet, Model, Permission, key_space};
use super::policy::RoleInput;
use super::tenant::CompiledRole;
use crate::config::{Finding, FindingCode};
use crate::error::{Error, Result, shorten};

pub(super) fn finding(code: FindingCode, path: impl Into<String>, message: impl Into<String>) -> Finding {
    Finding {
        code,
        path: path.into(),
        message: message.into(),
    }
}

/// Where a role came from, for errors and findings.
pub(super) enum RoleSource {
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

/// Folds one role's permissions into a key set under `model`. Names no Kestra version has
/// are errors; names of the other model, or actions a permission lacks, grant nothing and
/// say so in a finding.
pub(super) fn compile_role(
    permissions: &[(String, Vec<String>)],
    model: Model,
    path: &str,
    source: RoleSource,
    findings: &mut Vec<Finding>,
) -> Result<KeySet> {
    let space = key_space();
    let mut keys = KeySet::default();
    // A configuration default role written in CRUD names, in a 2.0 policy: Kestra's migration
    // expands the role it stored from it, so it is read through the same table.
    let migrated = matches!(source, RoleSource::DefaultRole) && model == Model::V2 && !uses_v2_action(permissions);
    if migrated && !permissions.is_empty() {
        findings.push(finding(
            FindingCode::DefaultRoleMigrated,
            path,
            "the default role is written in CRUD actions: in this 2.0 policy it is read through Kestra's migration table (READ -> VIEW, LIST, ...), as Kestra migrates the role it created",
        ));
    }
    for (name, actions) in permissions {
        let at = format!("{path}.{name}");
        let Some(permission) = space.permission(name) else {
            if INERT_NAMES.contains(&name.as_str()) {
                findings.push(finding(
                    FindingCode::PermissionIgnored,
                    at,
                    format!("{name} grants nothing"),
                ));
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
                FindingCode::PermissionIgnored,
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
                            FindingCode::ActionIgnored,
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
                            FindingCode::LegacyAction,
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
                            FindingCode::ActionIgnored,
                            at.clone(),
                            format!("{action_name} was removed in Kestra 2.0, so it grants nothing"),
                        )),
                        None => findings.push(finding(
                            FindingCode::ActionIgnored,
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
pub(super) fn insert_expansion(keys: &mut KeySet, permission: Permission, name: &str, crud_action: &str) {
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

pub(super) fn uses_v2_action(permissions: &[(String, Vec<String>)]) -> bool {
    permissions
        .iter()
        .flat_map(|(_, actions)| actions)
        .any(|a| !CRUD.contains(&a.as_str()) && key_space().action(a).is_some())
}

/// Actions the CRUD -> 2.0 migration wrote and 2.0 then removed.
const REMOVED_IN_V2: [&str; 2] = ["EXPORT_PLUGIN_DEFAULTS", "IMPORT_PLUGIN_DEFAULTS"];

pub(super) const IAM: [&str; 9] = [
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
pub(super) const READ_ONLY: [&str; 3] = ["READ", "VIEW", "LIST"];

pub(super) fn compile_policy_role(role: &RoleInput, model: Model, findings: &mut Vec<Finding>) -> Result<CompiledRole> {
    let keys = compile_role(
        &role.permissions,
        model,
        &format!("{}.permissions", role.path),
        RoleSource::Policy,
        findings,
    )?;
    Ok(CompiledRole::new(role.id.clone(), role.name.clone(), keys, model))
}
