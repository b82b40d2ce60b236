/**
 * Test builders for `Manifest` values with fake but distinct Locs, so a test can assert the exact
 * Loc a rule chose by comparing with the built value (`entry.locs.username`, …) — no YAML parsing.
 *
 * Layout for an entry at line b (a policy k starts at line b+8+10k, a cluster at line c):
 *   entry (b,5) principalArn (b,19) type (b+1,13) username (b+2,17) kubernetesGroups (b+3,25)
 *   group i (b+3,26+20i) tags (b+4,13) tag i (b+4,15+20i) expiresAt (b+5,18) clusters (b+6,17)
 *   clusters item i (b+6,18+20i) accessPolicies (b+7,7)
 *   policy: item (p,9) policyArn (p,21) accessScope (p+1,22) type (p+1,30) namespaces (p+2,20) item i (p+2,21+20i)
 *   cluster: key (c,3) authenticationMode (c+1,25) region (c+2,13) accountId (c+3,16)
 * Optional members get a Loc only when present, as the real loader does.
 */
import { partitionOf } from '../../src/policies.js'
import type {
  AuthenticationMode,
  Loc,
  Manifest,
  ManifestAccessPolicy,
  ManifestCluster,
  ManifestEntry,
  PruneMode,
  ScopeType,
} from '../../src/types.js'

export const FILE = 'eks-access.yaml'

export function at(line: number, column: number, file: string = FILE): Loc {
  return { file, line, column }
}

export interface ClusterInput {
  readonly key: string
  readonly name?: string
  readonly region?: string
  readonly accountId?: string
  readonly authenticationMode?: AuthenticationMode
  readonly prune?: PruneMode
  readonly roleArn?: string
  readonly planRoleArn?: string
  readonly line?: number
  readonly file?: string
}

export function cluster(input: ClusterInput): ManifestCluster {
  const c = input.line ?? 3
  const file = input.file ?? FILE
  const region = input.region ?? 'eu-west-1'
  return {
    key: input.key,
    name: input.name ?? input.key,
    region,
    accountId: input.accountId ?? '111122223333',
    partition: partitionOf(region),
    ...(input.roleArn !== undefined && { roleArn: input.roleArn }),
    ...(input.planRoleArn !== undefined && { planRoleArn: input.planRoleArn }),
    ...(input.authenticationMode !== undefined && { authenticationMode: input.authenticationMode }),
    prune: input.prune ?? 'owned',
    adopt: false,
    allowNoClusterAdmin: false,
    locs: {
      key: at(c, 3, file),
      ...(input.authenticationMode !== undefined && { authenticationMode: at(c + 1, 25, file) }),
      region: at(c + 2, 13, file),
      accountId: at(c + 3, 16, file),
    },
  }
}

export interface PolicyInput {
  readonly policyArn: string
  readonly accessScope?: { readonly type: ScopeType; readonly namespaces?: readonly string[] }
  /** Its Loc is (line+3, 18). */
  readonly expiresAt?: string
}

function policy(input: PolicyInput, line: number, file: string): ManifestAccessPolicy {
  const scope = input.accessScope ?? { type: 'cluster' }
  const namespaces = scope.namespaces ?? []
  return {
    policyArn: input.policyArn,
    accessScope: { type: scope.type, namespaces },
    ...(input.expiresAt !== undefined && { expiresAt: input.expiresAt }),
    locs: {
      item: at(line, 9, file),
      policyArn: at(line, 21, file),
      accessScope: at(line + 1, 22, file),
      scopeType: at(line + 1, 30, file),
      ...(scope.namespaces !== undefined && { namespaces: at(line + 2, 20, file) }),
      namespaceItems: namespaces.map((_, i) => at(line + 2, 21 + 20 * i, file)),
      ...(input.expiresAt !== undefined && { expiresAt: at(line + 3, 18, file) }),
    },
  }
}

export interface EntryInput {
  readonly principalArn: string
  readonly type?: string
  readonly username?: string
  readonly kubernetesGroups?: readonly string[]
  readonly tags?: Readonly<Record<string, string>>
  readonly expiresAt?: string
  readonly clusters?: readonly string[]
  readonly accessPolicies?: readonly PolicyInput[]
  readonly line?: number
  readonly file?: string
}

export function entry(input: EntryInput): ManifestEntry {
  const b = input.line ?? 10
  const file = input.file ?? FILE
  const groups = input.kubernetesGroups ?? []
  const tags = input.tags ?? {}
  const policies = input.accessPolicies ?? []
  return {
    principalArn: input.principalArn,
    ...(input.type !== undefined && { type: input.type }),
    ...(input.username !== undefined && { username: input.username }),
    kubernetesGroups: groups,
    tags,
    ...(input.expiresAt !== undefined && { expiresAt: input.expiresAt }),
    ...(input.clusters !== undefined && { clusters: input.clusters }),
    accessPolicies: policies.map((p, k) => policy(p, b + 8 + 10 * k, file)),
    locs: {
      entry: at(b, 5, file),
      principalArn: at(b, 19, file),
      ...(input.type !== undefined && { type: at(b + 1, 13, file) }),
      ...(input.username !== undefined && { username: at(b + 2, 17, file) }),
      ...(input.kubernetesGroups !== undefined && { kubernetesGroups: at(b + 3, 25, file) }),
      kubernetesGroupItems: groups.map((_, i) => at(b + 3, 26 + 20 * i, file)),
      ...(input.tags !== undefined && { tags: at(b + 4, 13, file) }),
      tagKeys: Object.fromEntries(Object.keys(tags).map((k, i) => [k, at(b + 4, 15 + 20 * i, file)])),
      ...(input.expiresAt !== undefined && { expiresAt: at(b + 5, 18, file) }),
      ...(input.clusters !== undefined && { clusters: at(b + 6, 17, file) }),
      clusterItems: (input.clusters ?? []).map((_, i) => at(b + 6, 18 + 20 * i, file)),
      ...(input.accessPolicies !== undefined && { accessPolicies: at(b + 7, 7, file) }),
    },
  }
}

export interface ManifestInput {
  readonly clusters?: readonly (ClusterInput | ManifestCluster)[]
  readonly entries?: readonly (EntryInput | ManifestEntry)[]
}

const DEFAULT_CLUSTERS: readonly ClusterInput[] = [{ key: 'prod-eu', line: 3 }]

/** A manifest; entries without a `line` are placed 100 lines apart so their Locs differ. */
export function manifest(input: ManifestInput = {}): Manifest {
  const clusters = (input.clusters ?? DEFAULT_CLUSTERS).map((c, i) => ('locs' in c ? c : cluster({ ...c, line: c.line ?? 3 + 10 * i })))
  const entries = (input.entries ?? []).map((e, i) => ('locs' in e ? e : entry({ ...e, line: e.line ?? 100 + 100 * i })))
  const files = [...new Set([FILE, ...entries.map((e) => e.locs.entry.file)])].sort()
  return { files, clusters: [...clusters].sort((a, b) => a.key.localeCompare(b.key)), accessEntries: entries }
}

/**
 * A manifest from a parsed YAML document (plain objects, as `yaml.parse` returns them), trusting
 * its shape: used to run the rules over the repository's example manifest.
 */
export function fromPlainDocument(doc: unknown, file: string = FILE): Manifest {
  const d = doc as {
    clusters?: Record<string, Omit<ClusterInput, 'key'>>
    accessEntries?: EntryInput[]
  }
  return manifest({
    clusters: Object.entries(d.clusters ?? {}).map(([key, c], i) => ({ ...c, key, file, line: 3 + 10 * i })),
    entries: (d.accessEntries ?? []).map((e, i) => ({ ...e, file, line: 100 + 100 * i })),
  })
}
