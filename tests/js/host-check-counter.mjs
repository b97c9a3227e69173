// Counts the host's WebCrypto verifications, and can make its key imports fail. The package
// takes its references to `crypto.subtle`'s methods when it loads (a later stub decides
// nothing), so import this module before the package: an ES module's imports run in order.
const subtle = globalThis.crypto?.subtle;
let checks = 0;
let refuse = false;
if (subtle) {
  const { verify, importKey } = subtle;
  subtle.verify = function (...args) {
    checks++;
    return Reflect.apply(verify, subtle, args);
  };
  subtle.importKey = function (...args) {
    return refuse ? Promise.reject(new Error("refused")) : Reflect.apply(importKey, subtle, args);
  };
}

/** How many signatures the host's WebCrypto has checked so far. */
export const hostChecks = () => checks;

/** From now on, the host refuses every key import (`true`) or takes them again. */
export function refuseKeyImports(on) {
  refuse = on;
}
