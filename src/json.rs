//! Strict JSON: serde_json parses, and a visitor refuses duplicate member names at every depth,
//! so that no two parsers can read different claims out of the same bytes (RFC 7519 §4).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

const DUPLICATE: &str = "duplicate member name";

/// Why a document is not a strict JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonFault {
    /// Not UTF-8, not JSON, or nested beyond serde_json's recursion limit.
    Syntax,
    /// An object repeats a member name.
    DuplicateMember,
    /// Valid JSON whose top level is not an object.
    NotAnObject,
}

impl JsonFault {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            JsonFault::Syntax => "not valid JSON",
            JsonFault::DuplicateMember => "an object repeats a member name",
            JsonFault::NotAnObject => "not a JSON object",
        }
    }
}

/// Parses `bytes` as a JSON object, refusing duplicate member names anywhere inside it.
pub(crate) fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, JsonFault> {
    match serde_json::from_slice::<StrictValue>(bytes) {
        Ok(StrictValue(Value::Object(map))) => Ok(map),
        Ok(_) => Err(JsonFault::NotAnObject),
        Err(e) if e.to_string().starts_with(DUPLICATE) => Err(JsonFault::DuplicateMember),
        Err(_) => Err(JsonFault::Syntax),
    }
}

/// A JSON value read strictly (duplicate member names refused), for typed readers that keep
/// part of a document as a tree.
pub(crate) struct StrictValue(pub(crate) Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("non-finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(DUPLICATE));
            }
            let StrictValue(value) = access.next_value()?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_duplicates_at_any_depth() {
        assert_eq!(parse_object(br#"{"a":1,"a":2}"#), Err(JsonFault::DuplicateMember));
        assert_eq!(parse_object(br#"{"a":{"b":1,"b":1}}"#), Err(JsonFault::DuplicateMember));
        assert_eq!(
            parse_object(br#"{"a":[{"b":1,"b":1}]}"#),
            Err(JsonFault::DuplicateMember)
        );
    }

    #[test]
    fn sorts_out_shapes() {
        assert_eq!(parse_object(b"[1]"), Err(JsonFault::NotAnObject));
        assert_eq!(parse_object(b"{"), Err(JsonFault::Syntax));
        assert_eq!(parse_object(b"\xff"), Err(JsonFault::Syntax));
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse_object(deep.as_bytes()), Err(JsonFault::Syntax));
        assert!(parse_object(br#"{"a":1,"b":[true,null,"x",1.5]}"#).is_ok());
    }
}
