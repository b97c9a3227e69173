// Serves the repository's files read-only on 127.0.0.1: the demo page (www/) and the package
// (pkg/). Run directly it prints the page's address and serves until stopped; the host tests
// import serveRepo().
import { createServer } from "node:http";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = fileURLToPath(new URL("../", import.meta.url));

const TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".png": "image/png",
};

/** Serves the repository on 127.0.0.1:`port` (0: any); `overrides` maps a path to a JSON body. */
export async function serveRepo(overrides = {}, port = 0) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    if (Object.hasOwn(overrides, path)) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(overrides[path]));
      return;
    }
    let file = join(repo, path);
    if (file.startsWith(repo) && existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!file.startsWith(repo) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.env.PORT ?? 8000);
  const { origin } = await serveRepo({}, port);
  console.log(`kestra-authz demo page: ${origin}/www/  (Ctrl-C to stop)`);
}
