/** `denied-principals` — `principals`: patterns no entry may name (e.g. `*:user/*`, `*:root`); at `principalArn`. */
import { patternToRegExp } from './glob.js'
import { NONE, strings, type RuleKind } from './kind.js'

export const deniedPrincipals: RuleKind = {
  kind: 'denied-principals',
  params: ['principals'],
  compile(params, common) {
    const patterns = strings(params.principals).map((p) => ({ p, re: patternToRegExp(p) }))
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry }) {
        const hit = patterns.find(({ re }) => re.test(entry.principalArn))
        if (hit === undefined) return NONE
        return [
          {
            loc: entry.locs.principalArn,
            principalArn: entry.principalArn,
            detail: `principal "${entry.principalArn}" matches denied pattern "${hit.p}"`,
          },
        ]
      },
    }
  },
}
