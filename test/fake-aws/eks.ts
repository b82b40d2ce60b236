import { randomUUID } from 'node:crypto'
import type { Caller } from './auth.js'
import { EKS_MESSAGES, FakeAwsError, invalidParameter } from './errors.js'
import { FAKE_POLICY_NAMES, fakePolicyArn, partitionOfRegion } from './policies.js'

/**
 * The fake's EKS state and operations (EKS-API.md §2–5). Each operation validates like EKS
 * (real messages where EKS-API.md quotes one) and returns the JSON body of the response.
 * Where EKS-API.md says UNCONFIRMED the fake makes a plausible choice; tests must not assert it.
 */

export type FakeAuthMode = 'API' | 'API_AND_CONFIG_MAP' | 'CONFIG_MAP'

/** A seed entry: the shape of an ObservedEntry (src/types.ts), most members optional. */
export interface SeedEntry {
  readonly principalArn: string
  readonly type?: string
  readonly username?: string
  readonly kubernetesGroups?: readonly string[]
  readonly tags?: Readonly<Record<string, string>>
  readonly accessPolicies?: readonly {
    readonly policyArn: string
    readonly accessScope: { readonly type: string; readonly namespaces?: readonly string[] }
  }[]
}

export interface SeedCluster {
  readonly name: string
  readonly region: string
  /** Defaults to the fake's default account. */
  readonly accountId?: string
  /** Defaults to API_AND_CONFIG_MAP. */
  readonly authenticationMode?: FakeAuthMode
  readonly entries?: readonly SeedEntry[]
  readonly tags?: Readonly<Record<string, string>>
}

interface FakeAssociation {
  accessScope: { type: string; namespaces: string[] }
  associatedAt: number
  modifiedAt: number
}

interface FakeEntry {
  principalArn: string
  type: string
  username: string
  kubernetesGroups: string[]
  tags: Record<string, string>
  accessEntryArn: string
  createdAt: number
  modifiedAt: number
  policies: Map<string, FakeAssociation>
}

interface FakeUpdate {
  id: string
  type: string
  params: { type: string; value: string }[]
  createdAt: number
}

interface FakeCluster {
  name: string
  region: string
  accountId: string
  arn: string
  authenticationMode: FakeAuthMode
  createdAt: number
  tags: Record<string, string>
  entries: Map<string, FakeEntry>
  updates: Map<string, FakeUpdate>
}

/** A routed EKS request: its operation name and the decoded path labels. */
export interface EksRoute {
  readonly operation: string
  readonly cluster?: string
  readonly principalArn?: string
  readonly policyArn?: string
  readonly updateId?: string
  readonly resourceArn?: string
}

export interface EksRequest {
  readonly route: EksRoute
  readonly query: URLSearchParams
  readonly body: Record<string, unknown>
  readonly caller: Caller
}

/** Maps method + per-segment-decoded path to an operation (EKS-API.md §2). */
export function routeEks(method: string, segments: readonly string[]): EksRoute | undefined {
  const [a, b, c, d, e, f, g] = segments
  const n = segments.length
  if (a === 'access-policies' && n === 1 && method === 'GET') return { operation: 'ListAccessPolicies' }
  if (a === 'tags' && n === 2 && b !== undefined) {
    const op = { GET: 'ListTagsForResource', POST: 'TagResource', DELETE: 'UntagResource' }[method]
    return op ? { operation: op, resourceArn: b } : undefined
  }
  if (a !== 'clusters' || b === undefined) return undefined
  if (n === 2 && method === 'GET') return { operation: 'DescribeCluster', cluster: b }
  if (n === 3 && c === 'update-config' && method === 'POST') return { operation: 'UpdateClusterConfig', cluster: b }
  if (n === 4 && c === 'updates' && d !== undefined && method === 'GET') return { operation: 'DescribeUpdate', cluster: b, updateId: d }
  if (c !== 'access-entries') return undefined
  if (n === 3) {
    const op = { GET: 'ListAccessEntries', POST: 'CreateAccessEntry' }[method]
    return op ? { operation: op, cluster: b } : undefined
  }
  if (n === 4 && d !== undefined) {
    const op = { GET: 'DescribeAccessEntry', POST: 'UpdateAccessEntry', DELETE: 'DeleteAccessEntry' }[method]
    return op ? { operation: op, cluster: b, principalArn: d } : undefined
  }
  if (n === 5 && d !== undefined && e === 'access-policies') {
    const op = { GET: 'ListAssociatedAccessPolicies', POST: 'AssociateAccessPolicy' }[method]
    return op ? { operation: op, cluster: b, principalArn: d } : undefined
  }
  if (n === 6 && d !== undefined && e === 'access-policies' && f !== undefined && g === undefined && method === 'DELETE')
    return { operation: 'DisassociateAccessPolicy', cluster: b, principalArn: d, policyArn: f }
  return undefined
}

const NODE_TYPES_WITHOUT_POLICIES = new Set(['EC2_LINUX', 'EC2_WINDOWS', 'FARGATE_LINUX', 'HYBRID_LINUX'])
const ENTRY_TYPES = new Set(['STANDARD', 'EC2_LINUX', 'EC2_WINDOWS', 'FARGATE_LINUX', 'HYBRID_LINUX', 'EC2', 'HYPERPOD_LINUX'])
const IAM_PRINCIPAL = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(role|user)\/(.+)$/
const RESERVED_USERNAME_PREFIXES = ['eks:', 'aws:', 'amazon:', 'iam:']
const MODE_STEPS: Readonly<Record<string, string>> = { CONFIG_MAP: 'API_AND_CONFIG_MAP', API_AND_CONFIG_MAP: 'API' }

const epochSeconds = (ms: number): number => ms / 1000

export interface EksStateOptions {
  readonly defaultAccountId: string
  readonly now: () => number
  /** How long an UpdateClusterConfig stays InProgress (ms, default 0). */
  readonly updateDurationMs?: number
}

export class FakeEksState {
  private readonly clusters = new Map<string, FakeCluster>()

  constructor(private readonly options: EksStateOptions) {}

  seedCluster(seed: SeedCluster): void {
    const accountId = seed.accountId ?? this.options.defaultAccountId
    const now = this.options.now()
    const partition = partitionOfRegion(seed.region)
    const cluster: FakeCluster = {
      name: seed.name,
      region: seed.region,
      accountId,
      arn: `arn:${partition}:eks:${seed.region}:${accountId}:cluster/${seed.name}`,
      authenticationMode: seed.authenticationMode ?? 'API_AND_CONFIG_MAP',
      createdAt: now,
      tags: { ...(seed.tags ?? {}) },
      entries: new Map(),
      updates: new Map(),
    }
    // Seeds bypass validation on purpose: they stand for entries EKS itself made (node roles, …).
    for (const s of seed.entries ?? []) {
      const type = s.type ?? 'STANDARD'
      const entry = this.newEntry(cluster, s.principalArn, type, s.username, [...(s.kubernetesGroups ?? [])], { ...(s.tags ?? {}) })
      for (const p of s.accessPolicies ?? []) {
        entry.policies.set(p.policyArn, {
          accessScope: { type: p.accessScope.type, namespaces: [...(p.accessScope.namespaces ?? [])] },
          associatedAt: now,
          modifiedAt: now,
        })
      }
      cluster.entries.set(s.principalArn, entry)
    }
    this.clusters.set(clusterKey(accountId, seed.region, seed.name), cluster)
  }

  /** The cluster's current state as a seed (for assertions in tests and for dumping). */
  snapshot(accountId: string, region: string, name: string): SeedCluster | undefined {
    const c = this.clusters.get(clusterKey(accountId, region, name))
    if (!c) return undefined
    return {
      name: c.name,
      region: c.region,
      accountId: c.accountId,
      authenticationMode: c.authenticationMode,
      entries: [...c.entries.values()].map((e) => ({
        principalArn: e.principalArn,
        type: e.type,
        username: e.username,
        kubernetesGroups: [...e.kubernetesGroups],
        tags: { ...e.tags },
        accessPolicies: [...e.policies].map(([policyArn, a]) => ({
          policyArn,
          accessScope: { type: a.accessScope.type, namespaces: [...a.accessScope.namespaces] },
        })),
      })),
    }
  }

  execute(req: EksRequest): unknown {
    const r = req.route
    switch (r.operation) {
      case 'ListAccessPolicies':
        return this.listAccessPolicies(req)
      case 'DescribeCluster':
        return this.describeCluster(req)
      case 'UpdateClusterConfig':
        return this.updateClusterConfig(req)
      case 'DescribeUpdate':
        return this.describeUpdate(req)
      case 'ListAccessEntries':
        return this.listAccessEntries(req)
      case 'CreateAccessEntry':
        return this.createAccessEntry(req)
      case 'DescribeAccessEntry':
        return { accessEntry: this.entryJson(this.entryOf(req)) }
      case 'UpdateAccessEntry':
        return this.updateAccessEntry(req)
      case 'DeleteAccessEntry':
        return this.deleteAccessEntry(req)
      case 'AssociateAccessPolicy':
        return this.associateAccessPolicy(req)
      case 'DisassociateAccessPolicy':
        return this.disassociateAccessPolicy(req)
      case 'ListAssociatedAccessPolicies':
        return this.listAssociatedAccessPolicies(req)
      case 'TagResource':
        return this.tagResource(req)
      case 'UntagResource':
        return this.untagResource(req)
      case 'ListTagsForResource':
        return { tags: { ...this.taggable(req).tags } }
      default:
        throw new FakeAwsError(404, 'UnknownOperationException', `Unknown operation ${r.operation}`)
    }
  }

  // ─────────────── clusters ───────────────

  private clusterOf(req: EksRequest): FakeCluster {
    const name = req.route.cluster ?? ''
    const c = this.clusters.get(clusterKey(req.caller.accountId, req.caller.region, name))
    if (!c) throw new FakeAwsError(404, 'ResourceNotFoundException', EKS_MESSAGES.noCluster(name), { clusterName: name })
    return c
  }

  /** Access-entry operations need the access-entry API enabled (EKS-API.md §5). */
  private accessCluster(req: EksRequest): FakeCluster {
    const c = this.clusterOf(req)
    if (c.authenticationMode === 'CONFIG_MAP')
      throw new FakeAwsError(400, 'InvalidRequestException', EKS_MESSAGES.configMap, { clusterName: c.name })
    return c
  }

  private describeCluster(req: EksRequest): unknown {
    const c = this.clusterOf(req)
    return {
      cluster: {
        name: c.name,
        arn: c.arn,
        createdAt: epochSeconds(c.createdAt),
        version: '1.33',
        status: this.updateInProgress(c) ? 'UPDATING' : 'ACTIVE',
        accessConfig: { bootstrapClusterCreatorAdminPermissions: true, authenticationMode: c.authenticationMode },
        tags: { ...c.tags },
      },
    }
  }

  private updateStatus(u: FakeUpdate): string {
    return this.options.now() - u.createdAt >= (this.options.updateDurationMs ?? 0) ? 'Successful' : 'InProgress'
  }

  private updateInProgress(c: FakeCluster): boolean {
    return [...c.updates.values()].some((u) => this.updateStatus(u) === 'InProgress')
  }

  private updateJson(u: FakeUpdate): unknown {
    return { id: u.id, status: this.updateStatus(u), type: u.type, params: u.params, createdAt: epochSeconds(u.createdAt), errors: [] }
  }

  private updateClusterConfig(req: EksRequest): unknown {
    const c = this.clusterOf(req)
    const access = req.body['accessConfig'] as { authenticationMode?: unknown } | undefined
    const to = access?.authenticationMode
    if (typeof to !== 'string') throw invalidParameter('The fake supports only accessConfig.authenticationMode updates.', c.name)
    if (this.updateInProgress(c))
      throw new FakeAwsError(409, 'ResourceInUseException', 'Cluster has an update in progress.', { clusterName: c.name })
    if (MODE_STEPS[c.authenticationMode] !== to) throw invalidParameter(EKS_MESSAGES.authModeStep(c.authenticationMode, to), c.name)
    // The update is asynchronous in EKS; the fake switches the mode now and reports the update
    // InProgress for `updateDurationMs`, during which the cluster is UPDATING.
    c.authenticationMode = to as FakeAuthMode
    const u: FakeUpdate = {
      id: randomUUID(),
      type: 'AccessConfigUpdate',
      params: [{ type: 'AuthenticationMode', value: to }],
      createdAt: this.options.now(),
    }
    c.updates.set(u.id, u)
    return { update: { ...(this.updateJson(u) as object), status: 'InProgress' } }
  }

  private describeUpdate(req: EksRequest): unknown {
    const c = this.clusterOf(req)
    const u = c.updates.get(req.route.updateId ?? '')
    if (!u) throw new FakeAwsError(404, 'ResourceNotFoundException', `No update found for ID: ${req.route.updateId ?? ''}`)
    return { update: this.updateJson(u) }
  }

  // ─────────────── access entries ───────────────

  private newEntry(
    c: FakeCluster,
    principalArn: string,
    type: string,
    username: string | undefined,
    kubernetesGroups: string[],
    tags: Record<string, string>,
  ): FakeEntry {
    const now = this.options.now()
    return {
      principalArn,
      type,
      username: username ?? defaultUsername(principalArn, type),
      kubernetesGroups,
      tags,
      accessEntryArn: accessEntryArn(c, principalArn),
      createdAt: now,
      modifiedAt: now,
      policies: new Map(),
    }
  }

  private entryOf(req: EksRequest, c = this.accessCluster(req)): FakeEntry {
    const e = c.entries.get(req.route.principalArn ?? '')
    if (!e) throw new FakeAwsError(404, 'ResourceNotFoundException', EKS_MESSAGES.noPrincipal, { clusterName: c.name })
    return e
  }

  private entryJson(e: FakeEntry): unknown {
    return {
      clusterName: e.accessEntryArn.split('/')[1],
      principalArn: e.principalArn,
      kubernetesGroups: [...e.kubernetesGroups],
      accessEntryArn: e.accessEntryArn,
      createdAt: epochSeconds(e.createdAt),
      modifiedAt: epochSeconds(e.modifiedAt),
      tags: { ...e.tags },
      username: e.username,
      type: e.type,
    }
  }

  private listAccessEntries(req: EksRequest): unknown {
    const c = this.accessCluster(req)
    const filter = req.query.get('associatedPolicyArn')
    const all = [...c.entries.values()].filter((e) => filter === null || e.policies.has(filter)).map((e) => e.principalArn)
    const { items, nextToken } = paginate(all, req.query)
    return { accessEntries: items, ...(nextToken === undefined ? {} : { nextToken }) }
  }

  private createAccessEntry(req: EksRequest): unknown {
    const c = this.accessCluster(req)
    const b = req.body
    const principalArn = b['principalArn']
    if (typeof principalArn !== 'string') throw invalidParameter('principalArn is required.', c.name)
    const type = optionalString(b['type'], 'type', c.name) ?? 'STANDARD'
    const username = optionalString(b['username'], 'username', c.name)
    const groups = stringList(b['kubernetesGroups'], 'kubernetesGroups', c.name)
    const tags = stringMap(b['tags'], c.name)
    validatePrincipal(principalArn, type, c)
    if (username !== undefined) validateUsername(username, c.name)
    validateGroups(groups, c.name)
    if (type !== 'STANDARD' && (username !== undefined || groups.length > 0)) throw invalidParameter(EKS_MESSAGES.notStandard, c.name)
    if (c.entries.has(principalArn)) throw new FakeAwsError(409, 'ResourceInUseException', EKS_MESSAGES.inUse, { clusterName: c.name })
    const entry = this.newEntry(c, principalArn, type, username, groups, tags)
    c.entries.set(principalArn, entry)
    return { accessEntry: this.entryJson(entry) }
  }

  private updateAccessEntry(req: EksRequest): unknown {
    const c = this.accessCluster(req)
    const e = this.entryOf(req, c)
    const username = optionalString(req.body['username'], 'username', c.name)
    const groups =
      req.body['kubernetesGroups'] === undefined ? undefined : stringList(req.body['kubernetesGroups'], 'kubernetesGroups', c.name)
    if (username !== undefined) validateUsername(username, c.name)
    if (groups !== undefined) validateGroups(groups, c.name)
    if (e.type !== 'STANDARD' && (username !== undefined || (groups !== undefined && groups.length > 0)))
      throw invalidParameter(EKS_MESSAGES.notStandard, c.name)
    // kubernetesGroups is declarative: the new list replaces the old one (EKS-API.md §4, RM-185).
    if (groups !== undefined) e.kubernetesGroups = groups
    if (username !== undefined) e.username = username
    e.modifiedAt = this.options.now()
    return { accessEntry: this.entryJson(e) }
  }

  private deleteAccessEntry(req: EksRequest): unknown {
    const c = this.accessCluster(req)
    const e = this.entryOf(req, c)
    // Deleting an entry deletes its associations with it.
    c.entries.delete(e.principalArn)
    return {}
  }

  // ─────────────── access policies ───────────────

  private catalogue(region: string): string[] {
    const partition = partitionOfRegion(region)
    return FAKE_POLICY_NAMES.map((n) => fakePolicyArn(n, partition))
  }

  private listAccessPolicies(req: EksRequest): unknown {
    const partition = partitionOfRegion(req.caller.region)
    const { items, nextToken } = paginate([...FAKE_POLICY_NAMES], req.query)
    return {
      accessPolicies: items.map((name) => ({ name, arn: fakePolicyArn(name, partition) })),
      ...(nextToken === undefined ? {} : { nextToken }),
    }
  }

  private associateAccessPolicy(req: EksRequest): unknown {
    const c = this.accessCluster(req)
    const e = this.entryOf(req, c)
    const policyArn = req.body['policyArn']
    const scope = req.body['accessScope'] as { type?: unknown; namespaces?: unknown } | undefined
    if (typeof policyArn !== 'string' || typeof scope !== 'object' || scope === null)
      throw invalidParameter('policyArn and accessScope are required.', c.name)
    if (NODE_TYPES_WITHOUT_POLICIES.has(e.type)) throw invalidParameter(EKS_MESSAGES.notStandard, c.name)
    if (!this.catalogue(c.region).includes(policyArn))
      throw invalidParameter(`The policy ${policyArn} is not a valid access policy.`, c.name)
    const namespaces = stringList(scope.namespaces, 'namespaces', c.name)
    if (scope.type !== 'cluster' && scope.type !== 'namespace')
      throw invalidParameter('accessScope.type must be cluster or namespace.', c.name)
    if (scope.type === 'namespace' && namespaces.length === 0)
      throw invalidParameter('A namespace scope needs at least one namespace.', c.name)
    if (scope.type === 'cluster' && namespaces.length > 0) throw invalidParameter('A cluster scope takes no namespaces.', c.name)
    const now = this.options.now()
    const previous = e.policies.get(policyArn)
    // Associating the same policy again replaces its scope (EKS-API.md §4).
    const association: FakeAssociation = {
      accessScope: { type: scope.type, namespaces },
      associatedAt: previous?.associatedAt ?? now,
      modifiedAt: now,
    }
    e.policies.set(policyArn, association)
    return { clusterName: c.name, principalArn: e.principalArn, associatedAccessPolicy: associationJson(policyArn, association) }
  }

  private disassociateAccessPolicy(req: EksRequest): unknown {
    const c = this.accessCluster(req)
    const e = this.entryOf(req, c)
    const policyArn = req.route.policyArn ?? ''
    if (!e.policies.delete(policyArn))
      throw new FakeAwsError(404, 'ResourceNotFoundException', `The policy ${policyArn} is not associated with the access entry.`, {
        clusterName: c.name,
      })
    return {}
  }

  private listAssociatedAccessPolicies(req: EksRequest): unknown {
    const c = this.accessCluster(req)
    const e = this.entryOf(req, c)
    const { items, nextToken } = paginate([...e.policies], req.query)
    return {
      clusterName: c.name,
      principalArn: e.principalArn,
      associatedAccessPolicies: items.map(([arn, a]) => associationJson(arn, a)),
      ...(nextToken === undefined ? {} : { nextToken }),
    }
  }

  // ─────────────── tags ───────────────

  private taggable(req: EksRequest): { tags: Record<string, string> } {
    const arn = req.route.resourceArn ?? ''
    for (const c of this.clusters.values()) {
      if (c.arn === arn) return c
      for (const e of c.entries.values()) if (e.accessEntryArn === arn) return e
    }
    throw new FakeAwsError(404, 'NotFoundException', `Resource ${arn} not found.`)
  }

  private tagResource(req: EksRequest): unknown {
    const target = this.taggable(req)
    const tags = req.body['tags']
    if (typeof tags !== 'object' || tags === null) throw new FakeAwsError(400, 'BadRequestException', 'tags are required.')
    Object.assign(target.tags, stringMap(tags, undefined))
    return {}
  }

  private untagResource(req: EksRequest): unknown {
    const target = this.taggable(req)
    for (const key of req.query.getAll('tagKeys')) delete target.tags[key]
    return {}
  }
}

// ─────────────── helpers ───────────────

function clusterKey(accountId: string, region: string, name: string): string {
  return `${accountId}|${region}|${name}`
}

function associationJson(policyArn: string, a: FakeAssociation): unknown {
  return {
    policyArn,
    accessScope: { type: a.accessScope.type, namespaces: [...a.accessScope.namespaces] },
    associatedAt: epochSeconds(a.associatedAt),
    modifiedAt: epochSeconds(a.modifiedAt),
  }
}

/** The username EKS sets when none is given (EKS-API.md §4 Types). EC2 / HYPERPOD_LINUX: UNCONFIRMED. */
export function defaultUsername(principalArn: string, type: string): string {
  switch (type) {
    case 'EC2_LINUX':
    case 'EC2_WINDOWS':
    case 'EC2':
      return 'system:node:{{EC2PrivateDNSName}}'
    case 'FARGATE_LINUX':
    case 'HYBRID_LINUX':
    case 'HYPERPOD_LINUX':
      return 'system:node:{{SessionName}}'
    default: {
      const m = IAM_PRINCIPAL.exec(principalArn)
      if (!m || m[3] === 'user') return principalArn
      const name = (m[4] as string).split('/').pop() as string
      return `arn:${m[1] as string}:sts::${m[2] as string}:assumed-role/${name}/{{SessionName}}`
    }
  }
}

function accessEntryArn(c: FakeCluster, principalArn: string): string {
  const m = IAM_PRINCIPAL.exec(principalArn)
  const kind = m?.[3] ?? 'role'
  const account = m?.[2] ?? c.accountId
  const name = (m?.[4] ?? principalArn).split('/').pop() as string
  return `arn:${partitionOfRegion(c.region)}:eks:${c.region}:${c.accountId}:access-entry/${c.name}/${kind}/${account}/${name}/${randomUUID()}`
}

function validatePrincipal(principalArn: string, type: string, c: FakeCluster): void {
  if (!ENTRY_TYPES.has(type)) throw invalidParameter(`The type ${type} is not a valid access entry type.`, c.name)
  const m = IAM_PRINCIPAL.exec(principalArn)
  if (!m || (m[4] as string).startsWith('aws-service-role/')) throw invalidParameter(EKS_MESSAGES.invalidPrincipal, c.name)
  // Node types: IAM roles of the cluster's own account only (the error text is UNCONFIRMED).
  if (type !== 'STANDARD' && (m[3] !== 'role' || m[2] !== c.accountId)) throw invalidParameter(EKS_MESSAGES.invalidPrincipal, c.name)
}

function validateUsername(username: string, clusterName: string): void {
  if (username.startsWith('system:')) throw invalidParameter(EKS_MESSAGES.systemUsername, clusterName)
  const reserved = RESERVED_USERNAME_PREFIXES.find((p) => username.startsWith(p))
  if (reserved) throw invalidParameter(`The username must not begin with ${reserved}`, clusterName)
  if (/(^|[^:])\{\{SessionName(Raw)?\}\}/.test(username))
    throw invalidParameter('A colon must precede {{SessionName}} in the username.', clusterName)
}

function validateGroups(groups: readonly string[], clusterName: string): void {
  const bad = groups.find((g) => g.startsWith('system:'))
  if (bad !== undefined) throw invalidParameter(EKS_MESSAGES.systemGroup(bad), clusterName)
}

function optionalString(v: unknown, member: string, clusterName: string): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw invalidParameter(`${member} must be a string.`, clusterName)
  return v
}

function stringList(v: unknown, member: string, clusterName: string): string[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidParameter(`${member} must be a list of strings.`, clusterName)
  return [...(v as string[])]
}

function stringMap(v: unknown, clusterName: string | undefined): Record<string, string> {
  if (v === undefined || v === null) return {}
  const out: Record<string, string> = {}
  for (const [k, x] of Object.entries(v as object)) {
    if (typeof x !== 'string') throw invalidParameter(`The value of tag ${k} must be a string.`, clusterName)
    out[k] = x
  }
  return out
}

/** `maxResults` 1–100 (default 100) and an opaque `nextToken` (EKS-API.md §2 Pagination). */
export function paginate<T>(all: readonly T[], query: URLSearchParams): { items: T[]; nextToken?: string } {
  const rawMax = query.get('maxResults')
  const max = rawMax === null ? 100 : Number(rawMax)
  if (!Number.isInteger(max) || max < 1 || max > 100) throw invalidParameter('maxResults must be between 1 and 100.')
  const rawToken = query.get('nextToken')
  let offset = 0
  if (rawToken !== null) {
    const decoded = /^o:(\d+)$/.exec(Buffer.from(rawToken, 'base64url').toString('utf8'))
    if (!decoded) throw invalidParameter('The nextToken is invalid.')
    offset = Number(decoded[1])
  }
  const items = all.slice(offset, offset + max)
  const next = offset + max
  return next < all.length ? { items, nextToken: Buffer.from(`o:${next}`, 'utf8').toString('base64url') } : { items }
}
