/**
 * `eks:username` — EKS rejects usernames that start with a reserved prefix and session-name
 * placeholders with no colon anywhere before them (EKS-API.md §4). The colon need not be adjacent:
 * the EKS user guide accepts `:john{{SessionName}}` and `jo:hn{{SessionName}}`, and the username EKS
 * itself generates for a role (`arn:aws:sts::…:assumed-role/NAME/{{SessionName}}`) has its colons
 * in the ARN. Prefixes are compared case-sensitively, as Kubernetes does for `system:`.
 */
import { problemAt, type Manifest, type ManifestEntry, type Problem } from '../../types.js'

export const RESERVED_USERNAME_PREFIXES: readonly string[] = ['system:', 'eks:', 'aws:', 'amazon:', 'iam:']
const SESSION_PLACEHOLDER = /\{\{SessionName(?:Raw)?\}\}/

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
  // One colon before the first placeholder covers every later one too.
  const first = SESSION_PLACEHOLDER.exec(username)
  if (first !== null && !username.slice(0, first.index).includes(':')) {
    const fixed = `${username.slice(0, first.index)}:${username.slice(first.index)}`
    problems.push(
      problemAt(loc, 'error', 'eks:username', `username "${username}": ${first[0]} needs a colon somewhere before it, e.g. "${fixed}"`),
    )
  }
  return problems
}
