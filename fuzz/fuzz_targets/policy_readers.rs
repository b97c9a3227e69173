#![no_main]
//! The typed policy reader against the general one: whenever the typed reader answers, the
//! general reader answers the same; it never accepts a text the general one refuses.
use kestra_authz::rbac::PolicyInput;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(typed) = PolicyInput::parse_typed(text) {
        assert_eq!(Ok(typed), PolicyInput::parse_general(text), "{text}");
    }
});
