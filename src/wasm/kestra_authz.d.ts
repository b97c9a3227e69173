/** A JWS algorithm this module verifies (`none` is none of them). */
export type Algorithm =
  | "HS256" | "HS384" | "HS512" | "RS256" | "RS384" | "RS512"
  | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" | "ES512" | "EdDSA";

/** A JSON value, as claims and configuration objects hold them. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One key of a JWKS (RFC 7517); members this module does not read are allowed. */
export interface Jwk {
  kty: string;
  kid?: string;
  use?: string;
  alg?: string;
  key_ops?: string[];
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
  [member: string]: JsonValue | undefined;
}

/** A JWKS; authentik serves `{}` for a provider without a signing key. */
export interface Jwks {
  keys?: Jwk[];
  [member: string]: unknown;
}

/** The parts of an OpenID Provider discovery document this module reads. */
export interface DiscoveryDocument {
  issuer: string;
  jwks_uri?: string;
  id_token_signing_alg_values_supported: string[];
  [member: string]: JsonValue | undefined;
}

/** A role's permissions: permission -> actions, or Kestra's list shape. */
export type RolePermissions =
  | { [permission: string]: string[] }
  | Array<{ permission?: string; resource?: string; actions: string[] }>;

export interface Role {
  id: string;
  name?: string;
  description?: string;
  permissions?: RolePermissions;
  isDefault?: boolean;
  isManaged?: boolean;
}

export interface Group {
  id: string;
  name?: string;
  description?: string;
}

export interface User {
  id?: string;
  username?: string;
  email?: string;
  groups?: Array<string | { id: string; name?: string } | { groupId: string }>;
  superAdmin?: boolean;
  instanceOwner?: boolean;
}

/** A binding in the stored shape (`externalId`, `roleId`, `namespaceId`) or the detail shape. */
export interface Binding {
  id?: string;
  type: "USER" | "GROUP";
  externalId?: string;
  roleId?: string;
  namespaceId?: string | null;
  namespace?: string | null;
  role?: { id: string; name?: string };
  user?: { id: string; username?: string } | null;
  group?: { id: string; name?: string } | null;
}

export interface TenantPolicy {
  roles?: Role[];
  groups?: Group[];
  users?: User[];
  bindings?: Binding[];
}

/** One answer of `GET /api/v1/{tenant}/tenant-access/{userId}`. */
export interface TenantAccess {
  tenantId: string;
  userId: string;
  username?: string;
  groups?: Group[];
  roles?: Array<{
    id: string;
    name?: string;
    namespace?: string | null;
    origin?: "BINDING" | "GROUP";
    sourceId?: string;
    permissions?: RolePermissions;
  }>;
  superAdmin?: boolean;
  instanceOwner?: boolean;
}

/** Roles, groups, users and bindings in Kestra's shapes, per tenant or for one tenant. */
export interface Policy extends TenantPolicy {
  model?: "auto" | "crud" | "v2";
  tenants?: { [tenant: string]: TenantPolicy };
  tenant?: string;
  tenantAccess?: TenantAccess[];
}

export interface AuthorizerOptions {
  /** Kestra's application.yaml, as text or as an object of the same shape. */
  kestraConfig?: string | { [key: string]: JsonValue };
  /** The provider's JWKS, as text or object. */
  jwks?: string | Jwks;
  /** The provider's discovery document, as text or object. */
  discovery?: string | DiscoveryDocument;
  client?: string;
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  algorithms?: Algorithm[];
  trustedAudiences?: string[];
  /** Seconds, 0 to 300 (default 0). */
  clockTolerance?: number;
  /** Largest `exp - iat` in seconds (default 86400). */
  maxTokenLifetime?: number;
  /** Largest token in bytes (default 65536). */
  maxTokenSize?: number;
  policy?: string | Policy;
  model?: "auto" | "crud" | "v2";
  usernameClaim?: string;
  defaultTenant?: string;
  /** Refuse tokens whose email_verified is not true when the username is the email claim. */
  requireVerifiedEmail?: boolean;
  /** Values for `${NAME}` placeholders of kestraConfig, as Micronaut resolves them from the environment. */
  placeholders?: Record<string, string>;
  /** Verified tokens remembered (default 1000, at most 100000; 0 turns the cache off). */
  tokenCacheSize?: number;
}

export interface VerifyOptions {
  /** Seconds since the epoch; defaults to the host clock. */
  now?: number;
  nonce?: string;
  accessToken?: string;
  code?: string;
  maxAge?: number;
  tenant?: string;
}

/** The claims of a verified ID token. */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  auth_time?: number;
  nonce?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  preferred_username?: string;
  groups?: string[];
  [claim: string]: JsonValue | undefined;
}

export interface Finding {
  code:
    | "WARN_DEFAULT_ROLE_MISPLACED" | "WARN_ISSUER_SHAPE" | "WARN_UNRESOLVED_PLACEHOLDER"
    | "WARN_OAUTH2_DISABLED" | "WARN_CLIENT_SECRET_IN_USE" | "WARN_DEFAULT_ROLE_IAM_WRITE"
    | "WARN_DEFAULT_ROLE_EMPTY" | "WARN_PERMISSION_IGNORED" | "WARN_ACTION_IGNORED" | "WARN_LEGACY_ACTION"
    | "WARN_DEFAULT_ROLE_MIGRATED" | "WARN_TENANTS_KEY_REMOVED" | "WARN_BINDING_USER_UNLISTED"
    | "WARN_USER_WITHOUT_USERNAME" | "WARN_JWKS_PRIVATE_KEY" | "WARN_EMAIL_UNVERIFIED_ACCEPTED";
  path: string;
  message: string;
}

export interface AuthorizationRequest {
  permission: string;
  action: string;
  namespace?: string | null;
  tenant?: string | null;
}

export interface Reason {
  via: "user" | "group" | "default-role" | "instance-owner";
  role: string | null;
  roleName: string | null;
  binding: string | null;
  namespace: string | null;
  group: string | null;
  tenant: string;
}

export type DecisionCode =
  | "ALLOWED" | "DENIED_NO_GRANT" | "DENIED_NAMESPACE_NOT_COVERED" | "DENIED_GLOBAL_ONLY"
  | "DENIED_TENANT_REQUIRED" | "DENIED_NO_TENANT_ACCESS" | "DENIED_INSTANCE_OWNER_ONLY" | "DENIED_NO_USERNAME";

export interface Decision {
  allowed: boolean;
  code: DecisionCode;
  /** The most specific grants that apply, at most four, most specific first. */
  reasons: Reason[];
  /** How many other grants apply besides those in `reasons`. */
  moreReasons: number;
  tenant: string | null;
}

export type ErrorCode =
  | "ERR_JWS_INVALID" | "ERR_JWT_INVALID" | "ERR_JOSE_ALG_NOT_ALLOWED" | "ERR_JOSE_NOT_SUPPORTED"
  | "ERR_JWKS_NO_MATCHING_KEY" | "ERR_JWKS_MULTIPLE_MATCHING_KEYS" | "ERR_JWS_SIGNATURE_VERIFICATION_FAILED"
  | "ERR_JWT_EXPIRED" | "ERR_JWT_CLAIM_VALIDATION_FAILED" | "ERR_JWKS_INVALID" | "ERR_JWKS_TOO_MANY_KEYS"
  | "ERR_TOKEN_TOO_LARGE" | "ERR_KID_TOO_LONG" | "ERR_INPUT_TOO_LARGE" | "ERR_DISCOVERY_INVALID"
  | "ERR_CONFIG_INVALID" | "ERR_OPTION_INVALID" | "ERR_POLICY_INVALID" | "ERR_UNKNOWN_PERMISSION"
  | "ERR_UNKNOWN_ACTION" | "ERR_NAMESPACE_INVALID" | "ERR_TENANT_INVALID"
  | "ERR_SESSION_FOREIGN";

/** What every method throws: a real Error with a stable code. */
export interface KestraAuthzError extends Error {
  name: "KestraAuthzError";
  code: ErrorCode;
  /** For claim failures: the claim, as in jose. */
  claim?: string;
  /** For claim failures: missing, invalid, check_failed, ... */
  reason?: string;
}

/** An `authorizeMany` entry whose request was bad input. */
export interface BatchError {
  allowed: false;
  code: ErrorCode;
  error: string;
  reasons: [];
  moreReasons: 0;
}

export interface MatrixOptions {
  namespace?: string | null;
  tenant?: string | null;
}

/** permission -> action -> allowed. */
export type Matrix = { [permission: string]: { [action: string]: boolean } };

export interface TokenCacheStats {
  entries: number;
  capacity: number;
  hits: number;
  misses: number;
}

/** `authz.whoCan(request)`: who holds a grant in a tenant. */
export interface WhoCan {
  /** The tenant asked about (null when a tenant was required and none was named). */
  tenant: string | null;
  /** The policy's users `authorize` allows, by username, with its reasons. */
  users: Array<{ id: string; username: string; reasons: Reason[]; moreReasons: number }>;
  /** Groups with a binding that grants it: their members hold it (with access to the tenant). */
  groups: Array<{ id: string; name: string; reasons: Reason[] }>;
  /** The first-login role, when it grants it: every user the policy does not list has it. */
  defaultRole: { id: string; name: string } | null;
  /** Usernames of the Instance Owners, when the permission is one of theirs. */
  instanceOwners: string[];
}

/** One side of `diffPolicies`: a policy with the configuration and options it is read with. */
export interface PolicySetup {
  policy?: Policy | string;
  /** The application.yaml text, or an object of the same shape (its default role is compared too). */
  kestraConfig?: string | JsonValue;
  model?: "auto" | "crud" | "v2";
  usernameClaim?: string;
  defaultTenant?: string;
  placeholders?: Record<string, string>;
}

/** What both sides of `diffPolicies` share; a side's own members win. */
export type DiffOptions = Omit<PolicySetup, "policy">;

/**
 * Where one permission and action was gained or lost: on `namespace`'s subtree (everywhere when
 * null: every namespace, and requests that name none), except the subtrees in `except`.
 */
export interface DiffRegion {
  permission: string;
  action: string;
  namespace: string | null;
  except: string[];
  /** On a CRUD policy: the 2.0 names ("PERMISSION:ACTION") gained or lost in exactly the same places. */
  also: string[];
}

export interface PolicyChange {
  /**
   * USER by username (the identity a token proves); GROUP by id, or with groups-claim-path by what a
   * token carries (a group name, or an id no group is named); DEFAULT_ROLE: first-login users.
   */
  principal: { type: "USER" | "GROUP" | "DEFAULT_ROLE"; id: string; name: string };
  /** The tenant; null for every tenant neither policy lists. */
  tenant: string | null;
  gained: DiffRegion[];
  lost: DiffRegion[];
}

export interface PolicyDiff {
  /** The model both policies are read in. */
  model: "crud" | "v2";
  /** When the tenant of requests that name none changes (null: such requests are denied, a tenant being required). */
  unnamedTenant: { before: string | null; after: string | null } | null;
  /** Principals whose access changed, per tenant; the unchanged are absent. */
  changes: PolicyChange[];
}

/** A change that, applied to the policy, grants a refused request. */
export type SuggestedChange =
  | { type: "BIND_ROLE"; tenant: string; role: string; subject: { type: "USER" | "GROUP"; id: string }; namespace: string | null }
  /** `tenant` null: the configuration's `kestra.security.defaultRole`. */
  | { type: "ADD_ACTION"; tenant: string | null; role: string; permission: string; action: string }
  | { type: "CREATE_ROLE"; tenant: string; role: string; permission: string; action: string }
  | { type: "ADD_TO_GROUP"; tenant: string; group: string; username: string }
  /** With groups-claim-path: the identity provider puts the user in `group`, which the token then carries. */
  | { type: "CARRY_GROUP"; group: string; username: string }
  | { type: "ADD_USER"; tenant: string; id: string; username: string }
  | { type: "MAKE_INSTANCE_OWNER"; username: string };

export interface Suggestion {
  kind:
    | "BINDING_ELSEWHERE" | "ROLE_LACKS_ACTION" | "GLOBAL_ONLY_ON_NAMESPACE" | "GROUP_NOT_HELD"
    | "DEFAULT_ROLE_LACKS" | "NO_TENANT_ACCESS" | "BIND_ROLE" | "INSTANCE_OWNER_ONLY"
    | "TENANT_REQUIRED" | "NO_USERNAME" | "NOT_IN_MODEL";
  /** One line for a person. */
  message: string;
  /** The binding that nearly grants it, with its role, namespace and group. */
  binding: string | null;
  role: string | null;
  namespace: string | null;
  group: string | null;
  /** Applied in order, these grant the request; empty when no policy change can. */
  changes: SuggestedChange[];
}

export interface Explanation {
  decision: Decision;
  /** Empty for an allow; for a denial, smallest change first. */
  suggestions: Suggestion[];
}

export interface WhoCanOptions {
  /** Each holder's reasons (default true); false lists the same holders with empty reasons, a fraction of the answer. */
  reasons?: boolean;
}

export interface NamespaceGrants {
  everywhere: boolean;
  namespaces: string[];
}


/** What the gateway methods read: an HTTP request to Kestra's API. */
export interface HttpRequestOptions {
  method: string;
  /** The path and query, as in the request line: `/api/v1/main/flows/search?...`. */
  url: string;
  /** A plain object or a `Headers`; only `X-Kestra-Impersonate` is read. */
  headers?: Record<string, string> | { get(name: string): string | null };
  /** The body: YAML or JSON text, or a parsed JSON value. */
  body?: string | JsonValue;
  /** Looked-up namespaces, `"<kind>:<id>"` -> namespace (e.g. `"execution:4sYz"`). */
  namespaces?: Record<string, string>;
  /** `"sole"` (default: the gateway is the only check) or `"defense"` (Kestra checks too). */
  mode?: "sole" | "defense";
  /** A flow written into a namespace that may not exist yet also needs NAMESPACE:CREATE there
   * (default: true when the gateway is alone, false behind Kestra). */
  requireNamespaceCreate?: boolean;
  /** `kestraRoute` only: the permission model (default `"v2"`). */
  model?: "crud" | "v2";
}

export type RouteCode =
  | "PUBLIC_ROUTE" | "SESSION_REQUIRED" | "NEEDS_LOOKUP" | "IMPERSONATION_DENIED" | "ROUTE_NOT_MAPPED"
  | "ROUTE_AMBIGUOUS" | "ROUTE_REFUSED" | "PATH_INVALID" | "TENANT_INVALID" | "NAMESPACE_INVALID"
  | "QUERY_NAMESPACE_CONFLICT" | "BODY_NAMESPACE_MISSING" | "BODY_NAMESPACE_DUPLICATED"
  | "BODY_NAMESPACE_TEMPLATED" | "BODY_UNREADABLE" | "BODY_TOO_LARGE" | "BODY_TOO_MANY_ITEMS";

/** Something the request does not name, to look up and pass back in `namespaces`. */
export interface LookupEntry {
  kind: string;
  id: string;
}

/** One check of a request, decided. */
export interface CheckDecision {
  permission: string;
  /** `null`: one action of the permission, whichever. */
  action: string | null;
  namespace: string | null;
  scope: "namespace" | "tenant" | "anywhere";
  from: string;
  allowed: boolean;
  code: DecisionCode;
}

export interface HttpDecision {
  allowed: boolean;
  code: DecisionCode | RouteCode;
  status: 200 | 401 | 403;
  route: string | null;
  tenant: string | null;
  checks: CheckDecision[];
  lookup: LookupEntry[];
  impersonated: string | null;
  reason: string | null;
}

/** One check a request needs, undecided. */
export interface RouteCheck {
  permission: string;
  /** Every one of these (one is enough when `either`); empty: one action, whichever. */
  actions: string[];
  either: boolean;
  namespace: string | null;
  scope: "namespace" | "tenant" | "anywhere";
  from: string;
}

export interface RouteMapping {
  route: string | null;
  tenant: string | null;
  plan: "public" | "signed-in" | "instance-owner" | "checks" | "lookup" | "refused";
  checks: RouteCheck[];
  lookup: LookupEntry[];
  code: RouteCode | null;
  reason: string | null;
}

declare global {
  // The classes are disposable (`using authz = new Authorizer(...)`): their declarations name
  // Symbol.dispose, which TypeScript's libs declare only from esnext.disposable on. Declared
  // here too (the same declaration merges), so the types check whatever the lib setting.
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}
