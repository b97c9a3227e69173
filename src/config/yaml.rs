//! YAML to a small tree, from saphyr-parser's events, read as SnakeYAML (Micronaut's reader)
//! reads it: merge keys (`<<`, also through an alias or `!!merge`) applied where they stand,
//! with written keys winning; plain scalars resolved as YAML 1.1 does (see `yaml11`); `!!str`
//! kept as written, and any other tag refused. Building the tree ourselves bounds what hostile
//! input can cost: text size, the depth of the tree *as expanded* by aliases, and the nodes and
//! bytes that anchors and aliases may copy. Every step is linear in the text: keys are checked
//! for repeats with a set, and anchors remember their expanded weight and height.

#[cfg(feature = "yaml")]
use super::yaml11::{self, Integer, Plain};
#[cfg(feature = "yaml")]
use crate::error::{Error, Result};
#[cfg(feature = "yaml")]
use rustc_hash::{FxHashMap, FxHashSet};
#[cfg(feature = "yaml")]
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

pub const MAX_YAML_BYTES: usize = 256 * 1024;
/// The deepest tree, counted after aliases are expanded.
pub(crate) const MAX_DEPTH: usize = 64;
#[cfg(feature = "yaml")]
const MAX_NODES: usize = 100_000;
#[cfg(feature = "yaml")]
/// Text the tree may hold once aliases are expanded (anchored copies included): sixteen times
/// the largest document.
const MAX_EXPANDED_BYTES: usize = 16 * MAX_YAML_BYTES;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// A scalar's text. `plain` is false for quoted and block scalars and for `!!str`;
    /// `inexact` marks a plain scalar SnakeYAML turns into a float or a date.
    Scalar {
        text: String,
        plain: bool,
        inexact: bool,
    },
    Seq(Vec<Node>),
    /// Entries in the order SnakeYAML leaves them (merged ones where their `<<` stood).
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The text of a scalar, or `None` for plain `null` / `~` / empty and for collections.
    pub(crate) fn as_text(&self) -> Option<&str> {
        match self {
            Node::Scalar { text, plain: true, .. } if is_null(text) => None,
            Node::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A plain null scalar (`~`, `null`, nothing).
    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Node::Scalar { text, plain: true, .. } if is_null(text))
    }

    /// A scalar whose text Micronaut would not see as written (a float or a date).
    pub(crate) fn is_inexact(&self) -> bool {
        matches!(self, Node::Scalar { inexact: true, .. })
    }

    /// The plain `<<` scalar: as a key, a merge (also when reached through an alias).
    #[cfg(feature = "yaml")]
    fn is_merge_key(&self) -> bool {
        matches!(self, Node::Scalar { text, plain: true, .. } if text == "<<")
    }

    pub(crate) fn text(text: String) -> Node {
        Node::Scalar {
            text,
            plain: false,
            inexact: false,
        }
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

#[cfg(feature = "yaml")]
/// What a node costs to copy: its nodes and the bytes of its scalars.
#[derive(Clone, Copy, Default)]
struct Weight {
    nodes: usize,
    bytes: usize,
}

#[cfg(feature = "yaml")]
impl Weight {
    fn of_scalar(text: &str) -> Weight {
        Weight {
            nodes: 1,
            bytes: text.len(),
        }
    }
    fn plus(self, other: Weight) -> Weight {
        Weight {
            nodes: self.nodes.saturating_add(other.nodes),
            bytes: self.bytes.saturating_add(other.bytes),
        }
    }
}

#[cfg(feature = "yaml")]
/// A finished node with what an alias to it costs: its weight and its height; and whether
/// it merges (a mapping with `<<`, or a list holding one).
#[derive(Clone)]
struct Built {
    node: Node,
    weight: Weight,
    height: usize,
    merges: bool,
}

#[cfg(feature = "yaml")]
/// A mapping's entries as written: pairs, and merges where their `<<` stood.
enum Entry {
    Pair(String, Node),
    Merge(Vec<Node>),
}

#[cfg(feature = "yaml")]
enum Pending {
    None,
    Key(String),
    Merge,
}

#[cfg(feature = "yaml")]
enum Frame {
    Seq {
        items: Vec<Node>,
        anchor: usize,
        weight: Weight,
        height: usize,
        merges: bool,
    },
    Map {
        entries: Vec<Entry>,
        keys: FxHashSet<String>,
        pending: Pending,
        anchor: usize,
        weight: Weight,
        height: usize,
    },
}

#[cfg(feature = "yaml")]
struct Builder {
    stack: Vec<Frame>,
    anchors: FxHashMap<usize, Built>,
    documents: Vec<Node>,
    spent: Weight,
}

#[cfg(feature = "yaml")]
fn invalid(reason: impl Into<String>) -> Error {
    Error::config("", reason)
}

#[cfg(feature = "yaml")]
/// How a tag makes a scalar read (SnakeYAML's constructors for the core tags).
enum ScalarTag {
    /// No tag: resolved as a plain scalar.
    Resolve,
    /// As written (`!!str`, the non-specific `!`).
    Text,
    /// `!!merge`: only on `<<`.
    Merge,
    /// `!!null`: null, whatever is written.
    Null,
    /// `!!bool`: a boolean word, anything else null.
    Bool,
    /// `!!int`: an integer, anything else an error.
    Int,
    /// `!!float`: a float, whose text this crate does not reproduce.
    Float,
}

#[cfg(feature = "yaml")]
fn scalar_tag(tag: Option<&Tag>) -> Result<ScalarTag> {
    match tag {
        None => Ok(ScalarTag::Resolve),
        Some(tag) if tag.is_yaml_core_schema() => match tag.suffix.as_str() {
            "str" => Ok(ScalarTag::Text),
            "null" => Ok(ScalarTag::Null),
            "bool" => Ok(ScalarTag::Bool),
            "int" => Ok(ScalarTag::Int),
            "float" => Ok(ScalarTag::Float),
            "merge" => Ok(ScalarTag::Merge),
            other => Err(invalid(format!(
                "the tag !!{} is not supported here",
                crate::error::shorten(other)
            ))),
        },
        Some(tag) if tag.handle == "!" && tag.suffix.is_empty() => Ok(ScalarTag::Text),
        Some(tag) => Err(invalid(format!(
            "the tag {} is not supported (SnakeYAML would refuse it or build an object from it)",
            crate::error::shorten(&tag.to_string())
        ))),
    }
}

#[cfg(feature = "yaml")]
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

#[cfg(feature = "yaml")]
/// A scalar event as a node.
fn scalar(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Node> {
    let plain = style == ScalarStyle::Plain;
    let null = || Node::Scalar {
        text: String::new(),
        plain: true,
        inexact: false,
    };
    Ok(match scalar_tag(tag)? {
        ScalarTag::Null => null(),
        ScalarTag::Bool => match value.to_ascii_lowercase().as_str() {
            "yes" | "true" | "on" => Node::text("true".into()),
            "no" | "false" | "off" => Node::text("false".into()),
            _ => null(),
        },
        ScalarTag::Int => match yaml11::integer(value) {
            Integer::Decimal(text) => Node::text(text),
            Integer::TooLarge => Node::Scalar {
                text: value.to_owned(),
                plain: true,
                inexact: true,
            },
            Integer::No => {
                return Err(invalid(format!(
                    "\"{}\" is not an integer (!!int)",
                    crate::error::shorten(value)
                )));
            }
        },
        ScalarTag::Float => Node::Scalar {
            text: value.to_owned(),
            plain: true,
            inexact: true,
        },
        ScalarTag::Merge if plain && value == "<<" => Node::Scalar {
            text: value.to_owned(),
            plain: true,
            inexact: false,
        },
        ScalarTag::Merge => return Err(invalid("!!merge is only allowed on the merge key <<")),
        ScalarTag::Text => Node::text(value.to_owned()),
        ScalarTag::Resolve if !plain => Node::text(value.to_owned()),
        ScalarTag::Resolve if value == "<<" || is_null(value) => Node::Scalar {
            text: value.to_owned(),
            plain: true,
            inexact: false,
        },
        ScalarTag::Resolve => match yaml11::resolve(value) {
            Plain::Text(text) => Node::Scalar {
                text,
                plain: true,
                inexact: false,
            },
            Plain::Inexact(text) => Node::Scalar {
                text,
                plain: true,
                inexact: true,
            },
        },
    })
}

#[cfg(feature = "yaml")]
impl Builder {
    /// Adds what a node, an alias's copy or an anchor's copy costs, within the bounds.
    fn spend(&mut self, weight: Weight) -> Result<()> {
        self.spent = self.spent.plus(weight);
        if self.spent.nodes > MAX_NODES {
            return Err(invalid(format!("the YAML expands to more than {MAX_NODES} nodes")));
        }
        if self.spent.bytes > MAX_EXPANDED_BYTES {
            return Err(invalid(format!(
                "the YAML expands to more than {} MiB of text",
                MAX_EXPANDED_BYTES / (1024 * 1024)
            )));
        }
        Ok(())
    }

    /// Attaches a finished node to its parent (or as a document).
    fn push(&mut self, built: Built) -> Result<()> {
        // The tree stays within MAX_DEPTH levels however aliases expand it.
        if self.stack.len().saturating_add(built.height) > MAX_DEPTH {
            return Err(invalid(format!(
                "the YAML nests deeper than {MAX_DEPTH} levels once its aliases are expanded"
            )));
        }
        let Built {
            node,
            weight,
            height,
            merges: source_merges,
        } = built;
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Seq {
                items,
                weight: total,
                height: tallest,
                merges,
                ..
            }) => {
                items.push(node);
                *total = total.plus(weight);
                *tallest = (*tallest).max(height);
                *merges |= source_merges;
            }
            Some(Frame::Map {
                entries,
                keys,
                pending,
                weight: total,
                height: tallest,
                ..
            }) => {
                *total = total.plus(weight);
                *tallest = (*tallest).max(height);
                match std::mem::replace(pending, Pending::None) {
                    Pending::None if node.is_merge_key() => *pending = Pending::Merge,
                    Pending::None => match node {
                        Node::Scalar { text, .. } => {
                            if !keys.insert(text.clone()) {
                                return Err(invalid(format!("duplicate key \"{}\"", crate::error::shorten(&text))));
                            }
                            *pending = Pending::Key(text);
                        }
                        _ => return Err(invalid("a mapping key must be a scalar")),
                    },
                    Pending::Key(key) => entries.push(Entry::Pair(key, node)),
                    // SnakeYAML flattens top down: merging a mapping that merges others, it lets
                    // that mapping's merged keys win over its written ones and strips its `<<`
                    // for every later use. Not reproduced, so refused.
                    Pending::Merge if source_merges => {
                        return Err(invalid(
                            "a merged mapping that itself uses <<: SnakeYAML reads it differently from its own text; write its keys out",
                        ));
                    }
                    Pending::Merge => match node {
                        Node::Map(_) => entries.push(Entry::Merge(vec![node])),
                        Node::Seq(items) if items.iter().all(|i| matches!(i, Node::Map(_))) => {
                            entries.push(Entry::Merge(items))
                        }
                        _ => return Err(invalid("a merge key (<<) must name a mapping or a list of mappings")),
                    },
                }
            }
        }
        Ok(())
    }

    /// Keeps an anchored node for its aliases. The copy counts against the bounds like an
    /// alias's does, so nested anchors cannot make copying cost more than the bounds.
    fn remember(&mut self, anchor: usize, built: &Built) -> Result<()> {
        if anchor != 0 {
            self.spend(built.weight)?;
            self.anchors.insert(anchor, built.clone());
        }
        Ok(())
    }
}

#[cfg(feature = "yaml")]
/// A mapping's entries as SnakeYAML leaves them (`SafeConstructor.mergeNode`): in written
/// order with each merge's entries where its `<<` stood; a written key replaces a merged one
/// in the merged one's place; among merged keys the first wins.
fn merged(entries: Vec<Entry>, any_merge: bool) -> Node {
    if !any_merge {
        return Node::Map(
            entries
                .into_iter()
                .filter_map(|e| match e {
                    Entry::Pair(k, v) => Some((k, v)),
                    Entry::Merge(_) => None,
                })
                .collect(),
        );
    }
    let mut values: Vec<(String, Node)> = Vec::with_capacity(entries.len());
    let mut at: FxHashMap<String, usize> = FxHashMap::default();
    for entry in entries {
        match entry {
            Entry::Pair(key, value) => match at.get(&key) {
                Some(i) => {
                    if let Some(slot) = values.get_mut(*i) {
                        slot.1 = value;
                    }
                }
                None => {
                    at.insert(key.clone(), values.len());
                    values.push((key, value));
                }
            },
            Entry::Merge(sources) => {
                for source in sources {
                    if let Node::Map(pairs) = source {
                        for (key, value) in pairs {
                            if !at.contains_key(&key) {
                                at.insert(key.clone(), values.len());
                                values.push((key, value));
                            }
                        }
                    }
                }
            }
        }
    }
    Node::Map(values)
}

#[cfg(feature = "yaml")]
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
        spent: Weight::default(),
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
                let weight = Weight::of_scalar(&value);
                b.spend(weight)?;
                let built = Built {
                    node: scalar(&value, style, tag.as_deref())?,
                    weight,
                    height: 1,
                    merges: false,
                };
                b.remember(anchor, &built)?;
                b.push(built)?;
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(invalid(format!("the YAML nests deeper than {MAX_DEPTH} levels")));
                }
                let weight = Weight { nodes: 1, bytes: 0 };
                b.spend(weight)?;
                let is_seq = matches!(event, Event::SequenceStart(..));
                collection_tag(tag.as_deref(), if is_seq { "seq" } else { "map" })?;
                b.stack.push(if is_seq {
                    Frame::Seq {
                        items: Vec::new(),
                        anchor,
                        weight,
                        height: 0,
                        merges: false,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        keys: FxHashSet::default(),
                        pending: Pending::None,
                        anchor,
                        weight,
                        height: 0,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor, weight, height, merges) = match b.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        anchor,
                        weight,
                        height,
                        merges,
                    }) => (Node::Seq(items), anchor, weight, height, merges),
                    Some(Frame::Map {
                        entries,
                        anchor,
                        weight,
                        height,
                        ..
                    }) => {
                        let any_merge = entries.iter().any(|e| matches!(e, Entry::Merge(_)));
                        (merged(entries, any_merge), anchor, weight, height, any_merge)
                    }
                    None => return Err(invalid("unbalanced YAML events")),
                };
                let built = Built {
                    node,
                    weight,
                    height: height.saturating_add(1),
                    merges,
                };
                b.remember(anchor, &built)?;
                b.push(built)?;
            }
            Event::Alias(anchor) => {
                // Counted before it is copied: a copy never exceeds the bounds.
                let weight = b.anchors.get(&anchor).map(|built| built.weight);
                b.spend(weight.ok_or_else(|| invalid("alias to an unknown anchor"))?)?;
                let built = b
                    .anchors
                    .get(&anchor)
                    .cloned()
                    .ok_or_else(|| invalid("alias to an unknown anchor"))?;
                b.push(built)?;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(b.documents)
}

#[cfg(feature = "yaml")]
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

    fn plain(text: &str) -> Node {
        Node::Scalar {
            text: text.into(),
            plain: true,
            inexact: false,
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
                    ("b".into(), Node::Seq(vec![plain("x"), plain("y")])),
                    ("c".into(), Node::text("q".into()))
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
