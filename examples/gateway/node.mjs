// The gateway as a Node server: `node examples/gateway/node.mjs` with the variables of
// core.mjs (and PORT, HOST: default 8080 on 127.0.0.1). Prints "listening on <port>".
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { createRequire } from "node:module";
import { gatewayFromEnv } from "./core.mjs";

const require = createRequire(import.meta.url);
const { Authorizer } = require("../../pkg/nodejs/kestra_authz.js");

/** A Node request as a fetch-API Request (the body streamed, not buffered). */
export function toRequest(req) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    // All of them: the gateway drops the hop-by-hop ones, and those `Connection` names.
    if (name !== "host") headers.append(name, req.rawHeaders[i + 1]);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url, "http://gateway.invalid"), { method: req.method, headers, ...(hasBody ? { body: Readable.toWeb(req), duplex: "half" } : {}) });
}

/** Writes a fetch-API Response to a Node response, streaming its body. */
export async function send(response, res) {
  const headers = Object.fromEntries(response.headers);
  // Several cookies are several headers, not one joined line.
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  if (response.body === null) return void res.end();
  try {
    for await (const chunk of response.body) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
    }
  } finally {
    res.end();
  }
}

export function serve(gateway, { port = 8080, host = "127.0.0.1" } = {}) {
  const server = createServer(async (req, res) => {
    try {
      await send(await gateway.handle(toRequest(req)), res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: e?.code ?? "ERR_UPSTREAM", message: e?.message }));
    }
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const gateway = gatewayFromEnv(Authorizer, (name) => process.env[name]);
  gateway.policySource.start();
  const server = await serve(gateway, { port: Number(process.env.PORT ?? 8080), host: process.env.HOST ?? "127.0.0.1" });
  console.log(`listening on ${server.address().port}`);
}
