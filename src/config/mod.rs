//! Kestra configuration: the `application.yaml` text (or an object of the same shape), read
//! the way Micronaut reads it: nested or dotted keys, and relaxed key spelling
//! (`defaultRole`, `default-role`, `default_role` are one key).

mod findings;
mod properties;
mod yaml;
#[cfg(feature = "yaml")]
mod yaml11;

use crate::error::{Error, Result};
use properties::*;
use rustc_hash::FxHashSet;
use serde_json::Value;
pub use yaml::MAX_YAML_BYTES;
use yaml::Node;

pub use findings::{Finding, FindingCode};

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
        #[cfg(feature = "yaml")]
        {
            let documents = yaml::parse(&yaml::dedent(text))?;
            Self::from_documents(&documents, placeholders)
        }
        // A build without the YAML reader (Cargo feature `yaml`) takes JSON text, a subset.
        #[cfg(not(feature = "yaml"))]
        {
            if text.len() > MAX_YAML_BYTES {
                return Err(Error::InputTooLarge {
                    what: "configuration",
                    size: text.len(),
                    max: MAX_YAML_BYTES,
                });
            }
            // Strict, as SnakeYAML reads a mapping: a repeated member is an error, never the
            // last one winning.
            match crate::json::parse_object(text.as_bytes()) {
                Ok(map) => Self::from_json_with(&Value::Object(map), placeholders),
                Err(crate::json::JsonFault::DuplicateMember) => {
                    Err(Error::config("", "the configuration repeats a member name"))
                }
                Err(_) => Err(Error::config(
                    "",
                    "this build reads the configuration as JSON (an object or its text), not YAML: pass kestraConfig as an object, or use the default build",
                )),
            }
        }
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
        // A number keeps no text of its own: a fraction, an exponent or an integer past 64 bits
        // comes back other than written (1.50 as 1.5, 1e3 as 1000.0), so where a value decides
        // access it is refused as inexact, as YAML's floats are.
        Value::Number(n) => Node::Scalar {
            text: n.to_string(),
            plain: false,
            inexact: !(n.is_i64() || n.is_u64()),
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
