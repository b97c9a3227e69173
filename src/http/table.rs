//! The route table (routes.txt, compiled into the module) read once into rows, and the match
//! of a request's path against it with the precedence Kestra's router applies.

use crate::rbac::Model;
use std::borrow::Cow;
use std::sync::OnceLock;

/// One segment of a route's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(&'static str),
    Param(&'static str),
}

/// What a route needs in one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Every one of these checks.
    Checks(Vec<Check>),
    /// The Instance Owner only.
    InstanceOwner,
    /// Any signed-in user.
    SignedIn,
    /// No session needed.
    Public,
    /// Refused on purpose.
    Refused(&'static str),
    /// The route does not exist in this model.
    Absent,
}

/// A permission with the actions it needs (every one of them), or any action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub permission: &'static str,
    /// Empty: any action of the permission.
    pub actions: Vec<&'static str>,
}

/// Where the checks' namespace comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Path,
    Yaml,
    List,
    /// The `namespace` member of one JSON object body (a trigger).
    Object,
    Filter,
    Query,
    /// Looked up: the object of this kind named by this path parameter.
    Lookup(&'static str, &'static str),
    /// Looked up: each id of a JSON array body, objects of this kind.
    Ids(&'static str),
    None,
    TenantWide,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Path => "path",
            Source::Yaml => "yaml",
            Source::List => "list",
            Source::Object => "object",
            Source::Filter => "filter",
            Source::Query => "query",
            Source::Lookup(..) => "lookup",
            Source::Ids(_) => "ids",
            Source::None => "none",
            Source::TenantWide => "tenant",
        }
    }
}

/// One route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `GET`, ... or `*`.
    pub method: &'static str,
    /// As written in the table, relative to `/api/v1/`.
    pub path: &'static str,
    /// `METHOD /api/v1/path`, as decisions name the route.
    pub display: String,
    pub segments: Vec<Segment>,
    pub crud: Gate,
    pub v2: Gate,
    pub source: Source,
    /// In defense mode one of a check's actions is enough.
    pub either: bool,
    /// Writes flows that may create their namespace (NAMESPACE:CREATE, by option).
    pub creates_namespace: bool,
}

impl Route {
    pub fn gate(&self, model: Model) -> &Gate {
        match model {
            Model::Crud => &self.crud,
            Model::V2 => &self.v2,
        }
    }
}

const TABLE: &str = include_str!("routes.txt");

/// A line of the table that does not read: a defect of the table, which its test reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableFault {
    pub line: usize,
    pub reason: String,
}

fn gate(text: &'static str) -> Result<Gate, String> {
    let text = text.trim();
    Ok(match text {
        "owner" => Gate::InstanceOwner,
        "user" => Gate::SignedIn,
        "public" => Gate::Public,
        "-" => Gate::Absent,
        _ => {
            if let Some(reason) = text.strip_prefix("refuse:") {
                return Ok(Gate::Refused(reason.trim()));
            }
            let mut checks = Vec::new();
            for part in text.split('&') {
                let (permission, actions) = part.trim().split_once(':').ok_or(format!("not a check: {part}"))?;
                let actions = match actions {
                    "*" => Vec::new(),
                    _ => actions.split('+').collect(),
                };
                checks.push(Check {
                    permission: permission.trim(),
                    actions,
                });
            }
            Gate::Checks(checks)
        }
    })
}

fn source(text: &'static str) -> Result<(Source, bool, bool), String> {
    let mut words = text.split_whitespace();
    let first = words.next().unwrap_or("");
    let source = match first {
        "path" => Source::Path,
        "yaml" => Source::Yaml,
        "list" => Source::List,
        "object" => Source::Object,
        "filter" => Source::Filter,
        "query" => Source::Query,
        "exec" => Source::Lookup("execution", "executionId"),
        "execs" => Source::Ids("execution"),
        other if other.starts_with("lookup:") => {
            let mut parts = other.splitn(3, ':').skip(1);
            match (parts.next(), parts.next()) {
                (Some(kind), Some(param)) if !kind.is_empty() && !param.is_empty() => Source::Lookup(kind, param),
                _ => return Err(format!("not lookup:<kind>:<param>: {other}")),
            }
        }
        other if other.starts_with("ids:") => match other.get(4..) {
            Some(kind) if !kind.is_empty() => Source::Ids(kind),
            _ => return Err(format!("not ids:<kind>: {other}")),
        },
        "none" => Source::None,
        "tenant" => Source::TenantWide,
        other => return Err(format!("unknown namespace source {other}")),
    };
    let (mut either, mut creates_namespace) = (false, false);
    for flag in words {
        match flag {
            "either" => either = true,
            "new-namespace" => creates_namespace = true,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok((source, either, creates_namespace))
}

fn segments(path: &'static str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    for part in path.split('/') {
        out.push(match part {
            "" => return Err("empty segment".into()),
            p if p.starts_with('{') && p.ends_with('}') => {
                Segment::Param(p.get(1..p.len().saturating_sub(1)).unwrap_or(""))
            }
            p => Segment::Literal(p),
        });
    }
    Ok(out)
}

fn read_table() -> (Vec<Route>, Vec<TableFault>) {
    let mut routes = Vec::new();
    let mut faults = Vec::new();
    for (n, line) in TABLE.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let columns: Vec<&'static str> = line.split('|').map(str::trim).collect();
        let row = (|| -> Result<Route, String> {
            let [method, path, crud, v2, ns] = columns.as_slice() else {
                return Err(format!("{} columns, not 5", columns.len()));
            };
            if !matches!(*method, "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "*") {
                return Err(format!("unknown method {method}"));
            }
            let (source, either, creates_namespace) = source(ns)?;
            Ok(Route {
                method,
                path,
                display: format!("{method} /api/v1/{path}"),
                segments: segments(path)?,
                crud: gate(crud)?,
                v2: gate(v2)?,
                source,
                either,
                creates_namespace,
            })
        })();
        match row {
            Ok(route) => routes.push(route),
            Err(reason) => faults.push(TableFault {
                line: n.saturating_add(1),
                reason,
            }),
        }
    }
    (routes, faults)
}

/// The table read, with its routes indexed by method, segment count and the literal of their
/// second segment (after the tenant, mostly: `flows`, `executions`): a path is compared only
/// with the routes that have its literal there and those with a parameter there.
struct Table {
    routes: Vec<Route>,
    faults: Vec<TableFault>,
    by_shape: rustc_hash::FxHashMap<(&'static str, usize, Option<&'static str>), Vec<usize>>,
}

/// The segment a route is indexed by.
const INDEXED_SEGMENT: usize = 1;

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

fn table() -> &'static Table {
    static TABLE_READ: OnceLock<Table> = OnceLock::new();
    TABLE_READ.get_or_init(|| {
        let (routes, faults) = read_table();
        let mut by_shape: rustc_hash::FxHashMap<_, Vec<usize>> = Default::default();
        for (i, route) in routes.iter().enumerate() {
            let literal = match route.segments.get(INDEXED_SEGMENT) {
                Some(Segment::Literal(l)) => Some(*l),
                _ => None,
            };
            for method in METHODS.iter().filter(|m| route.method == "*" || route.method == **m) {
                by_shape
                    .entry((*method, route.segments.len(), literal))
                    .or_default()
                    .push(i);
            }
        }
        Table {
            routes,
            faults,
            by_shape,
        }
    })
}

/// Every route of the table.
pub fn routes() -> &'static [Route] {
    &table().routes
}

/// Lines of the table that do not read (none: a test holds it to that).
pub fn faults() -> &'static [TableFault] {
    &table().faults
}

/// A route matched, with its path parameters.
#[derive(Debug, Clone)]
pub struct Matched<'r> {
    pub route: &'static Route,
    pub params: Vec<(&'static str, &'r str)>,
}

impl Matched<'_> {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }
}

/// Whether `route` serves `segments`: its method, its length and its literals (no allocation:
/// most candidates fail here).
fn serves(route: &Route, method: &str, segments: &[Cow<'_, str>]) -> bool {
    (route.method == "*" || route.method == method)
        && route.segments.len() == segments.len()
        && route
            .segments
            .iter()
            .zip(segments)
            .all(|(segment, part)| match segment {
                Segment::Literal(l) => l == part,
                Segment::Param(_) => true,
            })
}

/// The path parameters of `segments` on `route`, which serves them.
fn matched<'r>(route: &'static Route, segments: &'r [Cow<'_, str>]) -> Matched<'r> {
    let params = route
        .segments
        .iter()
        .zip(segments)
        .filter_map(|(segment, part)| match segment {
            Segment::Param(name) => Some((*name, part.as_ref())),
            Segment::Literal(_) => None,
        })
        .collect();
    Matched { route, params }
}

/// How routes rank when several match one path. Kestra's router prefers literal matches; two
/// readings of "more literal" are plausible (the first segment where one route has a literal
/// and the other a variable; or more literal characters, then fewer variables), and a path
/// on which they pick different routes is refused rather than guessed.
fn by_first_literal(a: &Route, b: &Route) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let rank = |s: Option<&Segment>| match s {
        Some(Segment::Literal(_)) => 2,
        Some(Segment::Param(_)) => 1,
        None => 0,
    };
    for i in 0..a.segments.len().max(b.segments.len()) {
        let order = rank(a.segments.get(i)).cmp(&rank(b.segments.get(i)));
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

fn by_literal_length(a: &Route, b: &Route) -> std::cmp::Ordering {
    let weight = |r: &Route| {
        let literal: usize = r
            .segments
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => l.len(),
                _ => 0,
            })
            .sum();
        let variables = r.segments.iter().filter(|s| matches!(s, Segment::Param(_))).count();
        // More literal text first, then fewer variables.
        (literal, std::cmp::Reverse(variables))
    };
    weight(a).cmp(&weight(b))
}

/// Why a path matched no single route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRoute {
    NotMapped,
    Ambiguous,
}

/// The routes of a method and length with `literal` as their indexed segment (`None`: a
/// parameter there).
fn shape<'a>(table: &'a Table, method: &'a str, len: usize, literal: Option<&'a str>) -> Option<&'a [usize]> {
    table.by_shape.get(&(method, len, literal)).map(Vec::as_slice)
}

/// The route Kestra's router would take for `method` and the decoded path segments after
/// `/api/v1/`.
pub fn find<'r>(method: &str, segments: &'r [Cow<'_, str>]) -> Result<Matched<'r>, NoRoute> {
    let table = table();
    let literal_bucket = segments
        .get(INDEXED_SEGMENT)
        .and_then(|s| shape(table, method, segments.len(), Some(s)));
    let param_bucket = shape(table, method, segments.len(), None);
    // Walked once per ordering rather than collected: a path has a handful of candidates.
    let candidates = || {
        literal_bucket
            .into_iter()
            .chain(param_bucket)
            .flatten()
            .filter_map(|i| table.routes.get(*i))
            .filter(|r| serves(r, method, segments))
    };
    let best = |order: fn(&Route, &Route) -> std::cmp::Ordering| {
        let top = candidates().max_by(|a, b| order(a, b))?;
        let ties = candidates()
            .filter(|c| order(c, top) == std::cmp::Ordering::Equal)
            .count();
        (ties == 1).then_some(top)
    };
    match (best(by_first_literal), best(by_literal_length)) {
        (Some(a), Some(b)) if std::ptr::eq(a, b) => Ok(matched(a, segments)),
        (None, _) if candidates().next().is_none() => Err(NoRoute::NotMapped),
        _ => Err(NoRoute::Ambiguous),
    }
}
