//! How a decision becomes a JS object: the names it repeats are interned once per Authorizer
//! as JS strings, and decision.js assembles the object from their indexes.

use super::transport::with_request;
use super::{js_error, not_added};
use crate::authorizer::{Authorizer, Session};
#[cfg(feature = "gateway")]
use crate::http::decision::HttpDecision;
use crate::rbac::{ALLOWED, Decision, DenyCode, Reason, Via};
use wasm_bindgen::prelude::*;

// The builders, in decision.js.
#[wasm_bindgen(module = "/src/wasm/decision.js")]
extern "C" {
    #[wasm_bindgen(js_name = decision)]
    #[allow(clippy::too_many_arguments)]
    fn build_decision(
        strings: &js_sys::Array,
        allowed: bool,
        code: u32,
        tenant: u32,
        more_reasons: u32,
        count: u32,
        v0: u32,
        r0: u32,
        n0: u32,
        b0: u32,
        ns0: u32,
        g0: u32,
        t0: u32,
        v1: u32,
        r1: u32,
        n1: u32,
        b1: u32,
        ns1: u32,
        g1: u32,
        t1: u32,
        v2: u32,
        r2: u32,
        n2: u32,
        b2: u32,
        ns2: u32,
        g2: u32,
        t2: u32,
        v3: u32,
        r3: u32,
        n3: u32,
        b3: u32,
        ns3: u32,
        g3: u32,
        t3: u32,
    ) -> JsValue;
    #[wasm_bindgen(js_name = batchError)]
    fn batch_error(code: &str, message: &str) -> JsValue;
    /// An empty array of the module's own, which `append` fills.
    #[wasm_bindgen(js_name = newList)]
    pub(super) fn new_list() -> js_sys::Array;
    /// Appends as an own element (no `Array.prototype` setter or method runs): its index, or
    /// -1 when it could not be added.
    pub(super) fn append(list: &js_sys::Array, value: &JsValue) -> i32;
    #[cfg(feature = "gateway")]
    #[wasm_bindgen(js_name = httpDecision)]
    #[allow(clippy::too_many_arguments)]
    fn http_decision(
        strings: &js_sys::Array,
        allowed: bool,
        code: u32,
        status: u32,
        route: u32,
        tenant: u32,
        impersonated: u32,
        reason: u32,
    ) -> JsValue;
    #[cfg(feature = "gateway")]
    #[wasm_bindgen(js_name = httpCheck)]
    #[allow(clippy::too_many_arguments)]
    fn http_check(
        decision: &JsValue,
        strings: &js_sys::Array,
        permission: u32,
        action: u32,
        namespace: u32,
        scope: u32,
        from: u32,
        allowed: bool,
        code: u32,
    ) -> bool;
    #[cfg(feature = "gateway")]
    #[wasm_bindgen(js_name = httpLookup)]
    fn http_lookup(decision: &JsValue, strings: &js_sys::Array, kind: u32, id: u32) -> bool;
}

/// JS strings for the names decisions repeat (codes, roles, bindings, namespaces, groups,
/// tenants, routes), made once per Authorizer and handed to the builders by index: creating
/// them was most of `authorize`. Index 0 is `null`. Bounded: started afresh when full.
pub(super) struct JsStrings(std::cell::RefCell<StringTable>);

struct StringTable {
    ids: rustc_hash::FxHashMap<Box<str>, u32>,
    /// The JS array the builder reads, `ids`' strings at their indexes.
    values: js_sys::Array,
    /// The array refused a string (`append` could not add it): ids may be wrong, so the
    /// decision is refused and the table made afresh (`check`).
    refused: bool,
}

const JS_STRINGS_MAX: usize = 4096;

impl StringTable {
    fn new() -> Self {
        let values = new_list();
        // `via` names and decision codes take fixed ids (`via_id`, `code_id`): no lookup.
        let refused = std::iter::once(JsValue::NULL)
            .chain(Via::ALL.map(|via| JsValue::from_str(via.name())))
            .chain(std::iter::once(JsValue::from_str(ALLOWED)))
            .chain(DenyCode::ALL.map(|deny| JsValue::from_str(deny.code())))
            .any(|value| append(&values, &value) < 0);
        StringTable {
            ids: rustc_hash::FxHashMap::default(),
            values,
            refused,
        }
    }

    /// Refuses a decision whose strings the array did not all take, and starts afresh.
    fn check(&mut self) -> Result<(), JsValue> {
        if !self.refused {
            return Ok(());
        }
        *self = StringTable::new();
        Err(not_added())
    }

    fn via_id(via: Via) -> u32 {
        match via {
            Via::User => 1,
            Via::Group => 2,
            Via::DefaultRole => 3,
            Via::InstanceOwner => 4,
        }
    }

    fn code_id(&mut self, code: &str) -> u32 {
        let fixed = std::iter::once(ALLOWED).chain(DenyCode::ALL.map(DenyCode::code));
        match (5..).zip(fixed).find(|(_, known)| *known == code) {
            Some((id, _)) => id,
            None => self.id(Some(code)),
        }
    }

    /// Starts afresh if `count` new strings might not fit. Never done between handing out ids
    /// and passing them to the builder, so every id passed is from the array passed.
    /// Says whether it did: ids handed out before are then stale.
    fn make_room(&mut self, count: usize) -> bool {
        let full = self.ids.len().saturating_add(count) > JS_STRINGS_MAX;
        if full {
            *self = StringTable::new();
        }
        full
    }

    fn id(&mut self, text: Option<&str>) -> u32 {
        let Some(text) = text else { return 0 };
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let Ok(id) = u32::try_from(append(&self.values, &JsValue::from_str(text))) else {
            self.refused = true;
            return 0;
        };
        self.ids.insert(text.into(), id);
        id
    }
}

impl Default for JsStrings {
    fn default() -> Self {
        JsStrings(std::cell::RefCell::new(StringTable::new()))
    }
}

/// A reason's strings as indexes into the Authorizer's string table.
#[derive(Clone, Copy)]
struct ReasonIds([u32; 7]);

impl ReasonIds {
    /// `known` is a string with its id already looked up in this decision (its tenant): a
    /// reason naming the same text in the same place needs no lookup.
    fn of(r: &Reason<'_>, table: &mut StringTable, known: (Option<&str>, u32)) -> Self {
        let tenant = match known {
            (Some(text), id) if std::ptr::eq(text, &*r.tenant) => id,
            _ => table.id(Some(&r.tenant)),
        };
        let role = table.id(r.role.as_deref());
        // A role without a name of its own is named by its id.
        let role_name = if r.role_name == r.role {
            role
        } else {
            table.id(r.role_name.as_deref())
        };
        ReasonIds([
            StringTable::via_id(r.via),
            role,
            role_name,
            table.id(r.binding.as_deref()),
            table.id(r.namespace.as_deref()),
            table.id(r.group.as_deref()),
            tenant,
        ])
    }
}

// The builder takes the reasons `authorize` lists as four groups of arguments.
const _: () = assert!(
    crate::rbac::MAX_REASONS == 4,
    "decision.js's builder takes four reasons"
);

/// `{ allowed, code, reasons: [{ via, role, roleName, binding, namespace, group, tenant }],
/// moreReasons, tenant }`, absent values as `null`: what serializing `Decision` gives, built
/// directly, with the reasons `Decision::listed` gives (all of those `authorize` lists).
fn decision_to_js(decision: &Decision<'_>, strings: &JsStrings) -> Result<JsValue, JsValue> {
    let Ok(mut table) = strings.0.try_borrow_mut() else {
        // Only re-entrance could hold the table; a fresh one answers the same.
        return decision_to_js(decision, &JsStrings::default());
    };
    let table = &mut *table;
    // Room for the strings of the decision and its reasons at once: no restart while their
    // ids are handed out.
    let (listed, more_reasons) = decision.listed();
    let _ = table.make_room(listed.len().saturating_mul(6).saturating_add(2));
    let code = table.code_id(decision.code);
    let tenant = table.id(decision.tenant.as_deref());
    let known = (decision.tenant.as_deref(), tenant);
    let mut ids = [ReasonIds([0; 7]); 4];
    for (slot, reason) in ids.iter_mut().zip(listed) {
        *slot = ReasonIds::of(reason, table, known);
    }
    let [
        ReasonIds([v0, r0, n0, b0, ns0, g0, t0]),
        ReasonIds([v1, r1, n1, b1, ns1, g1, t1]),
        ReasonIds([v2, r2, n2, b2, ns2, g2, t2]),
        ReasonIds([v3, r3, n3, b3, ns3, g3, t3]),
    ] = ids;
    table.check()?;
    #[rustfmt::skip]
    let out = build_decision(
        &table.values,
        decision.allowed,
        code,
        tenant,
        u32::try_from(more_reasons).unwrap_or(u32::MAX),
        u32::try_from(listed.len()).unwrap_or(0),
        v0, r0, n0, b0, ns0, g0, t0,
        v1, r1, n1, b1, ns1, g1, t1,
        v2, r2, n2, b2, ns2, g2, t2,
        v3, r3, n3, b3, ns3, g3, t3,
    );
    Ok(out)
}

/// The decision on a JS request, as a JS decision.
pub(super) fn decide(
    authz: &Authorizer,
    session: &Session,
    request: &JsValue,
    strings: &JsStrings,
) -> Result<JsValue, JsValue> {
    with_request(request, |request| {
        decision_to_js(&authz.authorize(session, request).map_err(js_error)?, strings)
    })
}

/// `authorizeMany`'s entry for one request: its decision, or the error it is as an entry.
pub(super) fn decide_in_batch(
    authz: &Authorizer,
    session: &Session,
    request: &JsValue,
    strings: &JsStrings,
) -> JsValue {
    decide(authz, session, request, strings).unwrap_or_else(|error| {
        // The module's own error: its members are its own, read with Reflect (which catches).
        let text = |key: &str| {
            js_sys::Reflect::get(&error, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        batch_error(&text("code"), &text("message"))
    })
}

/// A gateway decision as a JS object, built from the Authorizer's string table: one call for
/// the decision and one per check or lookup, where JSON out and `JSON.parse` in cost more.
#[cfg(feature = "gateway")]
pub(super) fn http_decision_to_js(d: &HttpDecision, strings: &JsStrings) -> Result<JsValue, JsValue> {
    let Ok(mut table) = strings.0.try_borrow_mut() else {
        // Only re-entrance could hold the table; a fresh one answers the same.
        return http_decision_to_js(d, &JsStrings::default());
    };
    let table = &mut *table;
    // Room for every string of this decision at once: no restart while its ids are handed out.
    let needed = d
        .checks
        .len()
        .saturating_mul(6)
        .saturating_add(d.lookup.len().saturating_mul(2))
        .saturating_add(5);
    let _ = table.make_room(needed);
    let (code, route) = (table.code_id(d.code), table.id(d.route));
    let (tenant, impersonated) = (table.id(d.tenant.as_deref()), table.id(d.impersonated.as_deref()));
    let reason = table.id(d.reason.as_deref());
    table.check()?;
    let out = http_decision(
        &table.values,
        d.allowed,
        code,
        u32::from(d.status),
        route,
        tenant,
        impersonated,
        reason,
    );
    for c in &d.checks {
        let ids = [
            table.id(Some(c.permission)),
            table.id(c.action),
            table.id(c.namespace.as_deref()),
            table.id(Some(c.scope)),
            table.id(Some(c.from)),
            table.code_id(c.code),
        ];
        let [permission, action, namespace, scope, from, code] = ids;
        table.check()?;
        if !http_check(
            &out,
            &table.values,
            permission,
            action,
            namespace,
            scope,
            from,
            c.allowed,
            code,
        ) {
            return Err(not_added());
        }
    }
    for l in &d.lookup {
        let (kind, id) = (table.id(Some(l.kind)), table.id(Some(&l.id)));
        table.check()?;
        if !http_lookup(&out, &table.values, kind, id) {
            return Err(not_added());
        }
    }
    Ok(out)
}
