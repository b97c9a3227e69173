//! Time as a value. Nothing in the core reads a clock: hosts pass `now` in.

use crate::error::{Error, Result};

/// The largest integer a JSON number (an IEEE double) holds exactly.
pub const MAX_SAFE_SECONDS: f64 = 9_007_199_254_740_991.0;

/// Seconds since the Unix epoch: finite, non-negative, at most 2^53 - 1. Fractions are kept,
/// as RFC 7519 NumericDate allows them and jose compares them as numbers.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct UnixTime(f64);

impl UnixTime {
    /// Checks the range; `what` names the value in the error.
    pub fn from_seconds(seconds: f64) -> Result<Self> {
        if is_valid_seconds(seconds) {
            Ok(UnixTime(seconds))
        } else {
            Err(Error::OptionInvalid {
                option: "now",
                reason: "must be a finite number of seconds between 0 and 2^53 - 1".into(),
            })
        }
    }

    pub fn seconds(self) -> f64 {
        self.0
    }
}

/// True when a JSON number is usable as a NumericDate: finite, from 0 to 2^53 - 1, fractions
/// allowed.
pub(crate) fn is_valid_seconds(seconds: f64) -> bool {
    seconds.is_finite() && (0.0..=MAX_SAFE_SECONDS).contains(&seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_out_of_range() {
        for bad in [f64::NAN, f64::INFINITY, -1.0, 1e300, MAX_SAFE_SECONDS + 2.0] {
            assert_eq!(
                UnixTime::from_seconds(bad).map_err(|e| e.code()),
                Err("ERR_OPTION_INVALID")
            );
        }
        assert_eq!(UnixTime::from_seconds(1.5).map(UnixTime::seconds), Ok(1.5));
    }
}
