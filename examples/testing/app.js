// A front end as it runs against authentik: the provider's discovery document and JWKS fetched
// from the issuer, the ID token of the oidc-client-ts `User` in sessionStorage verified with
// WebCrypto, and only the buttons the user may use shown. buttons.spec.mjs tests it with no
// authentik: kestra-authz/testing signs the tokens and the test serves the provider's routes.
import { Authorizer } from "../../pkg/browser.js";

const config = await (await fetch("./config.json")).json();
const buttons = [...document.querySelectorAll("button[data-permission]")];
try {
  const discovery = await (await fetch(new URL(".well-known/openid-configuration", config.issuer))).json();
  const jwks = await (await fetch(discovery.jwks_uri)).json();
  const authz = new Authorizer({ discovery, jwks, clientId: config.clientId, policy: config.policy });
  const stored = sessionStorage.getItem(`oidc.user:${config.issuer}:${config.clientId}`);
  if (!stored) throw Object.assign(new Error("not signed in"), { code: "NO_USER" });
  const session = await authz.verifyIdTokenAsync(JSON.parse(stored).id_token, { tenant: "main" });
  document.querySelector("#who").textContent = `Signed in as ${session.username}.`;
  const namespace = document.querySelector("#namespace").textContent;
  for (const button of buttons) button.hidden = !session.isAllowed(button.dataset.permission, button.dataset.action, namespace);
} catch (e) {
  for (const button of buttons) button.hidden = true;
  document.querySelector("#error").textContent = `${e.code}: ${e.message}`;
}
document.body.dataset.ready = "true";
