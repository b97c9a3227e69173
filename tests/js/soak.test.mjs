// Hostile-input soak through the JS API (the web build, so that wasm memory can be read): a
// seeded generator of mutated and random tokens, configurations, policies, requests and
// arguments of the wrong type. No call may trap; afterwards the same instance still answers a
// known token and decision; wasm memory stays flat once warm.
// Short by default (CI); `SOAK_CALLS=1000000 node --test tests/js/soak.test.mjs` for the long run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repo } from "./hosts.mjs";
import { seeded } from "./seeded.mjs";
import { initSync, Authorizer } from "../../pkg/web/kestra_authz.js";

const CALLS = Number(process.env.SOAK_CALLS ?? 30000);
const wasm = initSync({ module: readFileSync(join(repo, "pkg/web/kestra_authz_bg.wasm")) });
const tokens = JSON.parse(readFileSync(join(repo, "tests/vectors/tokens.json"), "utf8"));
const rbac = JSON.parse(readFileSync(join(repo, "tests/vectors/rbac.json"), "utf8"));
const guideYaml = readFileSync(join(repo, "tests/fixtures/kestra/guide-joined.yaml"), "utf8");

const random = seeded(Number(process.env.SOAK_SEED ?? 20261128));
const pick = (list) => list[Math.floor(random() * list.length)];
const ALPHABET = "abcXYZ019-_.=+/ {}[]:,\"\\\n\t\u0000é😀";
const noise = (n) => Array.from({ length: Math.floor(random() * n) }, () => pick(ALPHABET)).join("");

function mutate(text) {
  if (!text.length) return noise(20);
  const at = Math.floor(random() * text.length);
  const len = Math.floor(random() * 40);
  switch (Math.floor(random() * 5)) {
    case 0:
      return text.slice(0, at) + text.slice(at + len);
    case 1:
      return text.slice(0, at) + noise(len) + text.slice(at);
    case 2:
      return text.slice(0, at) + text.slice(at, at + len).repeat(1 + Math.floor(random() * 4)) + text.slice(at + len);
    case 3:
      return text.slice(0, at);
    default:
      return text.slice(0, at) + pick(ALPHABET) + text.slice(at + 1);
  }
}

const WEIRD = [undefined, null, 0, -1, 1e300, NaN, "", "x", [], {}, [1, 2], { a: 1 }, true, () => 1, Symbol("s"), 10n, new Date(0), "FLOW", "READ", "a..b", "Main!"];
const weird = () => (random() < 0.5 ? pick(WEIRD) : noise(30));

const providers = Object.values(tokens.providers);
const scenario = rbac.scenarios.find((s) => s.name.startsWith("rows 1-5"));

test(`${CALLS} hostile calls: no trap, the instance still answers, memory stays flat`, () => {
  const good = new Authorizer(scenario.options);
  const goodSession = good.verifyIdToken(scenario.token, scenario.verify);
  const known = () => good.authorize(goodSession, { permission: "FLOW", action: "UPDATE", namespace: "io.acme.data.etl" });
  assert.equal(known().code, "ALLOWED");
  const authorizers = providers.slice(0, 4).map((p) => new Authorizer(p));
  const caseTokens = tokens.cases.map((c) => c.token);
  let thrown = 0;
  let warmBytes = 0;
  const call = (fn) => {
    try {
      const out = fn();
      if (out && typeof out.free === "function") out.free();
    } catch (e) {
      // Every failure must be one of the module's coded errors, never a trap.
      assert.ok(e instanceof Error, String(e));
      assert.ok(typeof e.code === "string" && e.code.startsWith("ERR_"), `${e.name}: ${e.message}`);
      thrown += 1;
    }
  };
  for (let i = 0; i < CALLS; i++) {
    if (i === Math.floor(CALLS / 10)) warmBytes = wasm.memory.buffer.byteLength;
    const a = pick(authorizers);
    switch (Math.floor(random() * 9)) {
      case 0:
        call(() => a.verifyIdToken(mutate(pick(caseTokens)), { now: 1800000060 }));
        break;
      case 1:
        call(() => a.verifyIdToken(random() < 0.5 ? noise(200) : weird(), random() < 0.5 ? weird() : { now: weird(), nonce: weird() }));
        break;
      case 2:
        call(() => new Authorizer({ ...pick(providers), jwks: mutate(JSON.stringify(pick(providers).jwks)) }));
        break;
      case 3:
        call(() => new Authorizer({ kestraConfig: mutate(guideYaml), clientSecret: "x".repeat(40), jwks: "{}" }));
        break;
      case 4:
        call(() => new Authorizer({ ...scenario.options, policy: mutate(JSON.stringify(scenario.options.policy)) }));
        break;
      case 5:
        call(() => good.authorize(goodSession, random() < 0.7 ? { permission: weird(), action: weird(), namespace: weird(), tenant: weird() } : weird()));
        break;
      case 6:
        call(() => goodSession[pick(["isAllowed", "isAllowedGlobal", "hasAny", "hasAnyAction", "hasAnyActionOnAnyNamespace", "hasAnyRole"])](weird(), weird(), weird()));
        break;
      case 7:
        call(() => good.matrix(goodSession, random() < 0.5 ? weird() : { namespace: weird(), tenant: weird() }));
        break;
      default:
        call(() => good.authorizeMany(goodSession, random() < 0.5 ? weird() : [weird(), { permission: "FLOW", action: "READ" }, weird()]));
    }
  }
  assert.equal(known().code, "ALLOWED", "the instance still decides after the soak");
  const again = good.verifyIdToken(scenario.token, scenario.verify);
  assert.equal(again.username, "alice@example.com");
  const grown = wasm.memory.buffer.byteLength - warmBytes;
  console.log(`soak: ${CALLS} calls, ${thrown} coded errors, wasm memory ${(wasm.memory.buffer.byteLength / 1048576).toFixed(1)} MiB (grew ${(grown / 1048576).toFixed(1)} MiB after warm-up)`);
  assert.ok(grown <= 16 * 1048576, `wasm memory grew ${grown} bytes after warm-up`);
});
