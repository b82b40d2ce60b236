/** `allowed-principals` — `principals`: every entry's principal must match one of these patterns; at `principalArn`. */
import { patternMatcher } from './glob.js'
import { NONE, strings, type RuleKind } from './kind.js'

export const allowedPrincipals: RuleKind = {
  kind: 'allowed-principals',
  params: ['principals'],
  compile(params, common) {
    const list = strings(params.principals)
    const allowed = patternMatcher(list)
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry }) {
        if (allowed(entry.principalArn)) return NONE
        return [
          {
            loc: entry.locs.principalArn,
            principalArn: entry.principalArn,
            detail: `principal "${entry.principalArn}" matches none of the allowed patterns ${list.map((p) => `"${p}"`).join(', ')}`,
          },
        ]
      },
    }
  },
}
