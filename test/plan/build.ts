import type {
  AssociatedPolicy,
  DesiredEntry,
  Loc,
  Manifest,
  ManifestAccessPolicy,
  ManifestCluster,
  ManifestEntry,
  ObservedCluster,
  ObservedEntry,
  ScopeType,
} from '../../src/types.js'
import { partitionOf } from '../../src/policies.js'

/** Small literal builders for the plan tests: defaults for everything, override what matters. */

export const ACCOUNT = '111122223333'
export const OTHER_ACCOUNT = '444455556666'
export const ADMIN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'
export const VIEW = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy'
export const EDIT = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy'
export const OWNED = { 'managed-by': 'eks-access-gate' } as const

export const role = (name: string, account = ACCOUNT): string => `arn:aws:iam::${account}:role/${name}`
export const user = (name: string, account = ACCOUNT): string => `arn:aws:iam::${account}:user/${name}`

const loc = (line = 1): Loc => ({ file: 'eks-access.yaml', line, column: 1 })

export function cluster(over: Partial<ManifestCluster> = {}): ManifestCluster {
  const region = over.region ?? 'eu-west-1'
  return {
    key: 'prod',
    name: over.key ?? 'prod',
    region,
    accountId: ACCOUNT,
    partition: partitionOf(region),
    prune: 'owned',
    adopt: false,
    allowNoClusterAdmin: false,
    locs: { key: loc() },
    ...over,
  }
}

/** `scope` is `cluster` or a namespace list. */
export function scope(s: 'cluster' | readonly string[] = 'cluster'): { type: ScopeType; namespaces: readonly string[] } {
  return s === 'cluster' ? { type: 'cluster', namespaces: [] } : { type: 'namespace', namespaces: s }
}

export function policy(policyArn: string, s: 'cluster' | readonly string[] = 'cluster'): AssociatedPolicy {
  return { policyArn, accessScope: scope(s) }
}

export function manifestPolicy(policyArn: string, s: 'cluster' | readonly string[] = 'cluster'): ManifestAccessPolicy {
  return {
    policyArn,
    accessScope: scope(s),
    locs: { item: loc(), policyArn: loc(), accessScope: loc(), scopeType: loc(), namespaceItems: [] },
  }
}

export interface EntrySpec {
  type?: string
  username?: string
  kubernetesGroups?: readonly string[]
  tags?: Record<string, string>
  expiresAt?: string
  clusters?: readonly string[]
  accessPolicies?: readonly ManifestAccessPolicy[]
}

export function manifestEntry(principalArn: string, spec: EntrySpec = {}): ManifestEntry {
  const { accessPolicies = [], kubernetesGroups = [], tags = {}, ...rest } = spec
  return {
    principalArn,
    kubernetesGroups,
    tags,
    accessPolicies,
    locs: { entry: loc(), principalArn: loc(), kubernetesGroupItems: [], tagKeys: {}, clusterItems: [] },
    ...rest,
  }
}

export function manifest(clusters: readonly ManifestCluster[], accessEntries: readonly ManifestEntry[]): Manifest {
  return { files: ['eks-access.yaml'], clusters, accessEntries }
}

export interface DesiredSpec {
  type?: string
  username?: string
  kubernetesGroups?: readonly string[]
  tags?: Record<string, string>
  expiresAt?: string
  accessPolicies?: readonly AssociatedPolicy[]
}

export function desired(principalArn: string, spec: DesiredSpec = {}): DesiredEntry {
  const { accessPolicies = [], kubernetesGroups = [], tags = {}, type = 'STANDARD', ...rest } = spec
  return { principalArn, type, kubernetesGroups, tags, accessPolicies, loc: loc(), ...rest }
}

export interface ObservedSpec {
  type?: string
  username?: string
  kubernetesGroups?: readonly string[]
  tags?: Record<string, string>
  accessPolicies?: readonly AssociatedPolicy[]
}

/** A live entry. Without `username`, the one EKS would report is NOT filled in (as in a snapshot). */
export function observed(principalArn: string, spec: ObservedSpec = {}): ObservedEntry {
  const { accessPolicies = [], kubernetesGroups = [], tags = {}, type = 'STANDARD', ...rest } = spec
  return { principalArn, type, kubernetesGroups, tags, accessPolicies, ...rest }
}

export function live(entries: readonly ObservedEntry[], over: Partial<ObservedCluster> = {}): ObservedCluster {
  return { name: 'prod', region: 'eu-west-1', accountId: ACCOUNT, authenticationMode: 'API', entries, ...over }
}

/** The admin every test cluster keeps, so the lockout check stays quiet unless tested. */
export const ADMIN_ROLE = role('platform-admins')
export const desiredAdmin = (): DesiredEntry => desired(ADMIN_ROLE, { accessPolicies: [policy(ADMIN)] })
export const liveAdmin = (): ObservedEntry =>
  observed(ADMIN_ROLE, {
    tags: { ...OWNED },
    username: `arn:aws:sts::${ACCOUNT}:assumed-role/platform-admins/{{SessionName}}`,
    accessPolicies: [policy(ADMIN)],
  })

/** Deterministic shuffle (seeded LCG), for order-independence tests. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items]
  let s = seed
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}
