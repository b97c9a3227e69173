//! The layers point one way: wasm -> authorizer -> (http, audit) -> rbac -> (token, config) -> base. The core
//! names nothing of the JS boundary, and no layer names one above it. Read from the sources,
//! so a stray `use` fails here before it shapes the code.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer a source file belongs to: its directory (or file) under src/.
fn layer(path: &Path, src: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// The names only the JS boundary may use.
const JS: [&str; 4] = ["wasm_bindgen", "js_sys", "serde_wasm_bindgen", "crate::wasm"];

/// What each layer must not name: the JS boundary, and every layer above it.
fn forbidden(layer: &str) -> Vec<&'static str> {
    let above: &[&str] = match layer {
        "wasm" | "lib" => return Vec::new(),
        "authorizer" | "options" => &[],
        "http" | "audit" => &["crate::authorizer"],
        "rbac" => &["crate::authorizer", "crate::http", "crate::audit"],
        "token" => &[
            "crate::authorizer",
            "crate::http",
            "crate::audit",
            "crate::rbac",
            "crate::config",
        ],
        "config" => &[
            "crate::authorizer",
            "crate::http",
            "crate::audit",
            "crate::rbac",
            "crate::token",
        ],
        // The base: errors, time, JSON.
        _ => &[
            "crate::authorizer",
            "crate::http",
            "crate::audit",
            "crate::rbac",
            "crate::token",
            "crate::config",
        ],
    };
    JS.iter().chain(above).copied().collect()
}

#[test]
fn no_layer_names_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    assert!(files.len() > 20, "found the sources");
    let mut violations = Vec::new();
    for file in &files {
        let layer = layer(file, &src);
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for name in &forbidden(&layer) {
                if code.contains(name) {
                    violations.push(format!("{}:{}: {layer} names {name}", file.display(), n + 1));
                }
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn only_the_wasm_wing_is_built_for_wasm_bindgen() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(lib.contains("#[cfg(target_arch = \"wasm32\")]\npub mod wasm;"));
}
