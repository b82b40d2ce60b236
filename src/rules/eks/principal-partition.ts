/**
 * `eks:principal-partition` — a principal from one partition cannot be granted access to a cluster
 * in another (a cluster's partition follows its region: cn-* → aws-cn, us-gov-* → aws-us-gov).
 * One problem per entry, listing every selected cluster in another partition.
 */
import { parsePrincipalArn } from '../../arn.js'
import { problemAt, type Manifest, type ManifestEntry, type Problem } from '../../types.js'
import { entrySelector, quoteAll, type EntrySelection } from './helpers.js'

export function checkPrincipalPartitions(manifest: Manifest): Problem[] {
  const select = entrySelector(manifest)
  return manifest.accessEntries.flatMap((entry) => checkPrincipalPartition(entry, select(entry)))
}

function checkPrincipalPartition(entry: ManifestEntry, selected: EntrySelection): Problem[] {
  const parsed = parsePrincipalArn(entry.principalArn)
  if (!parsed.ok) return [] // eks:principal-arn reports it
  const { partition } = parsed.value
  const others = selected.clusters.filter((c) => c.partition !== partition)
  if (others.length === 0) return []
  const detail = others.map((c) => `"${c.key}" (${c.region}, partition ${c.partition})`).join(', ')
  return [
    problemAt(
      entry.locs.principalArn,
      'error',
      'eks:principal-partition',
      `principalArn "${entry.principalArn}" is in partition ${partition} but the entry selects ${detail}; use a principal of the cluster's partition or narrow clusters (now ${entry.clusters === undefined ? 'every cluster' : quoteAll(entry.clusters)})`,
    ),
  ]
}
