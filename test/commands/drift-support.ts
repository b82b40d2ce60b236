/**
 * In-memory edges for the drift and plan commands: an EKS read port over literal clusters, an IAM
 * port over literal principals, and a CommandDeps literal with a fixed clock. Writes throw: drift
 * and plan never write.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { IamReadApi, PrincipalLookup } from '../../src/aws/iam-port.js'
import { AwsCallError, type EksAccessApi } from '../../src/aws/port.js'
import type { CommandDeps } from '../../src/commands/deps.js'
import { createCliLogger } from '../../src/logger.js'
import { validateManifests } from '../../src/manifest/validate.js'
import type { ObservedCluster, ObservedEntry } from '../../src/types.js'

export const ACCOUNT = '111122223333'
export const ADMIN_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'
export const VIEW_POLICY = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy'
export const OWNED = { 'managed-by': 'eks-access-gate' }
export const NOW = new Date('2026-06-15T12:00:00Z')
export const role = (name: string, account = ACCOUNT): string => `arn:aws:iam::${account}:role/${name}`
export const user = (name: string, account = ACCOUNT): string => `arn:aws:iam::${account}:user/${name}`
export const roleUsername = (name: string, account = ACCOUNT): string => `arn:aws:sts::${account}:assumed-role/${name}/{{SessionName}}`

export function entry(principalArn: string, over: Partial<ObservedEntry> = {}): ObservedEntry {
  const name = principalArn.split('/').pop() as string
  return {
    principalArn,
    type: 'STANDARD',
    username: principalArn.includes(':user/') ? principalArn : roleUsername(name),
    kubernetesGroups: [],
    tags: OWNED,
    accessPolicies: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    ...over,
  }
}

export function cluster(entries: readonly ObservedEntry[], over: Partial<ObservedCluster> = {}): ObservedCluster {
  return { name: 'prod', region: 'eu-west-1', accountId: ACCOUNT, authenticationMode: 'API', entries, ...over }
}

const refuse = (): never => {
  throw new Error('drift and plan must not write')
}

export function eksPort(clusters: readonly ObservedCluster[]): EksAccessApi {
  const find = (name: string): ObservedCluster => {
    const c = clusters.find((x) => x.name === name)
    if (!c) throw new AwsCallError('DescribeCluster', 'ResourceNotFoundException', `No cluster found for name: ${name}.`, 404)
    return c
  }
  const entryOf = (name: string, arn: string): ObservedEntry => {
    const e = find(name).entries.find((x) => x.principalArn === arn)
    if (!e) throw new AwsCallError('DescribeAccessEntry', 'ResourceNotFoundException', 'not found', 404)
    return e
  }
  return {
    describeCluster: async (name) => {
      const c = find(name)
      return { name, arn: `arn:aws:eks:${c.region}:${c.accountId ?? ACCOUNT}:cluster/${name}`, authenticationMode: c.authenticationMode }
    },
    listAccessEntries: async (name) => find(name).entries.map((e) => e.principalArn),
    describeAccessEntry: async (name, arn) => {
      const { accessPolicies: _p, ...rest } = entryOf(name, arn)
      return rest
    },
    listAssociatedAccessPolicies: async (name, arn) => [...entryOf(name, arn).accessPolicies],
    listAccessPolicies: async () => [],
    createAccessEntry: refuse,
    updateAccessEntry: refuse,
    deleteAccessEntry: refuse,
    associateAccessPolicy: refuse,
    disassociateAccessPolicy: refuse,
    tagResource: refuse,
    updateAuthenticationMode: refuse,
  }
}

/** Principals by ARN with their CreateDate; a missing ARN does not exist (NoSuchEntity). */
export function iamPort(principals: Readonly<Record<string, string>>, calls: string[] = []): IamReadApi {
  return {
    getPrincipal: async (arn): Promise<PrincipalLookup> => {
      calls.push(arn)
      const created = principals[arn]
      return created === undefined ? { exists: false } : { exists: true, createDate: new Date(created), arn }
    },
  }
}

export function workdir(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'eag-drift-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

export function deps(cwd: string, live: readonly ObservedCluster[], iam?: IamReadApi): CommandDeps & { readonly stderr: string[] } {
  const stderr: string[] = []
  return {
    stderr,
    cwd,
    env: {},
    now: () => NOW,
    logger: createCliLogger((t) => void stderr.push(t), false),
    isFile: () => false,
    validate: validateManifests,
    eks: () => () => eksPort(live),
    ...(iam === undefined ? {} : { iam: () => () => iam }),
    eksForCluster: () => eksPort(live),
  }
}
