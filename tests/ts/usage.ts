// Type-checks the package's public surface as a TypeScript user would write against it
// (`tsc -p tests/ts`). Nothing here runs; every line must type-check under `strict`.
import init, {
  Authorizer,
  Session,
  type AuthorizerOptions,
  type Decision,
  type Finding,
  type IdTokenClaims,
  type KestraAuthzError,
  type Matrix,
  type NamespaceGrants,
  type HttpDecision,
  type RouteMapping,
  kestraRoute,
  diffPolicies,
  type Explanation,
  type PolicyDiff,
  type SuggestedChange,
  type Policy,
} from "../../pkg/web/kestra_authz.js";
import { KestraPolicySource, RemoteAuthorizer, RemoteError, RemoteKeysError, type RemoteErrorCode } from "../../pkg/remote.js";

export async function remoteUsage(token: string): Promise<string | undefined> {
  const remote = new RemoteAuthorizer({
    Authorizer,
    issuer: "https://sso.example.com/application/o/kestra/",
    options: { clientId: "kestra-client", kestraConfig: "kestra.security.default-role.name: r\n" },
    maxAge: 600_000,
    cooldown: 30_000,
  });
  try {
    const session: Session = await remote.verifyIdToken(token, { nonce: "n" });
    return session.username;
  } catch (e) {
    if (e instanceof RemoteKeysError) return e.code;
    throw e;
  } finally {
    remote.free();
  }
}

export async function gatewayUsage(token: string, request: { method: string; url: string }): Promise<number> {
  const policySource = new KestraPolicySource({ url: "https://kestra.example.com", token: "service", tenants: ["main"], interval: 30_000 }).start();
  const remote = new RemoteAuthorizer({ Authorizer, issuer: "https://sso.example.com/application/o/kestra/", options: { clientId: "kestra-client" }, policySource, maxStale: 60_000 });
  try {
    const { authorizer, session, release } = await remote.verify(token);
    let decision = authorizer.authorizeHttp(session, request);
    if (decision.code === "NEEDS_LOOKUP") {
      decision = authorizer.authorizeHttp(session, { ...request, namespaces: await policySource.answer(decision.tenant, decision.lookup) });
    }
    const since: number | null = policySource.lastSuccessAt;
    session.free();
    release();
    return since === null ? 503 : decision.status;
  } catch (e) {
    if (e instanceof RemoteError) {
      const code: RemoteErrorCode = e.code;
      return code === "ERR_POLICY_STALE" ? 503 : 401;
    }
    throw e;
  } finally {
    policySource.stop();
    await remote.pending;
    remote.free();
  }
}

export async function usage(yaml: string, jwks: string, token: string): Promise<boolean> {
  await init();
  const policy: Policy = {
    model: "v2",
    tenants: {
      main: {
        roles: [{ id: "dev", name: "Developer", permissions: { FLOW: ["VIEW", "UPDATE"] } }],
        groups: [{ id: "g1", name: "data-team" }],
        users: [{ id: "u1", username: "alice@example.com", groups: ["g1"] }],
        bindings: [
          { type: "USER", externalId: "u1", roleId: "dev", namespaceId: "company" },
          { type: "GROUP", namespace: null, role: { id: "dev" }, group: { id: "g1" } },
        ],
      },
    },
  };
  const options: AuthorizerOptions = { kestraConfig: yaml, jwks, policy, clockTolerance: 30, algorithms: ["RS256"] };
  using authz = new Authorizer(options);
  const warnings: Finding[] = authz.warnings;
  const codes: string[] = warnings.map((w) => `${w.code} at ${w.path}`);
  let session: Session;
  try {
    session = authz.verifyIdToken(token, { now: Date.now() / 1000, nonce: "n", tenant: "main" });
  } catch (e) {
    const error = e as KestraAuthzError;
    return error.code === "ERR_JWT_EXPIRED" && (error.claim ?? "") === "exp";
  }
  const viaHost: Promise<Session> = authz.verifyIdTokenAsync(token, { now: Date.now() / 1000, tenant: "main" });
  void viaHost.then((s) => s.subject);
  const claims: IdTokenClaims = session.claims;
  const email: string | undefined = claims.email;
  const decision: Decision = authz.authorize(session, { permission: "FLOW", action: "UPDATE", namespace: "company.team" });
  const via: string | undefined = decision.reasons[0]?.via;
  const many = authz.authorizeMany(session, [{ permission: "FLOW", action: "VIEW" }]);
  const firstCode: string = many[0]?.code ?? "";
  const matrix: Matrix = authz.matrix(session, { namespace: "company" });
  const canView: boolean = matrix["FLOW"]?.["VIEW"] ?? false;
  const grants: NamespaceGrants = authz.allowedNamespaces(session, "FLOW", "UPDATE", undefined);
  const ui: boolean[] = [
    session.isAllowed("FLOW", "UPDATE", "company"),
    session.isAllowedGlobal("FLOW", "CREATE"),
    session.hasAny("EXECUTION", undefined),
    session.hasAnyAction("EXECUTION", "KILL", null),
    session.hasAnyActionOnAnyNamespace("EXECUTION", "KILL"),
    session.hasAnyRole(),
  ];
  const http: HttpDecision = authz.authorizeHttp(session, {
    method: "GET",
    url: "/api/v1/main/flows/company/hello",
    headers: new Headers(),
    namespaces: { "execution:e1": "company" },
    mode: "defense",
  });
  const status: 200 | 401 | 403 = authz.authorizeAnonymousHttp({ method: "POST", url: "/api/v1/auths" }).status;
  const mapping: RouteMapping = kestraRoute({ method: "POST", url: "/api/v1/main/flows", body: "namespace: a\n", model: "crud" });
  const needs: string[] = mapping.checks.map((c) => `${c.permission}:${c.actions.join("+")}@${c.namespace ?? c.scope}`);
  const explained: Explanation = authz.explain(session, { permission: "FLOW", action: "DELETE", namespace: "company" });
  const first: SuggestedChange | undefined = explained.suggestions[0]?.changes[0];
  const bound: string = first?.type === "BIND_ROLE" ? `${first.role}@${first.namespace ?? "*"} -> ${first.subject.type}:${first.subject.id}` : "";
  const diff: PolicyDiff = diffPolicies({ tenants: {} }, { policy: "{}", kestraConfig: "", model: "v2" }, { usernameClaim: "email" });
  const lost: string[] = diff.changes.flatMap((c) => c.lost.map((r) => `${c.principal.type}:${r.permission}:${r.action}@${r.namespace ?? "*"}-${r.except.join(",")}`));
  const username: string | undefined = session.username;
  const groups: string[] = session.groups;
  session.free();
  return decision.allowed && canView && grants.everywhere && ui.every(Boolean) && [email, via, firstCode, username, ...groups, ...codes, ...needs, http.code, status, bound, ...lost].length > 0;
}
