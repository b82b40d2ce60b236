/**
 * `eks:username` — EKS rejects usernames that start with a reserved prefix and session-name
 * placeholders not preceded by a colon (EKS-API.md §4). Prefixes are compared case-sensitively,
 * as Kubernetes does for `system:`.
 */
import { problemAt, type Manifest, type ManifestEntry, type Problem } from '../../types.js'

export const RESERVED_USERNAME_PREFIXES: readonly string[] = ['system:', 'eks:', 'aws:', 'amazon:', 'iam:']
const SESSION_PLACEHOLDER = /\{\{SessionName(?:Raw)?\}\}/g

export function checkUsernames(manifest: Manifest): Problem[] {
  return manifest.accessEntries.flatMap(checkUsername)
}

function checkUsername(entry: ManifestEntry): Problem[] {
  const username = entry.username
  if (username === undefined) return []
  const loc = entry.locs.username ?? entry.locs.entry
  const problems: Problem[] = []
  const prefix = RESERVED_USERNAME_PREFIXES.find((p) => username.startsWith(p))
  if (prefix !== undefined) {
    problems.push(
      problemAt(
        loc,
        'error',
        'eks:username',
        `username "${username}" starts with the reserved prefix "${prefix}" (EKS reserves ${RESERVED_USERNAME_PREFIXES.join(', ')}); choose another name`,
      ),
    )
  }
  for (const match of username.matchAll(SESSION_PLACEHOLDER)) {
    if (username[match.index - 1] === ':') continue
    const fixed = `${username.slice(0, match.index)}:${username.slice(match.index)}`
    problems.push(
      problemAt(loc, 'error', 'eks:username', `username "${username}": ${match[0]} must follow a colon, e.g. "${fixed}"`),
    )
  }
  return problems
}
