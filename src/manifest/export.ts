import { Document, isCollection, isMap, isScalar, isSeq, type YAMLMap } from 'yaml'
import { accountOfArn } from '../arn.js'
import { DEFAULT_ENTRY_TYPE, generatedUsername } from '../plan/normalize.js'
import { BUILT_IN_POLICY_NAMES, isClusterAdminPolicy, parsePolicyArn, partitionOf } from '../policies.js'
import { normalizeObservedCluster, normalizeStateSnapshot } from '../state/snapshot.js'
import {
  OWNERSHIP_TAG_KEY,
  OWNERSHIP_TAG_VALUE,
  type AccessPolicyInfo,
  type AssociatedPolicy,
  type ObservedCluster,
  type ObservedEntry,
  type StateSnapshot,
} from '../types.js'

/**
 * Pure conversions of live state for `export`: manifest YAML (to bring an existing cluster under
 * the manifest) and state snapshots (for `plan --state`). The YAML is written so that planning it
 * against the same live state gives zero changes: values EKS generates or the tool adds itself are
 * left out, because the diff treats "absent" as "whatever EKS has".
 */

export const DEFAULT_MANIFEST_SCHEMA_REF = './schemas/eks-access.schema.json'

export interface ExportManifestOptions {
  /** Logical name under `clusters:` (default: the EKS cluster name). */
  readonly clusterKey?: string
  /** Written as the cluster's accountId (default: the observed one, else the account of an access-entry ARN). */
  readonly accountId?: string
  /** `$schema` of the yaml-language-server header comment. */
  readonly schemaRef?: string
}

/**
 * A short name for AWS-managed policies of the cluster's partition that `validate` knows offline;
 * anything else stays a full ARN (validate only warns on an unknown ARN, but errors on an unknown
 * short name).
 */
function policyReference(policyArn: string, region: string): string {
  const parsed = parsePolicyArn(policyArn)
  if (parsed === undefined || parsed.partition !== partitionOf(region)) return policyArn
  return BUILT_IN_POLICY_NAMES.includes(parsed.name) ? parsed.name : policyArn
}

/** The account of the first access-entry ARN (`arn:aws:eks:REGION:ACCOUNT:access-entry/…`). */
function accountFromEntries(entries: readonly ObservedEntry[]): string | undefined {
  for (const e of entries) {
    const account = e.accessEntryArn === undefined ? undefined : accountOfArn(e.accessEntryArn)
    if (account !== undefined) return account
  }
  return undefined
}

interface PlainPolicy {
  readonly policyArn: string
  readonly accessScope: { readonly type: string; readonly namespaces?: readonly string[] }
}

function manifestPolicy(p: AssociatedPolicy, region: string): PlainPolicy {
  const accessScope = p.accessScope.type === 'namespace' ? { type: 'namespace', namespaces: p.accessScope.namespaces } : { type: 'cluster' }
  return { policyArn: policyReference(p.policyArn, region), accessScope }
}

/** Tags the manifest should hold: everything but the ownership tag, which the tool sets itself. */
function manifestTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(tags)) if (!(key === OWNERSHIP_TAG_KEY && value === OWNERSHIP_TAG_VALUE)) out[key] = value
  return out
}

/**
 * One manifest entry, members in the order PRODUCT.md shows them; defaults, EKS-set values and
 * empty lists and maps left out. Node entries lose their username and groups: EKS sets them, a
 * manifest node entry may not hold them (validate: eks:node-entry-fields, and `system:` usernames
 * are reserved), and the diff accepts whatever EKS reports when the manifest names none.
 */
function manifestEntry(e: ObservedEntry, clusterKey: string, region: string): Record<string, unknown> {
  const isStandard = e.type === DEFAULT_ENTRY_TYPE
  const groups = isStandard ? e.kubernetesGroups : []
  const tags = manifestTags(e.tags)
  const out: Record<string, unknown> = { principalArn: e.principalArn }
  if (!isStandard) out['type'] = e.type
  if (isStandard && e.username !== undefined && e.username !== generatedUsername(e.principalArn, e.type)) out['username'] = e.username
  out['clusters'] = [clusterKey]
  if (groups.length > 0) out['kubernetesGroups'] = [...groups]
  if (Object.keys(tags).length > 0) out['tags'] = tags
  if (e.accessPolicies.length > 0) out['accessPolicies'] = e.accessPolicies.map((p) => manifestPolicy(p, region))
  return out
}

/** As the plan's lockout check counts: a STANDARD entry with the admin policy at cluster scope. */
function hasClusterAdmin(cluster: ObservedCluster): boolean {
  return cluster.entries.some(
    (e) =>
      e.type === DEFAULT_ENTRY_TYPE && e.accessPolicies.some((p) => isClusterAdminPolicy(p.policyArn) && p.accessScope.type === 'cluster'),
  )
}

function isNodeEntry(e: ObservedEntry): boolean {
  return e.type !== DEFAULT_ENTRY_TYPE
}

/** Short collections on one line, as in the examples: `clusters: [ prod ]`, `accessScope: { type: cluster }`. */
function styleEntryNode(node: YAMLMap, index: number, entry: ObservedEntry): void {
  for (const key of ['clusters', 'kubernetesGroups', 'tags']) {
    const child = node.get(key, true)
    if (isCollection(child)) child.flow = true
  }
  const policies = node.get('accessPolicies', true)
  for (const item of isSeq(policies) ? policies.items : []) {
    const scope = isMap(item) ? item.get('accessScope', true) : undefined
    if (isMap(scope)) scope.flow = true
  }
  if (index > 0) node.spaceBefore = true
  if (isNodeEntry(entry))
    node.commentBefore = ` ${entry.type} node entry: EKS creates entries like this for managed node groups and Fargate\n profiles, and sets their username and groups itself.`
}

function headerComment(observed: ObservedCluster, schemaRef: string): string {
  return [
    ` yaml-language-server: $schema=${schemaRef}`,
    '',
    ` Exported by \`eks-access-gate export\` from EKS cluster ${observed.name} (${observed.region}).`,
    ' Entries created outside eks-access-gate carry no `managed-by: eks-access-gate` tag, so with',
    ' `prune: owned` (the default) the tool never deletes them; `adopt: true` on the cluster tags them.',
  ].join('\n')
}

/**
 * Manifest YAML (`version: 1`) for one live cluster that, planned against the same live state,
 * yields zero changes. Deterministic: entries by principalArn, policies by ARN, sorted sets.
 */
export function exportManifestYaml(observed: ObservedCluster, opts: ExportManifestOptions = {}): string {
  const cluster = normalizeObservedCluster(observed)
  const key = opts.clusterKey ?? cluster.name
  const accountId = opts.accountId ?? cluster.accountId ?? accountFromEntries(cluster.entries)
  const clusterBlock: Record<string, unknown> = {}
  if (key !== cluster.name) clusterBlock['name'] = cluster.name
  clusterBlock['region'] = cluster.region
  if (accountId !== undefined) clusterBlock['accountId'] = accountId
  clusterBlock['authenticationMode'] = cluster.authenticationMode
  // Planning refuses a cluster left with no cluster admin; one that has none today (admins
  // come through aws-auth, say) must say so, or the export would not plan cleanly.
  const noAdmin = !hasClusterAdmin(cluster)
  if (noAdmin) clusterBlock['allowNoClusterAdmin'] = true

  const doc = new Document({
    version: 1,
    clusters: { [key]: clusterBlock },
    accessEntries: cluster.entries.map((e) => manifestEntry(e, key, cluster.region)),
  })
  const entries = doc.get('accessEntries', true)
  if (isSeq(entries))
    entries.items.forEach((node, i) => {
      if (isMap(node)) styleEntryNode(node, i, cluster.entries[i] as ObservedEntry)
    })
  if (noAdmin) {
    const block = doc.getIn(['clusters', key], true)
    const pair = isMap(block) ? block.items.find((p) => isScalar(p.key) && p.key.value === 'allowNoClusterAdmin') : undefined
    if (pair !== undefined && isScalar(pair.key))
      pair.key.commentBefore = ' No entry holds AmazonEKSClusterAdminPolicy at cluster scope today (admins may come from aws-auth).'
  }
  doc.commentBefore = headerComment(cluster, opts.schemaRef ?? DEFAULT_MANIFEST_SCHEMA_REF)
  return doc.toString({ lineWidth: 0 })
}

/** A normalised snapshot of live clusters, with the access-policy catalogue when known. */
export function exportStateSnapshot(clusters: readonly ObservedCluster[], catalogue?: readonly AccessPolicyInfo[]): StateSnapshot {
  const base = { version: 1 as const, clusters }
  return normalizeStateSnapshot(catalogue === undefined ? base : { ...base, accessPolicies: catalogue })
}
