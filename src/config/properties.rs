//! The configuration as Micronaut sees it: a flat set of properties whose keys are compared
//! in relaxed spelling, and `${...}` placeholders resolved from the host's values, then the
//! configuration's own properties, then their defaults. Bounded in bytes and work.

use super::*;
use crate::error::{Error, Result};
use rustc_hash::FxHashMap;
use yaml::Node;

/// A leaf of the flattened configuration: its key segments as written, and its node.
pub(super) struct Property<'a> {
    path: Vec<&'a str>,
    node: &'a Node,
}

/// Micronaut's relaxed binding: case, `-` and `_` do not matter.
pub(super) fn normalize(segment: &str) -> String {
    segment
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `segment` normalizes to `normalized`, without building the normalized text.
pub(super) fn normalizes_to(segment: &str, normalized: &str) -> bool {
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
pub(super) const MAX_FLAT_PATH_BYTES: usize = 4 * 1024 * 1024;

/// The flattened configuration, with each normalized path's last leaf indexed: reading a
/// property is a hash lookup, so a document of many keys or clients reads in linear time.
#[derive(Default)]
pub(super) struct Properties<'a> {
    leaves: Vec<Property<'a>>,
    last: FxHashMap<String, usize>,
    budget: usize,
}

impl<'a> Properties<'a> {
    pub(super) fn new() -> Self {
        Properties {
            budget: MAX_FLAT_PATH_BYTES,
            ..Properties::default()
        }
    }

    /// Adds a document's leaves; later ones win over earlier ones at the same path.
    pub(super) fn flatten(&mut self, node: &'a Node, prefix: &mut Vec<&'a str>) -> Result<()> {
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
    pub(super) fn under<'p>(&'p self, prefix: &'p [&'p str]) -> impl Iterator<Item = (&'p [&'a str], &'a Node)> + 'p {
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
    pub(super) fn get(&self, path: &[&str]) -> Option<&'a Node> {
        let at = self.last.get(&path.join("."))?;
        self.leaves.get(*at).map(|p| p.node)
    }
}

pub(super) fn dotted(path: &[&str]) -> String {
    path.join(".")
}

/// Why a value's placeholders could not be resolved, as the end of a sentence that begins
/// "the placeholder ...".
pub(super) struct Unresolved {
    name: String,
    why: &'static str,
}

impl Unresolved {
    pub(super) fn new(name: &str, why: &'static str) -> Self {
        Unresolved {
            name: crate::error::shorten(name),
            why,
        }
    }
    pub(super) fn describe(&self) -> String {
        format!("the placeholder ${{{}}} {}", self.name, self.why)
    }
}

/// The most text one value's placeholders may expand to.
pub(super) const MAX_RESOLVED_BYTES: usize = 64 * 1024;
/// What resolving every placeholder of one document may cost, in bytes scanned (each
/// placeholder counts 64 more): placeholders that expand to nothing cannot multiply work.
pub(crate) const PLACEHOLDER_WORK: usize = 4 * 1024 * 1024;

/// Resolves Micronaut placeholders (`${NAME}`, `${NAME:default}`, several in one value, a
/// placeholder in a default): from the host's `values` first (taken as they are), then from
/// the configuration's own properties (relaxed, and resolved in turn), else the default.
/// Bounded: 8 levels of nesting, 64 KiB of text, and the document's `work`.
pub(super) fn resolve_placeholders(
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
