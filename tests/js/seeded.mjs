// A small seeded generator (mulberry32) for the tests' random inputs, so that any failure can be
// replayed from its seed.
export function seeded(start) {
  let seed = start | 0;
  return function random() {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
