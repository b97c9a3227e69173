//! Kestra configuration: the `application.yaml` text (or an object of the same shape), read
//! the way Micronaut reads it: nested or dotted keys, and relaxed key spelling
//! (`defaultRole`, `default-role`, `default_role` are one key).

mod yaml;

use crate::error::{Error, Result};
use serde_json::Value;
pub use yaml::MAX_YAML_BYTES;
use yaml::Node;

/// A configuration finding: not fatal, but worth an admin's attention (decision 20).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable machine code, `WARN_*`.
    pub code: &'static str,
    /// Where in the configuration, as a dotted path.
    pub path: String,
    pub message: String,
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

fn flatten<'a>(node: &'a Node, prefix: &mut Vec<&'a str>, out: &mut Vec<Property<'a>>) {
    match node {
        Node::Map(entries) => {
            for (key, value) in entries {
                let depth = prefix.len();
                prefix.extend(key.split('.'));
                flatten(value, prefix, out);
                prefix.truncate(depth);
            }
        }
        leaf => out.push(Property {
            path: prefix.clone(),
            node: leaf,
        }),
    }
}

struct Properties<'a>(Vec<Property<'a>>);

impl<'a> Properties<'a> {
    /// Properties under `prefix` (normalized segments), with the rest of their path.
    fn under<'p>(&'p self, prefix: &'p [&'p str]) -> impl Iterator<Item = (&'p [&'a str], &'a Node)> + 'p {
        self.0.iter().filter_map(move |p| {
            let head = p.path.get(..prefix.len())?;
            if head.iter().zip(prefix).all(|(seg, want)| normalize(seg) == *want) {
                Some((p.path.get(prefix.len()..).unwrap_or_default(), p.node))
            } else {
                None
            }
        })
    }

    /// The last value written at exactly `path` (later documents and keys win, as in Micronaut).
    fn get(&self, path: &[&str]) -> Option<&'a Node> {
        self.under(path)
            .filter(|(rest, _)| rest.is_empty())
            .map(|(_, node)| node)
            .last()
    }
}

fn dotted(path: &[&str]) -> String {
    path.join(".")
}

impl KestraConfig {
    /// Parses `application.yaml` text. A snippet pasted with uniform indentation is accepted.
    pub fn parse(text: &str) -> Result<Self> {
        let documents = yaml::parse(&yaml::dedent(text))?;
        Self::from_documents(&documents)
    }

    /// Reads a configuration given as a JSON-shaped object (the same tree as the YAML).
    pub fn from_json(value: &Value) -> Result<Self> {
        Self::from_documents(&[node_from_json(value)])
    }

    fn from_documents(documents: &[Node]) -> Result<Self> {
        let mut leaves = Vec::new();
        for document in documents {
            match document {
                Node::Map(_) => flatten(document, &mut Vec::new(), &mut leaves),
                Node::Scalar { .. } if document.as_text().is_none() => {}
                _ => return Err(Error::config("", "the configuration must be a mapping of keys")),
            }
        }
        let props = Properties(leaves);
        let mut config = KestraConfig::default();
        config.read_oauth2(&props)?;
        config.read_kestra_security(&props)?;
        config.read_tenants(&props)?;
        Ok(config)
    }

    fn text(&mut self, props: &Properties<'_>, path: &[&str], shown: &str) -> Option<String> {
        let value = props.get(path)?.as_text()?;
        if value.contains("${") {
            self.findings.push(Finding {
                code: "WARN_UNRESOLVED_PLACEHOLDER",
                path: shown.to_owned(),
                message: format!(
                    "{shown} is a placeholder that only Kestra can resolve; pass the value to the authorizer instead"
                ),
            });
            return None;
        }
        Some(value.to_owned())
    }

    fn flag(&mut self, props: &Properties<'_>, path: &[&str], shown: &str) -> Result<Option<bool>> {
        let Some(value) = self.text(props, path, shown) else {
            return Ok(None);
        };
        match value.to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(Error::config(shown, "must be true or false")),
        }
    }

    fn read_oauth2(&mut self, props: &Properties<'_>) -> Result<()> {
        const OAUTH2: [&str; 3] = ["micronaut", "security", "oauth2"];
        self.oauth2_enabled = self.flag(
            props,
            &["micronaut", "security", "oauth2", "enabled"],
            "micronaut.security.oauth2.enabled",
        )?;
        let mut names: Vec<&str> = Vec::new();
        for (rest, _) in props.under(&["micronaut", "security", "oauth2", "clients"]) {
            if let Some(name) = rest.first()
                && !names.iter().any(|known| normalize(known) == normalize(name))
            {
                names.push(name);
            }
        }
        for name in names {
            let key = normalize(name);
            let key = key.as_str();
            let base = format!("micronaut.security.oauth2.clients.{name}");
            let client = OidcClient {
                name: name.to_owned(),
                client_id: self.text(
                    props,
                    &[OAUTH2[0], OAUTH2[1], OAUTH2[2], "clients", key, "clientid"],
                    &format!("{base}.client-id"),
                ),
                client_secret: self.text(
                    props,
                    &[OAUTH2[0], OAUTH2[1], OAUTH2[2], "clients", key, "clientsecret"],
                    &format!("{base}.client-secret"),
                ),
                issuer: self.text(
                    props,
                    &[OAUTH2[0], OAUTH2[1], OAUTH2[2], "clients", key, "openid", "issuer"],
                    &format!("{base}.openid.issuer"),
                ),
                scopes: props
                    .get(&[OAUTH2[0], OAUTH2[1], OAUTH2[2], "clients", key, "scopes"])
                    .map(string_list)
                    .unwrap_or_default(),
            };
            if let Some(issuer) = &client.issuer
                && let Some(problem) = issuer_shape_problem(issuer)
            {
                self.findings.push(Finding {
                    code: "WARN_ISSUER_SHAPE",
                    path: format!("{base}.openid.issuer"),
                    message: problem,
                });
            }
            self.clients.push(client);
        }
        if self.oauth2_enabled == Some(false) && !self.clients.is_empty() {
            self.findings.push(Finding {
                code: "WARN_OAUTH2_DISABLED",
                path: "micronaut.security.oauth2.enabled".into(),
                message: "OAuth2 is disabled, so Kestra itself will not sign anyone in with these clients".into(),
            });
        }
        Ok(())
    }

    fn read_kestra_security(&mut self, props: &Properties<'_>) -> Result<()> {
        if props.under(&["micronaut", "security", "defaultrole"]).next().is_some() {
            self.findings.push(Finding {
                code: "WARN_DEFAULT_ROLE_MISPLACED",
                path: "micronaut.security.defaultRole".into(),
                message: "defaultRole is under micronaut.security, where Kestra ignores it: move it to kestra.security.defaultRole".into(),
            });
        }
        const ROLE: [&str; 3] = ["kestra", "security", "defaultrole"];
        if props.under(&ROLE).next().is_some() {
            let mut role = DefaultRoleConfig {
                path: "kestra.security.defaultRole".into(),
                ..Default::default()
            };
            role.name = self.text(
                props,
                &["kestra", "security", "defaultrole", "name"],
                "kestra.security.defaultRole.name",
            );
            role.description = self.text(
                props,
                &["kestra", "security", "defaultrole", "description"],
                "kestra.security.defaultRole.description",
            );
            role.tenant_id = self.text(
                props,
                &["kestra", "security", "defaultrole", "tenantid"],
                "kestra.security.defaultRole.tenant-id",
            );
            for (rest, node) in props.under(&["kestra", "security", "defaultrole", "permissions"]) {
                let [permission] = rest else {
                    return Err(Error::config(
                        format!("kestra.security.defaultRole.permissions.{}", dotted(rest)),
                        "expected a permission name mapped to a list of actions",
                    ));
                };
                let actions = string_list(node);
                match role.permissions.iter_mut().find(|(name, _)| name == permission) {
                    Some((_, known)) => *known = actions,
                    None => role.permissions.push(((*permission).to_owned(), actions)),
                }
            }
            self.default_role = Some(role);
        }
        self.groups_claim_path = self.text(
            props,
            &["kestra", "security", "oidc", "groupsclaimpath"],
            "kestra.security.oidc.groups-claim-path",
        );
        Ok(())
    }

    fn read_tenants(&mut self, props: &Properties<'_>) -> Result<()> {
        self.tenants.enabled = self.flag(
            props,
            &["kestra", "ee", "tenants", "enabled"],
            "kestra.ee.tenants.enabled",
        )?;
        self.tenants.default_tenant = self.flag(
            props,
            &["kestra", "ee", "tenants", "defaulttenant"],
            "kestra.ee.tenants.defaultTenant",
        )?;
        self.tenants.fallback_tenant = self.text(
            props,
            &["kestra", "ee", "tenants", "fallbacktenant"],
            "kestra.ee.tenants.fallbackTenant",
        );
        Ok(())
    }

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

/// A YAML list, or a comma-separated scalar as Micronaut converts it.
fn string_list(node: &Node) -> Vec<String> {
    match node {
        Node::Seq(items) => items.iter().filter_map(Node::as_text).map(str::to_owned).collect(),
        scalar => scalar
            .as_text()
            .map(|text| {
                text.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn node_from_json(value: &Value) -> Node {
    match value {
        Value::Object(map) => Node::Map(map.iter().map(|(k, v)| (k.clone(), node_from_json(v))).collect()),
        Value::Array(items) => Node::Seq(items.iter().map(node_from_json).collect()),
        Value::String(s) => Node::Scalar {
            text: s.clone(),
            plain: false,
        },
        Value::Null => Node::Scalar {
            text: String::new(),
            plain: true,
        },
        other => Node::Scalar {
            text: other.to_string(),
            plain: true,
        },
    }
}

/// authentik's issuer is `<origin>/application/o/<slug>/` (per provider) or `<origin>/`
/// (global mode), always with the trailing slash (decision 6).
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
