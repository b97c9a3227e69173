// A vanilla front end: oidc-client-ts keeps the signed-in `User` in sessionStorage under
// `oidc.user:<authority>:<client_id>`; this page verifies its ID token with kestra-authz and
// shows only the buttons the user may use. (The server remains the authority: this only
// hides what would be refused.)
import init, { Authorizer } from "../../pkg/web/kestra_authz.js";

const config = await (await fetch("./config.json")).json();
await init();
const authz = new Authorizer({ kestraConfig: config.kestraConfig, jwks: config.jwks, policy: config.policy });
const stored = sessionStorage.getItem(`oidc.user:${config.authority}:${config.clientId}`);
const buttons = [...document.querySelectorAll("button[data-permission]")];
try {
  if (!stored) throw Object.assign(new Error("not signed in"), { code: "NO_USER" });
  const user = JSON.parse(stored);
  const session = authz.verifyIdToken(user.id_token, { tenant: config.tenant });
  document.querySelector("#who").textContent = `Signed in as ${session.username}.`;
  const namespace = document.querySelector("#namespace").textContent;
  for (const button of buttons) button.hidden = !session.isAllowed(button.dataset.permission, button.dataset.action, namespace);
} catch (e) {
  for (const button of buttons) button.hidden = true;
  document.querySelector("#error").textContent = `${e.code}: ${e.message}`;
}
document.body.dataset.ready = "true";
