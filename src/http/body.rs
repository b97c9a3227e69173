//! Namespaces read from request bodies: the top-level `namespace:` of a YAML flow (every
//! document of a multi-document body), the `namespace` of each item of a JSON array, the
//! execution ids of a JSON array. Bounded, and strict: what cannot be read with certainty is a
//! denial with its own code, never a guess.

/// The largest body read for a namespace, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The most items of a JSON array body checked one by one.
pub const MAX_LIST_ITEMS: usize = 1000;

/// Why a body's namespace cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFault {
    Missing,
    TooLarge,
    /// Two top-level `namespace:` keys in one document.
    Duplicated,
    /// `{{ ... }}` or `${ ... }`: decided by the server at run time.
    Templated,
    /// Written in a way this reader does not follow (flow style, tags, anchors, block
    /// scalars, quoted keys, a JSON array item without a namespace string, ...).
    Unreadable,
    TooManyItems,
}

impl BodyFault {
    pub fn code(self) -> &'static str {
        match self {
            BodyFault::Missing => "BODY_NAMESPACE_MISSING",
            BodyFault::TooLarge => "BODY_TOO_LARGE",
            BodyFault::Duplicated => "BODY_NAMESPACE_DUPLICATED",
            BodyFault::Templated => "BODY_NAMESPACE_TEMPLATED",
            BodyFault::Unreadable => "BODY_UNREADABLE",
            BodyFault::TooManyItems => "BODY_TOO_MANY_ITEMS",
        }
    }
}

/// A plain or quoted scalar on one line, without a trailing comment.
fn scalar(value: &str) -> Result<String, BodyFault> {
    let value = value.trim();
    let (text, rest) = if let Some(inner) = value.strip_prefix('"') {
        let end = inner.find('"').ok_or(BodyFault::Unreadable)?;
        let text = inner.get(..end).ok_or(BodyFault::Unreadable)?;
        if text.contains('\\') {
            return Err(BodyFault::Unreadable);
        }
        (text, inner.get(end.saturating_add(1)..).unwrap_or(""))
    } else if let Some(inner) = value.strip_prefix('\'') {
        let end = inner.find('\'').ok_or(BodyFault::Unreadable)?;
        (
            inner.get(..end).ok_or(BodyFault::Unreadable)?,
            inner.get(end.saturating_add(1)..).unwrap_or(""),
        )
    } else {
        // A plain scalar ends at ` #` (a comment).
        let end = value.find(" #").unwrap_or(value.len());
        (value.get(..end).unwrap_or("").trim_end(), "")
    };
    let rest = rest.trim();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return Err(BodyFault::Unreadable);
    }
    if text.contains("{{") || text.contains("${") {
        return Err(BodyFault::Templated);
    }
    if text.is_empty() || text.starts_with(['&', '*', '!', '|', '>', '[', '{', '@', '`', '%']) || text.contains(": ") {
        return Err(BodyFault::Unreadable);
    }
    Ok(text.to_owned())
}

/// A top-level value that could run past its line (an unclosed quote or flow collection),
/// where the lines after it are not keys to Kestra's YAML reader.
fn runs_past_its_line(value: &str) -> bool {
    let value = value.trim();
    let closes = |open: char, close: char| {
        value
            .strip_prefix(open)
            .is_none_or(|rest| !rest.trim_end().ends_with(close) || (open == '"' && rest.contains('\\')))
    };
    match value.chars().next() {
        Some('"') => closes('"', '"'),
        Some('\'') => closes('\'', '\''),
        Some('[') => closes('[', ']'),
        Some('{') => closes('{', '}'),
        _ => false,
    }
}

/// The top-level `namespace:` of each YAML document of `body`. Lines are read as Kestra's YAML
/// reader (SnakeYAML) reads them, or the body is refused: it also breaks lines on a lone
/// `\r`, U+0085, U+2028 and U+2029 and skips a byte-order mark, and Kestra splits documents on
/// `---` wherever it stands.
pub fn yaml_namespaces(body: &str) -> Result<Vec<String>, BodyFault> {
    if body.len() > MAX_BODY_BYTES {
        return Err(BodyFault::TooLarge);
    }
    // Most flows are ASCII without carriage returns: two fast scans rule the rest out.
    if !body.is_ascii() || body.as_bytes().contains(&b'\r') {
        let other_breaks = body.contains(['\u{85}', '\u{2028}', '\u{2029}', '\u{feff}'])
            || body
                .match_indices('\r')
                .any(|(i, _)| body.as_bytes().get(i.saturating_add(1)) != Some(&b'\n'));
        if other_breaks {
            return Err(BodyFault::Unreadable);
        }
    }
    // `---` only as a document marker on a line of its own.
    if body.contains("---") {
        let markers = body.matches("---").count();
        let marker_lines = body
            .split('\n')
            .filter(|l| {
                let l = l.strip_suffix('\r').unwrap_or(l);
                l == "---" || l.starts_with("--- ")
            })
            .count();
        if markers != marker_lines {
            return Err(BodyFault::Unreadable);
        }
    }
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    let mut any_content = false;
    let mut finish = |current: &mut Option<String>, any: &mut bool| -> Result<(), BodyFault> {
        if *any {
            out.push(current.take().ok_or(BodyFault::Missing)?);
        }
        *current = None;
        *any = false;
        Ok(())
    };
    for line in body.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        // Most lines of a flow are indented: content below a top-level key.
        match line.as_bytes().first() {
            None => continue,
            Some(b' ' | b'\t') => {
                // Below a top-level key: nothing to read. A document's first content, though,
                // is at the left margin: an indented one makes every key of it indented, none
                // of them top-level to this reader.
                if !any_content {
                    let rest = line.trim_start();
                    if !(rest.is_empty() || rest.starts_with('#')) {
                        return Err(BodyFault::Unreadable);
                    }
                }
                continue;
            }
            Some(b'#') => continue,
            _ => {}
        }
        if line == "---" || line.starts_with("--- ") {
            finish(&mut current, &mut any_content)?;
            continue;
        }
        if line == "..." {
            continue;
        }
        any_content = true;
        // A top-level line: a key we can read, or something we refuse to guess about.
        if line.starts_with(['"', '\'', '?', '{', '[', '&', '*', '!', '%', '@', '`', '-', '|', '>']) {
            return Err(BodyFault::Unreadable);
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(BodyFault::Unreadable);
        };
        if key.trim_end() != key || key == "<<" {
            return Err(BodyFault::Unreadable);
        }
        if runs_past_its_line(value.split(" #").next().unwrap_or(value)) {
            return Err(BodyFault::Unreadable);
        }
        if key == "namespace" {
            if current.is_some() {
                return Err(BodyFault::Duplicated);
            }
            if !(value.is_empty() || value.starts_with([' ', '\t'])) {
                return Err(BodyFault::Unreadable);
            }
            current = Some(scalar(value)?);
        }
    }
    finish(&mut current, &mut any_content)?;
    if out.is_empty() {
        return Err(BodyFault::Missing);
    }
    Ok(out)
}

/// The items of a JSON list body: an array, or the array of exactly one of `members` in an
/// object body (another member beside it is the object's own; two of them, or none, are not
/// for the gateway to choose between). Parsed once, within the caps.
fn json_list(body: &str, members: &[&str]) -> Result<Vec<serde_json::Value>, BodyFault> {
    if body.len() > MAX_BODY_BYTES {
        return Err(BodyFault::TooLarge);
    }
    let items = match serde_json::from_str(body).map_err(|_| BodyFault::Unreadable)? {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut object) => {
            let mut present = members.iter().filter_map(|m| object.remove(*m));
            match (present.next(), present.next()) {
                (Some(serde_json::Value::Array(items)), None) => items,
                _ => return Err(BodyFault::Unreadable),
            }
        }
        _ => return Err(BodyFault::Unreadable),
    };
    if items.len() > MAX_LIST_ITEMS {
        return Err(BodyFault::TooManyItems);
    }
    if items.is_empty() {
        return Err(BodyFault::Missing);
    }
    Ok(items)
}

/// The `namespace` of each item of a JSON array body (`[{ namespace, id }, ...]`), or of each
/// item of the list member of an object body: `triggers` (`{ triggers: [...], disabled }`) or
/// `ids` (`{ ids: [{ namespace, id }] }`, the test-suite bulk shape).
pub fn list_namespaces(body: &str) -> Result<Vec<String>, BodyFault> {
    json_list(body, &["triggers", "ids"])?
        .iter()
        .map(namespace_member)
        .collect()
}

/// The `namespace` member of one JSON object body (`{ namespace, flowId, triggerId, ... }`).
pub fn object_namespace(body: &str) -> Result<String, BodyFault> {
    if body.len() > MAX_BODY_BYTES {
        return Err(BodyFault::TooLarge);
    }
    match serde_json::from_str(body).map_err(|_| BodyFault::Unreadable)? {
        object @ serde_json::Value::Object(_) => namespace_member(&object),
        _ => Err(BodyFault::Unreadable),
    }
}

/// An item's `namespace`: a string, or the item is refused (absent: missing).
fn namespace_member(item: &serde_json::Value) -> Result<String, BodyFault> {
    match item.get("namespace") {
        None | Some(serde_json::Value::Null) => Err(BodyFault::Missing),
        Some(serde_json::Value::String(ns)) => Ok(ns.clone()),
        Some(_) => Err(BodyFault::Unreadable),
    }
}

/// The ids of a JSON array body (`["id", ...]`), or of the `executionsId` member of an object
/// body (`{ executionsId: [...], executionLabels: [...] }`, the labels-by-ids shape).
pub fn ids(body: &str) -> Result<Vec<String>, BodyFault> {
    json_list(body, &["executionsId"])?
        .into_iter()
        .map(|id| match id {
            serde_json::Value::String(id) => Ok(id),
            _ => Err(BodyFault::Unreadable),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_level_namespace_of_each_document() {
        let flow = "id: hello\nnamespace: company.team # the team\ntasks:\n  - id: t\n    namespace: other\n";
        assert_eq!(yaml_namespaces(flow), Ok(vec!["company.team".to_owned()]));
        assert_eq!(
            yaml_namespaces("id: a\nnamespace: 'a.b'\n---\nid: b\nnamespace: \"c\"\n"),
            Ok(vec!["a.b".to_owned(), "c".to_owned()])
        );
        let crlf =
            "id: a\r\nnamespace: a.b\r\nlabels: {team: x}\r\ninputs: [1, 2] # two\r\ndescription: \"one line\"\r\n";
        assert_eq!(yaml_namespaces(crlf), Ok(vec!["a.b".to_owned()]));
    }

    #[test]
    fn what_cannot_be_read_with_certainty_is_refused() {
        for (body, fault) in [
            ("id: a\ntasks: []\n", BodyFault::Missing),
            ("id: a\nnamespace: x\n---\nid: b\n", BodyFault::Missing),
            ("", BodyFault::Missing),
            ("namespace: a\nnamespace: b\n", BodyFault::Duplicated),
            ("namespace: \"{{ inputs.ns }}\"\n", BodyFault::Templated),
            ("namespace: ${NS}\n", BodyFault::Templated),
            ("{namespace: a}\n", BodyFault::Unreadable),
            ("\"namespace\": a\n", BodyFault::Unreadable),
            ("namespace: &x a\n", BodyFault::Unreadable),
            ("namespace: !!str a\n", BodyFault::Unreadable),
            ("namespace: |\n  a\n", BodyFault::Unreadable),
            ("? namespace\n: a\n", BodyFault::Unreadable),
            ("namespace : a\n", BodyFault::Unreadable),
            ("namespace:a\n", BodyFault::Unreadable),
            ("<<: *base\nnamespace: a\n", BodyFault::Unreadable),
            ("id: f\rnamespace: victim\n", BodyFault::Unreadable),
            ("\u{feff}namespace: a\n", BodyFault::Unreadable),
            ("id: f\u{2028}namespace: a\n", BodyFault::Unreadable),
            ("id: f\u{85}namespace: a\n", BodyFault::Unreadable),
            ("description: \"x\nnamespace: company\n  \"\n", BodyFault::Unreadable),
            ("description: [a,\nnamespace: company]\n", BodyFault::Unreadable),
            (
                "  {\"namespace\":\"victim\"}\nnamespace: company\n",
                BodyFault::Unreadable,
            ),
            (
                "id: f\nnamespace: company\ndescription: x---namespace: victim\n",
                BodyFault::Unreadable,
            ),
        ] {
            assert_eq!(yaml_namespaces(body), Err(fault), "{body:?}");
        }
    }

    #[test]
    fn json_lists() {
        assert_eq!(
            list_namespaces(r#"[{"namespace":"a","id":"f"},{"namespace":"b.c","id":"g"}]"#),
            Ok(vec!["a".to_owned(), "b.c".to_owned()])
        );
        assert_eq!(
            list_namespaces(r#"{"triggers":[{"namespace":"a","flowId":"f","triggerId":"t"}],"disabled":true}"#),
            Ok(vec!["a".to_owned()])
        );
        assert_eq!(
            list_namespaces(r#"{"ids":[{"namespace":"a.b","id":"suite"},{"namespace":"c","id":"s2"}]}"#),
            Ok(vec!["a.b".to_owned(), "c".to_owned()])
        );
        assert_eq!(list_namespaces(r#"[{"id":"f"}]"#), Err(BodyFault::Missing));
        assert_eq!(
            list_namespaces(r#"[{"id":"f","namespace":null}]"#),
            Err(BodyFault::Missing)
        );
        assert_eq!(
            list_namespaces(r#"[{"id":"f","namespace":["a"]}]"#),
            Err(BodyFault::Unreadable)
        );
        assert_eq!(list_namespaces("[]"), Err(BodyFault::Missing));
        assert_eq!(list_namespaces(r#"{"ids":[]}"#), Err(BodyFault::Missing));
        // Two lists, or none: which one Kestra reads is not for the gateway to guess.
        assert_eq!(
            list_namespaces(r#"{"ids":[{"namespace":"a","id":"s"}],"triggers":[{"namespace":"b"}]}"#),
            Err(BodyFault::Unreadable)
        );
        assert_eq!(list_namespaces(r#"{"namespace":"a"}"#), Err(BodyFault::Unreadable));
        assert_eq!(
            list_namespaces(r#"{"ids":{"namespace":"a"}}"#),
            Err(BodyFault::Unreadable)
        );
        // One trigger.
        assert_eq!(
            object_namespace(r#"{"namespace":"a.b","flowId":"f","triggerId":"t"}"#),
            Ok("a.b".to_owned())
        );
        assert_eq!(object_namespace(r#"{"flowId":"f"}"#), Err(BodyFault::Missing));
        assert_eq!(object_namespace(r#"{"namespace":7}"#), Err(BodyFault::Unreadable));
        assert_eq!(object_namespace(r#"[{"namespace":"a"}]"#), Err(BodyFault::Unreadable));
        assert_eq!(object_namespace("namespace: a"), Err(BodyFault::Unreadable));
        assert_eq!(ids(r#"["e1","e2"]"#), Ok(vec!["e1".to_owned(), "e2".to_owned()]));
        assert_eq!(ids(r#"["e1",2]"#), Err(BodyFault::Unreadable));
        assert_eq!(
            ids(r#"{"executionsId":["e1"],"executionLabels":[]}"#),
            Ok(vec!["e1".to_owned()])
        );
        assert_eq!(ids(r#"{"executionsId":[]}"#), Err(BodyFault::Missing));
        assert_eq!(ids(r#"{"other":["e1"]}"#), Err(BodyFault::Unreadable));
    }
}
