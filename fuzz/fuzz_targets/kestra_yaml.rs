#![no_main]
//! Kestra application.yaml text.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = kestra_authz::config::KestraConfig::parse(text);
    }
});
