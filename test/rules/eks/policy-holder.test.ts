import { describe, expect, it } from 'vitest'
import { checkPolicyHolders, POLICY_HOLDERS } from '../../../src/rules/eks/policy-holder.js'
import { entry, manifest } from '../build.js'

const ROLE = 'arn:aws:iam::111122223333:role/x'
const holding = (policyArn: string, type?: string) =>
  entry({ principalArn: ROLE, ...(type === undefined ? {} : { type }), accessPolicies: [{ policyArn, accessScope: { type: 'cluster' } }] })

describe('eks:policy-holder', () => {
  it.each([
    { policy: 'AmazonEKSAutoNodePolicy', type: 'EC2', severity: undefined },
    { policy: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy', type: 'EC2', severity: undefined },
    { policy: 'AmazonEKSAutoNodePolicy', type: undefined, severity: 'error' },
    { policy: 'AmazonEKSAutoNodePolicy', type: 'STANDARD', severity: 'error' },
    { policy: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAutoNodePolicy', type: 'STANDARD', severity: 'error' },
    { policy: 'AmazonEKSComputeClusterPolicy', type: 'STANDARD', severity: 'warning' },
    { policy: 'AmazonEKSBlockStoragePolicy', type: 'STANDARD', severity: 'warning' },
    { policy: 'AmazonEMRJobPolicy', type: 'STANDARD', severity: 'warning' },
    { policy: 'AmazonSagemakerHyperpodClusterPolicy', type: 'STANDARD', severity: 'warning' },
    { policy: 'AmazonEKSViewPolicy', type: 'STANDARD', severity: undefined },
    { policy: 'AmazonEKSClusterAdminPolicy', type: undefined, severity: undefined },
  ])('$policy on type $type → $severity', ({ policy, type, severity }) => {
    const e = holding(policy, type)
    const problems = checkPolicyHolders(manifest({ entries: [e] }))
    if (severity === undefined) return expect(problems).toEqual([])
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({ severity, code: 'eks:policy-holder', line: e.accessPolicies[0]!.locs.policyArn.line })
    expect(problems[0]?.message).toMatch(/is documented by AWS for/)
  })

  it('every restriction is listed in the README table', async () => {
    const { readFileSync } = await import('node:fs')
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8')
    for (const name of Object.keys(POLICY_HOLDERS)) expect(readme).toContain(`| ${name} |`)
  })
})
