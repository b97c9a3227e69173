//! What the YAML 1.1 resolver of SnakeYAML 2.x (Micronaut 4's reader, so Kestra's) makes of
//! a plain scalar, and so what text Micronaut then reads from it. Booleans become `true` /
//! `false` and integers their decimal text, as Micronaut writes them out. A float (`1e3`,
//! `1.5`, `.inf`), a sexagesimal number (`1:30`), a timestamp (`2024-01-01`) or an integer past
//! 2^128 in another base becomes a Java object whose text this crate does not reproduce: it is
//! marked inexact, and a value that decides access cannot be one.

/// A plain scalar as Micronaut will read it.
pub(crate) enum Plain {
    /// The text Micronaut reads.
    Text(String),
    /// SnakeYAML builds a float or a date from it; its text as written.
    Inexact(String),
}

/// Resolves a plain, untagged scalar (not `null`, not the merge key).
pub(crate) fn resolve(text: &str) -> Plain {
    const TRUE: [&str; 9] = ["yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"];
    const FALSE: [&str; 9] = ["no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"];
    if TRUE.contains(&text) {
        return Plain::Text("true".into());
    }
    if FALSE.contains(&text) {
        return Plain::Text("false".into());
    }
    // The resolver's order: integers, then floats, then timestamps.
    match integer(text) {
        Integer::Decimal(decimal) => return Plain::Text(decimal),
        Integer::TooLarge => return Plain::Inexact(text.to_owned()),
        Integer::No => {}
    }
    if sexagesimal_integer(text) || float(text) || timestamp(text) {
        return Plain::Inexact(text.to_owned());
    }
    Plain::Text(text.to_owned())
}

/// A cursor over ASCII bytes for the resolver's patterns.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            bytes: text.as_bytes(),
            at: 0,
        }
    }
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }
    fn eat(&mut self, wanted: impl Fn(u8) -> bool) -> bool {
        match self.peek() {
            Some(b) if wanted(b) => {
                self.at = self.at.saturating_add(1);
                true
            }
            _ => false,
        }
    }
    /// At least `min` and at most `max` bytes matching `wanted`.
    fn run(&mut self, wanted: impl Fn(u8) -> bool, min: usize, max: usize) -> bool {
        let mut n = 0usize;
        while n < max && self.eat(&wanted) {
            n = n.saturating_add(1);
        }
        n >= min
    }
    fn sign(&mut self) {
        self.eat(|b| b == b'-' || b == b'+');
    }
    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }
}

fn digit(b: u8) -> bool {
    b.is_ascii_digit()
}

fn digit_or_underscore(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

/// One or more `:[0-5]?[0-9]` groups (the sexagesimal tail).
fn sexagesimal_groups(c: &mut Cursor<'_>) -> bool {
    let mut groups = 0usize;
    while c.eat(|b| b == b':') {
        let high = c.eat(|b| (b'0'..=b'5').contains(&b));
        if !c.eat(digit) && !high {
            return false;
        }
        // `[0-5]?[0-9]`: a lone digit that matched as `[0-5]` is the `[0-9]`.
        groups = groups.saturating_add(1);
    }
    groups > 0
}

/// What the integer pattern makes of a scalar:
/// `[-+]?0b_*[0-1][0-1_]*`, `[-+]?0_*[0-7][0-7_]*` (octal), `[-+]?(0|[1-9][0-9_]*)` and
/// `[-+]?0x_*[0-9a-fA-F][0-9a-fA-F_]*`, in decimal.
pub(crate) enum Integer {
    No,
    Decimal(String),
    /// An integer past 2^128 in base 2, 8 or 16 (SnakeYAML makes a BigInteger of it).
    TooLarge,
}

pub(crate) fn integer(text: &str) -> Integer {
    let (negative, body) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..).unwrap_or_default()),
        Some(b'+') => (false, text.get(1..).unwrap_or_default()),
        _ => (false, text),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0b") {
        (2, d)
    } else if let Some(d) = body.strip_prefix("0x") {
        (16, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, body.get(1..).unwrap_or_default())
    } else {
        (10, body)
    };
    let is_digit = |c: char| c.is_digit(radix);
    let valid = match radix {
        // `0|[1-9][0-9_]*`: decimal digits are written out as they are, without underscores.
        10 => {
            digits == "0"
                || (digits.starts_with(|c: char| ('1'..='9').contains(&c))
                    && digits.chars().all(|c| c == '_' || c.is_ascii_digit()))
        }
        // `_*[digit][digit_]*`: underscores and digits, at least one digit.
        _ => digits.chars().all(|c| c == '_' || is_digit(c)) && digits.chars().any(is_digit),
    };
    if !valid {
        return Integer::No;
    }
    let magnitude = if radix == 10 {
        digits.chars().filter(|c| *c != '_').collect::<String>()
    } else {
        let mut value: u128 = 0;
        for d in digits.chars().filter_map(|c| c.to_digit(radix)) {
            match value
                .checked_mul(u128::from(radix))
                .and_then(|v| v.checked_add(u128::from(d)))
            {
                Some(v) => value = v,
                None => return Integer::TooLarge,
            }
        }
        value.to_string()
    };
    let mut out = String::with_capacity(magnitude.len().saturating_add(1));
    if negative && magnitude != "0" {
        out.push('-');
    }
    out.push_str(&magnitude);
    Integer::Decimal(out)
}

/// `[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`.
fn sexagesimal_integer(text: &str) -> bool {
    let mut c = Cursor::new(text);
    c.sign();
    c.eat(|b| (b'1'..=b'9').contains(&b))
        && c.run(digit_or_underscore, 0, usize::MAX)
        && sexagesimal_groups(&mut c)
        && c.done()
}

/// SnakeYAML 2.x's float: `[0-9][0-9_]*\.[0-9_]*` with an optional exponent, `[0-9][0-9_]*`
/// with an exponent, `\.[0-9_]+` with an optional exponent, the sexagesimal
/// `[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*` (each signed), `[-+]?\.inf` and `\.nan` in their
/// spellings. (`08` is not one: it is a string.)
pub(crate) fn float(text: &str) -> bool {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let exponent = |c: &mut Cursor<'_>| {
        c.eat(|b| b == b'e' || b == b'E') && {
            c.sign();
            c.run(digit, 1, usize::MAX)
        }
    };
    let decimal = {
        let mut c = Cursor::new(unsigned);
        let mantissa = if c.eat(|b| b == b'.') {
            c.run(digit_or_underscore, 1, usize::MAX)
        } else {
            c.eat(digit) && c.run(digit_or_underscore, 0, usize::MAX) && {
                if c.eat(|b| b == b'.') {
                    c.run(digit_or_underscore, 0, usize::MAX);
                    true
                } else {
                    // Without a point, the exponent is required.
                    c.peek().is_some_and(|b| b == b'e' || b == b'E')
                }
            }
        };
        mantissa && (c.done() || exponent(&mut c)) && c.done()
    };
    let sexagesimal = {
        let mut c = Cursor::new(unsigned);
        c.eat(digit)
            && c.run(digit_or_underscore, 0, usize::MAX)
            && sexagesimal_groups(&mut c)
            && c.eat(|b| b == b'.')
            && c.run(digit_or_underscore, 0, usize::MAX)
            && c.done()
    };
    decimal || sexagesimal
}

/// SnakeYAML's timestamp: `YYYY-MM-DD`, or `YYYY-M-D` with a time (`[Tt]` or blanks,
/// `H:MM:SS`, an optional fraction and zone). A date alone with a one-digit month or day
/// (`2024-1-1`) is taken as one too: readings of its resolver differ there, and an inexact
/// value only costs quoting.
fn timestamp(text: &str) -> bool {
    let date_only = {
        let mut c = Cursor::new(text);
        c.run(digit, 4, 4)
            && c.eat(|b| b == b'-')
            && c.run(digit, 1, 2)
            && c.eat(|b| b == b'-')
            && c.run(digit, 1, 2)
            && c.done()
    };
    let with_time = {
        let mut c = Cursor::new(text);
        let date = c.run(digit, 4, 4)
            && c.eat(|b| b == b'-')
            && c.run(digit, 1, 2)
            && c.eat(|b| b == b'-')
            && c.run(digit, 1, 2);
        let separator = c.eat(|b| b == b'T' || b == b't') || c.run(|b| b == b' ' || b == b'\t', 1, usize::MAX);
        let time = c.run(digit, 1, 2)
            && c.eat(|b| b == b':')
            && c.run(digit, 2, 2)
            && c.eat(|b| b == b':')
            && c.run(digit, 2, 2);
        let fraction = !c.eat(|b| b == b'.') || c.run(digit, 0, usize::MAX);
        c.run(|b| b == b' ' || b == b'\t', 0, usize::MAX);
        let zone = c.done()
            || c.eat(|b| b == b'Z')
            || (c.eat(|b| b == b'-' || b == b'+')
                && c.run(digit, 1, 2)
                && (!c.eat(|b| b == b':') || c.run(digit, 2, 2)));
        date && separator && time && fraction && zone && c.done()
    };
    date_only || with_time
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (bool, String) {
        match resolve(text) {
            Plain::Text(t) => (true, t),
            Plain::Inexact(t) => (false, t),
        }
    }

    #[test]
    fn booleans_and_integers_as_micronaut_reads_them() {
        for (written, text) in [
            ("yes", "true"),
            ("OFF", "false"),
            ("010", "8"),
            ("0_7", "7"),
            ("0_", "0_"),
            ("08", "08"),
            ("_", "_"),
            ("1e", "1e"),
            ("0x1A", "26"),
            ("0b11", "3"),
            ("1_000", "1000"),
            ("-7", "-7"),
            ("+0", "0"),
            ("main", "main"),
            ("0x", "0x"),
            ("2024-1", "2024-1"),
            ("1-2", "1-2"),
            ("a1e3", "a1e3"),
        ] {
            assert_eq!(read(written), (true, text.to_owned()), "{written}");
        }
    }

    #[test]
    fn floats_sexagesimals_and_timestamps_are_inexact() {
        for written in [
            "1e3",
            "1.5",
            ".5",
            ".5_",
            "1.",
            "-.inf",
            ".NaN",
            "1_0.0_1e+10",
            "1:30",
            "190:20:30.15",
            "2024-01-01",
            "2024-1-1",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10",
            "2001-12-15T02:59:43.1Z",
            "2002-1-2 3:04:05",
            "0x1_0000_0000_0000_0000_0000_0000_0000_0000",
        ] {
            assert!(!read(written).0, "{written}");
        }
    }
}
