import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { planAccess } from '../../src/commands/plan.js'

/**
 * planAccess around the policy catalogue: a short name this release does not know may be a
 * policy AWS added since, so plan judges it against the catalogue EKS (here: the snapshot) reports.
 */
const root = resolve(import.meta.dirname, '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'eag-plan-catalogue-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const NEW_POLICY = 'AmazonEKSBrandNewPolicy'
const example = readFileSync(join(root, 'examples', 'eks-access.yaml'), 'utf8')
const snapshot = JSON.parse(readFileSync(join(root, 'examples', 'state.json'), 'utf8')) as Record<string, unknown>

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text)
  return name
}

const withNewPolicy = write('new-policy.yaml', example.replace('policyArn: AmazonEKSViewPolicy', `policyArn: ${NEW_POLICY}`))
const alsoBroken = write(
  'new-policy-and-broken.yaml',
  example.replace('policyArn: AmazonEKSViewPolicy', `policyArn: ${NEW_POLICY}`).replace('role/karpenter-node', 'user/karpenter-node'),
)
const catalogue = [
  { name: 'AmazonEKSClusterAdminPolicy', arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy' },
  { name: 'AmazonEKSEditPolicy', arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy' },
  { name: NEW_POLICY, arn: `arn:aws:eks::aws:cluster-access-policy/${NEW_POLICY}` },
]
const stateWith = write('state-with-catalogue.json', JSON.stringify({ ...snapshot, accessPolicies: catalogue }))
const stateWithout = write('state-without-catalogue.json', JSON.stringify({ ...snapshot, accessPolicies: undefined }))

const plan = (manifest: string, state: string) =>
  planAccess({ manifest, state, cwd: dir, now: new Date('2026-11-28T00:00:00Z'), expiryWarningDays: 7 }, {})

describe('planAccess and the policy catalogue', () => {
  it('accepts a policy the live catalogue knows although this release does not', async () => {
    const outcome = await plan(withNewPolicy, stateWith)
    expect(outcome.kind).toBe('planned')
    if (outcome.kind !== 'planned') return
    expect(outcome.plan.problems.filter((p) => p.code === 'eks:unknown-policy')).toEqual([])
    const associated = outcome.plan.clusters.flatMap((c) => c.changes).filter((c) => c.action === 'associate')
    expect(associated.map((c) => (c.action === 'associate' ? c.policyArn : ''))).toContain(
      `arn:aws:eks::aws:cluster-access-policy/${NEW_POLICY}`,
    )
  })

  it('keeps the error when the catalogue does not know it either', async () => {
    const outcome = await plan(withNewPolicy, stateWithout)
    expect(outcome.kind).toBe('invalid')
    if (outcome.kind === 'invalid') expect(outcome.problems.map((p) => p.code)).toContain('eks:unknown-policy')
  })

  it('stops before reading anything when there is any other error', async () => {
    // The state file does not exist: reading it would be a usage error, so `invalid` proves no read.
    const outcome = await plan(alsoBroken, 'missing-state.json')
    expect(outcome.kind).toBe('invalid')
    if (outcome.kind === 'invalid')
      expect(outcome.problems.some((p) => p.code !== 'eks:unknown-policy' && p.severity === 'error')).toBe(true)
  })
})
