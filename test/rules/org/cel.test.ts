/** CEL rules: true / false / non-boolean / evaluation error per entry; compile errors in the rules file. */
import { describe, expect, it } from 'vitest'
import { parseRulesSource } from '../../../src/rules/org/index.js'
import { brief, evaluate, oneRule, RULES_FILE } from './support.js'

const A = 'eks-access.yaml'
const MANIFEST = {
  [A]: `
    version: 1
    clusters:
      prod-eu: { region: eu-west-1, accountId: "111122223333" }
      cn-north: { region: cn-north-1, accountId: "111122223333" }
    accessEntries:
      - principalArn: arn:aws:iam::111122223333:role/platform-admins
        tags: { owner: platform }
        accessPolicies:
          - policyArn: AmazonEKSClusterAdminPolicy
            accessScope: { type: cluster }
      - principalArn: arn:aws:iam::111122223333:role/team-a
        clusters: [prod-eu]
        kubernetesGroups: [b, a, a]
        accessPolicies:
          - policyArn: AmazonEKSViewPolicy
            accessScope: { type: namespace, namespaces: [team-a] }
  `,
}

const cel = (expression: string, extra = ''): string => oneRule(`id: custom\nkind: cel\nexpression: ${JSON.stringify(expression)}${extra}`)

describe('CEL rules', () => {
  it.each([
    { name: 'true for every entry', expression: 'entry.principalArn.startsWith("arn:aws:iam::")', expected: [] },
    { name: 'false at the entry first line', expression: '"owner" in entry.tags', expected: [`${A}:11:5 error rule:custom`] },
    { name: 'normalised type', expression: 'entry.type == "STANDARD"', expected: [] },
    {
      name: 'normalised groups (sorted set)',
      expression: 'entry.kubernetesGroups.size() == 0 || entry.kubernetesGroups == ["a", "b"]',
      expected: [],
    },
    { name: 'username "" when unset', expression: 'entry.username == ""', expected: [] },
    {
      name: 'policies as full ARNs in the cluster partition, with policyName',
      expression:
        'entry.accessPolicies.all(p, p.policyArn.endsWith("/" + p.policyName) && (cluster.partition != "aws-cn" || p.policyArn.startsWith("arn:aws-cn:")))',
      expected: [],
    },
    { name: 'cluster bound per selected cluster', expression: 'cluster.key != "cn-north"', expected: [`${A}:6:5 error rule:custom`] },
    { name: 'file bound (relative to the repository root)', expression: 'file == "eks-access.yaml"', expected: [] },
    {
      name: 'a non-boolean result is an error',
      expression: 'entry.principalArn',
      expected: [`${A}:6:5 error rule:custom`, `${A}:11:5 error rule:custom`],
    },
    { name: 'an evaluation error is an error', expression: 'entry.tags.owner == "platform"', expected: [`${A}:11:5 error rule:custom`] },
  ])('$name', ({ expression, expected }) => {
    expect(evaluate(cel(expression), MANIFEST).map(brief)).toEqual(expected)
  })

  it('keeps the rule severity for false, but not for results it cannot judge', () => {
    const rules = oneRule('id: w\nkind: cel\nseverity: warning\nexpression: \'entry.tags.owner == "platform"\'')
    const problems = evaluate(rules, MANIFEST)
    expect(problems.map(brief)).toEqual([`${A}:11:5 error rule:w`])
    expect(problems[0]?.message).toMatch(/could not judge this entry.*No such key: owner/)
    const falsy = evaluate(oneRule('id: w\nkind: cel\nseverity: warning\nexpression: "false"'), MANIFEST)
    expect(falsy.map(brief)).toEqual([`${A}:6:5 warning rule:w`, `${A}:11:5 warning rule:w`])
  })

  it('interpolates principal and clusters into the message', () => {
    const [p] = evaluate(cel('cluster.key != "cn-north"', '\nmessage: "{principalArn} may not reach {cluster}"'), MANIFEST)
    expect(p?.message).toBe(
      'arn:aws:iam::111122223333:role/platform-admins may not reach cn-north: entry does not satisfy CEL rule "custom" (cluster cn-north)',
    )
  })
})

describe('CEL compile errors are rules-file problems at the expression', () => {
  it.each([
    {
      name: 'syntax error, one-line plain scalar',
      text: 'version: 1\nrules:\n  - id: c\n    kind: cel\n    expression: entry.type ==\n',
      at: '5:30',
      says: /does not compile: .*Unexpected token/,
    },
    {
      name: 'unknown variable, quoted',
      text: 'version: 1\nrules:\n  - id: c\n    kind: cel\n    expression: "entri.type == 1"\n',
      at: '5:18',
      says: /Unknown variable: entri/,
    },
    {
      name: 'type error',
      text: 'version: 1\nrules:\n  - id: c\n    kind: cel\n    expression: "1 + \'a\' == 2"\n',
      at: '5:18',
      says: /no such overload/,
    },
    {
      name: 'non-bool type',
      text: 'version: 1\nrules:\n  - id: c\n    kind: cel\n    expression: "1 + 2"\n',
      at: '5:18',
      says: /returns int; it must return a bool/,
    },
    {
      name: 'block scalar: at the expression',
      text: 'version: 1\nrules:\n  - id: c\n    kind: cel\n    expression: |\n      entry.type ==\n',
      at: '5:17',
      says: /Unexpected token/,
    },
  ])('$name', ({ text, at, says }) => {
    const r = parseRulesSource(RULES_FILE, text)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.map(brief)).toEqual([`${RULES_FILE}:${at} error rules:cel`])
    expect(r.error[0]?.message).toMatch(says)
  })
})
