//! Compiling configuration and policy once: the model chosen, the default role read and
//! linted, each tenant indexed (roles, groups, users, bindings into grant tables), the tenant
//! settings read. Everything a decision needs is resolved here, so a decision only looks up.

use super::catalog::{KeySet, Model};
use super::policy::{BindingKind, ModelChoice, PolicyInput, TenantInput, valid_tenant};
use super::roles::{IAM, READ_ONLY, RoleSource, compile_policy_role, compile_role, finding, uses_v2_action};
use super::tenant::{BindingMeta, Grants, KeySetPool, TenantIndex};
use crate::config::{Finding, FindingCode, KestraConfig};
use crate::error::{Error, Result, shorten};
use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

/// Options of the RBAC layer that are not in Kestra's configuration.
#[derive(Debug, Clone, Default)]
pub struct RbacOptions {
    /// `auto` (default), `crud` or `v2`; overrides the policy's own `model`.
    pub model: Option<ModelChoice>,
    /// The claim that holds the Kestra username. Default `email`, as Kestra's OIDC login
    /// names users by their email unless configured otherwise.
    pub username_claim: Option<String>,
    /// The tenant of requests that name none when tenants are optional. Default: the
    /// policy's only tenant, else `main`.
    pub default_tenant: Option<String>,
    /// Refuse tokens whose `email_verified` is not `true` when the username is the email.
    /// Default `false`.
    pub require_verified_email: bool,
}

/// The default role from `kestra.security.defaultRole`.
#[derive(Debug, Clone)]
pub(crate) struct DefaultRole {
    pub(crate) name: String,
    pub(crate) keys: KeySet,
    pub(crate) tenant: Option<String>,
    /// Written in CRUD names in a 2.0 policy: read through the migration table, so a change
    /// to it is written in CRUD names too.
    #[cfg_attr(not(feature = "audit"), allow(dead_code))]
    pub(crate) migrated: bool,
}

/// A policy user as a token may reach them: through their username only.
#[derive(Debug, Clone)]
pub(crate) struct UserIdentity {
    pub(crate) id: String,
    pub(crate) instance_owner: bool,
}

/// The compiled policy a principal was resolved against: principals carry it, and a policy
/// refuses the slots of any other, which would name other users and groups. Compared by
/// address, kept alive by each holder, so no two live policies share one.
#[derive(Debug, Default)]
pub(crate) struct PolicyStamp;

/// Configuration and policy, compiled once.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    pub(crate) model: Model,
    pub(crate) tenants: FxHashMap<String, TenantIndex>,
    pub(crate) default_role: Option<DefaultRole>,
    pub(crate) tenants_required: bool,
    pub(crate) fallback_tenant: Option<String>,
    pub(crate) default_tenant: String,
    pub(crate) groups_claim_path: Option<Vec<String>>,
    pub(crate) username_claim: String,
    /// Policy users by username, the only name a token's identity is matched against.
    pub(crate) users_by_username: FxHashMap<String, UserIdentity>,
    pub(crate) findings: Vec<Finding>,
    pub(crate) stamp: Arc<PolicyStamp>,
}

/// Who the policy's users are, across tenants: built tenant by tenant, so that one user id
/// has one username everywhere and one username one user id.
#[derive(Default)]
struct Identities<'p> {
    by_username: FxHashMap<String, UserIdentity>,
    username_of_id: FxHashMap<&'p str, Option<&'p str>>,
}

impl CompiledPolicy {
    /// Compiles the Kestra configuration (default role, groups claim, tenants) and an
    /// optional policy. With no policy every verified user has the default role.
    pub fn compile(config: &KestraConfig, policy: Option<&PolicyInput<'_>>, options: &RbacOptions) -> Result<Self> {
        let mut findings = Vec::new();
        let model = choose_model(config, policy, options);
        let default_role = compile_default_role(config, model, &mut findings)?;
        let mut tenants = FxHashMap::default();
        let mut identities = Identities::default();
        for input in policy.map(|p| p.tenants.as_slice()).unwrap_or_default() {
            let mut index = index_tenant(input, model, &mut identities, &mut findings)?;
            index.slot = tenants.len();
            tenants.insert(input.id.clone(), index);
        }
        lint_users(&tenants, &identities, policy, &mut findings);

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
            users_by_username: identities.by_username,
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
}

/// The model: the one asked for, else 2.0 when any role (or the default role) uses a 2.0
/// action, else CRUD.
fn choose_model(config: &KestraConfig, policy: Option<&PolicyInput<'_>>, options: &RbacOptions) -> Model {
    match options.model.or(policy.map(|p| p.model)).unwrap_or(ModelChoice::Auto) {
        ModelChoice::Crud => Model::Crud,
        ModelChoice::V2 => Model::V2,
        ModelChoice::Auto => {
            let default_v2 = config
                .default_role
                .as_ref()
                .is_some_and(|r| uses_v2_action(&r.permissions));
            let any_v2 = default_v2
                || policy
                    .into_iter()
                    .flat_map(|p| p.tenants.iter())
                    .flat_map(|t| t.roles.iter())
                    .any(|r| uses_v2_action(&r.permissions));
            if any_v2 { Model::V2 } else { Model::Crud }
        }
    }
}

/// `kestra.security.defaultRole`, compiled in `model` and linted: a default role that lets
/// every SSO user change access control, or one that grants nothing, is worth a finding.
fn compile_default_role(
    config: &KestraConfig,
    model: Model,
    findings: &mut Vec<Finding>,
) -> Result<Option<DefaultRole>> {
    let Some(role) = &config.default_role else {
        return Ok(None);
    };
    let keys = compile_role(
        &role.permissions,
        model,
        &format!("{}.permissions", role.path),
        RoleSource::DefaultRole,
        findings,
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
        .filter(|(p, actions)| IAM.contains(&p.as_str()) && actions.iter().any(|a| !READ_ONLY.contains(&a.as_str())))
        .map(|(p, _)| p.as_str())
        .collect();
    if !iam_write.is_empty() {
        findings.push(finding(
            FindingCode::DefaultRoleIamWrite,
            format!("{}.permissions", role.path),
            format!(
                "the default role lets every SSO user change access control ({}): any new user can grant themselves anything",
                iam_write.join(", ")
            ),
        ));
    }
    if keys.is_empty() {
        findings.push(finding(
            FindingCode::DefaultRoleEmpty,
            role.path.clone(),
            "the default role grants nothing",
        ));
    }
    Ok(Some(DefaultRole {
        name: role.name.clone().unwrap_or_else(|| "default role".into()),
        keys,
        tenant: role.tenant_id.clone(),
        migrated: model == Model::V2 && !uses_v2_action(&role.permissions),
    }))
}

/// One tenant's index: its roles, groups and users, then every binding folded into the grant
/// tables of the user or group it names.
fn index_tenant<'p>(
    input: &'p TenantInput<'_>,
    model: Model,
    identities: &mut Identities<'p>,
    findings: &mut Vec<Finding>,
) -> Result<TenantIndex> {
    let mut index = TenantIndex::default();
    index.bindings.reserve(input.bindings.len());
    // Room for every id; eight bytes for each `#<index>`.
    let id_bytes = input.bindings.iter().map(|b| b.id.as_deref().map_or(8, str::len));
    index.binding_ids.reserve(id_bytes.fold(0, usize::saturating_add));
    let role_by_id = index_roles(&mut index, input, model, findings)?;
    index_groups(&mut index, input)?;
    index_users(&mut index, input, identities)?;
    index_bindings(&mut index, input, &role_by_id)?;
    let mut key_sets = KeySetPool::default();
    for grants in index.user_grants.iter_mut().chain(index.group_grants.iter_mut()) {
        grants.finish(&index.roles, &index.namespaces, &mut key_sets);
    }
    let key_sets = key_sets.into_shared();
    for grants in index.user_grants.iter_mut().chain(index.group_grants.iter_mut()) {
        grants.namespaces.key_sets = Arc::clone(&key_sets);
    }
    Ok(index)
}

/// The tenant's roles, compiled; answers each role's place by id. At most one may be the
/// tenant's default (`isDefault`), as Kestra keeps one.
fn index_roles<'p>(
    index: &mut TenantIndex,
    input: &'p TenantInput<'_>,
    model: Model,
    findings: &mut Vec<Finding>,
) -> Result<FxHashMap<&'p str, usize>> {
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
        index.roles.push(compile_policy_role(role, model, findings)?);
    }
    Ok(role_by_id)
}

/// The tenant's groups, by id (unique) and by name (not necessarily).
fn index_groups(index: &mut TenantIndex, input: &TenantInput<'_>) -> Result<()> {
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
    Ok(())
}

/// The tenant's users (listed: they have access to it) and their group memberships.
fn index_users<'p>(index: &mut TenantIndex, input: &'p TenantInput<'_>, identities: &mut Identities<'p>) -> Result<()> {
    for (u, user) in input.users.iter().enumerate() {
        let slot = index.user_slot(&user.id);
        if index.user_listed.get(slot).copied().unwrap_or(false) {
            return Err(Error::policy(
                format!("tenants.{}.users[{u}].id", input.id),
                format!("user id \"{}\" is listed twice in the tenant", shorten(&user.id)),
            ));
        }
        // One user id, one username, across every tenant (and every tenant-access answer):
        // two would let a second username reach the first one's bindings.
        match identities.username_of_id.entry(user.id.as_str()) {
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
            let identity = identities
                .by_username
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
    Ok(())
}

/// Every binding, folded into the grants of the user or group it names.
fn index_bindings(index: &mut TenantIndex, input: &TenantInput<'_>, role_by_id: &FxHashMap<&str, usize>) -> Result<()> {
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
        let user = match group {
            Some(_) => None,
            // A user binding names the user by id: it reaches whoever has that id, never a
            // token whose username happens to equal it.
            None => Some(index.user_slot(&binding.external_id)),
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
            user,
        });
        let grants = match (group, user) {
            (Some(g), _) => index.group_grants.get_mut(g),
            (None, Some(u)) => index.user_grants.get_mut(u),
            (None, None) => None,
        };
        if let (Some(grants), Some(compiled)) = (grants, index.roles.get(role)) {
            grants.add(compiled, role, b, ns);
        }
    }
    Ok(())
}

/// Findings about users no token can be: user ids bindings name that no tenant lists (read
/// after every tenant, since a user listed in one tenant may be bound in another), and users
/// without a username.
fn lint_users(
    tenants: &FxHashMap<String, TenantIndex>,
    identities: &Identities<'_>,
    policy: Option<&PolicyInput<'_>>,
    findings: &mut Vec<Finding>,
) {
    let mut unlisted = tenants
        .values()
        .flat_map(|index| index.user_by_id.keys())
        .filter(|id| !identities.username_of_id.contains_key(id.as_str()));
    if let Some(id) = unlisted.next() {
        let more = unlisted.count();
        findings.push(finding(
            FindingCode::BindingUserUnlisted,
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
            FindingCode::UserWithoutUsername,
            "users",
            format!(
                "user \"{}\" has no username, so no token can be them (tokens are matched to users by username only)",
                shorten(&user.id)
            ),
        ));
    }
}
