// One runner for every JS host: runs tests/vectors/{tokens,rbac}.json through the package's
// Authorizer (and diffPolicies) and returns each vector's outcome in the shapes the native runner writes
// (tests/vectors.rs). `canonical` prints them the way serde_json does: sorted keys, no spaces.

export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

function errorOutcome(e) {
  const out = { ok: false, code: e.code };
  if (e.claim !== undefined) out.claim = e.claim;
  if (e.reason !== undefined) out.reason = e.reason;
  return out;
}

function attempt(fn) {
  try {
    return fn();
  } catch (e) {
    if (typeof e?.code !== "string") throw e;
    return { error: e.code };
  }
}

/** One Authorizer per provider of the token vectors, made at its first case. */
function providers(Authorizer, tokens) {
  const made = new Map();
  return {
    of(c) {
      if (!made.has(c.provider)) made.set(c.provider, new Authorizer(tokens.providers[c.provider]));
      return made.get(c.provider);
    },
    free: () => made.forEach((a) => a.free()),
  };
}

function verificationOutcome(session) {
  const outcome = { ok: true, sub: session.subject };
  session.free();
  return outcome;
}

export function runVectors({ Authorizer, diffPolicies }, tokens, rbac) {
  const lines = [];
  const authorizers = providers(Authorizer, tokens);
  for (const c of tokens.cases) {
    let outcome;
    try {
      outcome = verificationOutcome(authorizers.of(c).verifyIdToken(c.token, c.options));
    } catch (e) {
      outcome = errorOutcome(e);
    }
    lines.push({ name: c.name, outcome });
  }
  for (const s of tokens.setup) {
    let outcome;
    try {
      new Authorizer(s.options).free();
      outcome = { ok: true };
    } catch (e) {
      outcome = { ok: false, code: e.code };
    }
    lines.push({ name: `setup: ${s.name}`, outcome });
  }
  for (const scenario of rbac.scenarios) {
    const verifier = new Authorizer(scenario.options);
    const session = verifier.verifyIdToken(scenario.token, scenario.verify);
    // `judgedBy`: a second Authorizer decides on the first one's session.
    const authz = scenario.judgedBy ? new Authorizer(scenario.judgedBy) : verifier;
    scenario.checks.forEach((check, i) => {
      const args = check.args ?? [];
      let outcome;
      switch (check.kind) {
        case "authorize":
          outcome = attempt(() => authz.authorize(session, check.request));
          break;
        case "http":
          outcome = attempt(() => authz.authorizeHttp(session, check.request));
          break;
        case "httpAnonymous":
          outcome = attempt(() => authz.authorizeAnonymousHttp(check.request));
          break;
        case "explain":
          outcome = attempt(() => authz.explain(session, check.request));
          break;
        case "whoCan":
          outcome = attempt(() => authz.whoCan(check.request));
          break;
        case "diffPolicies":
          outcome = attempt(() => diffPolicies(check.before, check.after));
          break;
        case "allowedNamespaces":
          outcome = attempt(() => authz.allowedNamespaces(session, args[0], args[1]));
          break;
        case "matrixCells": {
          const matrix = authz.matrix(session, { namespace: args[0] });
          outcome = {};
          for (const [p, row] of Object.entries(matrix)) for (const [a, allowed] of Object.entries(row)) outcome[`${p}:${a}`] = allowed;
          break;
        }
        default:
          outcome = attempt(() => session[check.kind](...args));
      }
      lines.push({ name: `${scenario.name} #${i}`, outcome });
    });
    session.free();
    if (authz !== verifier) authz.free();
    verifier.free();
  }
  authorizers.free();
  return lines;
}

/**
 * The token vectors through `verifyIdTokenAsync` (the host's crypto where it has it): the same
 * lines as the token part of `runVectors`. `hostChecks` is what `counter` (host-check-counter.mjs,
 * imported before the package) counted meanwhile, so a host whose crypto silently never ran
 * cannot pass as agreeing.
 */
export async function runTokenVectorsAsync({ Authorizer }, tokens, counter = () => 0) {
  const before = counter();
  const lines = [];
  const authorizers = providers(Authorizer, tokens);
  for (const c of tokens.cases) {
    let outcome;
    try {
      outcome = verificationOutcome(await authorizers.of(c).verifyIdTokenAsync(c.token, c.options));
    } catch (e) {
      outcome = errorOutcome(e);
    }
    lines.push({ name: c.name, outcome });
  }
  authorizers.free();
  return { lines, hostChecks: counter() - before };
}

function fromBase64url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Wycheproof's signature vectors (target/parity/wycheproof-*.json, with the native verdicts)
 * through the package's `__signatureVerdict` by `via` ("async": WebCrypto; "sync": node:crypto).
 * Answers how many agreed, how many the host itself checked, and the first disagreements.
 */
export async function runSignatureVectors({ __signatureVerdict }, suites, via) {
  const result = { total: 0, byHost: 0, byPrecheck: 0, disagreements: [] };
  for (const [suite, groups] of Object.entries(suites)) {
    for (const [g, group] of groups.entries()) {
      const jwk = JSON.stringify(group.jwk);
      for (const [t, [msg, sig, expected]] of group.tests.entries()) {
        const [verdict, by] = await __signatureVerdict(jwk, group.alg, fromBase64url(msg), fromBase64url(sig), via);
        result.total++;
        if (by === "host") result.byHost++;
        if (by === "precheck") result.byPrecheck++;
        if (verdict !== expected && result.disagreements.length < 10) result.disagreements.push(`${suite} group ${g} (${group.alg}) test ${t}: native ${expected}, ${via} ${verdict} (by ${by})`);
      }
    }
  }
  return result;
}
