#![no_main]
//! JWKS, discovery and policy JSON: the first byte picks the parser.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((which, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    match which % 3 {
        0 => {
            let _ = kestra_authz::Jwks::parse(text);
        }
        1 => {
            let _ = kestra_authz::Discovery::parse(text);
        }
        _ => {
            if let Ok(policy) = kestra_authz::rbac::PolicyInput::parse(text) {
                let config = kestra_authz::config::KestraConfig::default();
                let _ = kestra_authz::rbac::CompiledPolicy::compile(&config, Some(&policy), &Default::default());
            }
        }
    }
});
