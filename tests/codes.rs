//! The codes hosts see are Rust enums; every place that lists them by hand (the TypeScript
//! declarations, docs/errors.md, the demo's explanations) must list exactly those.

use kestra_authz::config::FindingCode;
use kestra_authz::error::{ClaimReason, ErrorCode};
use kestra_authz::rbac::{ALLOWED, DenyCode, Via};
use std::collections::BTreeSet;

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn set<'a>(codes: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    codes.into_iter().map(str::to_owned).collect()
}

fn error_codes() -> BTreeSet<String> {
    set(ErrorCode::ALL.map(ErrorCode::as_str))
}

fn decision_codes() -> BTreeSet<String> {
    set(std::iter::once(ALLOWED).chain(DenyCode::ALL.map(DenyCode::code)))
}

fn finding_codes() -> BTreeSet<String> {
    set(FindingCode::ALL.map(FindingCode::as_str))
}

/// The string literals of the TypeScript declaration that starts at `start`, up to its `;`.
fn ts_union(dts: &str, start: &str) -> BTreeSet<String> {
    let from = dts
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in the declarations"));
    let body = &dts[from + start.len()..];
    let body = &body[..body.find(';').unwrap()];
    body.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The first column of the table under `heading` (`| \`CODE\` | ... |` rows).
fn doc_table(doc: &str, heading: &str) -> BTreeSet<String> {
    let from = doc
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("{heading} not in the doc"));
    let section = &doc[from + heading.len() + 2..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|rest| rest[..rest.find('`').unwrap()].to_owned())
        .collect()
}

/// The keys of the demo's `EXPLAIN` object.
fn demo_explanations() -> BTreeSet<String> {
    let app = read("www/app.js");
    let from = app.find("const EXPLAIN = {").unwrap();
    let body = &app[from..];
    let body = &body[..body.find("\n};").unwrap()];
    body.lines()
        .filter_map(|line| line.trim().split_once(':'))
        .map(|(key, _)| key.to_owned())
        .filter(|key| {
            key.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .collect()
}

#[test]
fn typescript_unions_are_the_enums() {
    let dts = read("src/wasm/kestra_authz.d.ts");
    assert_eq!(ts_union(&dts, "export type ErrorCode ="), error_codes());
    assert_eq!(ts_union(&dts, "export type DecisionCode ="), decision_codes());
    assert_eq!(ts_union(&dts, "export interface Finding {\n  code:"), finding_codes());
    assert_eq!(ts_union(&dts, "  via:"), set(Via::ALL.map(Via::name)));
}

fn route_codes() -> BTreeSet<String> {
    set(kestra_authz::http::ROUTE_CODES)
}

/// Every code the gateway layer writes is one of `ROUTE_CODES` or a decision code.
#[test]
fn the_gateway_writes_only_listed_codes() {
    let mut written = BTreeSet::new();
    for entry in std::fs::read_dir(format!("{}/src/http", env!("CARGO_MANIFEST_DIR"))).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for literal in text.split('"').skip(1).step_by(2) {
            let code_like = literal.contains('_')
                && literal
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if code_like {
                written.insert(literal.to_owned());
            }
        }
    }
    let known: BTreeSet<String> = route_codes().union(&decision_codes()).cloned().collect();
    let stray: Vec<&String> = written.difference(&known).collect();
    assert!(stray.is_empty(), "codes not in ROUTE_CODES: {stray:?}");
    let dts = read("src/wasm/kestra_authz.d.ts");
    assert_eq!(ts_union(&dts, "export type RouteCode ="), route_codes());
    assert_eq!(doc_table(&read("docs/errors.md"), "## Gateway codes"), route_codes());
}

#[test]
fn the_errors_page_documents_every_code() {
    let doc = read("docs/errors.md");
    assert_eq!(doc_table(&doc, "## Error codes"), error_codes());
    assert_eq!(doc_table(&doc, "## Decision codes"), decision_codes());
    assert_eq!(doc_table(&doc, "## Finding codes"), finding_codes());
    assert_eq!(
        doc_table(&doc, "## Claim reasons"),
        set(ClaimReason::ALL.map(ClaimReason::as_str))
    );
}

#[test]
fn the_demo_explains_every_error_and_decision_code() {
    let expected: BTreeSet<String> = error_codes().union(&decision_codes()).cloned().collect();
    assert_eq!(demo_explanations(), expected);
}

#[test]
fn codes_are_distinct_and_well_formed() {
    let well_formed = |code: &str, prefix: &str| {
        code.starts_with(prefix)
            && code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    assert_eq!(error_codes().len(), ErrorCode::ALL.len());
    assert!(error_codes().iter().all(|c| well_formed(c, "ERR_")));
    assert_eq!(finding_codes().len(), FindingCode::ALL.len());
    assert!(finding_codes().iter().all(|c| well_formed(c, "WARN_")));
    assert_eq!(decision_codes().len(), DenyCode::ALL.len() + 1);
    assert!(DenyCode::ALL.iter().all(|c| well_formed(c.code(), "DENIED_")));
}
