//! base64url without padding, canonical only (RFC 7515 §2): no `=`, no `+` or `/`, no
//! whitespace, no stray trailing bits.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub(crate) fn decode(segment: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(segment).ok()
}

pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_canonical_base64url() {
        assert_eq!(decode("AQAB"), Some(vec![1, 0, 1]));
        assert_eq!(decode("AQAB="), None);
        assert_eq!(decode("a+b/"), None);
        assert_eq!(decode("AQ AB"), None);
        // "AR" decodes to 0x01 with non-zero trailing bits: not canonical.
        assert_eq!(decode("AR"), None);
        assert_eq!(decode("AQ"), Some(vec![1]));
    }
}
