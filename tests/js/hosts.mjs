// Helpers the host tests share: the repository's loopback file server (scripts/serve.mjs), and
// Debian's Chromium launched headless by playwright-core.
import { repo } from "../../scripts/serve.mjs";
export { repo, serveRepo } from "../../scripts/serve.mjs";

/** Debian's /usr/bin/chromium, headless, with no network of its own. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/**
 * A Deno server script of the repository, run with `env` on 127.0.0.1 (network and the
 * repository's files only). It must print "listening on <port>". Answers `{ origin, stop }`.
 */
export async function startDeno(script, env) {
  const { spawn } = await import("node:child_process");
  const { join } = await import("node:path");
  const deno = spawn(join(repo, "node_modules/.bin/deno"), ["run", "--quiet", "--no-prompt", "--allow-net=127.0.0.1", `--allow-read=${repo}`, "--allow-env", join(repo, script)], {
    env: { ...process.env, ...env, PORT: "0", DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(repo, "target/deno") },
  });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`deno did not start: ${out}`)), 20000);
    deno.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    deno.stderr.on("data", (d) => (out += d));
    deno.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`deno exited ${code}: ${out}`));
    });
  }).catch((e) => {
    deno.kill();
    throw e;
  });
  return { origin: `http://127.0.0.1:${port}`, stop: () => deno.kill() };
}

/** Miniflare's options for a worker script of the repository: its modules and the .wasm. */
async function workerOptions(script, textJson) {
  const { join } = await import("node:path");
  return {
    modules: true,
    modulesRoot: repo,
    scriptPath: join(repo, script),
    modulesRules: [
      { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
      ...(textJson ? [{ type: "Text", include: ["**/*.json"] }] : []),
    ],
    compatibilityDate: "2025-01-01",
  };
}

/** A worker script of the repository in workerd (miniflare), with `bindings`, on 127.0.0.1. Answers `{ origin, stop }`. */
export async function startWorker(script, bindings) {
  const { Miniflare } = await import("miniflare");
  const mf = new Miniflare({ ...(await workerOptions(script, false)), bindings, host: "127.0.0.1", port: 0 });
  return { origin: (await mf.ready).origin, stop: () => mf.dispose() };
}

/**
 * Runs a worker script of the repository once in workerd (miniflare), with the repository's
 * JSON files as text modules, and answers the text of its response to one request.
 */
export async function fetchOnceFromWorker(script) {
  const { Miniflare } = await import("miniflare");
  const mf = new Miniflare(await workerOptions(script, true));
  try {
    return await (await mf.dispatchFetch("http://worker/")).text();
  } finally {
    await mf.dispose();
  }
}

/**
 * Runs `fn(arg)` in headless Chromium, in the repository's blank page at `origin`
 * (tests/js/parity-page.html, served by serveRepo), and answers what it returns.
 */
export async function inChromiumPage(origin, fn, arg) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${origin}/tests/js/parity-page.html`);
    return await page.evaluate(fn, arg);
  } finally {
    await browser.close();
  }
}
