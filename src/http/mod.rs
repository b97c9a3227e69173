//! Kestra's REST API at the edge: a request (method, URL, body, headers) mapped to the checks
//! Kestra would make for it, in either permission model, from the route table in routes.txt.
//! Pure: no I/O; what the request does not say (an execution's namespace) is asked of the
//! host as a lookup.

pub mod body;
pub mod decision;
pub mod path;
pub mod table;

use crate::rbac::Model;
use crate::rbac::namespace;
use rustc_hash::FxHashMap;
use table::{Gate, NoRoute, Route, Source};

/// The codes a gateway decision may carry besides the decision codes of `crate::rbac`
/// (`ALLOWED`, `DENIED_*`), which each check's decision keeps.
pub const ROUTE_CODES: [&str; 17] = [
    "PUBLIC_ROUTE",
    "SESSION_REQUIRED",
    "NEEDS_LOOKUP",
    "IMPERSONATION_DENIED",
    "ROUTE_NOT_MAPPED",
    "ROUTE_AMBIGUOUS",
    "ROUTE_REFUSED",
    "PATH_INVALID",
    "TENANT_INVALID",
    "NAMESPACE_INVALID",
    "QUERY_NAMESPACE_CONFLICT",
    "BODY_NAMESPACE_MISSING",
    "BODY_NAMESPACE_DUPLICATED",
    "BODY_NAMESPACE_TEMPLATED",
    "BODY_UNREADABLE",
    "BODY_TOO_LARGE",
    "BODY_TOO_MANY_ITEMS",
];

/// An HTTP request as a gateway sees it.
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpRequest<'a> {
    pub method: &'a str,
    /// The path and query, as in the request line (`/api/v1/main/flows/search?...`).
    pub url: &'a str,
    pub body: Option<&'a str>,
    /// The `X-Kestra-Impersonate` header.
    pub impersonate: Option<&'a str>,
}

/// Whether the gateway is the only check, or Kestra Enterprise behind it checks too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The only check: every uncertainty fails closed.
    #[default]
    Sole,
    /// Kestra checks again: pre-filter loosely, never grant more than Kestra would.
    Defense,
}

impl Mode {
    pub fn parse(name: &str) -> Option<Mode> {
        match name {
            "sole" => Some(Mode::Sole),
            "defense" => Some(Mode::Defense),
            _ => None,
        }
    }
}

/// How a gateway decides: its mode, and the namespaces it has looked up (`kind:id` ->
/// namespace, e.g. `execution:4sYz...` -> `company.team`).
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    pub mode: Mode,
    pub namespaces: FxHashMap<String, String>,
    /// A flow written into a namespace that may not exist yet also needs NAMESPACE:CREATE
    /// there, which the gateway cannot rule out. Default: yes when the gateway is alone, no
    /// behind Kestra. Turn it off when Kestra's tenant setting "Require existing namespace"
    /// is on.
    pub require_namespace_create: Option<bool>,
}

/// Where a check applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Namespace(String),
    /// Grants without a namespace only.
    TenantWide,
    /// A grant tenant-wide or on any namespace (a list the server filters).
    AnyNamespace,
}

/// One check a request needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    pub permission: &'static str,
    /// Every one of these; empty: any action of the permission.
    pub actions: &'static [&'static str],
    /// One of `actions` is enough.
    pub either: bool,
    pub place: Place,
    /// Where the namespace came from (a route table source name).
    pub from: &'static str,
}

/// Something the request does not say and the host must look up: `kind:id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub kind: &'static str,
    pub id: String,
}

impl Lookup {
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind, self.id)
    }
}

/// What a request needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// No session needed.
    Public,
    /// Any signed-in user.
    SignedIn,
    InstanceOwner,
    Checks(Vec<Need>),
    /// The namespaces of these objects are needed first. `needs`: the route's checks with a
    /// grant anywhere enough, which a caller must pass before anything is looked up for them.
    Lookup {
        lookups: Vec<Lookup>,
        needs: Vec<Need>,
    },
    /// Refused before any check, with its code and reason.
    Refused {
        code: &'static str,
        reason: String,
    },
}

/// A request mapped.
#[derive(Debug, Clone)]
pub struct Mapped {
    pub route: Option<&'static Route>,
    /// The tenant segment, on tenant routes.
    pub tenant: Option<String>,
    pub plan: Plan,
}

/// A mapping as hosts see it (`kestraRoute`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RouteMapping {
    /// `METHOD /api/v1/...` in the table's spelling.
    pub route: Option<&'static str>,
    pub tenant: Option<String>,
    /// `public`, `signed-in`, `instance-owner`, `checks`, `lookup` or `refused`.
    pub plan: &'static str,
    pub checks: Vec<NeedView>,
    pub lookup: Vec<decision::LookupEntry>,
    /// For a refusal: its code and why.
    pub code: Option<&'static str>,
    pub reason: Option<String>,
}

/// One check of a mapping.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NeedView {
    pub permission: &'static str,
    /// Empty: any action of the permission.
    pub actions: Vec<&'static str>,
    /// One of `actions` is enough.
    pub either: bool,
    pub namespace: Option<String>,
    /// `namespace`, `tenant` or `anywhere`.
    pub scope: &'static str,
    pub from: &'static str,
}

impl From<&Mapped> for RouteMapping {
    fn from(mapped: &Mapped) -> Self {
        let mut out = RouteMapping {
            route: mapped.route.map(|r| r.display.as_str()),
            tenant: mapped.tenant.clone(),
            plan: "checks",
            checks: Vec::new(),
            lookup: Vec::new(),
            code: None,
            reason: None,
        };
        match &mapped.plan {
            Plan::Public => out.plan = "public",
            Plan::SignedIn => out.plan = "signed-in",
            Plan::InstanceOwner => out.plan = "instance-owner",
            Plan::Refused { code, reason } => {
                out.plan = "refused";
                out.code = Some(code);
                out.reason = Some(reason.clone());
            }
            Plan::Lookup { lookups, .. } => {
                out.plan = "lookup";
                out.lookup = lookups.iter().map(decision::LookupEntry::from).collect();
            }
            Plan::Checks(needs) => {
                out.checks = needs
                    .iter()
                    .map(|n| {
                        let (namespace, scope) = n.place.view();
                        NeedView {
                            permission: n.permission,
                            actions: n.actions.to_vec(),
                            either: n.either,
                            namespace,
                            scope,
                            from: n.from,
                        }
                    })
                    .collect();
            }
        }
        out
    }
}

impl Place {
    /// The namespace and the scope name a host sees.
    pub fn view(&self) -> (Option<String>, &'static str) {
        match self {
            Place::Namespace(ns) => (Some(ns.clone()), "namespace"),
            Place::TenantWide => (None, "tenant"),
            Place::AnyNamespace => (None, "anywhere"),
        }
    }
}

fn refused(route: Option<&'static Route>, code: &'static str, reason: impl Into<String>) -> Mapped {
    Mapped {
        route,
        tenant: None,
        plan: Plan::Refused {
            code,
            reason: reason.into(),
        },
    }
}

/// Which namespace parameter a route's query has: Kestra reads only its own kind there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueryKind {
    /// `filters[namespace][EQUALS|PREFIX|...]`.
    Filters,
    /// The legacy `namespace=`.
    Legacy,
}

/// The namespace a route's query names: `None` when it names none. A parameter of the other
/// kind is one Kestra ignores on this route, so it would act on the whole tenant: alone, the
/// gateway refuses it; behind Kestra it reads past it.
fn query_place(query: &[(String, String)], mode: Mode, kind: QueryKind) -> Result<Option<Place>, &'static str> {
    let mut found: Option<(String, bool)> = None;
    for (name, value) in query {
        let (own, prefix) = match name.as_str() {
            "namespace" => (kind == QueryKind::Legacy, false),
            "filters[namespace][EQUALS]" => (kind == QueryKind::Filters, false),
            "filters[namespace][PREFIX]" => (kind == QueryKind::Filters, true),
            other if other.starts_with("filters[namespace]") => {
                if kind != QueryKind::Filters {
                    if mode == Mode::Sole {
                        return Err("QUERY_NAMESPACE_CONFLICT");
                    }
                    continue;
                }
                // Another operator (IN, CONTAINS, ...): it does not name one subtree.
                return Ok(Some(match mode {
                    Mode::Sole => Place::TenantWide,
                    Mode::Defense => Place::AnyNamespace,
                }));
            }
            _ => continue,
        };
        if !own {
            if mode == Mode::Sole {
                return Err("QUERY_NAMESPACE_CONFLICT");
            }
            continue;
        }
        match &found {
            Some((known, _)) if known != value => return Err("QUERY_NAMESPACE_CONFLICT"),
            _ => found = Some((value.clone(), prefix)),
        }
    }
    let Some((ns, prefix)) = found else { return Ok(None) };
    if ns.is_empty() {
        return Ok(None);
    }
    if namespace::validate(&ns).is_err() {
        return Err("NAMESPACE_INVALID");
    }
    // A prefix may match by characters (`a.b` also `a.bc`): alone, the gateway asks for the
    // grant on the parent, which covers every namespace the prefix can match.
    if prefix && mode == Mode::Sole {
        return Ok(Some(match ns.rfind('.').and_then(|i| ns.get(..i)) {
            Some(parent) => Place::Namespace(parent.to_owned()),
            None => Place::TenantWide,
        }));
    }
    Ok(Some(Place::Namespace(ns)))
}

/// Maps a request to the checks it needs in `model`. `answers` holds looked-up namespaces by
/// `kind:id`.
pub fn map(request: &HttpRequest<'_>, model: Model, options: &HttpOptions) -> Mapped {
    let (mode, answers) = (options.mode, &options.namespaces);
    let url = match path::parse(request.url) {
        Ok(url) => url,
        Err(fault) => return refused(None, "PATH_INVALID", fault.describe()),
    };
    let rest = match url.segments.as_slice() {
        [api, v1, rest @ ..] if api == "api" && v1 == "v1" => rest,
        _ => return refused(None, "ROUTE_NOT_MAPPED", "not a Kestra API route (/api/v1/...)"),
    };
    // Methods are compared as the table writes them (upper case); HEAD is served by each GET
    // route, with its checks.
    let method = match request.method {
        m if m.eq_ignore_ascii_case("HEAD") => "GET",
        m => m,
    };
    let upper;
    let method = if method.bytes().any(|b| b.is_ascii_lowercase()) {
        upper = method.to_ascii_uppercase();
        upper.as_str()
    } else {
        method
    };
    let matched = match table::find(method, rest) {
        Ok(m) => m,
        Err(NoRoute::NotMapped) => {
            return refused(None, "ROUTE_NOT_MAPPED", "no Kestra route has this method and path");
        }
        Err(NoRoute::Ambiguous) => {
            return refused(
                None,
                "ROUTE_AMBIGUOUS",
                "more than one Kestra route could serve this path; it is refused rather than guessed",
            );
        }
    };
    let route = matched.route;
    let tenant = matched.param("tenant").map(str::to_owned);
    if let Some(t) = &tenant
        && !crate::rbac::policy::valid_tenant(t)
    {
        return refused(
            Some(route),
            "TENANT_INVALID",
            "the tenant segment is not a Kestra tenant id",
        );
    }
    let with_tenant = |plan: Plan| Mapped {
        route: Some(route),
        tenant: tenant.clone(),
        plan,
    };
    let checks = match route.gate(model) {
        Gate::Public => return with_tenant(Plan::Public),
        Gate::SignedIn => return with_tenant(Plan::SignedIn),
        Gate::InstanceOwner => return with_tenant(Plan::InstanceOwner),
        Gate::Refused(reason) => return refused(Some(route), "ROUTE_REFUSED", *reason),
        Gate::Absent => {
            return refused(
                Some(route),
                "ROUTE_NOT_MAPPED",
                "this route does not exist in the policy's model",
            );
        }
        Gate::Checks(checks) => checks,
    };
    // The route's check on one place.
    let need = |check: &'static table::Check, place: Place| Need {
        permission: check.permission,
        actions: check.actions.as_slice(),
        either: route.either && mode == Mode::Defense,
        place,
        from: route.source.name(),
    };
    let places = match places(route, &matched, &url.query, request.body, mode, answers) {
        Ok(Ok(places)) => places,
        Ok(Err(lookups)) => {
            // Nothing is looked up for a caller who holds the route's permissions nowhere.
            let needs = checks.iter().map(|check| need(check, Place::AnyNamespace)).collect();
            return with_tenant(Plan::Lookup { lookups, needs });
        }
        Err((code, reason)) => {
            let mut out = refused(Some(route), code, reason);
            out.tenant = tenant;
            return out;
        }
    };
    let namespace_create = route.creates_namespace && options.require_namespace_create.unwrap_or(mode == Mode::Sole);
    let mut needs = Vec::new();
    for place in places {
        if namespace_create && matches!(place, Place::Namespace(_)) {
            needs.push(Need {
                permission: "NAMESPACE",
                actions: &["CREATE"],
                either: false,
                place: place.clone(),
                from: route.source.name(),
            });
        }
        for check in checks {
            needs.push(need(check, place.clone()));
        }
    }
    with_tenant(Plan::Checks(needs))
}

type Places = Result<Result<Vec<Place>, Vec<Lookup>>, (&'static str, String)>;

/// Where a route's checks apply, from its namespace source.
fn places(
    route: &'static Route,
    matched: &table::Matched<'_>,
    query: &[(String, String)],
    body: Option<&str>,
    mode: Mode,
    answers: &FxHashMap<String, String>,
) -> Places {
    let namespaced = |ns: &str| -> Result<Place, (&'static str, String)> {
        namespace::validate(ns)
            .map(|_| Place::Namespace(ns.to_owned()))
            .map_err(|_| {
                (
                    "NAMESPACE_INVALID",
                    "the namespace is not one Kestra accepts".to_owned(),
                )
            })
    };
    let unfiltered = match mode {
        Mode::Sole => Place::TenantWide,
        Mode::Defense => Place::AnyNamespace,
    };
    let body_fault = |f: body::BodyFault| {
        (
            f.code(),
            "the body's namespace cannot be read with certainty".to_owned(),
        )
    };
    Ok(Ok(match route.source {
        Source::Path => {
            let ns = matched
                .param("namespace")
                .or_else(|| {
                    matched
                        .param("id")
                        .filter(|_| route.path.starts_with("{tenant}/namespaces/{id}"))
                })
                .ok_or(("ROUTE_NOT_MAPPED", "the route names no namespace".to_owned()))?;
            // A namespace in the query must not contradict the path's.
            if let Ok(Some(Place::Namespace(other))) = query_place(query, Mode::Defense, QueryKind::Legacy)
                && other != ns
            {
                return Err((
                    "QUERY_NAMESPACE_CONFLICT",
                    "the query names another namespace than the path".into(),
                ));
            }
            vec![namespaced(ns)?]
        }
        Source::Filter | Source::Query => {
            let kind = match route.source {
                Source::Query => QueryKind::Legacy,
                _ => QueryKind::Filters,
            };
            match query_place(query, mode, kind)
                .map_err(|code| (code, "the query's namespace filter cannot be used".to_owned()))?
            {
                Some(place) => vec![place],
                None => vec![unfiltered],
            }
        }
        Source::None => vec![Place::TenantWide],
        Source::TenantWide => vec![Place::TenantWide],
        Source::Yaml => {
            let body = body.ok_or((
                "BODY_NAMESPACE_MISSING",
                "the route's namespace is in its body".to_owned(),
            ))?;
            let mut out = Vec::new();
            for ns in body::yaml_namespaces(body).map_err(body_fault)? {
                out.push(namespaced(&ns)?);
            }
            out
        }
        Source::Object => {
            let body = body.ok_or((
                "BODY_NAMESPACE_MISSING",
                "the route's namespace is in its body".to_owned(),
            ))?;
            vec![namespaced(&body::object_namespace(body).map_err(body_fault)?)?]
        }
        Source::List => {
            let body = body.ok_or((
                "BODY_NAMESPACE_MISSING",
                "the route's namespaces are in its body".to_owned(),
            ))?;
            let mut out = Vec::new();
            for ns in body::list_namespaces(body).map_err(body_fault)? {
                let place = namespaced(&ns)?;
                if !out.contains(&place) {
                    out.push(place);
                }
            }
            out
        }
        Source::Lookup(kind, _) | Source::Ids(kind) => {
            let ids = match route.source {
                Source::Lookup(_, param) => vec![
                    matched
                        .param(param)
                        .ok_or(("ROUTE_NOT_MAPPED", "the route names no object".to_owned()))?
                        .to_owned(),
                ],
                _ => {
                    let body = body.ok_or(("BODY_NAMESPACE_MISSING", "the ids are in the body".to_owned()))?;
                    body::ids(body).map_err(body_fault)?
                }
            };
            let mut out = Vec::new();
            let mut missing = Vec::new();
            for id in ids {
                let lookup = Lookup { kind, id };
                match answers.get(&lookup.key()) {
                    Some(ns) => {
                        let place = namespaced(ns)?;
                        if !out.contains(&place) {
                            out.push(place);
                        }
                    }
                    None => missing.push(lookup),
                }
            }
            if !missing.is_empty() {
                // Kestra checks again behind a defense gateway: a grant anywhere will do.
                if mode == Mode::Defense {
                    out.push(Place::AnyNamespace);
                } else {
                    return Ok(Err(missing));
                }
            }
            out
        }
    }))
}
