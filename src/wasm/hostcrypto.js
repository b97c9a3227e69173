// Signature checks by the host's own crypto (WebCrypto), for verifyIdTokenAsync
// (src/wasm/api.rs). The module has done every check before the signature (header, algorithm
// allow-list, key selection, the signature's length and range) and does every check after
// it; this file only imports keys and runs `crypto.subtle.verify`.
//
// Each (key, algorithm) is imported once per Authorizer and kept. Whatever the host cannot
// do (no WebCrypto, a key or curve it refuses, a throw) answers `undefined`: the module then
// checks the signature itself, so a host without WebCrypto gets the same answers, slower.

/**
 * @typedef {{
 *   keys: JsonWebKey[],
 *   imported: Map<string, Promise<CryptoKey | null>>,
 *   nodeKeys: Map<number, unknown>,
 * }} HostKeys
 */

/**
 * The parts of `node:crypto` used here, when the Node build hands it over (useNodeCrypto).
 * @typedef {{
 *   createPublicKey(key: { key: JsonWebKey, format: "jwk" }): unknown,
 *   verify(hash: string, data: Uint8Array, key: object, signature: Uint8Array): boolean,
 * }} NodeCrypto
 */

/** @type {NodeCrypto | null} */
let nodeCrypto = null;

/**
 * Node's synchronous crypto, for the Node build: its verify takes microseconds where
 * WebCrypto's goes through a thread pool (scripts/build-pkg.sh adds the call to pkg/nodejs).
 * @param {NodeCrypto} crypto
 */
export function useNodeCrypto(crypto) {
  // Its own references, taken now: code that later replaces node:crypto's members (a test
  // stub, an instrumentation wrapper) must not decide verdicts.
  nodeCrypto = Object.freeze({ __proto__: null, verify: crypto.verify, createPublicKey: crypto.createPublicKey });
}

/** Whether signatures can be checked synchronously by the host (Node). */
export function hasSyncHost() {
  return nodeCrypto !== null;
}

/** node:crypto's verify options per JWS algorithm: the hash, then the padding or encoding. */
const NODE = /** @type {Record<string, [string, object]>} */ (Object.setPrototypeOf({
  RS256: ["sha256", {}],
  RS384: ["sha384", {}],
  RS512: ["sha512", {}],
  // RSA_PKCS1_PSS_PADDING is 6; the salt as long as the hash (RFC 7518 §3.5).
  PS256: ["sha256", { padding: 6, saltLength: 32 }],
  PS384: ["sha384", { padding: 6, saltLength: 48 }],
  PS512: ["sha512", { padding: 6, saltLength: 64 }],
  ES256: ["sha256", { dsaEncoding: "ieee-p1363" }],
  ES384: ["sha384", { dsaEncoding: "ieee-p1363" }],
  ES512: ["sha512", { dsaEncoding: "ieee-p1363" }],
}, null));

/**
 * The synchronous verdict of node:crypto, or undefined when there is none (not Node, a key it
 * refuses, a throw).
 * @param {HostKeys} store
 * @param {number} index
 * @param {string} alg
 * @param {Uint8Array} message
 * @param {Uint8Array} signature
 * @returns {boolean | undefined}
 */
export function hostVerifySync(store, index, alg, message, signature) {
  const params = NODE[alg];
  const jwk = store.keys[index];
  if (!nodeCrypto || !params || !jwk) return undefined;
  try {
    let key = store.nodeKeys.get(index);
    if (key === undefined) {
      try {
        key = nodeCrypto.createPublicKey({ key: jwk, format: "jwk" });
      } catch {
        key = null;
      }
      store.nodeKeys.set(index, key);
    }
    if (key === null) return undefined;
    return nodeCrypto.verify(params[0], message, { __proto__: null, key, ...params[1] }, signature) === true;
  } catch {
    return undefined;
  }
}

// The host's WebCrypto, taken when this module loads: code that later replaces
// `crypto.subtle` or its methods (a test stub, a wrapper, a script in the page) decides nothing.
const subtle = globalThis.crypto?.subtle;
const importKey = subtle?.importKey;
const verify = subtle?.verify;
const apply = Reflect.apply;

/** importKey's algorithm and verify's, per JWS algorithm (RFC 7518 §3.3-3.5). */
const PARAMS = /** @type {Record<string, [RsaHashedImportParams | EcKeyImportParams, AlgorithmIdentifier | RsaPssParams | EcdsaParams]>} */ (Object.setPrototypeOf({
  RS256: [{ name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, { name: "RSASSA-PKCS1-v1_5" }],
  RS384: [{ name: "RSASSA-PKCS1-v1_5", hash: "SHA-384" }, { name: "RSASSA-PKCS1-v1_5" }],
  RS512: [{ name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" }, { name: "RSASSA-PKCS1-v1_5" }],
  // The salt is as long as the hash (RFC 7518 §3.5).
  PS256: [{ name: "RSA-PSS", hash: "SHA-256" }, { name: "RSA-PSS", saltLength: 32 }],
  PS384: [{ name: "RSA-PSS", hash: "SHA-384" }, { name: "RSA-PSS", saltLength: 48 }],
  PS512: [{ name: "RSA-PSS", hash: "SHA-512" }, { name: "RSA-PSS", saltLength: 64 }],
  ES256: [{ name: "ECDSA", namedCurve: "P-256" }, { name: "ECDSA", hash: "SHA-256" }],
  ES384: [{ name: "ECDSA", namedCurve: "P-384" }, { name: "ECDSA", hash: "SHA-384" }],
  ES512: [{ name: "ECDSA", namedCurve: "P-521" }, { name: "ECDSA", hash: "SHA-512" }],
}, null));

/**
 * The keys of one Authorizer, as JWKs (JSON text from the module), imported as they are used.
 * @param {string} keys
 * @returns {HostKeys}
 */
export function hostKeys(keys) {
  return { keys: JSON.parse(keys), imported: new Map(), nodeKeys: new Map() };
}

/**
 * The host's verdict on a signature: true or false, or undefined when it cannot say.
 * @param {HostKeys} store
 * @param {number} index the key's place in the JWKS's usable keys
 * @param {string} alg
 * @param {Uint8Array<ArrayBuffer>} message
 * @param {Uint8Array<ArrayBuffer>} signature
 * @returns {Promise<boolean | undefined>}
 */
export async function hostVerify(store, index, alg, message, signature) {
  const params = PARAMS[alg];
  const jwk = store.keys[index];
  if (!subtle || typeof importKey !== "function" || typeof verify !== "function" || !params || !jwk) return undefined;
  const id = `${index} ${alg}`;
  let key = store.imported.get(id);
  if (key === undefined) {
    /** @type {Promise<CryptoKey | null>} */
    const imported = (async () => {
      try {
        return await apply(importKey, subtle, ["jwk", jwk, params[0], false, ["verify"]]);
      } catch {
        return null;
      }
    })();
    key = imported;
    store.imported.set(id, key);
  }
  try {
    const imported = await key;
    if (!imported) return undefined;
    return (await apply(verify, subtle, [params[1], imported, signature, message])) === true;
  } catch {
    return undefined;
  }
}
