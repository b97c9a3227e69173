//! Kestra configuration: the `application.yaml` text (or an object of the same shape), read
//! the way Micronaut reads it: nested or dotted keys, and relaxed key spelling
//! (`defaultRole`, `default-role`, `default_role` are one key).

mod yaml;
mod yaml11;

use crate::error::{Error, Result};
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;
pub use yaml::MAX_YAML_BYTES;
use yaml::Node;

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

/// One `micronaut.security.oauth2.clients.<name>` entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OidcClient {
    pub name: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub issuer: Option<String>,
    pub scopes: Vec<String>,
}

/// `kestra.security.defaultRole`, as written (names are checked by the RBAC layer).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DefaultRoleConfig {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Permission name -> action names, in document order.
    pub permissions: Vec<(String, Vec<String>)>,
    pub tenant_id: Option<String>,
    /// The dotted path the role was found at, for findings.
    pub path: String,
}

/// `kestra.ee.tenants`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TenantsConfig {
    pub enabled: Option<bool>,
    pub default_tenant: Option<bool>,
    pub fallback_tenant: Option<String>,
}

/// What this crate reads from a Kestra configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KestraConfig {
    pub oauth2_enabled: Option<bool>,
    pub clients: Vec<OidcClient>,
    pub default_role: Option<DefaultRoleConfig>,
    pub groups_claim_path: Option<String>,
    pub tenants: TenantsConfig,
    pub findings: Vec<Finding>,
}

/// Values for `${NAME}` / `${NAME:default}` placeholders, as Micronaut would resolve them
/// from the environment; the host passes them (option `placeholders`).
pub type Placeholders = std::collections::BTreeMap<String, String>;

/// A leaf of the flattened configuration: its key segments as written, and its node.
struct Property<'a> {
    path: Vec<&'a str>,
    node: &'a Node,
}

/// Micronaut's relaxed binding: case, `-` and `_` do not matter.
fn normalize(segment: &str) -> String {
    segment
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `segment` normalizes to `normalized`, without building the normalized text.
fn normalizes_to(segment: &str, normalized: &str) -> bool {
    if segment.is_ascii() {
        let mut wanted = normalized.bytes();
        return segment
            .bytes()
            .filter(|b| *b != b'-' && *b != b'_')
            .all(|b| wanted.next() == Some(b.to_ascii_lowercase()))
            && wanted.next().is_none();
    }
    let mut wanted = normalized.chars();
    segment
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .all(|c| wanted.next() == Some(c))
        && wanted.next().is_none()
}

/// What the flattened paths may copy, in bytes (a segment counts its length and eight): each
/// leaf holds its whole path, so a long or many-dotted key above many leaves would otherwise
/// cost its length times their number.
const MAX_FLAT_PATH_BYTES: usize = 4 * 1024 * 1024;

/// The flattened configuration, with each normalized path's last leaf indexed: reading a
/// property is a hash lookup, so a document of many keys or clients reads in linear time.
#[derive(Default)]
struct Properties<'a> {
    leaves: Vec<Property<'a>>,
    last: FxHashMap<String, usize>,
    budget: usize,
}

impl<'a> Properties<'a> {
    fn new() -> Self {
        Properties {
            budget: MAX_FLAT_PATH_BYTES,
            ..Properties::default()
        }
    }

    /// Adds a document's leaves; later ones win over earlier ones at the same path.
    fn flatten(&mut self, node: &'a Node, prefix: &mut Vec<&'a str>) -> Result<()> {
        match node {
            Node::Map(entries) => {
                for (key, value) in entries {
                    let depth = prefix.len();
                    prefix.extend(key.split('.'));
                    self.flatten(value, prefix)?;
                    prefix.truncate(depth);
                }
            }
            leaf => {
                let cost = prefix
                    .iter()
                    .map(|s| s.len().saturating_add(8))
                    .fold(0, usize::saturating_add);
                self.budget = self.budget.checked_sub(cost).ok_or_else(|| {
                    Error::config(
                        "",
                        format!(
                            "the configuration's key paths add up to more than {} MiB across its values",
                            MAX_FLAT_PATH_BYTES / (1024 * 1024)
                        ),
                    )
                })?;
                let mut key = String::with_capacity(cost);
                for (i, segment) in prefix.iter().enumerate() {
                    if i > 0 {
                        key.push('.');
                    }
                    key.extend(
                        segment
                            .chars()
                            .filter(|c| *c != '-' && *c != '_')
                            .flat_map(char::to_lowercase),
                    );
                }
                self.last.insert(key, self.leaves.len());
                self.leaves.push(Property {
                    path: prefix.clone(),
                    node: leaf,
                });
            }
        }
        Ok(())
    }

    /// Properties under `prefix` (normalized segments), with the rest of their path.
    fn under<'p>(&'p self, prefix: &'p [&'p str]) -> impl Iterator<Item = (&'p [&'a str], &'a Node)> + 'p {
        self.leaves.iter().filter_map(move |p| {
            let head = p.path.get(..prefix.len())?;
            if head.iter().zip(prefix).all(|(seg, want)| normalizes_to(seg, want)) {
                Some((p.path.get(prefix.len()..).unwrap_or_default(), p.node))
            } else {
                None
            }
        })
    }

    /// The last value written at exactly `path` (later documents and keys win, as in Micronaut).
    fn get(&self, path: &[&str]) -> Option<&'a Node> {
        let at = self.last.get(&path.join("."))?;
        self.leaves.get(*at).map(|p| p.node)
    }
}

fn dotted(path: &[&str]) -> String {
    path.join(".")
}

/// Why a value's placeholders could not be resolved, as the end of a sentence that begins
/// "the placeholder ...".
struct Unresolved {
    name: String,
    why: &'static str,
}

impl Unresolved {
    fn new(name: &str, why: &'static str) -> Self {
        Unresolved {
            name: crate::error::shorten(name),
            why,
        }
    }
    fn describe(&self) -> String {
        format!("the placeholder ${{{}}} {}", self.name, self.why)
    }
}

/// The most text one value's placeholders may expand to.
const MAX_RESOLVED_BYTES: usize = 64 * 1024;
/// What resolving every placeholder of one document may cost, in bytes scanned (each
/// placeholder counts 64 more): placeholders that expand to nothing cannot multiply work.
pub(crate) const PLACEHOLDER_WORK: usize = 4 * 1024 * 1024;

/// Resolves Micronaut placeholders (`${NAME}`, `${NAME:default}`, several in one value, a
/// placeholder in a default): from the host's `values` first (taken as they are), then from
/// the configuration's own properties (relaxed, and resolved in turn), else the default.
/// Bounded: 8 levels of nesting, 64 KiB of text, and the document's `work`.
fn resolve_placeholders(
    text: &str,
    values: &Placeholders,
    props: &Properties<'_>,
    depth: u8,
    work: &mut usize,
) -> std::result::Result<String, Unresolved> {
    *work = work
        .checked_sub(text.len().saturating_add(64))
        .ok_or_else(|| Unresolved::new("…", "takes more work to resolve than the document's placeholders may"))?;
    if !text.contains("${") {
        return Ok(text.to_owned());
    }
    if depth >= 8 {
        return Err(Unresolved::new("…", "nests more than 8 levels deep"));
    }
    let next = depth.saturating_add(1);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or_default());
        let inner = rest.get(start.saturating_add(2)..).unwrap_or_default();
        // The matching brace, counting nested `${`.
        let mut level = 1usize;
        let mut end = None;
        let bytes = inner.as_bytes();
        let mut i = 0usize;
        while i < bytes.len() {
            match bytes.get(i) {
                Some(b'$') if bytes.get(i.saturating_add(1)) == Some(&b'{') => {
                    level = level.saturating_add(1);
                    i = i.saturating_add(1);
                }
                Some(b'}') => {
                    level = level.saturating_sub(1);
                    if level == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
            i = i.saturating_add(1);
        }
        let Some(end) = end else {
            return Err(Unresolved::new(inner, "has no closing brace"));
        };
        let body = inner.get(..end).unwrap_or_default();
        let (name, default) = match body.find(':') {
            Some(colon) => (
                body.get(..colon).unwrap_or_default(),
                Some(body.get(colon.saturating_add(1)..).unwrap_or_default()),
            ),
            None => (body, None),
        };
        let name = name.trim();
        let property = {
            let path: Vec<String> = name.split('.').map(normalize).collect();
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            props.get(&path).filter(|node| !node.is_null())
        };
        if let Some(value) = values.get(name) {
            out.push_str(value);
        } else if let Some(node) = property {
            // A property Kestra reads as a number or a date has no text here to substitute.
            let value = match node.as_text() {
                Some(value) if !node.is_inexact() => value,
                _ => {
                    return Err(Unresolved::new(
                        name,
                        "names a property that is not text as Kestra reads it",
                    ));
                }
            };
            out.push_str(&resolve_placeholders(value, values, props, next, work)?);
        } else if let Some(default) = default {
            out.push_str(&resolve_placeholders(default, values, props, next, work)?);
        } else {
            return Err(Unresolved::new(name, "has no value and no default"));
        }
        if out.len() > MAX_RESOLVED_BYTES {
            return Err(Unresolved::new(name, "expands past 64 KiB"));
        }
        rest = inner.get(end.saturating_add(1)..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// What an unresolvable value does: a value that decides access is an error; one the host
/// may pass as an option instead (issuer, client id, secret) or that only names something is
/// a finding.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stakes {
    Decides,
    Overridable,
    Cosmetic,
}

impl KestraConfig {
    /// Parses `application.yaml` text. A snippet pasted with uniform indentation is accepted.
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_with(text, &Placeholders::new())
    }

    /// As `parse`, resolving `${...}` placeholders from `placeholders`.
    pub fn parse_with(text: &str, placeholders: &Placeholders) -> Result<Self> {
        let documents = yaml::parse(&yaml::dedent(text))?;
        Self::from_documents(&documents, placeholders)
    }

    /// Reads a configuration given as a JSON-shaped object (the same tree as the YAML).
    pub fn from_json(value: &Value) -> Result<Self> {
        Self::from_json_with(value, &Placeholders::new())
    }

    /// As `from_json`, resolving placeholders from `placeholders`.
    pub fn from_json_with(value: &Value, placeholders: &Placeholders) -> Result<Self> {
        Self::from_documents(&[node_from_json(value, 0)?], placeholders)
    }

    fn from_documents(documents: &[Node], placeholders: &Placeholders) -> Result<Self> {
        let mut props = Properties::new();
        for document in documents {
            match document {
                Node::Map(_) => props.flatten(document, &mut Vec::new())?,
                Node::Scalar { .. } if document.as_text().is_none() => {}
                _ => return Err(Error::config("", "the configuration must be a mapping of keys")),
            }
        }
        let mut config = KestraConfig::default();
        let mut reader = Reader {
            config: &mut config,
            placeholders,
            work: PLACEHOLDER_WORK,
        };
        reader.read_oauth2(&props)?;
        reader.read_kestra_security(&props)?;
        reader.read_tenants(&props)?;
        Ok(config)
    }
}

/// Reads the properties into a configuration, resolving placeholders.
struct Reader<'c> {
    config: &'c mut KestraConfig,
    placeholders: &'c Placeholders,
    /// What resolving placeholders may still cost (`PLACEHOLDER_WORK` for the document).
    work: usize,
}

impl Reader<'_> {
    fn finding(&mut self, code: FindingCode, path: impl Into<String>, message: impl Into<String>) {
        self.config.findings.push(Finding {
            code,
            path: path.into(),
            message: message.into(),
        });
    }

    /// A scalar's text with its placeholders resolved (`None` for null). Where the value
    /// decides access, it must read exactly as Kestra reads it: an unresolvable placeholder
    /// or a plain scalar SnakeYAML turns into a float or a date is an error; elsewhere an
    /// unresolvable one is a finding and no value.
    fn resolve(&mut self, props: &Properties<'_>, node: &Node, shown: &str, stakes: Stakes) -> Result<Option<String>> {
        let Some(value) = node.as_text() else { return Ok(None) };
        if node.is_inexact() && stakes == Stakes::Decides {
            return Err(Error::config(
                shown,
                format!(
                    "\"{}\" is read by Kestra (SnakeYAML) as a number or a date, not as this text: quote it",
                    crate::error::shorten(value)
                ),
            ));
        }
        match resolve_placeholders(value, self.placeholders, props, 0, &mut self.work) {
            Ok(text) => Ok(Some(text)),
            Err(unresolved) if stakes == Stakes::Decides => Err(Error::config(
                shown,
                format!(
                    "{}; the value decides access, so it must be read exactly (pass placeholders the host resolves in the option placeholders)",
                    unresolved.describe()
                ),
            )),
            Err(unresolved) => {
                let what = if stakes == Stakes::Overridable {
                    "pass the value to the authorizer (its option of the same name, or placeholders)"
                } else {
                    "pass its value in the placeholders option"
                };
                self.finding(
                    FindingCode::UnresolvedPlaceholder,
                    shown,
                    format!("{shown}: {}; {what}", unresolved.describe()),
                );
                Ok(None)
            }
        }
    }

    fn text(&mut self, props: &Properties<'_>, path: &[&str], shown: &str, stakes: Stakes) -> Result<Option<String>> {
        match props.get(path) {
            None => Ok(None),
            Some(Node::Seq(_) | Node::Map(_)) => Err(Error::config(shown, "must be a single value")),
            Some(node) => self.resolve(props, node, shown, stakes),
        }
    }

    fn flag(&mut self, props: &Properties<'_>, path: &[&str], shown: &str) -> Result<Option<bool>> {
        let Some(value) = self.text(props, path, shown, Stakes::Decides)? else {
            return Ok(None);
        };
        // Micronaut's conversion of text to a boolean, and YAML 1.1's words for one.
        match value.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Ok(Some(true)),
            "false" | "no" | "off" => Ok(Some(false)),
            _ => Err(Error::config(shown, "must be true or false")),
        }
    }

    /// A YAML list (each item one value), or a scalar split on commas as Micronaut converts
    /// it; placeholders resolved first.
    fn list(&mut self, props: &Properties<'_>, node: &Node, shown: &str, stakes: Stakes) -> Result<Vec<String>> {
        let mut out = Vec::new();
        match node {
            Node::Seq(items) => {
                for item in items {
                    out.extend(self.resolve(props, item, shown, stakes)?);
                }
            }
            scalar => {
                if let Some(text) = self.resolve(props, scalar, shown, stakes)? {
                    out.extend(
                        text.split(',')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned),
                    );
                }
            }
        }
        Ok(out)
    }

    fn read_oauth2(&mut self, props: &Properties<'_>) -> Result<()> {
        const CLIENTS: [&str; 4] = ["micronaut", "security", "oauth2", "clients"];
        self.config.oauth2_enabled = self.flag(
            props,
            &["micronaut", "security", "oauth2", "enabled"],
            "micronaut.security.oauth2.enabled",
        )?;
        let mut names: Vec<&str> = Vec::new();
        let mut seen: FxHashSet<String> = FxHashSet::default();
        for (rest, _) in props.under(&CLIENTS) {
            if let Some(name) = rest.first()
                && seen.insert(normalize(name))
            {
                names.push(name);
            }
        }
        for name in names {
            let key = normalize(name);
            let key = key.as_str();
            let base = format!("micronaut.security.oauth2.clients.{name}");
            let at = |leaf: &[&'static str]| -> Vec<&str> {
                let mut path: Vec<&str> = CLIENTS.to_vec();
                path.push(key);
                path.extend_from_slice(leaf);
                path
            };
            let client = OidcClient {
                name: name.to_owned(),
                client_id: self.text(
                    props,
                    &at(&["clientid"]),
                    &format!("{base}.client-id"),
                    Stakes::Overridable,
                )?,
                client_secret: self.text(
                    props,
                    &at(&["clientsecret"]),
                    &format!("{base}.client-secret"),
                    Stakes::Overridable,
                )?,
                issuer: self.text(
                    props,
                    &at(&["openid", "issuer"]),
                    &format!("{base}.openid.issuer"),
                    Stakes::Overridable,
                )?,
                scopes: match props.get(&at(&["scopes"])) {
                    Some(node) => self.list(props, node, &format!("{base}.scopes"), Stakes::Cosmetic)?,
                    None => Vec::new(),
                },
            };
            if let Some(issuer) = &client.issuer
                && let Some(problem) = issuer_shape_problem(issuer)
            {
                self.finding(FindingCode::IssuerShape, format!("{base}.openid.issuer"), problem);
            }
            self.config.clients.push(client);
        }
        if self.config.oauth2_enabled == Some(false) && !self.config.clients.is_empty() {
            self.finding(
                FindingCode::Oauth2Disabled,
                "micronaut.security.oauth2.enabled",
                "OAuth2 is disabled, so Kestra itself will not sign anyone in with these clients",
            );
        }
        Ok(())
    }

    fn read_kestra_security(&mut self, props: &Properties<'_>) -> Result<()> {
        if props.under(&["micronaut", "security", "defaultrole"]).next().is_some() {
            self.finding(
                FindingCode::DefaultRoleMisplaced,
                "micronaut.security.defaultRole",
                "defaultRole is under micronaut.security, where Kestra ignores it: move it to kestra.security.defaultRole",
            );
        }
        const ROLE: [&str; 3] = ["kestra", "security", "defaultrole"];
        // `defaultRole: ~` (or nothing under it) is no default role at all; a value in place of
        // the mapping is an error.
        if props
            .under(&ROLE)
            .any(|(rest, node)| rest.is_empty() && !node.is_null())
        {
            return Err(Error::config(
                "kestra.security.defaultRole",
                "must be a mapping with name, permissions and optionally tenant-id",
            ));
        }
        if props.under(&ROLE).any(|(rest, _)| !rest.is_empty()) {
            let mut role = DefaultRoleConfig {
                path: "kestra.security.defaultRole".into(),
                ..Default::default()
            };
            role.name = self.text(
                props,
                &["kestra", "security", "defaultrole", "name"],
                "kestra.security.defaultRole.name",
                Stakes::Cosmetic,
            )?;
            role.description = self.text(
                props,
                &["kestra", "security", "defaultrole", "description"],
                "kestra.security.defaultRole.description",
                Stakes::Cosmetic,
            )?;
            role.tenant_id = self.text(
                props,
                &["kestra", "security", "defaultrole", "tenantid"],
                "kestra.security.defaultRole.tenant-id",
                Stakes::Decides,
            )?;
            for (rest, node) in props.under(&["kestra", "security", "defaultrole", "permissions"]) {
                let [permission] = rest else {
                    return Err(Error::config(
                        format!("kestra.security.defaultRole.permissions.{}", dotted(rest)),
                        "expected a permission name mapped to a list of actions",
                    ));
                };
                let shown = format!("kestra.security.defaultRole.permissions.{permission}");
                let actions = self.list(props, node, &shown, Stakes::Decides)?;
                match role.permissions.iter_mut().find(|(name, _)| name == permission) {
                    Some((_, known)) => *known = actions,
                    None => role.permissions.push(((*permission).to_owned(), actions)),
                }
            }
            self.config.default_role = Some(role);
        }
        self.config.groups_claim_path = self.text(
            props,
            &["kestra", "security", "oidc", "groupsclaimpath"],
            "kestra.security.oidc.groups-claim-path",
            Stakes::Decides,
        )?;
        Ok(())
    }

    fn read_tenants(&mut self, props: &Properties<'_>) -> Result<()> {
        self.config.tenants.enabled = self.flag(
            props,
            &["kestra", "ee", "tenants", "enabled"],
            "kestra.ee.tenants.enabled",
        )?;
        self.config.tenants.default_tenant = self.flag(
            props,
            &["kestra", "ee", "tenants", "defaulttenant"],
            "kestra.ee.tenants.defaultTenant",
        )?;
        for (key, present) in [
            ("enabled", self.config.tenants.enabled.is_some()),
            ("defaultTenant", self.config.tenants.default_tenant.is_some()),
        ] {
            if present {
                self.finding(
                    FindingCode::TenantsKeyRemoved,
                    format!("kestra.ee.tenants.{key}"),
                    format!(
                        "Kestra 0.23 removed kestra.ee.tenants.{key} (tenants are always on; kestra.ee.tenants.fallbackTenant routes requests without one): this authorizer still honours it, Kestra does not"
                    ),
                );
            }
        }
        self.config.tenants.fallback_tenant = self.text(
            props,
            &["kestra", "ee", "tenants", "fallbacktenant"],
            "kestra.ee.tenants.fallbackTenant",
            Stakes::Decides,
        )?;
        Ok(())
    }
}

impl KestraConfig {
    /// The OIDC client to verify tokens for: the named one, else the only one.
    pub fn client(&self, name: Option<&str>) -> Result<Option<&OidcClient>> {
        match name {
            Some(name) => self
                .clients
                .iter()
                .find(|c| normalize(&c.name) == normalize(name))
                .map(Some)
                .ok_or_else(|| {
                    Error::config(
                        "micronaut.security.oauth2.clients",
                        format!("no client named \"{}\"", crate::error::shorten(name)),
                    )
                }),
            None => match self.clients.as_slice() {
                [] => Ok(None),
                [only] => Ok(Some(only)),
                _ => Err(Error::config(
                    "micronaut.security.oauth2.clients",
                    "several OIDC clients are configured: name one with the `client` option",
                )),
            },
        }
    }
}

/// A JSON-shaped configuration as the YAML tree, within the YAML reader's depth bound.
fn node_from_json(value: &Value, depth: usize) -> Result<Node> {
    if depth > yaml::MAX_DEPTH {
        return Err(Error::config(
            "",
            format!("the configuration nests deeper than {} levels", yaml::MAX_DEPTH),
        ));
    }
    let next = depth.saturating_add(1);
    Ok(match value {
        Value::Object(map) => Node::Map(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), node_from_json(v, next)?)))
                .collect::<Result<_>>()?,
        ),
        Value::Array(items) => Node::Seq(items.iter().map(|v| node_from_json(v, next)).collect::<Result<_>>()?),
        Value::String(s) => Node::text(s.clone()),
        Value::Null => Node::Scalar {
            text: String::new(),
            plain: true,
            inexact: false,
        },
        other => Node::text(other.to_string()),
    })
}

/// authentik's issuer is `<origin>/application/o/<slug>/` (per provider) or `<origin>/`
/// (global mode), always with the trailing slash; issuers are compared byte for byte.
pub(crate) fn issuer_shape_problem(issuer: &str) -> Option<String> {
    let Some(after_scheme) = issuer
        .strip_prefix("https://")
        .or_else(|| issuer.strip_prefix("http://"))
    else {
        return Some("the issuer is not an http(s) URL".into());
    };
    let path = after_scheme.find('/').and_then(|i| after_scheme.get(i..)).unwrap_or("");
    if path == "/" {
        return None;
    }
    let segments: Vec<&str> = path.split('/').collect();
    match segments.as_slice() {
        ["", "application", "o", slug, ""] if !slug.is_empty() => None,
        ["", "application", "o", slug] if !slug.is_empty() => Some(format!(
            "authentik issues tokens with the issuer \"{issuer}/\": the trailing slash is part of it and the comparison is exact"
        )),
        [""] => Some(format!(
            "authentik's global-mode issuer is \"{issuer}/\", with the trailing slash"
        )),
        _ => Some("the issuer does not look like authentik's <origin>/application/o/<slug>/".into()),
    }
}
