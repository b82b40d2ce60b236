/** `forbidden-groups` — `groups`: Kubernetes group patterns no entry may list; at the group item. */
import { patternToRegExp } from './glob.js'
import { NONE, strings, type RuleKind } from './kind.js'

export const forbiddenGroups: RuleKind = {
  kind: 'forbidden-groups',
  params: ['groups'],
  compile(params, common) {
    const patterns = strings(params.groups).map((p) => ({ p, re: patternToRegExp(p) }))
    return {
      ...common,
      scope: 'entry',
      checkEntry({ entry }) {
        if (entry.kubernetesGroups.length === 0) return NONE
        return entry.kubernetesGroups.flatMap((group, i) => {
          const hit = patterns.find(({ re }) => re.test(group))
          if (hit === undefined) return []
          return [
            {
              loc: entry.locs.kubernetesGroupItems[i] ?? entry.locs.kubernetesGroups ?? entry.locs.entry,
              principalArn: entry.principalArn,
              detail: `Kubernetes group "${group}" matches forbidden pattern "${hit.p}"`,
            },
          ]
        })
      },
    }
  },
}
