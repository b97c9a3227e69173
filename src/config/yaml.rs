//! YAML to a small tree, from saphyr-parser's events, read as SnakeYAML (Micronaut's reader)
//! reads it: merge keys (`<<`) applied with explicit keys winning, YAML 1.1 booleans
//! (`yes`, `on`, ...) and integers (`0x1A`, `010` octal, `1_000`) turned into the text
//! Micronaut would see (`true`, `26`, `8`, `1000`), `!!str` kept as written, and any other tag
//! refused. Building the tree ourselves bounds what hostile input can cost: text size, the
//! depth of the tree *as expanded* by aliases, and the number of nodes aliases may expand to.
//! Every step is linear in the text: keys are checked for repeats with a set, and anchors
//! remember their expanded size and height.

use crate::error::{Error, Result};
use rustc_hash::{FxHashMap, FxHashSet};
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use std::borrow::Cow;

pub const MAX_YAML_BYTES: usize = 256 * 1024;
/// The deepest tree, counted after aliases are expanded.
pub(crate) const MAX_DEPTH: usize = 64;
const MAX_NODES: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// A scalar's text; `plain` is false for quoted and block scalars and for `!!str`.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Entries in document order, keys as written (merged keys after them).
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The text of a scalar, or `None` for plain `null` / `~` / empty and for collections.
    pub(crate) fn as_text(&self) -> Option<&str> {
        match self {
            Node::Scalar { text, plain: true } if is_null(text) => None,
            Node::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A plain null scalar (`~`, `null`, nothing).
    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Node::Scalar { text, plain: true } if is_null(text))
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// A finished node with what an alias to it costs: its node count and its height.
#[derive(Clone)]
struct Built {
    node: Node,
    size: usize,
    height: usize,
}

enum Pending {
    None,
    Key(String),
    Merge,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        anchor: usize,
        size: usize,
        height: usize,
    },
    Map {
        entries: Vec<(String, Node)>,
        keys: FxHashSet<String>,
        merges: Vec<Node>,
        pending: Pending,
        anchor: usize,
        size: usize,
        height: usize,
    },
}

struct Builder {
    stack: Vec<Frame>,
    anchors: FxHashMap<usize, Built>,
    documents: Vec<Node>,
    nodes: usize,
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::config("", reason)
}

/// How a tag makes a scalar read: as written (`!!str`), or resolved as a plain scalar would be.
fn scalar_tag(tag: Option<&Tag>) -> Result<bool> {
    match tag {
        None => Ok(true),
        Some(tag) if tag.is_yaml_core_schema() => match tag.suffix.as_str() {
            "str" => Ok(false),
            "bool" | "int" | "float" | "null" => Ok(true),
            other => Err(invalid(format!(
                "the tag !!{} is not supported here",
                crate::error::shorten(other)
            ))),
        },
        // `! text` is the non-specific tag: a string.
        Some(tag) if tag.handle == "!" && tag.suffix.is_empty() => Ok(false),
        Some(tag) => Err(invalid(format!(
            "the tag {} is not supported (SnakeYAML would refuse it or build an object from it)",
            crate::error::shorten(&tag.to_string())
        ))),
    }
}

fn collection_tag(tag: Option<&Tag>, expected: &str) -> Result<()> {
    match tag {
        None => Ok(()),
        Some(tag) if tag.is_yaml_core_schema() && tag.suffix == expected => Ok(()),
        Some(tag) => Err(invalid(format!(
            "the tag {} is not supported here",
            crate::error::shorten(&tag.to_string())
        ))),
    }
}

/// What SnakeYAML's YAML 1.1 resolver makes of a plain scalar, as the text Micronaut then
/// reads: booleans as `true` / `false`, integers in decimal. Anything else as written.
fn resolve_plain(text: Cow<'_, str>) -> String {
    const TRUE: [&str; 9] = ["yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"];
    const FALSE: [&str; 9] = ["no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"];
    if TRUE.contains(&&*text) {
        return "true".into();
    }
    if FALSE.contains(&&*text) {
        return "false".into();
    }
    yaml11_integer(&text).unwrap_or_else(|| text.into_owned())
}

/// A YAML 1.1 integer (`0b1010`, `012` octal, `0x1A`, `1_000`, signed) in decimal; `None` for
/// anything else (sexagesimal `1:30` is left as written: no Kestra value is one).
fn yaml11_integer(text: &str) -> Option<String> {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0b") {
        (2, d)
    } else if let Some(d) = body.strip_prefix("0x") {
        (16, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, body.get(1..)?)
    } else {
        (10, body)
    };
    if digits.is_empty() || (radix == 10 && digits.starts_with('_')) {
        return None;
    }
    let mut value: u128 = 0;
    let mut any = false;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(radix)?;
        value = value.checked_mul(u128::from(radix))?.checked_add(u128::from(d))?;
        any = true;
    }
    if !any {
        return None;
    }
    let mut out = String::new();
    if negative && value != 0 {
        out.push('-');
    }
    out.push_str(&value.to_string());
    Some(out)
}

impl Builder {
    fn count(&mut self, n: usize) -> Result<()> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(invalid(format!("the YAML expands to more than {MAX_NODES} nodes")));
        }
        Ok(())
    }

    /// Attaches a finished node to its parent (or as a document). `key_plain` tells whether a
    /// scalar that becomes a key was plain (only a plain `<<` is a merge key).
    fn push(&mut self, built: Built, key_plain: bool) -> Result<()> {
        // The tree stays within MAX_DEPTH levels however aliases expand it.
        if self.stack.len().saturating_add(built.height) > MAX_DEPTH {
            return Err(invalid(format!(
                "the YAML nests deeper than {MAX_DEPTH} levels once its aliases are expanded"
            )));
        }
        let Built { node, size, height } = built;
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Seq {
                items,
                size: total,
                height: tallest,
                ..
            }) => {
                items.push(node);
                *total = total.saturating_add(size);
                *tallest = (*tallest).max(height);
            }
            Some(Frame::Map {
                entries,
                keys,
                merges,
                pending,
                size: total,
                height: tallest,
                ..
            }) => {
                *total = total.saturating_add(size);
                *tallest = (*tallest).max(height);
                match std::mem::replace(pending, Pending::None) {
                    Pending::None => match node {
                        Node::Scalar { text, .. } if key_plain && text == "<<" => *pending = Pending::Merge,
                        Node::Scalar { text, .. } => {
                            if !keys.insert(text.clone()) {
                                return Err(invalid(format!("duplicate key \"{}\"", crate::error::shorten(&text))));
                            }
                            *pending = Pending::Key(text);
                        }
                        _ => return Err(invalid("a mapping key must be a scalar")),
                    },
                    Pending::Key(key) => entries.push((key, node)),
                    Pending::Merge => match node {
                        Node::Map(_) => merges.push(node),
                        Node::Seq(items) if items.iter().all(|i| matches!(i, Node::Map(_))) => merges.extend(items),
                        _ => return Err(invalid("a merge key (<<) must name a mapping or a list of mappings")),
                    },
                }
            }
        }
        Ok(())
    }

    /// Keeps an anchored node for its aliases. The copy counts against the node bound like an
    /// alias's does, so nested anchors cannot make copying cost more than the bound.
    fn remember(&mut self, anchor: usize, built: &Built) -> Result<()> {
        if anchor != 0 {
            self.count(built.size)?;
            self.anchors.insert(anchor, built.clone());
        }
        Ok(())
    }
}

/// Applies a mapping's merges as SnakeYAML does: a key written in the mapping wins over a
/// merged one, and an earlier merged mapping wins over a later one.
fn merged(mut entries: Vec<(String, Node)>, mut keys: FxHashSet<String>, merges: Vec<Node>) -> Node {
    for source in merges {
        if let Node::Map(source) = source {
            for (key, value) in source {
                if keys.insert(key.clone()) {
                    entries.push((key, value));
                }
            }
        }
    }
    Node::Map(entries)
}

/// Parses YAML text into its documents.
pub(crate) fn parse(text: &str) -> Result<Vec<Node>> {
    if text.len() > MAX_YAML_BYTES {
        return Err(Error::InputTooLarge {
            what: "Kestra configuration",
            size: text.len(),
            max: MAX_YAML_BYTES,
        });
    }
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder {
        stack: Vec::new(),
        anchors: FxHashMap::default(),
        documents: Vec::new(),
        nodes: 0,
    };
    while let Some(event) = parser.next_event() {
        let (event, _span) = event.map_err(|e| {
            Error::config(
                format!(
                    "line {}, column {}",
                    e.marker().line(),
                    e.marker().col().saturating_add(1)
                ),
                e.info().to_owned(),
            )
        })?;
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                b.count(1)?;
                let plain = style == ScalarStyle::Plain && scalar_tag(tag.as_deref())?;
                let text = if plain && value != "<<" {
                    resolve_plain(value)
                } else {
                    value.into_owned()
                };
                let built = Built {
                    node: Node::Scalar { text, plain },
                    size: 1,
                    height: 1,
                };
                b.remember(anchor, &built)?;
                b.push(built, plain)?;
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(invalid(format!("the YAML nests deeper than {MAX_DEPTH} levels")));
                }
                b.count(1)?;
                let is_seq = matches!(event, Event::SequenceStart(..));
                collection_tag(tag.as_deref(), if is_seq { "seq" } else { "map" })?;
                b.stack.push(if is_seq {
                    Frame::Seq {
                        items: Vec::new(),
                        anchor,
                        size: 1,
                        height: 0,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        keys: FxHashSet::default(),
                        merges: Vec::new(),
                        pending: Pending::None,
                        anchor,
                        size: 1,
                        height: 0,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor, size, height) = match b.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        anchor,
                        size,
                        height,
                    }) => (Node::Seq(items), anchor, size, height),
                    Some(Frame::Map {
                        entries,
                        keys,
                        merges,
                        anchor,
                        size,
                        height,
                        ..
                    }) => (merged(entries, keys, merges), anchor, size, height),
                    None => return Err(invalid("unbalanced YAML events")),
                };
                let built = Built {
                    node,
                    size,
                    height: height.saturating_add(1),
                };
                b.remember(anchor, &built)?;
                b.push(built, false)?;
            }
            Event::Alias(anchor) => {
                // Counted before it is copied: a copy never exceeds the node bound.
                let size = b.anchors.get(&anchor).map(|built| built.size);
                b.count(size.ok_or_else(|| invalid("alias to an unknown anchor"))?)?;
                let built = b
                    .anchors
                    .get(&anchor)
                    .cloned()
                    .ok_or_else(|| invalid("alias to an unknown anchor"))?;
                // An alias used as a key is a scalar's text: it may be a merge key only if
                // written as one.
                b.push(built, false)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(b.documents)
}

/// Brings pasted snippets to the top level. Each run of lines starts at a line indented less
/// than the run before it, and loses that line's indentation: the authentik guide indents its
/// `micronaut:` block by 8 spaces and its `kestra:` block by none, and pasting both one after
/// the other must work. In valid YAML no line is indented less than the first line of the
/// document, so this changes only text that would not parse as it is.
pub(crate) fn dedent(text: &str) -> String {
    let mut base: Option<usize> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let content = line.trim_start_matches(' ');
        let indent = line.len().saturating_sub(content.len());
        if !content.is_empty() && !content.starts_with('#') && base.is_none_or(|b| indent < b) {
            base = Some(indent);
        }
        let cut = base.unwrap_or(0).min(indent);
        out.push(line.get(cut..).unwrap_or(content));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str) -> Node {
        Node::Scalar {
            text: text.into(),
            plain: true,
        }
    }

    #[test]
    fn builds_maps_and_sequences() {
        let docs = parse("a:\n  b: [x, y]\n  c: 'q'\n").unwrap();
        assert_eq!(
            docs,
            vec![Node::Map(vec![(
                "a".into(),
                Node::Map(vec![
                    ("b".into(), Node::Seq(vec![scalar("x"), scalar("y")])),
                    (
                        "c".into(),
                        Node::Scalar {
                            text: "q".into(),
                            plain: false
                        }
                    )
                ])
            )])]
        );
    }

    #[test]
    fn refuses_duplicate_keys_and_bombs() {
        assert_eq!(parse("a: 1\na: 2\n").unwrap_err().code(), "ERR_CONFIG_INVALID");
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
                p = i - 1
            ));
        }
        let err = parse(&bomb).unwrap_err();
        assert_eq!(err.code(), "ERR_CONFIG_INVALID");
        assert!(err.to_string().contains("nodes"));
        let deep = format!("{}x{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(parse(&deep).unwrap_err().code(), "ERR_CONFIG_INVALID");
    }

    #[test]
    fn syntax_errors_have_a_location() {
        let err = parse("a: [\n").unwrap_err();
        assert_eq!(err.code(), "ERR_CONFIG_INVALID");
        assert!(err.to_string().contains("line"));
    }

    #[test]
    fn dedent_removes_common_indentation() {
        assert_eq!(dedent("    a:\n      b: 1\n\n    c: 2"), "a:\n  b: 1\n\nc: 2");
        assert_eq!(dedent("a:\n  b: 1"), "a:\n  b: 1");
        assert_eq!(
            dedent("        a:\n          b: 1\nc:\n  d: 2"),
            "a:\n  b: 1\nc:\n  d: 2"
        );
        assert_eq!(dedent("a:\n        b: 1"), "a:\n        b: 1");
    }
}
