/**
 * `eks:access-scope` — scope `cluster` takes no namespaces, scope `namespace` needs at least one
 * (EKS-API.md §4). Namespace items are Kubernetes namespace names (RFC 1123 labels, ≤ 63) with an
 * optional trailing `*` wildcard (`team-a-*`); a `*` elsewhere is an error. A repeated item is a
 * warning at its second occurrence. A bare `*` is a warning: EKS documents prefix wildcards only.
 */
import { problemAt, type Loc, type Manifest, type ManifestAccessPolicy, type Problem } from '../../types.js'
import { fileLine } from './helpers.js'

const CODE = 'eks:access-scope'
const MAX_NAMESPACE = 63
const LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/
/** Before a trailing `*` the prefix may end in `-` (`team-a-*`). */
const PREFIX = /^[a-z0-9][-a-z0-9]*$/

export function checkAccessScopes(manifest: Manifest): Problem[] {
  return manifest.accessEntries.flatMap((entry) => entry.accessPolicies.flatMap(checkScope))
}

function checkScope(policy: ManifestAccessPolicy): Problem[] {
  const { type, namespaces } = policy.accessScope
  const listLoc = policy.locs.namespaces ?? policy.locs.accessScope
  if (type === 'cluster') {
    if (namespaces.length === 0) return []
    return [
      problemAt(
        listLoc,
        'error',
        CODE,
        `accessScope type cluster takes no namespaces (policyArn "${policy.policyArn}"); remove namespaces [${namespaces.join(', ')}] or use type namespace`,
      ),
    ]
  }
  if (namespaces.length === 0) {
    return [
      problemAt(
        listLoc,
        'error',
        CODE,
        `accessScope type namespace needs at least one namespace (policyArn "${policy.policyArn}"); add namespaces, e.g. [team-a] or ["team-a-*"]`,
      ),
    ]
  }
  return [...checkNamespaceItems(policy, listLoc), ...checkDuplicateNamespaces(policy, listLoc)]
}

function checkNamespaceItems(policy: ManifestAccessPolicy, listLoc: Loc): Problem[] {
  return policy.accessScope.namespaces.flatMap((item, i) => {
    const loc = policy.locs.namespaceItems[i] ?? listLoc
    if (item === '*') {
      return [
        problemAt(
          loc,
          'warning',
          CODE,
          `namespaces item "*" would match every namespace, but EKS documents only prefix wildcards such as "dev-*"; list the namespaces, or use accessScope type cluster if every namespace and cluster-wide resources are meant`,
        ),
      ]
    }
    const defect = namespaceDefect(item)
    return defect === undefined ? [] : [problemAt(loc, 'error', CODE, `namespaces item "${item}" ${defect}`)]
  })
}

/** Why `item` is not a namespace name or trailing-wildcard pattern, or undefined when it is fine. */
export function namespaceDefect(item: string): string | undefined {
  const wildcard = item.endsWith('*')
  const body = wildcard ? item.slice(0, -1) : item
  if (body.includes('*')) return 'has a "*" that is not the last character; only a trailing wildcard is allowed (e.g. "team-a-*")'
  if (body === '') return 'is empty'
  if (body.length > MAX_NAMESPACE) return `is ${body.length} characters long; namespace names have at most ${MAX_NAMESPACE}`
  if (/[A-Z]/.test(body)) return `has upper-case letters; namespace names are lower case ("${item.toLowerCase()}")`
  if (!(wildcard ? PREFIX : LABEL).test(body)) {
    return 'is not a valid namespace name: use lower-case letters, digits and "-", starting and ending with a letter or digit (a trailing "*" wildcard is allowed)'
  }
  return undefined
}

function checkDuplicateNamespaces(policy: ManifestAccessPolicy, listLoc: Loc): Problem[] {
  const firstSeen = new Map<string, Loc>()
  return policy.accessScope.namespaces.flatMap((item, i) => {
    const loc = policy.locs.namespaceItems[i] ?? listLoc
    const first = firstSeen.get(item)
    if (first === undefined) {
      firstSeen.set(item, loc)
      return []
    }
    return [problemAt(loc, 'warning', CODE, `namespaces item "${item}" is listed twice (first at ${fileLine(first)}); remove this one`)]
  })
}
