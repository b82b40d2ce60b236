/**
 * `allowed-accounts` — `accounts`: accounts whose principals may be granted access to a cluster in
 * their own account; `crossAccount` (default none): accounts whose principals may be granted access
 * to a cluster in another account. A principal outside the applicable list is a violation at
 * `principalArn`, naming the clusters concerned. Entries whose ARN has no account are left to the
 * EKS rules (eks:principal-arn).
 */
import { patternMatcher } from './glob.js'
import { NONE, strings, type RuleKind } from './kind.js'
import type { Violation } from './types.js'

export const allowedAccounts: RuleKind = {
  kind: 'allowed-accounts',
  params: ['accounts', 'crossAccount'],
  compile(params, common) {
    const same = patternMatcher(strings(params.accounts))
    const cross = patternMatcher(strings(params.crossAccount))
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry, clusters, facts }) {
        const account = facts.account
        if (account === undefined) return NONE
        const sameOk = same(account)
        const crossOk = cross(account)
        if (sameOk && crossOk) return NONE
        const sameBad = sameOk ? [] : clusters.filter((c) => c.accountId === account).map((c) => c.key)
        const crossBad = crossOk ? [] : clusters.filter((c) => c.accountId !== account).map((c) => c.key)
        const out: Violation[] = []
        if (sameBad.length > 0) {
          out.push({
            loc: entry.locs.principalArn,
            principalArn: entry.principalArn,
            clusters: sameBad,
            detail: `principal account ${account} is not in the allowed accounts (cluster ${sameBad.join(', ')})`,
          })
        }
        if (crossBad.length > 0) {
          out.push({
            loc: entry.locs.principalArn,
            principalArn: entry.principalArn,
            clusters: crossBad,
            detail: `principal account ${account} may not access clusters in another account (cluster ${crossBad.join(', ')}); add it to crossAccount if that is intended`,
          })
        }
        return out
      },
    }
  },
}
