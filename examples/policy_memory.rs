//! Peak heap while building an Authorizer from policy text, stage by stage (a counting
//! allocator): `cargo run --release --example policy_memory -- 100000`.

use kestra_authz::rbac::policy::PolicyInput;
use kestra_authz::{Authorizer, AuthorizerOptions};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;
static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / 1048576.0)
}

fn main() {
    let bindings: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let users = (bindings / 10).max(1);
    let mut text = String::from("{\"tenants\":{\"main\":{\"roles\":[");
    for r in 0..50 {
        let secret = ["READ", "CREATE", "UPDATE", "DELETE"][r % 4];
        text += &format!(
            "{}{{\"id\":\"r{r}\",\"permissions\":{{\"FLOW\":[\"READ\",\"UPDATE\"],\"EXECUTION\":[\"READ\"],\"SECRET\":[\"{secret}\"]}}}}",
            if r > 0 { "," } else { "" }
        );
    }
    text += "],\"groups\":[";
    text += &(0..20)
        .map(|g| format!("{{\"id\":\"g{g}\"}}"))
        .collect::<Vec<_>>()
        .join(",");
    text += "],\"users\":[";
    text += &(0..users)
        .map(|u| {
            format!(
                "{{\"id\":\"u{u}\",\"username\":\"user{u}@example.com\",\"groups\":[\"g{}\"]}}",
                u % 20
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    text += "],\"bindings\":[";
    text += &(0..bindings)
        .map(|b| {
            if b % 7 == 0 {
                format!("{{\"type\":\"GROUP\",\"externalId\":\"g{}\",\"roleId\":\"r{}\",\"namespaceId\":\"org{}.team{}\"}}", b % 20, b % 50, b % 13, b % 31)
            } else {
                format!("{{\"type\":\"USER\",\"externalId\":\"u{}\",\"roleId\":\"r{}\",\"namespaceId\":\"org{}.team{}.svc{}\"}}", b % users, b % 50, b % 13, b % 31, b % 5)
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    text += "]}}}";
    text.shrink_to_fit();
    let base = NOW.load(Relaxed);
    PEAK.store(base, Relaxed);
    println!("policy text: {} ({} bindings)", mib(text.len()), bindings);
    let input = PolicyInput::parse(&text).expect("policy");
    println!(
        "after parse: held {}, peak {}",
        mib(NOW.load(Relaxed) - base),
        mib(PEAK.load(Relaxed) - base)
    );
    drop(input);
    PEAK.store(NOW.load(Relaxed), Relaxed);
    let options = AuthorizerOptions {
        issuer: Some("https://sso.example.com/".into()),
        client_id: Some("kestra".into()),
        client_secret: Some("0123456789abcdef0123456789abcdef".into()),
        ..AuthorizerOptions::default()
    };
    let authz = Authorizer::with_policy_text(options, &text).expect("authorizer");
    println!(
        "Authorizer: held {}, peak {} (beyond the text)",
        mib(NOW.load(Relaxed) - base),
        mib(PEAK.load(Relaxed) - base)
    );
    drop(authz);
}
