#!/usr/bin/env node
// kestra-authz: the package from a shell. Verify a token, lint Kestra's configuration, decide a
// request and explain a refusal, print the permission matrix, ask who holds a grant, compare two
// policies, map a request to Kestra's API.
// Human output by default, --json for scripts. Exit statuses: 0 done (verified, allowed, no
// findings, no change), 1 a negative answer (not verified, denied, findings with --strict, a
// diff with changes), 2 an error
// (bad usage or input). Errors print their code and message, never a stack.
import { createRequire } from "node:module";
import { closeSync, openSync, readSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { parseArgs } from "node:util";

const require = createRequire(import.meta.url);
const { Authorizer, diffPolicies, kestraRoute } = require("./nodejs/kestra_authz.js");
const { RemoteAuthorizer, readBounded } = await import("./remote.js");

/** The largest input read: the library's own limit for a policy. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

// A reader that went away (`| head`) ends the command quietly.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
});

/** Text from the outside world, shown on a terminal: control characters escaped. */
const safe = (value) => String(value).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

class UsageError extends Error {
  constructor(message) {
    super(message);
    this.code = "ERR_USAGE";
  }
}

/** A negative answer: printed, then exit 1. */
class Negative extends Error {}

const KEYS = {
  config: { type: "string", short: "c" },
  jwks: { type: "string" },
  discovery: { type: "string" },
  policy: { type: "string", short: "p" },
  issuer: { type: "string" },
  "client-id": { type: "string" },
  model: { type: "string" },
  now: { type: "string" },
  nonce: { type: "string" },
  tenant: { type: "string", short: "t" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};
const REQUEST = {
  permission: { type: "string", short: "P" },
  action: { type: "string", short: "A" },
  namespace: { type: "string", short: "n" },
};
const KEY_HELP = `Keys and configuration:
  -c, --config FILE       Kestra's application.yaml (issuer, client id and secret, default role, tenants)
      --jwks FILE|URL     the provider's JWKS (https://<authentik>/application/o/<slug>/jwks/)
      --discovery FILE|URL  its discovery document; a URL is fetched with its JWKS
  -p, --policy FILE       roles, groups, users and bindings (JSON, Kestra's shapes)
      --issuer ISS, --client-id ID   when no configuration names them
      The HS256 client secret comes from the configuration or KESTRA_AUTHZ_CLIENT_SECRET.
      FILE may be - for standard input (one input at most).`;

const COMMANDS = {
  verify: {
    summary: "verify an ID token and print its claims",
    usage: "kestra-authz verify <token|-> [keys] [--now SECONDS] [--nonce N] [--json]",
    options: KEYS,
    run: verify,
  },
  lint: {
    summary: "read Kestra's application.yaml as Kestra would, and print the findings",
    usage: "kestra-authz lint <application.yaml|-> [--strict] [--json]",
    options: { strict: { type: "boolean" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    run: lint,
  },
  decide: {
    summary: "decide one request for a token's user, with the reasons",
    usage: "kestra-authz decide <token|-> -P PERMISSION -A ACTION [-n NAMESPACE] [-t TENANT] [keys] [--json]",
    options: { ...KEYS, ...REQUEST },
    run: decide,
  },
  matrix: {
    summary: "print every permission x action for a token's user, as a grid",
    usage: "kestra-authz matrix <token|-> [-n NAMESPACE] [-t TENANT] [keys] [--no-color] [--json]",
    options: { ...KEYS, namespace: REQUEST.namespace, "no-color": { type: "boolean" } },
    run: matrix,
  },
  explain: {
    summary: "decide one request for a token's user; for a refusal, what nearly grants it and what would",
    usage: "kestra-authz explain <token|-> -P PERMISSION -A ACTION [-n NAMESPACE] [-t TENANT] [keys] [--json]",
    options: { ...KEYS, ...REQUEST },
    run: explain,
  },
  "who-can": {
    summary: "list the users and groups that hold a grant, with the reasons",
    usage: "kestra-authz who-can -P PERMISSION -A ACTION [-n NAMESPACE] [-t TENANT] -p policy.json [-c application.yaml] [--no-reasons] [--json]",
    options: { ...KEYS, ...REQUEST, "no-reasons": { type: "boolean" } },
    run: whoCan,
  },
  diff: {
    summary: "what changing one policy into another does to people's access (exit 1 when it changes any)",
    usage: "kestra-authz diff <before.json> <after.json> [-c application.yaml] [--before-config FILE] [--after-config FILE] [--model crud|v2] [--no-color] [--json]",
    options: {
      config: KEYS.config,
      "before-config": { type: "string" },
      "after-config": { type: "string" },
      model: KEYS.model,
      "no-color": { type: "boolean" },
      json: KEYS.json,
      help: KEYS.help,
    },
    run: diff,
  },
  routes: {
    summary: "map a request to Kestra's API to the checks it needs",
    usage: "kestra-authz routes <METHOD> <URL> [--body FILE|-] [--model crud|v2] [--mode sole|defense] [--json]",
    options: { body: { type: "string" }, model: { type: "string" }, mode: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    run: routes,
  },
};

const HELP = `kestra-authz: verify authentik ID tokens and decide Kestra RBAC permissions.

Usage: kestra-authz <command> [options]   (kestra-authz <command> --help for its options)

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join("\n")}

Exit statuses: 0 done (verified, allowed, no findings, no change); 1 a negative answer (not
verified, denied, findings with --strict, a diff with changes); 2 an error (usage, unreadable
input, bad configuration).
Errors print their code (ERR_...) and message.`;

let stdinUsed = false;

const tooLarge = (what) => Object.assign(new Error(`${what}: larger than ${MAX_INPUT_BYTES} bytes`), { code: "ERR_INPUT_TOO_LARGE" });

/** Bytes as text: UTF-8 only, a byte-order mark dropped. */
function text(bytes, what) {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw Object.assign(new Error(`${what}: not UTF-8`), { code: "ERR_INPUT_UNREADABLE" });
  }
}

/** A file (or standard input, fd 0), read up to the limit. */
function readFile(ref, what) {
  let fd;
  try {
    fd = ref === 0 ? 0 : openSync(ref, "r");
  } catch (e) {
    throw Object.assign(new Error(`${what}: cannot read ${ref}: ${e.code ?? e.message}`), { code: "ERR_INPUT_UNREADABLE" });
  }
  try {
    const chunks = [];
    let size = 0;
    for (;;) {
      const chunk = Buffer.alloc(1024 * 1024);
      let n;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        if (e.code === "EAGAIN") continue;
        if (e.code === "EOF") break;
        throw Object.assign(new Error(`${what}: cannot read ${ref === 0 ? "standard input" : ref}: ${e.code ?? e.message}`), { code: "ERR_INPUT_UNREADABLE" });
      }
      if (n === 0) break;
      size += n;
      if (size > MAX_INPUT_BYTES) throw tooLarge(what);
      chunks.push(chunk.subarray(0, n));
    }
    return text(Buffer.concat(chunks), what);
  } finally {
    if (ref !== 0) closeSync(fd);
  }
}

/** A file's text, standard input for "-", or a URL's answer. */
async function load(ref, what) {
  if (ref === "-") {
    if (stdinUsed) throw new UsageError(`only one input can come from standard input (${what})`);
    stdinUsed = true;
    return readFile(0, what);
  }
  if (/^https?:\/\//.test(ref)) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 10_000);
    const failed = (message) => Object.assign(new Error(`GET ${ref}: ${message}`), { code: "ERR_REMOTE_FETCH_FAILED" });
    try {
      const response = await fetch(ref, { signal: controller.signal, headers: { accept: "application/json" } });
      if (!response.ok) throw failed(`HTTP ${response.status}`);
      const bytes = await readBounded(response.body, MAX_INPUT_BYTES);
      if (bytes === null) throw tooLarge(what);
      return text(bytes, what);
    } catch (e) {
      if (typeof e.code === "string" && e.code.startsWith("ERR_")) throw e;
      throw failed(controller.signal.aborted ? "no answer within 10 s" : e.message);
    } finally {
      clearTimeout(timer);
    }
  }
  return readFile(ref, what);
}

/** A JWKS of a key made here and never used: for commands that verify no token. */
const throwawayJwks = () => JSON.stringify({ keys: [{ ...generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" }), kid: "unused", alg: "ES256", use: "sig" }] });

/**
 * An Authorizer that verifies no token: when the configuration names no OIDC client, a
 * placeholder issuer and client id stand in (they decide nothing).
 */
function withoutClient(options) {
  try {
    return new Authorizer(options);
  } catch (e) {
    if (e?.code !== "ERR_OPTION_INVALID" || options.issuer !== undefined) throw e;
    return new Authorizer({ ...options, issuer: "https://unused.invalid/", clientId: options.clientId ?? "unused" });
  }
}

/** The Authorizer the options describe. Without keys (who-can), a throwaway one: it verifies nothing. */
async function authorizerOf(values, { needKeys = true } = {}) {
  const options = {};
  if (values.config) options.kestraConfig = await load(values.config, "--config");
  if (values.policy) options.policy = await load(values.policy, "--policy");
  if (values.jwks) options.jwks = await load(values.jwks, "--jwks");
  const remoteDiscovery = values.discovery && /^https?:\/\//.test(values.discovery) && !values.jwks;
  if (values.discovery && !remoteDiscovery) options.discovery = await load(values.discovery, "--discovery");
  if (values.issuer) options.issuer = values.issuer;
  if (values["client-id"]) options.clientId = values["client-id"];
  if (values.model) options.model = values.model;
  if (process.env.KESTRA_AUTHZ_CLIENT_SECRET) options.clientSecret = process.env.KESTRA_AUTHZ_CLIENT_SECRET;
  if (needKeys && remoteDiscovery) {
    // The discovery document and its JWKS, fetched by the remote helper.
    const issuer = options.issuer ?? values.discovery.replace(/\.well-known\/openid-configuration$/, "");
    const remote = new RemoteAuthorizer({ Authorizer, issuer, discoveryUrl: values.discovery, options, timeout: 10_000 });
    return remote.authorizer();
  }
  if (needKeys) {
    if (!options.jwks && !options.discovery && !options.clientSecret && !options.kestraConfig) throw new UsageError("give the provider's keys: --jwks, --discovery, or a configuration with the client secret");
    return new Authorizer(options);
  }
  if (!options.jwks && !options.discovery) options.jwks = throwawayJwks();
  return withoutClient(options);
}

/** The verification options: the clock (seconds), the nonce, the tenant. */
function verifyOptions(values) {
  const out = {};
  if (values.now !== undefined) {
    if (!/^\d{1,16}(\.\d+)?$/.test(values.now)) throw new UsageError("--now takes seconds since the epoch, in decimal");
    out.now = Number(values.now);
  }
  if (values.nonce) out.nonce = values.nonce;
  if (values.tenant) out.tenant = values.tenant;
  return out;
}

async function session(values, positionals) {
  const token = positionals[0] === "-" ? (await load("-", "token")).trim() : positionals[0];
  if (positionals.length !== 1 || !token) throw new UsageError("give one token (or - to read it from standard input)");
  const options = verifyOptions(values);
  const authz = await authorizerOf(values);
  try {
    return { authz, session: authz.verifyIdToken(token, options) };
  } catch (e) {
    authz.free();
    // A bad option is an error of the command; anything else, a token that did not verify.
    if (["ERR_OPTION_INVALID", "ERR_TENANT_INVALID"].includes(e?.code)) throw e;
    throw new Negative(`${e.code}: ${safe(e.message)}`, { cause: e });
  }
}

const out = (text) => process.stdout.write(`${text}\n`);

async function verify(values, positionals) {
  const { authz, session: s } = await session(values, positionals);
  const result = { alg: s.alg, issuer: s.issuer, username: s.username ?? null, tenant: s.tenant ?? null, claims: s.claims };
  for (const w of authz.warnings) process.stderr.write(`warning ${w.code}: ${w.message}\n`);
  if (values.json) out(JSON.stringify(result, null, 2));
  else {
    out(`verified: ${result.alg} token from ${result.issuer}`);
    out(`username: ${result.username === null ? "(none: the token has no username claim)" : safe(result.username)}`);
    out("claims:");
    out(JSON.stringify(result.claims, null, 2));
  }
  s.free();
  authz.free();
}

async function lint(values, positionals) {
  if (positionals.length !== 1) throw new UsageError("give one application.yaml (or -)");
  const kestraConfig = await load(positionals[0], "application.yaml");
  // The configuration alone: a key made here stands in for the provider's, so that only
  // what the YAML says is judged.
  let checked;
  try {
    checked = new Authorizer({ kestraConfig, jwks: throwawayJwks() });
  } catch (e) {
    if (e?.code !== "ERR_OPTION_INVALID") throw e;
    process.stderr.write(`note: ${e.message}; the rest is read as if it named one\n`);
    checked = withoutClient({ kestraConfig, jwks: throwawayJwks() });
  }
  const findings = checked.warnings;
  checked.free();
  if (values.json) out(JSON.stringify({ findings }, null, 2));
  else if (findings.length === 0) out("no findings");
  else for (const f of findings) out(`${f.code} at ${safe(f.path)}: ${safe(f.message)}`);
  if (values.strict && findings.length > 0) throw new Negative(`${findings.length} finding(s)`);
}

/** Prints reasons, most specific first, and how many more grants apply (`more`). */
function printReasons(reasons, indent = "  ", more = 0) {
  for (const r of reasons) {
    const where = r.namespace ? `on ${r.namespace}` : "tenant-wide";
    const how = r.via === "group" ? `through group ${r.group}` : r.via === "user" ? "bound to the user" : r.via;
    out(`${indent}${safe(r.roleName ?? r.role ?? r.via)} (${safe(how)}${r.binding ? `, binding ${safe(r.binding)}` : ""}) ${safe(where)} in ${safe(r.tenant)}`);
  }
  if (more > 0) out(`${indent}and ${more} more grant${more === 1 ? "" : "s"}`);
}

function request(values) {
  if (!values.permission || !values.action) throw new UsageError("give -P PERMISSION and -A ACTION");
  return { permission: values.permission, action: values.action, ...(values.namespace ? { namespace: values.namespace } : {}), ...(values.tenant ? { tenant: values.tenant } : {}) };
}

/**
 * Decides `ask` for the token's user with `decideWith(authz, session, ask)` (authorize or
 * explain), prints the answer (`more` adds to the human form), and exits 1 on a denial.
 */
async function decideAndPrint(values, positionals, decideWith, more = () => {}) {
  const ask = request(values);
  const { authz, session: s } = await session(values, positionals);
  const answer = decideWith(authz, s, ask);
  const who = s.username;
  s.free();
  authz.free();
  const d = answer.decision ?? answer;
  if (values.json) out(JSON.stringify(answer, null, 2));
  else {
    out(`${d.code}: ${safe(who ?? "?")} ${d.allowed ? "may" : "may not"} ${ask.action} ${ask.permission}${ask.namespace ? ` in ${ask.namespace}` : ""}${d.tenant ? ` (tenant ${d.tenant})` : ""}`);
    printReasons(d.reasons, "  ", d.moreReasons);
    more(answer);
  }
  if (!d.allowed) throw new Negative(d.code);
}

function decide(values, positionals) {
  return decideAndPrint(values, positionals, (authz, s, ask) => authz.authorize(s, ask));
}

/** A suggested change as a sentence. */
function describeChange(c) {
  const t = c.tenant === null || c.tenant === undefined ? "" : ` in tenant ${safe(c.tenant)}`;
  switch (c.type) {
    case "BIND_ROLE":
      return `bind role ${safe(c.role)} to ${c.subject.type === "GROUP" ? "group" : "user"} ${safe(c.subject.id)} ${c.namespace ? `on ${safe(c.namespace)}` : "tenant-wide"}${t}`;
    case "ADD_ACTION":
      return `add ${safe(c.action)} to ${safe(c.permission)} in ${c.tenant === null ? "the configuration's default role" : "role"} ${safe(c.role)}${t}`;
    case "CREATE_ROLE":
      return `create role ${safe(c.role)} granting ${safe(c.permission)}:${safe(c.action)}${t}`;
    case "ADD_TO_GROUP":
      return `add ${safe(c.username)} to group ${safe(c.group)}${t}`;
    case "CARRY_GROUP":
      return `have the identity provider put ${safe(c.username)} in group ${safe(c.group)} (the token's groups claim)`;
    case "ADD_USER":
      return `add user ${safe(c.username)} (id ${safe(c.id)})${t}`;
    case "MAKE_INSTANCE_OWNER":
      return `make ${safe(c.username)} an Instance Owner`;
    default:
      return safe(JSON.stringify(c));
  }
}

function explain(values, positionals) {
  return decideAndPrint(values, positionals, (authz, s, ask) => authz.explain(s, ask), (e) => {
    if (!e.decision.allowed) out(e.suggestions.length === 0 ? "nothing in the policy comes near" : "suggestions, smallest change first:");
    e.suggestions.forEach((x, i) => {
      out(`  ${i + 1}. ${safe(x.message)}`);
      for (const c of x.changes) out(`     - ${describeChange(c)}`);
    });
  });
}

async function diff(values, positionals) {
  if (positionals.length !== 2) throw new UsageError("give two policies: before.json after.json (one may be -)");
  const sharedConfig = values.config ? await load(values.config, "--config") : undefined;
  const side = async (file, configRef, what) => {
    const setup = { policy: await load(file, what) };
    const kestraConfig = configRef ? await load(configRef, `--${what}-config`) : sharedConfig;
    if (kestraConfig !== undefined) setup.kestraConfig = kestraConfig;
    return setup;
  };
  const before = await side(positionals[0], values["before-config"], "before");
  const after = await side(positionals[1], values["after-config"], "after");
  const result = diffPolicies(before, after, values.model ? { model: values.model } : undefined);
  if (values.json) out(JSON.stringify(result, null, 2));
  else {
    const colour = process.stdout.isTTY && !values["no-color"] && !process.env.NO_COLOR && process.env.TERM !== "dumb";
    const paint = (code, text) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
    const where = (r) => `${r.namespace === null ? "everywhere" : `on ${safe(r.namespace)}`}${r.except.length ? ` (except ${r.except.map(safe).join(", ")})` : ""}${r.also.length ? `; also ${r.also.join(", ")}` : ""}`;
    const kinds = { USER: "user", GROUP: "group", DEFAULT_ROLE: "first-login role" };
    let tenant;
    for (const c of result.changes) {
      if (c.tenant !== tenant || tenant === undefined) {
        tenant = c.tenant;
        out(c.tenant === null ? "every tenant neither policy lists:" : `tenant ${safe(c.tenant)}:`);
      }
      const p = c.principal;
      out(`  ${kinds[p.type]} ${safe(p.name)}${p.id && p.id !== p.name ? ` (${safe(p.id)})` : ""}`);
      for (const r of c.gained) out(`    ${paint(32, "+")} ${r.permission}:${r.action} ${where(r)}`);
      for (const r of c.lost) out(`    ${paint(31, "-")} ${r.permission}:${r.action} ${where(r)}`);
    }
    const moved = result.unnamedTenant;
    if (moved) out(`requests that name no tenant: ${moved.before === null ? "denied (a tenant is required)" : `tenant ${safe(moved.before)}`} -> ${moved.after === null ? "denied (a tenant is required)" : `tenant ${safe(moved.after)}`}`);
    out(result.changes.length === 0 && !moved ? "no change of access" : `${result.changes.length} change(s) of access (${result.model} model)`);
  }
  if (result.changes.length > 0 || result.unnamedTenant) throw new Negative(`${result.changes.length} change(s) of access${result.unnamedTenant ? ", and the tenant of requests that name none" : ""}`);
}

async function matrix(values, positionals) {
  const { authz, session: s } = await session(values, positionals);
  const grid = authz.matrix(s, { ...(values.namespace ? { namespace: values.namespace } : {}), ...(values.tenant ? { tenant: values.tenant } : {}) });
  const who = s.username;
  s.free();
  authz.free();
  if (values.json) return out(JSON.stringify(grid, null, 2));
  const colour = process.stdout.isTTY && !values["no-color"] && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  const paint = (yes) => (colour ? (yes ? "\u001b[32m  yes\u001b[0m" : "\u001b[2m   - \u001b[0m") : yes ? "  yes" : "    -");
  const rows = Object.entries(grid);
  const width = Math.max(10, ...rows.map(([p]) => p.length));
  out(`${safe(who ?? "?")}${values.namespace ? ` in ${values.namespace}` : ", tenant-wide grants"}${values.tenant ? ` (tenant ${values.tenant})` : ""}:`);
  for (const [permission, actions] of rows) {
    out(`  ${permission.padEnd(width)} ${Object.entries(actions).map(([a, yes]) => `${a}${paint(yes)}`).join("  ")}`);
  }
}

async function whoCan(values, positionals) {
  if (positionals.length > 0) throw new UsageError("who-can takes no token: give -P, -A and the policy");
  const ask = request(values);
  if (!values.policy) throw new UsageError("give the policy: -p policy.json");
  const authz = await authorizerOf(values, { needKeys: false });
  const who = authz.whoCan(ask, { reasons: !values["no-reasons"] });
  authz.free();
  if (values.json) return out(JSON.stringify(who, null, 2));
  out(`${ask.action} ${ask.permission}${ask.namespace ? ` in ${ask.namespace}` : " tenant-wide"}, tenant ${who.tenant ?? "(none named)"}:`);
  out(`users (${who.users.length}):`);
  for (const u of who.users) {
    out(`  ${safe(u.username)} (${safe(u.id)})`);
    printReasons(u.reasons, "    ", u.moreReasons);
  }
  out(`groups (${who.groups.length}):`);
  for (const g of who.groups) {
    out(`  ${safe(g.name)} (${safe(g.id)})`);
    printReasons(g.reasons, "    ");
  }
  out(`first-login role: ${who.defaultRole ? `${safe(who.defaultRole.name)} (every user the policy does not list)` : "none grants it"}`);
  if (who.instanceOwners.length > 0) out(`instance owners: ${who.instanceOwners.map(safe).join(", ")}`);
}

async function routes(values, positionals) {
  if (positionals.length !== 2) throw new UsageError("give a METHOD and a URL (path and query, as in the request line)");
  const [method, url] = positionals;
  const body = values.body ? await load(values.body, "--body") : undefined;
  const mapping = kestraRoute({ method, url, ...(body !== undefined ? { body } : {}), ...(values.model ? { model: values.model } : {}), ...(values.mode ? { mode: values.mode } : {}) });
  if (values.json) return out(JSON.stringify(mapping, null, 2));
  out(`${mapping.route ?? "no route"}${mapping.tenant ? ` (tenant ${mapping.tenant})` : ""}: ${mapping.plan}${mapping.code ? ` ${mapping.code}` : ""}`);
  if (mapping.reason) out(`  ${mapping.reason}`);
  for (const c of mapping.checks) {
    const actions = c.actions.length === 0 ? "any action" : c.actions.join(c.either ? " or " : " and ");
    out(`  ${c.permission}: ${actions} ${c.scope === "namespace" ? `on ${c.namespace}` : c.scope === "tenant" ? "tenant-wide" : "on any namespace"} (from ${c.from})`);
  }
  for (const l of mapping.lookup) out(`  look up the namespace of ${l.kind} ${l.id}`);
  if (mapping.plan === "refused") throw new Negative(mapping.code);
}

async function main(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    out(HELP);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command ${name}: one of ${Object.keys(COMMANDS).join(", ")}`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e.message);
  }
  if (parsed.values.help) {
    out(`${command.summary}\n\nUsage: ${command.usage}${command.options === KEYS || command.options.jwks ? `\n\n${KEY_HELP}` : ""}`);
    return 0;
  }
  await command.run(parsed.values, parsed.positionals);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof Negative) {
    process.stderr.write(`${safe(e.message)}\n`);
    process.exitCode = 1;
  } else {
    // Usage messages are this command's own; others may carry what an input said.
    const message = e instanceof UsageError ? e.message : safe(e?.message ?? e);
    process.stderr.write(`kestra-authz: ${e?.code ?? "ERR_UNKNOWN"}: ${message}\n`);
    if (e instanceof UsageError) process.stderr.write("Run kestra-authz --help for the commands, kestra-authz <command> --help for their options.\n");
    process.exitCode = 2;
  }
}
