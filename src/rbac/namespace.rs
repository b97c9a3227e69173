//! Kestra namespaces: dot-separated segments. A binding on `N` covers `N` and every namespace
//! below it on whole segments: `company` covers `company.team`, not `companyx`, not the parent.

use crate::error::{Error, Result, shorten};

/// Kestra's limit on a namespace's length.
pub const MAX_NAMESPACE_BYTES: usize = 150;
/// Segments a namespace can have within that length (`a` and 149 dots).
pub const MAX_NAMESPACE_DEPTH: usize = MAX_NAMESPACE_BYTES;

/// Checks a namespace against what Kestra accepts: `^[a-z0-9][a-z0-9._-]*`, at most 150
/// characters, and nothing more (Kestra creates `company.` and `company..team`).
pub fn validate(namespace: &str) -> Result<()> {
    let invalid = |reason: &str| Error::NamespaceInvalid {
        namespace: shorten(namespace),
        reason: reason.to_owned(),
    };
    if namespace.is_empty() {
        return Err(invalid("empty (an empty string is not \"no namespace\")"));
    }
    if namespace.len() > MAX_NAMESPACE_BYTES {
        return Err(invalid("longer than 150 characters"));
    }
    if !namespace
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err(invalid("must start with a lower-case letter or a digit"));
    }
    if !namespace
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err(invalid("only a-z, 0-9, '.', '_' and '-' are allowed"));
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

/// A namespace's depth: its segments less one (`a` is 0, `a.b.c` is 2).
pub fn depth(namespace: &str) -> u32 {
    u32::try_from(namespace.bytes().filter(|b| *b == b'.').count()).unwrap_or(u32::MAX)
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
    fn empty_segments_are_segments() {
        assert_eq!(
            self_and_ancestors("company..team").collect::<Vec<_>>(),
            ["company", "company.", "company..team"]
        );
        assert!(covers("company", "company..team"));
        assert!(covers("company.", "company..team"));
        assert!(!covers("company..team", "company.team"));
        let deepest = "a.".repeat(75);
        assert_eq!(self_and_ancestors(&deepest).count(), 76);
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
        // Kestra creates these: no rule beyond its pattern and length.
        for good in [
            "company",
            "company.team",
            "io.kestra_1-x",
            "0",
            "company.",
            "company..team",
            "a-",
            "a._",
        ] {
            assert!(validate(good).is_ok(), "{good}");
        }
        assert!(validate(&"a.".repeat(75)).is_ok(), "75 segments within 150 characters");
        assert!(validate(&"a".repeat(150)).is_ok());
        for bad in ["", ".a", "Company", "a b", "-a", "_a", "a/b", "é", "a.B"] {
            assert_eq!(validate(bad).unwrap_err().code(), "ERR_NAMESPACE_INVALID", "{bad}");
        }
        assert!(validate(&"a".repeat(151)).is_err());
    }
}
