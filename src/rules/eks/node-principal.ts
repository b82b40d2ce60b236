/**
 * `eks:node-principal` — node entries (every type but STANDARD) must name an IAM role in the
 * cluster's own account (EKS-API.md §4). For HYPERPOD_LINUX the reference only confirms "role", so a
 * principal in another account is a warning there, not an error.
 */
import { parsePrincipalArn } from '../../arn.js'
import { problemAt, type Manifest, type ManifestEntry, type Problem, type Severity } from '../../types.js'
import { entrySelector, isKnownNodeType, type EntrySelection } from './helpers.js'

/** Types whose same-account requirement EKS-API.md does not confirm. */
const ACCOUNT_UNCONFIRMED: ReadonlySet<string> = new Set(['HYPERPOD_LINUX'])

export function checkNodePrincipals(manifest: Manifest): Problem[] {
  const select = entrySelector(manifest)
  return manifest.accessEntries.flatMap((entry) => checkNodePrincipal(entry, () => select(entry)))
}

function checkNodePrincipal(entry: ManifestEntry, selected: () => EntrySelection): Problem[] {
  const type = entry.type
  if (type === undefined || !isKnownNodeType(type)) return []
  const parsed = parsePrincipalArn(entry.principalArn)
  if (!parsed.ok) return [] // eks:principal-arn reports it
  const principal = parsed.value
  if (principal.kind === 'user') {
    return [
      problemAt(
        entry.locs.principalArn,
        'error',
        'eks:node-principal',
        `type ${type} needs an IAM role, but principalArn "${entry.principalArn}" is an IAM user; use the node role's ARN (arn:${principal.partition}:iam::${principal.accountId}:role/…) or drop type for a STANDARD entry`,
      ),
    ]
  }
  if (principal.kind !== 'role') return [] // sessions and service-linked roles: eks:principal-arn
  const foreign = selected().clusters.filter((c) => c.accountId !== principal.accountId)
  if (foreign.length === 0) return []
  const severity: Severity = ACCOUNT_UNCONFIRMED.has(type) ? 'warning' : 'error'
  const detail = foreign.map((c) => `"${c.key}" (account ${c.accountId})`).join(', ')
  return [
    problemAt(
      entry.locs.principalArn,
      severity,
      'eks:node-principal',
      `type ${type} needs a role in the cluster's own account, but principalArn "${entry.principalArn}" is in account ${principal.accountId} and the entry selects ${detail}; limit clusters to that account or use the node role of each cluster's account`,
    ),
  ]
}
