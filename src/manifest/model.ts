/**
 * Schema-checked documents → the merged `Manifest` of src/types.ts, with defaults applied and the
 * position of every member the later layers may point at.
 */
import { partitionOf } from '../policies.js'
import {
  problemAt,
  type AuthenticationMode,
  type Loc,
  type Manifest,
  type ManifestAccessPolicy,
  type ManifestCluster,
  type ManifestEntry,
  type Problem,
  type PruneMode,
  type ScopeType,
} from '../types.js'
import type { ManifestSource } from './load.js'
import { cursorLoc, descend, rootCursor, type Cursor, type PathSegment } from './locate.js'
import type { SchemaFinding } from './schema.js'

export interface ModelInput {
  readonly source: ManifestSource
  /** The schema findings of this file: what they concern stays out of the model. */
  readonly findings: readonly SchemaFinding[]
}

export interface BuiltManifest {
  readonly manifest: Manifest
  readonly problems: Problem[]
}

type Obj = Readonly<Record<string, unknown>>

function asObject(value: unknown): Obj | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** `{ [key]: value }` when value is defined, else `{}`: optional members stay absent, never `undefined`. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}

function fmtLoc(loc: Loc): string {
  return `${loc.file}:${loc.line}`
}

/**
 * Merges files in the given (sorted path) order. A cluster key defined in an earlier file wins; a
 * later definition is `manifest:duplicate-cluster`. What the schema rejected is left out (see
 * `schemaRejections`), so one mistake is not reported again by the EKS rules, while the rest of
 * the same entry or cluster is still checked.
 */
export function buildManifest(files: readonly ModelInput[], allFiles: readonly string[] = files.map((f) => f.source.file)): BuiltManifest {
  const clusters = new Map<string, ManifestCluster>()
  const firstDefinition = new Map<string, Loc>()
  const accessEntries: ManifestEntry[] = []
  const problems: Problem[] = []
  for (const { source, findings } of files) {
    const rejected = schemaRejections(findings)
    const root = asObject(source.value)
    const at = relativeAt(source, [])
    for (const [key, raw] of Object.entries(asObject(root?.clusters) ?? {})) {
      const keyLoc = at(['clusters', key], true)
      const first = firstDefinition.get(key)
      if (first) {
        problems.push(
          problemAt(
            keyLoc,
            'error',
            'manifest:duplicate-cluster',
            `cluster "${key}" is already defined at ${fmtLoc(first)}; define each cluster once`,
          ),
        )
        continue
      }
      firstDefinition.set(key, keyLoc)
      const value = asObject(raw)
      if (value && !rejected.clusters.has(key)) {
        clusters.set(key, buildCluster(key, without(value, rejected.clusterMembers.get(key)), keyLoc, at))
      }
    }
    const entries = root?.accessEntries
    if (Array.isArray(entries)) {
      entries.forEach((raw, i) => {
        const value = asObject(raw)
        if (!value || rejected.entries.has(i)) return
        const kept = without(value, rejected.entryMembers.get(i))
        accessEntries.push(buildEntry(kept, relativeAt(source, ['accessEntries', i]), rejected.policies.get(i)))
      })
    }
  }
  const sortedClusters = [...clusters.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return { manifest: { files: [...allFiles], clusters: sortedClusters, accessEntries }, problems }
}

/** What one file's schema findings leave out of the model. */
export interface SchemaRejections {
  /** Clusters left out entirely: not a mapping, a bad key, or a bad region / accountId. */
  readonly clusters: ReadonlySet<string>
  /** Optional members of a kept cluster that are left out (treated as absent). */
  readonly clusterMembers: ReadonlyMap<string, ReadonlySet<string>>
  /** Indexes of entries left out entirely: not a mapping, or a bad principalArn / clusters. */
  readonly entries: ReadonlySet<number>
  /** Optional members of a kept entry that are left out (treated as absent). */
  readonly entryMembers: ReadonlyMap<number, ReadonlySet<string>>
  /** Indexes of the access policies of a kept entry that are left out. */
  readonly policies: ReadonlyMap<number, ReadonlySet<number>>
}

/**
 * Members the EKS rules cannot do without: a cluster's partition and account, an entry's principal
 * and selection. Guessing them (an entry without `clusters` selects every cluster) would report
 * problems the user never wrote, so a finding there leaves out the whole cluster or entry.
 */
const ESSENTIAL_CLUSTER_MEMBERS: ReadonlySet<string> = new Set(['region', 'accountId'])
const ESSENTIAL_ENTRY_MEMBERS: ReadonlySet<string> = new Set(['principalArn', 'clusters'])
/**
 * Optional members whose absence the rules read as "not set", so a finding there leaves out only
 * that member: a duplicate group or a mistyped date must not hide the entry's other problems.
 * A finding on an unknown key (a typo) leaves out nothing, since the model never reads that key.
 */
const OPTIONAL_CLUSTER_MEMBERS: ReadonlySet<string> = new Set([
  'name',
  'roleArn',
  'planRoleArn',
  'authenticationMode',
  'prune',
  'adopt',
  'allowNoClusterAdmin',
])
const OPTIONAL_ENTRY_MEMBERS: ReadonlySet<string> = new Set(['type', 'username', 'kubernetesGroups', 'tags', 'expiresAt', 'accessPolicies'])

export function schemaRejections(findings: readonly SchemaFinding[]): SchemaRejections {
  const clusters = new Set<string>()
  const clusterMembers = new Map<string, Set<string>>()
  const entries = new Set<number>()
  const entryMembers = new Map<number, Set<string>>()
  const policies = new Map<number, Set<number>>()
  const add = <K, V>(map: Map<K, Set<V>>, key: K, value: V): void => void map.set(key, (map.get(key) ?? new Set<V>()).add(value))
  for (const { path } of findings) {
    if (path.length < 2) continue
    const [section, id, member, index] = path
    if (section === 'clusters') {
      const key = String(id)
      if (member === undefined || ESSENTIAL_CLUSTER_MEMBERS.has(String(member))) clusters.add(key)
      else if (OPTIONAL_CLUSTER_MEMBERS.has(String(member))) add(clusterMembers, key, String(member))
    } else if (section === 'accessEntries') {
      const i = Number(id)
      if (member === undefined || ESSENTIAL_ENTRY_MEMBERS.has(String(member))) entries.add(i)
      else if (member === 'accessPolicies' && index !== undefined) add(policies, i, Number(index))
      else if (OPTIONAL_ENTRY_MEMBERS.has(String(member))) add(entryMembers, i, String(member))
    }
  }
  return { clusters, clusterMembers, entries, entryMembers, policies }
}

/** A shallow copy of `value` without `members`. */
function without(value: Obj, members: ReadonlySet<string> | undefined): Obj {
  if (members === undefined || members.size === 0) return value
  return Object.fromEntries(Object.entries(value).filter(([k]) => !members.has(k)))
}

type At = (path: readonly PathSegment[], key?: boolean) => Loc

/**
 * Locates paths relative to `base`, lazily: rules read a Loc's line and column only to report a
 * problem, so a valid file never pays for its `yaml` parse (see fast.ts). Descending to `base` once
 * keeps resolving 5,000 entries' Locs cheap when they are all read (a plan, JSON output).
 */
function relativeAt(source: ManifestSource, base: readonly PathSegment[]): At {
  let from: Cursor | undefined
  const baseCursor = (): Cursor => (from ??= descend(source.locatable(), rootCursor(source.locatable()), base))
  return (path, key = false) =>
    lazyLoc(source.file, () => {
      const src = source.locatable()
      return cursorLoc(src, descend(src, baseCursor(), path), { key })
    })
}

/**
 * A Loc whose `file` is known at once and whose line and column are computed on first read.
 * Own enumerable getters, so JSON.stringify, spreading, structuredClone and deep equality see a
 * plain `{ file, line, column }`.
 */
export function lazyLoc(file: string, resolve: () => Loc): Loc {
  let resolved: Loc | undefined
  const get = (): Loc => (resolved ??= resolve())
  return {
    file,
    get line() {
      return get().line
    },
    get column() {
      return get().column
    },
  }
}

function buildCluster(key: string, value: Obj, keyLoc: Loc, at: At): ManifestCluster {
  const path = ['clusters', key]
  const region = String(value.region)
  const has = (member: string): boolean => value[member] !== undefined
  return {
    key,
    name: typeof value.name === 'string' ? value.name : key,
    region,
    accountId: String(value.accountId),
    partition: partitionOf(region),
    ...optional('roleArn', typeof value.roleArn === 'string' ? value.roleArn : undefined),
    ...optional('planRoleArn', typeof value.planRoleArn === 'string' ? value.planRoleArn : undefined),
    ...optional('authenticationMode', value.authenticationMode as AuthenticationMode | undefined),
    prune: (value.prune as PruneMode | undefined) ?? 'owned',
    adopt: value.adopt === true,
    allowNoClusterAdmin: value.allowNoClusterAdmin === true,
    locs: {
      key: keyLoc,
      ...optional('authenticationMode', has('authenticationMode') ? at([...path, 'authenticationMode']) : undefined),
      ...optional('region', has('region') ? at([...path, 'region']) : undefined),
      ...optional('accountId', has('accountId') ? at([...path, 'accountId']) : undefined),
    },
  }
}

function buildEntry(value: Obj, at: At, rejectedPolicies: ReadonlySet<number> = new Set()): ManifestEntry {
  const path: readonly PathSegment[] = []
  const has = (member: string): boolean => value[member] !== undefined
  const memberLoc = (member: string): Loc | undefined => (has(member) ? at([...path, member]) : undefined)
  const groups = asStrings(value.kubernetesGroups)
  const tags = Object.fromEntries(Object.entries(asObject(value.tags) ?? {}).map(([k, v]) => [k, String(v)]))
  const clusters = has('clusters') ? asStrings(value.clusters) : undefined
  const policies = Array.isArray(value.accessPolicies) ? value.accessPolicies : []
  return {
    principalArn: String(value.principalArn),
    ...optional('type', typeof value.type === 'string' ? value.type : undefined),
    ...optional('username', typeof value.username === 'string' ? value.username : undefined),
    kubernetesGroups: groups,
    tags,
    ...optional('expiresAt', typeof value.expiresAt === 'string' ? value.expiresAt : undefined),
    ...optional('clusters', clusters),
    // indexes stay those of the file, so each kept policy's Locs point at its own item
    accessPolicies: policies.flatMap((p, j) =>
      rejectedPolicies.has(j) ? [] : [buildPolicy(asObject(p) ?? {}, [...path, 'accessPolicies', j], at)],
    ),
    locs: {
      entry: at(path),
      principalArn: at([...path, 'principalArn']),
      ...optional('type', memberLoc('type')),
      ...optional('username', memberLoc('username')),
      ...optional('kubernetesGroups', memberLoc('kubernetesGroups')),
      kubernetesGroupItems: groups.map((_, k) => at([...path, 'kubernetesGroups', k])),
      ...optional('tags', memberLoc('tags')),
      tagKeys: Object.fromEntries(Object.keys(tags).map((k) => [k, at([...path, 'tags', k], true)])),
      ...optional('expiresAt', memberLoc('expiresAt')),
      ...optional('clusters', memberLoc('clusters')),
      clusterItems: (clusters ?? []).map((_, k) => at([...path, 'clusters', k])),
      ...optional('accessPolicies', memberLoc('accessPolicies')),
    },
  }
}

function buildPolicy(value: Obj, path: readonly PathSegment[], at: At): ManifestAccessPolicy {
  const scope = asObject(value.accessScope) ?? {}
  const namespaces = asStrings(scope.namespaces)
  const scopePath = [...path, 'accessScope']
  return {
    policyArn: String(value.policyArn),
    accessScope: { type: scope.type as ScopeType, namespaces },
    ...optional('expiresAt', typeof value.expiresAt === 'string' ? value.expiresAt : undefined),
    locs: {
      item: at(path),
      policyArn: at([...path, 'policyArn']),
      accessScope: at(scopePath),
      scopeType: at([...scopePath, 'type']),
      ...optional('namespaces', scope.namespaces !== undefined ? at([...scopePath, 'namespaces']) : undefined),
      namespaceItems: namespaces.map((_, k) => at([...scopePath, 'namespaces', k])),
      ...optional('expiresAt', value.expiresAt !== undefined ? at([...path, 'expiresAt']) : undefined),
    },
  }
}
