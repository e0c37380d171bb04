/**
 * Names of the objects Cluster API creates: `<owner>-<random>` with five random characters drawn
 * from k8s.io/apimachinery's `util/rand` alphabet (consonants and digits without vowels, 0, 1 and 3,
 * so no words and no look-alike characters). A name longer than 63 characters keeps its first 58
 * and gets the random suffix instead (`internal/topology/names/names.go`, capi-kube.md §2.5, §3.3).
 * So a replacement Machine never reuses the old name.
 */
import type { Rng } from "../sim/rng.js";

/** The characters apimachinery's `rand.String` draws from. */
export const RANDOM_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** Length of the random suffix. */
export const RANDOM_SUFFIX_LENGTH = 5;

/** Longest object name (a DNS label). */
export const MAX_NAME_LENGTH = 63;

/** Five random characters from the seeded stream. */
export function randomSuffix(rng: Rng): string {
  let s = "";
  for (let i = 0; i < RANDOM_SUFFIX_LENGTH; i++) {
    s += RANDOM_NAME_ALPHABET[rng.int(0, RANDOM_NAME_ALPHABET.length - 1)];
  }
  return s;
}

/**
 * `<base>-<random>`, the default Machine naming template `{{ .machineSet.name }}-{{ .random }}`
 * (or `{{ .kubeadmControlPlane.name }}-{{ .random }}`), trimmed like CAPI when too long. `taken`
 * names are avoided by drawing again, as an API create with a clashing name would be retried.
 */
export function generateName(base: string, rng: Rng, taken: (name: string) => boolean = () => false): string {
  for (;;) {
    const suffix = randomSuffix(rng);
    let name = `${base}-${suffix}`;
    if (name.length > MAX_NAME_LENGTH) name = name.slice(0, MAX_NAME_LENGTH - RANDOM_SUFFIX_LENGTH) + suffix;
    if (!taken(name)) return name;
  }
}
