// Parity: every JS host runs the shared vectors through the built package and must print
// exactly what the native Rust runner printed (target/parity/native.json, written by
// `cargo test --test vectors`). Hosts: Node, headless Chromium (playwright-core driving
// Debian's chromium with the web build), Deno (npm `deno`, web build with initSync) and
// Cloudflare workerd (npm `miniflare`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fetchOnceFromWorker, inChromiumPage, repo, serveRepo } from "./hosts.mjs";
import { canonical, runVectors } from "./parity-runner.mjs";

const require = createRequire(import.meta.url);
const nativePath = join(repo, "target/parity/native.json");
const tokens = JSON.parse(readFileSync(join(repo, "tests/vectors/tokens.json"), "utf8"));
const rbac = JSON.parse(readFileSync(join(repo, "tests/vectors/rbac.json"), "utf8"));

function native() {
  assert.ok(existsSync(nativePath), "run `cargo test --test vectors` first: it writes target/parity/native.json");
  return readFileSync(nativePath, "utf8");
}

function assertSame(host, printed) {
  const expected = native();
  if (printed === expected) return;
  const mine = JSON.parse(printed);
  const theirs = JSON.parse(expected);
  const diffs = theirs.flatMap((line, i) => (canonical(line) === canonical(mine[i]) ? [] : [`${line.name}: native ${canonical(line.outcome)} / ${host} ${canonical(mine[i]?.outcome)}`]));
  assert.fail(`${host} differs from native on ${diffs.length} of ${theirs.length} vectors (and ${mine.length} lines):\n${diffs.slice(0, 10).join("\n")}`);
}

test("the vector files are large enough", () => {
  assert.ok(tokens.cases.length + tokens.setup.length + rbac.scenarios.reduce((n, s) => n + s.checks.length, 0) >= 300);
});

test("Node: byte-identical to native", () => {
  const { Authorizer, diffPolicies } = require("../../pkg/nodejs/kestra_authz.js");
  assertSame("node", canonical(runVectors({ Authorizer, diffPolicies }, tokens, rbac)));
});

let site;
before(async () => {
  site = await serveRepo();
});
after(() => site?.close());

test("headless Chromium (web build, playwright-core + Debian chromium): byte-identical to native", async () => {
  const printed = await inChromiumPage(site.origin, async () => {
    const { default: init, Authorizer, diffPolicies } = await import("/pkg/web/kestra_authz.js");
    const { canonical, runVectors } = await import("/tests/js/parity-runner.mjs");
    await init();
    const [tokens, rbac] = await Promise.all(["tokens", "rbac"].map((n) => fetch(`/tests/vectors/${n}.json`).then((r) => r.json())));
    return canonical(runVectors({ Authorizer, diffPolicies }, tokens, rbac));
  });
  assertSame("chromium", printed);
});

test("Deno (web build, initSync): byte-identical to native", () => {
  const printed = execFileSync(join(repo, "node_modules/.bin/deno"), ["run", "--quiet", "--no-prompt", `--allow-read=${repo}`, join(repo, "tests/js/parity-deno.mjs")], {
    encoding: "utf8",
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(repo, "target/deno") },
    maxBuffer: 64 * 1024 * 1024,
  });
  assertSame("deno", printed.trim());
});

test("Cloudflare workerd (miniflare, web build with initSync): byte-identical to native", async () => {
  assertSame("workerd", await fetchOnceFromWorker("tests/js/parity-worker.mjs"));
});
