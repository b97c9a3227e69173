//! RBAC fixtures written once for two readers: the native tests (through `tests/common`) and
//! `tools/vectorgen`, which includes this file by path to write `tests/vectors/rbac.json`, so
//! the policies the Rust tests decide are the very ones the JS vectors replay. Only serde_json
//! here: the generator builds without the library.

use serde_json::{Value, json};

pub const ISSUER: &str = "https://sso.example.com/application/o/kestra/";
pub const CLIENT_ID: &str = "kestra-client";
/// The client secret: it keys every HS256 token, as authentik's `{}` JWKS leaves it to.
pub const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
/// The clock of every verification, seconds since the epoch.
pub const NOW: u64 = 1_800_000_060;
/// The user `one_tenant_policy` lists.
pub const ALICE: &str = "alice@example.com";

/// Adds the members of `extra` to `target`, replacing those of the same name. Anything but two
/// objects is left as it is, so `Value::Null` adds nothing.
pub fn merge(target: &mut Value, extra: Value) {
    if let (Value::Object(target), Value::Object(extra)) = (target, extra) {
        target.extend(extra);
    }
}

/// Authorizer options over `yaml` (may be empty) and `policy` (may be null), keyed for HS256
/// with `SECRET`; `extra` adds or replaces members.
pub fn authorizer_options(yaml: &str, policy: Value, extra: Value) -> Value {
    let mut options = json!({
        "issuer": ISSUER, "clientId": CLIENT_ID, "clientSecret": SECRET, "jwks": "{}",
        "kestraConfig": yaml, "policy": policy,
    });
    merge(&mut options, extra);
    options
}

/// The claims of an ID token for `sub`, issued a minute before `NOW` and valid four minutes
/// after it; `extra` adds or replaces claims.
pub fn id_token_claims(sub: &str, extra: Value) -> Value {
    let mut claims = json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": sub, "iat": NOW - 60, "exp": NOW + 240});
    merge(&mut claims, extra);
    claims
}

/// One tenant `main` with the given roles and bindings, group `g1` ("data-team"), and alice
/// listed in it (username and email `ALICE`), which gives her access to the tenant.
pub fn one_tenant_policy(model: &str, roles: Value, bindings: Value) -> Value {
    json!({"model": model, "tenants": {"main": {
        "roles": roles,
        "groups": [{"id": "g1", "name": "data-team"}],
        "users": [{"id": "u-alice", "username": ALICE, "email": ALICE, "groups": ["g1"]}],
        "bindings": bindings,
    }}})
}

/// Binds `role` to alice on `namespace` and below, or tenant-wide without one.
pub fn user_binding(role: &str, namespace: Option<&str>) -> Value {
    json!({"type": "USER", "externalId": "u-alice", "roleId": role, "namespaceId": namespace})
}

/// Kestra 2.0's managed Viewer role.
pub fn viewer_role() -> Value {
    json!({"id": "viewer", "name": "Viewer", "permissions": {
        "FLOW": ["VIEW", "LIST", "EXPORT"],
        "EXECUTION": ["VIEW", "LIST", "EXPORT", "ACCESS_LOGS", "ACCESS_OUTPUTS", "ACCESS_FILES", "FOLLOW"],
        "TRIGGER": ["VIEW", "LIST", "EXPORT"], "NAMESPACE": ["VIEW", "LIST"]}})
}

/// Kestra 2.0's managed Launcher role.
pub fn launcher_role() -> Value {
    json!({"id": "launcher", "name": "Launcher", "permissions": {
        "FLOW": ["VIEW", "LIST", "EXECUTE"],
        "EXECUTION": ["VIEW", "LIST", "REPLAY", "RESTART", "CHANGE_LABELS", "ACCESS_LOGS", "ACCESS_OUTPUTS", "ACCESS_FILES", "FOLLOW", "EXPORT"]}})
}

/// Row 7: group "data-team" bound tenant-wide to a role granting FLOW `action`, and no users,
/// so only the token's groups can give anyone access to the tenant.
pub fn group_only_policy(model: &str, action: &str) -> Value {
    json!({"model": model, "tenants": {"main": {
        "roles": [{"id": "r", "permissions": {"FLOW": [action]}}],
        "groups": [{"id": "g1", "name": "data-team"}],
        "bindings": [{"type": "GROUP", "externalId": "g1", "roleId": "r"}],
    }}})
}

/// Rows 12-13: the Instance Owner, `root@example.com`, with no role in any tenant.
pub fn instance_owner_policy() -> Value {
    json!({"model": "v2", "tenants": {"main": {"users": [{"id": "root", "username": "root@example.com", "superAdmin": true}]}}})
}

/// A CRUD policy that knows its user by the username "alice" (not an email) and binds its
/// groups by name and by id: "data-team" (`g-data`) reads flows, `g-ops` ("ops") reads the KV
/// store. With `yaml::REALM_GROUPS_CLAIM` and `usernameClaim` it tells which claims name whom.
pub fn username_and_groups_policy() -> Value {
    json!({"model": "crud", "tenants": {"main": {
        "roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}, {"id": "k", "permissions": {"KVSTORE": ["READ"]}}],
        "groups": [{"id": "g-data", "name": "data-team"}, {"id": "g-ops", "name": "ops"}],
        "users": [{"id": "u1", "username": "alice"}],
        "bindings": [
            {"type": "GROUP", "externalId": "g-data", "roleId": "r"},
            {"type": "GROUP", "externalId": "g-ops", "roleId": "k"},
        ],
    }}})
}

/// The permissions the authentik guide's default role grants, in its order, each with
/// CREATE, READ, UPDATE and DELETE.
pub const GUIDE_ROLE_PERMISSIONS: [&str; 12] = [
    "NAMESPACE",
    "ROLE",
    "GROUP",
    "EXECUTION",
    "AUDITLOG",
    "USER",
    "BINDING",
    "FLOW",
    "SECRET",
    "BLUEPRINT",
    "INFRASTRUCTURE",
    "KVSTORE",
];

/// The authentik guide's configuration (its Micronaut and Kestra snippets joined) with its
/// placeholders filled: the client's id and secret, and the issuer in place of the guide's
/// local authentik.
pub fn guide_yaml(client_id: &str, client_secret: &str, issuer: &str) -> String {
    include_str!("../fixtures/kestra/guide-joined.yaml")
        .replace("CLIENT_ID", client_id)
        .replace("CLIENT_SECRET", client_secret)
        .replace("http://localhost:9000/application/o/kestra/", issuer)
}

/// Kestra configurations the scenarios share.
pub mod yaml {
    /// Groups from the token's `groups` claim.
    pub const GROUPS_CLAIM: &str = "kestra.security.oidc.groups-claim-path: groups\n";
    /// Groups from the token's `realm.groups` claim.
    pub const REALM_GROUPS_CLAIM: &str = "kestra.security.oidc.groups-claim-path: realm.groups\n";
    /// Row 33: a default role `viewer` reading flows, for users the policy does not list.
    pub const DEFAULT_VIEWER: &str =
        "kestra.security.default-role:\n  name: viewer\n  permissions:\n    FLOW: [READ]\n";
    /// The same default role, in tenant `main` only.
    pub const DEFAULT_VIEWER_IN_MAIN: &str =
        "kestra.security.default-role:\n  name: viewer\n  tenant-id: main\n  permissions:\n    FLOW: [READ]\n";
    /// A default role `r` reading flows, in dotted keys.
    pub const DEFAULT_FLOW_READER: &str =
        "kestra.security.default-role.name: r\nkestra.security.default-role.permissions.FLOW: READ\n";

    /// `DEFAULT_FLOW_READER` with tenants on and no default tenant: a request needs a tenant.
    pub fn tenant_required() -> String {
        format!("{DEFAULT_FLOW_READER}kestra.ee.tenants.enabled: true\nkestra.ee.tenants.defaultTenant: false\n")
    }

    /// `tenant_required()` with requests without a tenant routed to `prod`.
    pub fn fallback_tenant() -> String {
        format!("{}kestra.ee.tenants.fallbackTenant: prod\n", tenant_required())
    }
}
