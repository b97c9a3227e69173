#![no_main]
//! The gateway's mapper on any method, URL and body: no panic, and a mapping that names a
//! route always names one whose method fits.
use kestra_authz::http::{HttpRequest, Mode, map};
use kestra_authz::rbac::Model;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.splitn(3, '\n');
    let (method, url, body) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next());
    for (model, mode) in [(Model::Crud, Mode::Sole), (Model::V2, Mode::Defense)] {
        let request = HttpRequest { method, url, body, impersonate: None };
        let mapped = map(&request, model, &kestra_authz::http::HttpOptions { mode, ..Default::default() });
        if let Some(route) = mapped.route {
            assert!(route.method == "*" || route.method.eq_ignore_ascii_case(method));
        }
    }
});
