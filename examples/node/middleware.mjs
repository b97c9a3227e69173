// Node middleware (Express/Connect style: (req, res, next)) that lets a request through to
// Kestra only when the Bearer ID token's user may do what the route needs.
import { handle } from "../shared/handler.mjs";

export function kestraAuthz(authz) {
  return (req, res, next) => {
    // The request target as received: Kestra routes it as sent, so it is decided as sent.
    const result = handle(authz, {
      method: req.method,
      url: req.url,
      authorization: req.headers.authorization,
      impersonate: req.headers["x-kestra-impersonate"],
    });
    if (result.status === 200) {
      req.kestraDecision = JSON.parse(result.body);
      next();
      return;
    }
    res.writeHead(result.status, result.headers).end(result.body);
  };
}
