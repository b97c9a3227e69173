//! Kestra namespaces: dot-separated segments. A binding on `N` covers `N` and every namespace
//! below it on whole segments: `company` covers `company.team`, not `companyx`, not the
//! parent (decision 13).

use crate::error::{Error, Result, shorten};

pub const MAX_NAMESPACE_BYTES: usize = 512;
pub const MAX_NAMESPACE_DEPTH: usize = 32;

/// Checks a namespace against Kestra's pattern `^[a-z0-9][a-z0-9._-]*` with no empty
/// segment, within the length and depth limits.
pub fn validate(namespace: &str) -> Result<()> {
    let invalid = |reason: &str| Error::NamespaceInvalid {
        namespace: shorten(namespace),
        reason: reason.to_owned(),
    };
    if namespace.is_empty() {
        return Err(invalid("empty"));
    }
    if namespace.len() > MAX_NAMESPACE_BYTES {
        return Err(invalid("longer than 512 bytes"));
    }
    if !namespace
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(invalid("must start with a lower-case letter or a digit"));
    }
    // One pass: decisions validate every namespace they are asked about.
    let mut charset_ok = true;
    let mut empty_segment = false;
    let mut depth = 1usize;
    let mut previous = b'.';
    for b in namespace.bytes() {
        charset_ok &= b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-');
        if b == b'.' {
            empty_segment |= previous == b'.';
            depth = depth.saturating_add(1);
        }
        previous = b;
    }
    empty_segment |= previous == b'.';
    if !charset_ok {
        return Err(invalid("only a-z, 0-9, '.', '_' and '-' are allowed"));
    }
    if empty_segment {
        return Err(invalid("has an empty segment"));
    }
    if depth > MAX_NAMESPACE_DEPTH {
        return Err(invalid("deeper than 32 segments"));
    }
    Ok(())
}

/// `a.b.c` -> `a`, `a.b`, `a.b.c`: the namespace and its ancestors, as slices of it.
pub fn self_and_ancestors(namespace: &str) -> impl Iterator<Item = &str> {
    namespace
        .bytes()
        .enumerate()
        .filter_map(|(i, b)| (b == b'.').then_some(i))
        .chain(std::iter::once(namespace.len()))
        .filter_map(move |end| namespace.get(..end))
}

/// True when `namespace` is `root` or lies below it on whole segments.
pub fn covers(root: &str, namespace: &str) -> bool {
    namespace == root || namespace.strip_prefix(root).is_some_and(|rest| rest.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ancestors_on_whole_segments() {
        assert_eq!(self_and_ancestors("a.b.c").collect::<Vec<_>>(), ["a", "a.b", "a.b.c"]);
        assert_eq!(self_and_ancestors("company").collect::<Vec<_>>(), ["company"]);
    }

    #[test]
    fn covers_is_segment_exact() {
        assert!(covers("company", "company"));
        assert!(covers("company", "company.team"));
        assert!(!covers("company", "companyx"));
        assert!(!covers("company.team", "company"));
        assert!(!covers("io.acme.data", "io.acme.datax"));
    }

    #[test]
    fn validation() {
        for good in ["company", "company.team", "io.kestra_1-x", "0"] {
            assert!(validate(good).is_ok(), "{good}");
        }
        for bad in ["", ".a", "a.", "a..b", "Company", "a b", "-a", "a/b", "é"] {
            assert_eq!(validate(bad).unwrap_err().code(), "ERR_NAMESPACE_INVALID", "{bad}");
        }
        assert!(validate("a.".repeat(33).trim_end_matches('.')).is_err());
        assert!(validate(&"a".repeat(513)).is_err());
    }
}
