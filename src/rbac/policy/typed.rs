//! Policy text in its common shape, read without building a JSON tree first: for 100,000
//! bindings the tree (a B-tree node per object) was most of the time and the memory of
//! building an Authorizer. Roles, groups and users (few, and of many shapes) are still read
//! as strict JSON values by the general reader's own functions; bindings in the stored shape
//! (`type, externalId, roleId, namespaceId | namespace, id`) are read typed, borrowing the text.
//!
//! It reads a subset: anything else (another binding shape, `tenantAccess`, an unknown or
//! repeated member, any error at all) answers `None` and the general reader decides, so the
//! two can never disagree on what a text means (a test compares them).

use super::general::*;
use super::*;
use crate::json::StrictValue;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;

/// A member that may be missing, `null`, or a value: the single-tenant shape is chosen by
/// which members are present, even as `null`.
#[derive(Default)]
enum Member<T> {
    #[default]
    Missing,
    Null,
    Value(T),
}

impl<T> Member<T> {
    fn present(&self) -> bool {
        !matches!(self, Member::Missing)
    }
    fn into_value(self) -> Option<T> {
        match self {
            Member::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Member<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            None => Member::Null,
            Some(v) => Member::Value(v),
        })
    }
}

/// A struct read from a JSON object only: serde's derived readers also take an array of
/// the fields in order, which the general reader refuses.
struct Obj<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct ObjVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjVisitor<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, access: A) -> std::result::Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(access)).map(Obj)
            }
        }
        deserializer.deserialize_map(ObjVisitor(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document<'a> {
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tenants: Option<Tenants<'a>>,
    #[serde(borrow, default)]
    tenant: Option<Cow<'a, str>>,
    #[serde(default)]
    roles: Member<Vec<StrictValue>>,
    #[serde(default)]
    groups: Member<Vec<StrictValue>>,
    #[serde(default)]
    users: Member<Vec<StrictValue>>,
    #[serde(borrow, default)]
    bindings: Member<Bindings<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tenant<'a> {
    #[serde(default)]
    roles: Option<Vec<StrictValue>>,
    #[serde(default)]
    groups: Option<Vec<StrictValue>>,
    #[serde(default)]
    users: Option<Vec<StrictValue>>,
    #[serde(borrow, default)]
    bindings: Option<Bindings<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Binding<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Text<'a>>,
    #[serde(borrow, default)]
    external_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    role_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    namespace_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    namespace: Option<Text<'a>>,
    #[serde(borrow, default)]
    id: Option<Text<'a>>,
}

/// A tenant's bindings, each turned into a `BindingInput` as soon as it is read (a list of
/// raw bindings first was 20 MB more to write and copy for 100,000 of them). Their paths
/// say `Tenant(i)` until the tenant is known to be the single-tenant shape.
struct Bindings<'a>(Vec<BindingInput<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Bindings<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct BindingsVisitor;
        impl<'de> Visitor<'de> for BindingsVisitor {
            type Value = Bindings<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of bindings")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut items: A) -> std::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(Obj(b)) = items.next_element::<Obj<Binding<'de>>>()? {
                    let at = BindingPath::Tenant(out.len());
                    // Errors are the general reader's to report: this one only declines.
                    out.push(binding_input(b, at).ok_or_else(|| de::Error::custom("left to the general reader"))?);
                }
                Ok(Bindings(out))
            }
        }
        deserializer.deserialize_seq(BindingsVisitor)
    }
}

fn binding_input(b: Binding<'_>, at: BindingPath) -> Option<BindingInput<'_>> {
    let kind = binding_kind(b.kind.as_ref().map(|Text(k)| &**k), "").ok()?;
    // The general reader would look for user / group / role objects, which this shape has
    // not: an empty id is its error.
    let external_id = b.external_id.map(|Text(t)| t).filter(|s| !s.is_empty())?;
    let role_id = b.role_id.map(|Text(t)| t).filter(|s| !s.is_empty())?;
    let raw = RawBinding {
        kind,
        external_id,
        role_id,
        namespace: b.namespace_id.or(b.namespace).map(|Text(t)| t),
        id: b.id.map(|Text(t)| t),
    };
    finish_binding(raw, at, String::new).ok()
}

/// A string borrowed from the text when it has no escapes. (serde's own `Cow` reader
/// always copies inside an `Option`.)
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> std::result::Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// `tenants`: id -> tenant, in text order; a repeated id is an error (the general reader
/// refuses it too).
struct Tenants<'a>(Vec<(Cow<'a, str>, Obj<Tenant<'a>>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Tenants<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct TenantsVisitor;
        impl<'de> Visitor<'de> for TenantsVisitor {
            type Value = Tenants<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of tenant id -> tenant")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> std::result::Result<Self::Value, A::Error> {
                let mut out: Vec<(Cow<'de, str>, Obj<Tenant<'de>>)> = Vec::new();
                while let Some(key) = access.next_key::<Cow<'de, str>>()? {
                    if out.len() >= MAX_TENANTS || out.iter().any(|(k, _)| *k == key) {
                        return Err(de::Error::custom("repeated or too many tenants"));
                    }
                    out.push((key, access.next_value()?));
                }
                Ok(Tenants(out))
            }
        }
        deserializer.deserialize_map(TenantsVisitor)
    }
}

fn values(items: Option<Vec<StrictValue>>) -> Vec<Value> {
    items
        .map(|list| list.into_iter().map(|StrictValue(v)| v).collect())
        .unwrap_or_default()
}

fn tenant<'a>(id: String, path: &str, single: bool, parts: Tenant<'a>, counts: &mut Counts) -> Option<TenantInput<'a>> {
    let (roles, groups, users) = (values(parts.roles), values(parts.groups), values(parts.users));
    let mut t = tenant_without_bindings(id, path, &roles, &groups, &users).ok()?;
    t.bindings = parts.bindings.map(|Bindings(list)| list).unwrap_or_default();
    if single {
        for b in &mut t.bindings {
            if let BindingPath::Tenant(i) = b.path {
                b.path = BindingPath::Single(i);
            }
        }
    }
    counts.add(&t).ok()?;
    Some(t)
}

/// The policy, or `None` when the general reader must decide.
pub(super) fn read(text: &str) -> Option<PolicyInput<'_>> {
    let Obj(doc) = serde_json::from_str::<Obj<Document<'_>>>(text).ok()?;
    let model = model_choice(doc.model.as_deref()).ok()?;
    let mut counts = Counts::default();
    let mut tenants = Vec::new();
    let mut listed = doc.tenants.map(|t| t.0).unwrap_or_default();
    // The general reader walks a sorted map.
    listed.sort_by(|(a, _), (b, _)| a.cmp(b));
    for (id, Obj(parts)) in listed {
        let path = format!("tenants.{id}");
        tenants.push(tenant(id.into_owned(), &path, false, parts, &mut counts)?);
    }
    if doc.roles.present() || doc.groups.present() || doc.users.present() || doc.bindings.present() {
        let id = doc.tenant.as_deref().unwrap_or(SINGLE_TENANT_DEFAULT).to_owned();
        if tenants.iter().any(|t| t.id == id) {
            return None;
        }
        let parts = Tenant {
            roles: doc.roles.into_value(),
            groups: doc.groups.into_value(),
            users: doc.users.into_value(),
            bindings: doc.bindings.into_value(),
        };
        tenants.push(tenant(id, "policy", true, parts, &mut counts)?);
    }
    Some(PolicyInput { model, tenants })
}
