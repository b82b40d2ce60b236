/**
 * `username-patterns` — `patterns`: every `username` written in the manifest must match one of them;
 * at `username`. Entries without a username (EKS generates it) are not checked.
 */
import { patternMatcher } from './glob.js'
import { NONE, strings, type RuleKind } from './kind.js'

export const usernamePatterns: RuleKind = {
  kind: 'username-patterns',
  params: ['patterns'],
  compile(params, common) {
    const list = strings(params.patterns)
    const ok = patternMatcher(list)
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry }) {
        if (entry.username === undefined || ok(entry.username)) return NONE
        return [
          {
            loc: entry.locs.username ?? entry.locs.entry,
            principalArn: entry.principalArn,
            detail: `username "${entry.username}" matches none of ${list.map((p) => `"${p}"`).join(', ')}`,
          },
        ]
      },
    }
  },
}
