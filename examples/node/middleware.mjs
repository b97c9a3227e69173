// Node middleware (Express/Connect style: (req, res, next)) that lets a request through to
// Kestra only when the Bearer ID token's user may do what the route needs.
import { handle } from "../shared/handler.mjs";

export function kestraAuthz(authz) {
  return (req, res, next) => {
    const url = new URL(req.url, `http://${req.headers.host ?? "localhost"}`).href;
    const result = handle(authz, { method: req.method, url, authorization: req.headers.authorization });
    if (result.status === 200) {
      req.kestraDecision = JSON.parse(result.body);
      next();
      return;
    }
    res.writeHead(result.status, result.headers).end(result.body);
  };
}
