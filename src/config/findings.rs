//! Findings: what is worth an administrator's attention in a configuration or policy, but does
//! not stop it from being used.

/// A configuration finding: not fatal, but worth an admin's attention. Values that could
/// grant or narrow access are never findings: they are errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable machine code, `WARN_*`.
    pub code: FindingCode,
    /// Where in the configuration, as a dotted path.
    pub path: String,
    pub message: String,
}

/// The stable machine code of a [`Finding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingCode {
    DefaultRoleMisplaced,
    IssuerShape,
    UnresolvedPlaceholder,
    Oauth2Disabled,
    ClientSecretInUse,
    DefaultRoleIamWrite,
    DefaultRoleEmpty,
    PermissionIgnored,
    ActionIgnored,
    LegacyAction,
    DefaultRoleMigrated,
    TenantsKeyRemoved,
    BindingUserUnlisted,
    UserWithoutUsername,
    JwksPrivateKey,
    EmailUnverifiedAccepted,
}

impl FindingCode {
    /// Every code, in the order they are documented.
    pub const ALL: [FindingCode; 16] = [
        FindingCode::DefaultRoleMisplaced,
        FindingCode::IssuerShape,
        FindingCode::UnresolvedPlaceholder,
        FindingCode::Oauth2Disabled,
        FindingCode::ClientSecretInUse,
        FindingCode::DefaultRoleIamWrite,
        FindingCode::DefaultRoleEmpty,
        FindingCode::PermissionIgnored,
        FindingCode::ActionIgnored,
        FindingCode::LegacyAction,
        FindingCode::DefaultRoleMigrated,
        FindingCode::TenantsKeyRemoved,
        FindingCode::BindingUserUnlisted,
        FindingCode::UserWithoutUsername,
        FindingCode::JwksPrivateKey,
        FindingCode::EmailUnverifiedAccepted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::DefaultRoleMisplaced => "WARN_DEFAULT_ROLE_MISPLACED",
            FindingCode::IssuerShape => "WARN_ISSUER_SHAPE",
            FindingCode::UnresolvedPlaceholder => "WARN_UNRESOLVED_PLACEHOLDER",
            FindingCode::Oauth2Disabled => "WARN_OAUTH2_DISABLED",
            FindingCode::ClientSecretInUse => "WARN_CLIENT_SECRET_IN_USE",
            FindingCode::DefaultRoleIamWrite => "WARN_DEFAULT_ROLE_IAM_WRITE",
            FindingCode::DefaultRoleEmpty => "WARN_DEFAULT_ROLE_EMPTY",
            FindingCode::PermissionIgnored => "WARN_PERMISSION_IGNORED",
            FindingCode::ActionIgnored => "WARN_ACTION_IGNORED",
            FindingCode::LegacyAction => "WARN_LEGACY_ACTION",
            FindingCode::DefaultRoleMigrated => "WARN_DEFAULT_ROLE_MIGRATED",
            FindingCode::TenantsKeyRemoved => "WARN_TENANTS_KEY_REMOVED",
            FindingCode::BindingUserUnlisted => "WARN_BINDING_USER_UNLISTED",
            FindingCode::UserWithoutUsername => "WARN_USER_WITHOUT_USERNAME",
            FindingCode::JwksPrivateKey => "WARN_JWKS_PRIVATE_KEY",
            FindingCode::EmailUnverifiedAccepted => "WARN_EMAIL_UNVERIFIED_ACCEPTED",
        }
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}
