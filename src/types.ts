/**
 * The shared data model of eks-access-gate. Every stage of the pipeline takes and returns
 * these plain, JSON-serialisable values; nothing here does I/O.
 *
 *   loadManifests → validateSchema → buildManifest → checkEksRules → resolveDesired
 *   → readLiveState | loadStateSnapshot → planCluster (diff) → orderActions → renderPlan
 */

// ───────────────────────────── problems ─────────────────────────────

export type Severity = 'error' | 'warning'

/** A 1-based position of a YAML node in a manifest file (path relative to the working directory). */
export interface Loc {
  readonly file: string
  readonly line: number
  readonly column: number
}

/** One finding about the input. The JSON shape is part of the public contract (PRODUCT.md). */
export interface Problem {
  readonly severity: Severity
  readonly code: string
  readonly message: string
  readonly file: string
  readonly line: number
  readonly column: number
}

export type Result<T, E = Problem[]> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E }

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value })
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error })

export function problemAt(loc: Loc, severity: Severity, code: string, message: string): Problem {
  return { severity, code, message, file: loc.file, line: loc.line, column: loc.column }
}

// ───────────────────────────── manifest ─────────────────────────────

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov'
export type AuthenticationMode = 'API' | 'API_AND_CONFIG_MAP' | 'CONFIG_MAP'
export type PruneMode = 'owned' | 'all' | 'none'
export type ScopeType = 'cluster' | 'namespace'

/** Entry types EKS knows (EKS-API.md §4). `type` is a plain string in the API model. */
export const ENTRY_TYPES = ['STANDARD', 'EC2_LINUX', 'EC2_WINDOWS', 'FARGATE_LINUX', 'HYBRID_LINUX', 'EC2', 'HYPERPOD_LINUX'] as const
export type EntryType = (typeof ENTRY_TYPES)[number]

/** The username EKS itself gives node entries (EKS-API.md §4); users cannot choose it. */
export const NODE_USERNAMES: Readonly<Record<string, string>> = {
  EC2_LINUX: 'system:node:{{EC2PrivateDNSName}}',
  EC2_WINDOWS: 'system:node:{{EC2PrivateDNSName}}',
  FARGATE_LINUX: 'system:node:{{SessionName}}',
  HYBRID_LINUX: 'system:node:{{SessionName}}',
}

/** Entry types that cannot hold access policies (EKS-API.md §4); EC2 may hold AmazonEKSAutoNodePolicy. */
export const TYPES_WITHOUT_POLICIES: ReadonlySet<string> = new Set(['EC2_LINUX', 'EC2_WINDOWS', 'FARGATE_LINUX', 'HYBRID_LINUX'])

export interface ManifestCluster {
  /** Logical name: the key under `clusters:`. */
  readonly key: string
  /** EKS cluster name (defaults to the key). */
  readonly name: string
  readonly region: string
  readonly accountId: string
  readonly partition: Partition
  readonly roleArn?: string
  readonly planRoleArn?: string
  readonly authenticationMode?: AuthenticationMode
  readonly prune: PruneMode
  readonly adopt: boolean
  readonly allowNoClusterAdmin: boolean
  readonly locs: {
    /** the cluster's key under `clusters:` (per-cluster rules point here) */
    readonly key: Loc
    readonly authenticationMode?: Loc
    readonly region?: Loc
    readonly accountId?: Loc
  }
}

export interface ManifestAccessPolicy {
  /** As written: a short name (`AmazonEKSViewPolicy`) or a full ARN in any partition. */
  readonly policyArn: string
  readonly accessScope: { readonly type: ScopeType; readonly namespaces: readonly string[] }
  /** This association alone ends then (src/expiry.ts), as written. */
  readonly expiresAt?: string
  readonly locs: {
    readonly item: Loc
    readonly policyArn: Loc
    readonly accessScope: Loc
    readonly scopeType: Loc
    /** the `namespaces` node, when present */
    readonly namespaces?: Loc
    /** one per namespace item */
    readonly namespaceItems: readonly Loc[]
    readonly expiresAt?: Loc
  }
}

export interface ManifestEntry {
  readonly principalArn: string
  /** `type` as written; undefined means STANDARD. */
  readonly type?: string
  readonly username?: string
  readonly kubernetesGroups: readonly string[]
  readonly tags: Readonly<Record<string, string>>
  /** ISO date (YYYY-MM-DD) or date-time, as written. */
  readonly expiresAt?: string
  /** Cluster selectors (logical names or globs); undefined means every cluster. */
  readonly clusters?: readonly string[]
  readonly accessPolicies: readonly ManifestAccessPolicy[]
  readonly locs: {
    /** the entry's first line (the `- ` item) */
    readonly entry: Loc
    readonly principalArn: Loc
    readonly type?: Loc
    readonly username?: Loc
    readonly kubernetesGroups?: Loc
    readonly kubernetesGroupItems: readonly Loc[]
    readonly tags?: Loc
    /** one per tag, at the key */
    readonly tagKeys: Readonly<Record<string, Loc>>
    readonly expiresAt?: Loc
    readonly clusters?: Loc
    readonly clusterItems: readonly Loc[]
    readonly accessPolicies?: Loc
  }
}

/** The merged desired state of every manifest file, in sorted path order. */
export interface Manifest {
  readonly files: readonly string[]
  /** Sorted by key. */
  readonly clusters: readonly ManifestCluster[]
  /** In file order, then document order. */
  readonly accessEntries: readonly ManifestEntry[]
}

// ───────────────────────────── policies ─────────────────────────────

export interface AccessPolicyInfo {
  readonly name: string
  readonly arn: string
}

// ───────────────────────────── observed state ─────────────────────────────

export interface AccessScope {
  readonly type: ScopeType
  /** Sorted, de-duplicated; empty for cluster scope. */
  readonly namespaces: readonly string[]
}

export interface AssociatedPolicy {
  /** Full ARN. */
  readonly policyArn: string
  readonly accessScope: AccessScope
}

/** An access entry as EKS reports it (DescribeAccessEntry + ListAssociatedAccessPolicies). */
export interface ObservedEntry {
  readonly principalArn: string
  readonly type: string
  /** EKS always reports a username; absent only in hand-written snapshots. */
  readonly username?: string
  readonly kubernetesGroups: readonly string[]
  readonly tags: Readonly<Record<string, string>>
  readonly accessPolicies: readonly AssociatedPolicy[]
  readonly accessEntryArn?: string
  /** DescribeAccessEntry `createdAt` (ISO 8601), when the read kept it: dead-access checks need it. */
  readonly createdAt?: string
}

/** The live access state of one EKS cluster. */
export interface ObservedCluster {
  readonly name: string
  readonly region: string
  readonly accountId?: string
  readonly authenticationMode: AuthenticationMode
  /** Sorted by principalArn. */
  readonly entries: readonly ObservedEntry[]
}

/** `export --format state` writes it, `plan --state` reads it (schemas/state.schema.json). */
export interface StateSnapshot {
  readonly version: 1
  readonly clusters: readonly ObservedCluster[]
  /** The access-policy catalogue seen when the snapshot was taken, if any. */
  readonly accessPolicies?: readonly AccessPolicyInfo[]
}

// ───────────────────────────── desired state (resolved per cluster) ─────────────────────────────

export interface DesiredEntry {
  readonly principalArn: string
  readonly type: string
  readonly username?: string
  readonly kubernetesGroups: readonly string[]
  /** Manifest tags (the ownership tag is added by the diff). */
  readonly tags: Readonly<Record<string, string>>
  /** Full ARNs in the cluster's partition; namespaces sorted. */
  readonly accessPolicies: readonly AssociatedPolicy[]
  readonly expiresAt?: string
  /** Associations whose own `expiresAt` has passed: absent from `accessPolicies`, named as the reason. */
  readonly expiredPolicies?: readonly ExpiredPolicy[]
  readonly loc: Loc
}

export interface ExpiredPolicy {
  /** Full ARN in the cluster's partition. */
  readonly policyArn: string
  readonly expiresAt: string
}

/** Access on a cluster that ends within the warning window (for the PR comment). */
export interface ExpiringAccess {
  readonly principalArn: string
  /** Set when only this association expires (full ARN); absent for the whole entry. */
  readonly policyArn?: string
  /** As written in the manifest. */
  readonly expiresAt: string
  /** The instant access ends (ISO 8601, UTC). */
  readonly endsAt: string
}

// ───────────────────────────── plan ─────────────────────────────

export const OWNERSHIP_TAG_KEY = 'managed-by'
export const OWNERSHIP_TAG_VALUE = 'eks-access-gate'

export type ChangeAction = 'create' | 'update' | 'replace' | 'delete' | 'associate' | 'disassociate'

export interface EntryFields {
  readonly type: string
  readonly username?: string
  readonly kubernetesGroups: readonly string[]
  readonly tags: Readonly<Record<string, string>>
}

interface ChangeBase {
  readonly principalArn: string
  /** Set when the change happens because `expiresAt` passed. */
  readonly reason?: 'expired'
  readonly expiresAt?: string
}

/** CreateAccessEntry (with tags). Its policies are separate `associate` changes. */
export interface CreateChange extends ChangeBase {
  readonly action: 'create'
  readonly after: EntryFields
}

/** UpdateAccessEntry (groups + username, always both) and/or TagResource. */
export interface UpdateChange extends ChangeBase {
  readonly action: 'update'
  readonly before: EntryFields
  readonly after: EntryFields
  /** true when UpdateAccessEntry is needed (groups or username differ). */
  readonly updateEntry: boolean
  /** Tags to add or overwrite (TagResource); tags are never removed. */
  readonly tagsToSet: Readonly<Record<string, string>>
  /** true when the ownership tag is added to an unowned entry (`adopt: true`). */
  readonly adopt: boolean
}

/** Type change: DeleteAccessEntry then CreateAccessEntry — the principal has no access in between. */
export interface ReplaceChange extends ChangeBase {
  readonly action: 'replace'
  readonly before: EntryFields
  readonly after: EntryFields
  readonly accessGap: true
}

export interface DeleteChange extends ChangeBase {
  readonly action: 'delete'
  readonly before: EntryFields
  /** The policies that go with the entry (no separate disassociate). */
  readonly accessPolicies: readonly AssociatedPolicy[]
}

/** AssociateAccessPolicy. With `previousScope` it changes the scope in place (no access gap). */
export interface AssociateChange extends ChangeBase {
  readonly action: 'associate'
  readonly policyArn: string
  readonly accessScope: AccessScope
  readonly previousScope?: AccessScope
  readonly inPlace: boolean
}

export interface DisassociateChange extends ChangeBase {
  readonly action: 'disassociate'
  readonly policyArn: string
  readonly accessScope: AccessScope
}

export type Change = CreateChange | UpdateChange | ReplaceChange | DeleteChange | AssociateChange | DisassociateChange

export type EffectKind =
  | 'cluster-admin-granted'
  | 'cluster-admin-revoked'
  | 'scope-widened'
  | 'scope-narrowed'
  | 'namespaces-added'
  | 'namespaces-removed'
  | 'policy-granted'
  | 'policy-revoked'
  | 'groups-added'
  | 'groups-removed'
  | 'new-principal'
  | 'other-account-principal'
  | 'access-removed'
  | 'access-gap'

/** What a principal gains or loses, in access terms rather than fields. */
export interface AccessEffect {
  readonly principalArn: string
  readonly kind: EffectKind
  /** true when access grows: admin granted, scope widened, other-account principal, … */
  readonly escalation: boolean
  readonly detail: string
}

export interface UnmanagedEntry {
  readonly principalArn: string
  readonly type: string
  /** Why it is left alone. */
  readonly reason: 'unowned' | 'node-type' | 'prune-none'
}

export interface PlanError {
  readonly code: string
  readonly message: string
}

export interface AuthenticationModeChange {
  readonly from: AuthenticationMode
  readonly to: AuthenticationMode
  /** Always true: EKS never goes back. */
  readonly irreversible: true
}

export interface ClusterPlan {
  /** Logical name. */
  readonly cluster: string
  readonly name: string
  readonly region: string
  readonly accountId: string
  readonly authenticationMode?: AuthenticationModeChange
  /** Sorted by principalArn, then action. */
  readonly changes: readonly Change[]
  readonly errors: readonly PlanError[]
  readonly effects: readonly AccessEffect[]
  readonly unmanaged: readonly UnmanagedEntry[]
  /** Desired entries that no change names (0 when the cluster has errors). */
  readonly unchanged: number
  /**
   * Access that ends within the expiry warning window, sorted by endsAt then principal. Depends on
   * the clock, so it is left out of the plan hash (plan/plan.ts).
   */
  readonly expiring?: readonly ExpiringAccess[]
  /**
   * Authentication-mode guidance: where the cluster stands on CONFIG_MAP → API_AND_CONFIG_MAP → API
   * and the next step (src/onboarding/auth-mode.ts). Absent when there is nothing to say. Wording,
   * not a change, so it is left out of the plan hash.
   */
  readonly notes?: readonly string[]
}

export interface PlanSummary {
  readonly create: number
  readonly update: number
  readonly replace: number
  readonly delete: number
  readonly associate: number
  readonly disassociate: number
  readonly unchanged: number
}

export interface Plan {
  readonly version: 1
  readonly summary: PlanSummary
  /** Sorted by logical cluster name. */
  readonly clusters: readonly ClusterPlan[]
  readonly problems: readonly Problem[]
  /** The manifest commit, when known (GITHUB_SHA or `git rev-parse HEAD`); not hashed. */
  readonly manifestCommit?: string
  /** sha256 of the stable JSON of `clusters` (see plan/hash.ts). */
  readonly planHash: string
}

/** Shared by the live read (src/aws/read-state.ts) and the diff (src/plan/diff.ts), so a snapshot and a live read say the same. */
export const CONFIG_MAP_ERROR_CODE = 'ConfigMapAuthenticationMode'

export function configMapModeError(where = 'the cluster'): PlanError {
  return {
    code: CONFIG_MAP_ERROR_CODE,
    message:
      `${where} uses authentication mode CONFIG_MAP: access entries need API or API_AND_CONFIG_MAP. ` +
      'Set authenticationMode: API_AND_CONFIG_MAP on the cluster in the manifest to plan the (one-way) switch, ' +
      'after converting the aws-auth ConfigMap with `eks-access-gate import-aws-auth`.',
  }
}
