//! YAML to a small tree, from saphyr-parser's events. Building the tree ourselves lets us
//! bound what hostile input can cost: text size, nesting depth, and the number of nodes that
//! aliases may expand to (an "alias bomb" expands exponentially otherwise).

use crate::error::{Error, Result};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

pub const MAX_YAML_BYTES: usize = 256 * 1024;
const MAX_DEPTH: usize = 64;
const MAX_NODES: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// A scalar's text; `plain` is false for quoted and block scalars.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Entries in document order, keys as written.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The text of a scalar, or `None` for plain `null` / `~` / empty and for collections.
    pub(crate) fn as_text(&self) -> Option<&str> {
        match self {
            Node::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") => None,
            Node::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        anchor: usize,
    },
    Map {
        entries: Vec<(String, Node)>,
        pending_key: Option<String>,
        anchor: usize,
    },
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    documents: Vec<Node>,
    nodes: usize,
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::config("", reason)
}

impl Builder {
    fn count(&mut self, n: usize) -> Result<()> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(invalid(format!("the YAML expands to more than {MAX_NODES} nodes")));
        }
        Ok(())
    }

    /// Attaches a finished node to its parent (or as a document).
    fn push(&mut self, node: Node) -> Result<()> {
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries, pending_key, ..
            }) => match pending_key.take() {
                None => match node {
                    Node::Scalar { text, .. } => {
                        if entries.iter().any(|(k, _)| *k == text) {
                            return Err(invalid(format!("duplicate key \"{}\"", crate::error::shorten(&text))));
                        }
                        *pending_key = Some(text);
                    }
                    _ => return Err(invalid("a mapping key must be a scalar")),
                },
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }
}

fn size_of(node: &Node) -> usize {
    match node {
        Node::Scalar { .. } => 1,
        Node::Seq(items) => items.iter().map(size_of).fold(1, usize::saturating_add),
        Node::Map(entries) => entries.iter().map(|(_, v)| size_of(v)).fold(1, usize::saturating_add),
    }
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
        anchors: HashMap::new(),
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
            Event::Scalar(value, style, anchor, _tag) => {
                b.count(1)?;
                let node = Node::Scalar {
                    text: value.into_owned(),
                    plain: style == ScalarStyle::Plain,
                };
                b.remember(anchor, &node);
                b.push(node)?;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(invalid(format!("the YAML nests deeper than {MAX_DEPTH} levels")));
                }
                b.count(1)?;
                b.stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        anchor,
                    }
                } else {
                    Frame::Map {
                        entries: Vec::new(),
                        pending_key: None,
                        anchor,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match b.stack.pop() {
                    Some(Frame::Seq { items, anchor }) => (Node::Seq(items), anchor),
                    Some(Frame::Map { entries, anchor, .. }) => (Node::Map(entries), anchor),
                    None => return Err(invalid("unbalanced YAML events")),
                };
                b.remember(anchor, &node);
                b.push(node)?;
            }
            Event::Alias(anchor) => {
                let node = b
                    .anchors
                    .get(&anchor)
                    .cloned()
                    .ok_or_else(|| invalid("alias to an unknown anchor"))?;
                b.count(size_of(&node))?;
                b.push(node)?;
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
