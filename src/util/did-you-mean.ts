/**
 * "Did you mean …?" for near misses, in one place: unknown keys (`acessPolicies`), enum values
 * (`API_AND_CONFIGMAP`), commands (`valdiate`) and flags (`--manfest`).
 */

/**
 * Optimal-string-alignment distance (Damerau-Levenshtein restricted to adjacent transpositions),
 * which is what a typo looks like: one insertion, deletion, substitution or swapped pair costs 1.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d = new Array<number>(rows * cols).fill(0)
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0
  for (let i = 0; i < rows; i++) d[i * cols] = i
  for (let j = 0; j < cols; j++) d[j] = j
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1)
      d[i * cols + j] = best
    }
  }
  return at(rows - 1, cols - 1)
}

/**
 * The one threshold rule: a word of up to 3 characters tolerates 1 edit, a longer one 2, a long
 * one (policy names) a quarter of its length; both the input and the candidate must tolerate the
 * distance (so `id` never suggests `adopt`).
 */
export function typoBudget(word: string): number {
  return word.length <= 3 ? 1 : Math.max(2, Math.floor(word.length / 4))
}

/** A long input that lacks only a suffix (`AmazonEKSClusterAdmin` → `…Policy`) counts as one edit. */
const PREFIX_MIN = 8

/**
 * The closest candidate to `word` (case-insensitive), or undefined when none is a plausible typo.
 * Ties go to the earlier candidate, so the caller's order decides. An exact match is skipped.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase()
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    if (candidate === word) continue
    const other = candidate.toLowerCase()
    const distance = lower.length >= PREFIX_MIN && other.startsWith(lower) ? 1 : editDistance(lower, other)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  if (best === undefined) return undefined
  return bestDistance <= Math.min(typoBudget(word), typoBudget(best)) ? best : undefined
}
