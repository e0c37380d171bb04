/**
 * Names and UIDs the control plane makes up, drawn from seeded random streams so a run is
 * reproducible. Generated names use the alphabet of k8s.io/apimachinery `pkg/util/rand` (consonants
 * and digits without vowels or look-alikes, "bcdfghjklmnpqrstvwxz2456789"), five characters after
 * the prefix, as the apiserver's `generateName` does (`nginx-7c5ddbdf54-x2x4k`).
 */
import type { Rng } from "../sim/rng.js";

const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
const HEX = "0123456789abcdef";

/** `n` characters from the generated-name alphabet. */
export function randomString(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += ALPHANUMS[rng.int(0, ALPHANUMS.length - 1)];
  return s;
}

/** `prefix` + five random characters (names.SimpleNameGenerator). */
export function generateName(rng: Rng, prefix: string): string {
  return prefix + randomString(rng, 5);
}

/** A version-4-shaped UUID from the stream. */
export function newUid(rng: Rng): string {
  let s = "";
  for (let i = 0; i < 32; i++) {
    if (i === 8 || i === 12 || i === 16 || i === 20) s += "-";
    s += i === 12 ? "4" : HEX[rng.int(0, 15)];
  }
  return s;
}

/**
 * A stable hash of a text (FNV-1a, 32 bit) rendered in the name alphabet: the Deployment
 * controller's `pod-template-hash` label and ReplicaSet name suffix (`nginx-7c5ddbdf54`) come from
 * a hash of the pod template.
 */
export function hashName(text: string, length = 10): string {
  let h = 0x811c9dc5;
  let out = "";
  for (let round = 0; out.length < length; round++) {
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h = (h ^ round) >>> 0;
    let x = h;
    for (let k = 0; k < 4 && out.length < length; k++) {
      out += ALPHANUMS[x % ALPHANUMS.length];
      x = Math.floor(x / ALPHANUMS.length);
    }
  }
  return out;
}
