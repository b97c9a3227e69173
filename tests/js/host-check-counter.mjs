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

/**
 * An RS256 token vector whose signature is all zeros (the right length, below any modulus, so
 * it reaches the host), with its case.
 */
export function forgedRs256(tokens) {
  const c = tokens.cases.find((x) => x.name === "alg: RS256");
  const dot = c.token.lastIndexOf(".") + 1;
  return { c, forged: `${c.token.slice(0, dot)}${"A".repeat(c.token.length - dot)}` };
}

/** Runs `fn` while `crypto.subtle.verify` (own and inherited) says yes to everything. */
export async function withVerifyStubbedToYes(fn) {
  const proto = Object.getPrototypeOf(crypto.subtle);
  const [own, inherited] = [crypto.subtle.verify, proto.verify];
  crypto.subtle.verify = async () => true;
  proto.verify = async () => true;
  try {
    return await fn();
  } finally {
    crypto.subtle.verify = own;
    proto.verify = inherited;
  }
}
