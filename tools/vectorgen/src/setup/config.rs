//! Configuration and policy read as Kestra reads them: what Kestra could not read, or would
//! read otherwise, is an error rather than a guess.

use super::{Setups, accepted};
use crate::tokens::{CLIENT_ID, ISSUER, err};
use serde_json::{Value, json};

pub fn add(s: &mut Setups) {
    // The options of authentik's Kestra application with `yaml` as Kestra's configuration.
    let with_config = |yaml: &str, extra: Value| {
        let mut o = json!({"issuer": ISSUER, "clientId": CLIENT_ID, "jwks": "{}", "kestraConfig": yaml,
            "clientSecret": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"});
        if let (Value::Object(o), Value::Object(e)) = (&mut o, extra) {
            o.extend(e);
        }
        o
    };
    let restricted =
        "kestra.security.defaultRole:\n  name: v\n  tenant-id: ${KESTRA_TENANT}\n  permissions:\n    FLOW: [READ]\n";
    s.add(
        "config: an unresolved placeholder in tenant-id is an error",
        with_config(restricted, json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    s.add(
        "config: a placeholder's default resolves it",
        with_config(
            "kestra.security.defaultRole:\n  name: v\n  tenant-id: ${KESTRA_TENANT:main}\n  permissions:\n    FLOW: [READ]\n",
            json!({}),
        ),
        accepted(),
    );
    s.add(
        "config: an unresolved placeholder in groups-claim-path is an error",
        with_config("kestra.security.oidc.groups-claim-path: ${GROUPS}\n", json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    s.add(
        "config: an unresolved client secret is only a finding",
        with_config(
            "micronaut.security.oauth2.clients.authentik.client-secret: ${SECRET}\n",
            json!({}),
        ),
        accepted(),
    );
    s.add(
        "config: a merge key naming a scalar is an error",
        with_config("a: &a x\nkestra.security.defaultRole:\n  <<: *a\n", json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    s.add(
        "config: an unknown tag is an error",
        with_config("kestra.security.defaultRole:\n  tenant-id: !env main\n", json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    s.add(
        "config: a scalar defaultRole is an error",
        with_config("kestra.security.defaultRole: admin\n", json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    let mut chain = String::from("a0: &a0 [x]\n");
    for i in 1..80 {
        chain.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    s.add(
        "config: chained aliases deeper than 64 levels expanded are an error",
        with_config(&chain, json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    let policy_setup = |policy: Value| with_config("", json!({"policy": policy}));
    s.add(
        "policy: an empty namespaceId is an error, not tenant-wide",
        policy_setup(json!({"roles": [{"id": "r", "permissions": {"FLOW": ["READ"]}}],
            "users": [{"id": "u", "username": "a@example.com"}],
            "bindings": [{"type": "USER", "externalId": "u", "roleId": "r", "namespaceId": "", "namespace": "company"}]})),
        err("ERR_POLICY_INVALID"),
    );
    s.add(
        "policy: two isDefault roles in a tenant are an error",
        policy_setup(json!({"roles": [
            {"id": "a", "isDefault": true, "permissions": {"FLOW": ["VIEW"]}},
            {"id": "b", "isDefault": true, "permissions": {"FLOW": ["VIEW"]}}]})),
        err("ERR_POLICY_INVALID"),
    );
    s.add(
        "config: a plain tenant-id SnakeYAML reads as a number is an error",
        with_config("kestra.security.defaultRole:\n  name: v\n  tenant-id: 1e3\n", json!({})),
        err("ERR_CONFIG_INVALID"),
    );
    s.add(
        "config: an alias of a plain << is a merge key",
        with_config(
            "kestra:\n  ee:\n    &m <<: {}\n  security:\n    default-role:\n      name: v\n      *m : {tenant-id: ${T}}\n",
            json!({}),
        ),
        err("ERR_CONFIG_INVALID"),
    );
    s.add(
        "policy: one user id with two usernames is an error",
        policy_setup(
            json!({"tenants": {"a": {"users": [{"id": "u1", "username": "a@example.com"}]},
            "b": {"users": [{"id": "u1", "username": "b@example.com"}]}}}),
        ),
        err("ERR_POLICY_INVALID"),
    );
    s.add(
        "policy: one username for two user ids is an error",
        policy_setup(
            json!({"users": [{"id": "u1", "username": "a@example.com"}, {"id": "u2", "username": "a@example.com"}]}),
        ),
        err("ERR_POLICY_INVALID"),
    );
}
