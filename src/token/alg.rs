//! The JWS algorithms this crate knows.

/// A signature algorithm. Parsing is exact (case-sensitive, RFC 7518 names); `none` is no
/// variant at all, so no code path can select it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA,
}

/// The key family an algorithm needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Hmac,
    Rsa,
    Ec(Curve),
    Ed25519,
}

/// The NIST curves of ES256 / ES384 / ES512.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    /// Bytes of one coordinate (and of `r` and of `s`).
    pub fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// Bytes of a raw `R||S` signature.
    pub fn signature_len(self) -> usize {
        match self {
            Curve::P256 => 64,
            Curve::P384 => 96,
            Curve::P521 => 132,
        }
    }

    pub fn jwk_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    pub fn from_jwk_name(name: &str) -> Option<Self> {
        match name {
            "P-256" => Some(Curve::P256),
            "P-384" => Some(Curve::P384),
            "P-521" => Some(Curve::P521),
            _ => None,
        }
    }
}

/// The hash that `at_hash` / `c_hash` use for an algorithm (OIDC Core §3.1.3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashSize {
    Sha256,
    Sha384,
    Sha512,
}

impl Alg {
    pub const ALL: [Alg; 13] = [
        Alg::HS256,
        Alg::HS384,
        Alg::HS512,
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::PS256,
        Alg::PS384,
        Alg::PS512,
        Alg::ES256,
        Alg::ES384,
        Alg::ES512,
        Alg::EdDSA,
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Alg::ALL.into_iter().find(|alg| alg.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Alg::HS256 => "HS256",
            Alg::HS384 => "HS384",
            Alg::HS512 => "HS512",
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::ES512 => "ES512",
            Alg::EdDSA => "EdDSA",
        }
    }

    pub fn family(self) -> Family {
        match self {
            Alg::HS256 | Alg::HS384 | Alg::HS512 => Family::Hmac,
            Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512 => Family::Rsa,
            Alg::ES256 => Family::Ec(Curve::P256),
            Alg::ES384 => Family::Ec(Curve::P384),
            Alg::ES512 => Family::Ec(Curve::P521),
            Alg::EdDSA => Family::Ed25519,
        }
    }

    /// The hash behind `at_hash` / `c_hash`. EdDSA with Ed25519 uses SHA-512 (OIDC Core errata).
    pub fn hash_size(self) -> HashSize {
        match self {
            Alg::HS256 | Alg::RS256 | Alg::PS256 | Alg::ES256 => HashSize::Sha256,
            Alg::HS384 | Alg::RS384 | Alg::PS384 | Alg::ES384 => HashSize::Sha384,
            Alg::HS512 | Alg::RS512 | Alg::PS512 | Alg::ES512 | Alg::EdDSA => HashSize::Sha512,
        }
    }

    /// The minimum HMAC key length in bytes (RFC 7518 §3.2: at least the hash output).
    pub fn min_hmac_key_len(self) -> usize {
        match self.hash_size() {
            HashSize::Sha256 => 32,
            HashSize::Sha384 => 48,
            HashSize::Sha512 => 64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_is_exact() {
        for alg in Alg::ALL {
            assert_eq!(Alg::parse(alg.name()), Some(alg));
        }
        for bad in ["none", "None", "NONE", "rs256", "RS256 ", "", "HS1"] {
            assert_eq!(Alg::parse(bad), None);
        }
    }
}
