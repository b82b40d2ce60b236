import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { checkEksRules, EKS_RULES } from '../../../src/rules/eks/index.js'
import { entry, fromPlainDocument, manifest } from '../build.js'
import { context, problem, ROLE } from './support.js'

const EXAMPLE = new URL('../../../examples/eks-access.yaml', import.meta.url)

describe('checkEksRules', () => {
  it('finds nothing wrong in examples/eks-access.yaml', () => {
    const m = fromPlainDocument(parse(readFileSync(EXAMPLE, 'utf8')), 'examples/eks-access.yaml')
    expect(m.accessEntries.length).toBeGreaterThanOrEqual(4) // the builder read the example, not an empty doc
    expect(m.clusters.map((c) => c.key)).toEqual(['prod-eu', 'staging-eu'])
    expect(checkEksRules(m, context())).toEqual([])
  })

  it('runs every rule and concatenates their problems', () => {
    const bad = entry({
      principalArn: 'arn:aws:sts::111122223333:assumed-role/admin/alice',
      username: 'system:alice',
      kubernetesGroups: ['system:masters'],
      expiresAt: '2020-01-01',
      clusters: ['prod-eu', 'nope'],
      accessPolicies: [{ policyArn: 'AmazonEKSView' }, { policyArn: 'AmazonEKSView', accessScope: { type: 'namespace' } }],
    })
    const codes = checkEksRules(manifest({ clusters: [{ key: 'prod-eu' }, { key: 'idle' }], entries: [bad] }), context()).map((p) => p.code)
    expect(codes).toEqual([
      'eks:principal-arn',
      'eks:username',
      'eks:kubernetes-group',
      'eks:access-scope',
      'eks:duplicate-policy',
      'eks:unknown-policy',
      'eks:unknown-policy',
      'expiry:expired',
      'manifest:unknown-cluster',
      'manifest:cluster-without-entries',
    ])
  })

  it('lists each rule once', () => {
    expect(new Set(EKS_RULES).size).toBe(EKS_RULES.length)
    expect(EKS_RULES.length).toBe(16)
  })

  it('the problem() matcher checks every expected substring (guards the other tests)', () => {
    const e = entry({ principalArn: ROLE, username: 'eks:x' })
    const [found] = checkEksRules(manifest({ entries: [e] }), context())
    expect(found).toEqual(problem({ loc: e.locs.username!, severity: 'error', code: 'eks:username', says: ['"eks:x"', 'reserved'] }))
    expect(found).not.toEqual(
      problem({ loc: e.locs.username!, severity: 'error', code: 'eks:username', says: ['"eks:x"', 'not in the message'] }),
    )
    expect(found).not.toEqual(problem({ loc: e.locs.entry, severity: 'error', code: 'eks:username' }))
  })
})
