//! Request hygiene: the URL read as Kestra's router reads it, or refused. A path is split into
//! segments and each is percent-decoded exactly once; anything that could make this module
//! route a request differently from Kestra (an encoded `/`, a dot segment, an empty segment,
//! bytes that are not UTF-8) is refused rather than guessed at.

use std::borrow::Cow;

/// The longest URL read, in bytes: Kestra's routes are far shorter.
pub const MAX_URL_BYTES: usize = 8 * 1024;
/// The most path segments read.
pub const MAX_SEGMENTS: usize = 32;
/// The most query parameters read.
pub const MAX_QUERY_PARAMS: usize = 256;

/// Why a URL is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathFault {
    TooLong,
    /// Not an absolute path (`/...`), or a fragment.
    NotAbsolute,
    /// `//`, or a trailing `/`.
    EmptySegment,
    /// `.` or `..`, written or percent-encoded.
    DotSegment,
    /// A `/` or `\` that was percent-encoded inside a segment.
    EncodedSeparator,
    /// A `%` not followed by two hex digits, or bytes that are not UTF-8.
    BadEncoding,
    /// A control character or NUL.
    ControlCharacter,
    /// A query Kestra's router could split otherwise: a `;` (it separates parameters there
    /// too) or a parameter without a name.
    AmbiguousQuery,
    TooManySegments,
    TooManyParameters,
}

impl PathFault {
    pub fn describe(self) -> &'static str {
        match self {
            PathFault::TooLong => "the URL is longer than any Kestra route",
            PathFault::NotAbsolute => "the URL must be an absolute path, without a fragment",
            PathFault::EmptySegment => "the path has an empty segment (`//` or a trailing `/`)",
            PathFault::DotSegment => "the path has a `.` or `..` segment",
            PathFault::EncodedSeparator => "the path has a percent-encoded `/` or `\\`",
            PathFault::BadEncoding => "the URL has a malformed percent-escape or is not UTF-8",
            PathFault::ControlCharacter => "the URL has a control character",
            PathFault::AmbiguousQuery => {
                "the query has a `;` or a parameter without a name, which Kestra's router splits otherwise"
            }
            PathFault::TooManySegments => "the path has more segments than any Kestra route",
            PathFault::TooManyParameters => "the query has too many parameters",
        }
    }
}

/// A URL read: its decoded path segments and its decoded query parameters, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url<'a> {
    /// Borrowed from the URL unless an escape was decoded.
    pub segments: Vec<Cow<'a, str>>,
    pub query: Vec<(String, String)>,
}

fn hex(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// Percent-decodes once. `plus_is_space` for query components (HTML form encoding, as
/// Micronaut reads query parameters).
fn decode(text: &str, plus_is_space: bool) -> Result<Cow<'_, str>, PathFault> {
    if !(text.contains('%') || (plus_is_space && text.contains('+'))) {
        // Nothing to decode (control characters were refused with the whole URL).
        return Ok(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let high = bytes.get(i.saturating_add(1)).copied().and_then(hex);
                let low = bytes.get(i.saturating_add(2)).copied().and_then(hex);
                let (Some(high), Some(low)) = (high, low) else {
                    return Err(PathFault::BadEncoding);
                };
                out.push(high.wrapping_mul(16).wrapping_add(low));
                i = i.saturating_add(3);
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i = i.saturating_add(1);
            }
            _ => {
                out.push(b);
                i = i.saturating_add(1);
            }
        }
    }
    let decoded = String::from_utf8(out).map_err(|_| PathFault::BadEncoding)?;
    if decoded.chars().any(char::is_control) {
        return Err(PathFault::ControlCharacter);
    }
    Ok(Cow::Owned(decoded))
}

/// Reads `url` (a path with an optional query, as in an HTTP request line).
pub fn parse(url: &str) -> Result<Url<'_>, PathFault> {
    if url.len() > MAX_URL_BYTES {
        return Err(PathFault::TooLong);
    }
    // One pass over the bytes says which rarer checks the URL needs.
    let (mut escapes, mut backslash) = (false, false);
    for b in url.bytes() {
        match b {
            b'%' => escapes = true,
            b'\\' => backslash = true,
            b'#' => return Err(PathFault::NotAbsolute),
            _ if b.is_ascii_control() => return Err(PathFault::ControlCharacter),
            _ => {}
        }
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let Some(rest) = path.strip_prefix('/') else {
        return Err(PathFault::NotAbsolute);
    };
    let mut segments = Vec::with_capacity(8);
    for raw in rest.split('/') {
        if segments.len() >= MAX_SEGMENTS {
            return Err(PathFault::TooManySegments);
        }
        if raw.is_empty() {
            return Err(PathFault::EmptySegment);
        }
        if backslash && raw.contains('\\') {
            return Err(PathFault::EncodedSeparator);
        }
        let segment = if escapes {
            decode(raw, false)?
        } else {
            Cow::Borrowed(raw)
        };
        if let Cow::Owned(decoded) = &segment
            && (decoded.contains('/') || decoded.contains('\\'))
        {
            return Err(PathFault::EncodedSeparator);
        }
        if segment == "." || segment == ".." {
            return Err(PathFault::DotSegment);
        }
        segments.push(segment);
    }
    if query.contains(';') {
        return Err(PathFault::AmbiguousQuery);
    }
    let mut params = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        if params.len() >= MAX_QUERY_PARAMS {
            return Err(PathFault::TooManyParameters);
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name.is_empty() {
            return Err(PathFault::AmbiguousQuery);
        }
        params.push((decode(name, true)?.into_owned(), decode(value, true)?.into_owned()));
    }
    Ok(Url {
        segments,
        query: params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_decoded_once() {
        let url = parse("/api/v1/main/flows/company%2Eteam/my%20flow?filters%5Bnamespace%5D%5BPREFIX%5D=a.b&x=%252F")
            .unwrap();
        assert_eq!(url.segments, ["api", "v1", "main", "flows", "company.team", "my flow"]);
        assert_eq!(
            url.query,
            [
                ("filters[namespace][PREFIX]".to_owned(), "a.b".to_owned()),
                ("x".to_owned(), "%2F".to_owned())
            ]
        );
    }

    #[test]
    fn what_could_route_differently_is_refused() {
        for (url, fault) in [
            ("/api/v1/main/flows/a%2Fb/x", PathFault::EncodedSeparator),
            ("/api/v1/main/flows/a%5cb/x", PathFault::EncodedSeparator),
            ("/api/v1/main/flows/../users", PathFault::DotSegment),
            ("/api/v1/main/flows/%2e%2E/users", PathFault::DotSegment),
            ("/api/v1/main/flows/./x", PathFault::DotSegment),
            ("/api/v1//main/flows", PathFault::EmptySegment),
            ("/api/v1/main/flows/", PathFault::EmptySegment),
            ("api/v1/main/flows", PathFault::NotAbsolute),
            ("/api/v1/main/flows#x", PathFault::NotAbsolute),
            ("/api/v1/main/flows/%zz", PathFault::BadEncoding),
            ("/api/v1/main/flows/%ff", PathFault::BadEncoding),
            ("/api/v1/main/flows/%00", PathFault::ControlCharacter),
            ("/api/v1/main/fl\tows", PathFault::ControlCharacter),
        ] {
            assert_eq!(parse(url), Err(fault), "{url}");
        }
        assert_eq!(parse(&format!("/{}", "a/".repeat(40))), Err(PathFault::TooManySegments));
        assert_eq!(
            parse(&format!("/{}", "a".repeat(MAX_URL_BYTES))),
            Err(PathFault::TooLong)
        );
    }
}
