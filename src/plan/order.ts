import type { AccessScope, AuthenticationMode, Change, ClusterPlan, EntryFields } from '../types.js'
import { compareText, generatedUsername } from './normalize.js'

/**
 * The EKS calls apply makes for one cluster, in order. Each call names the index of the Change in
 * `plan.changes` it carries out, so the apply summary can mark every change applied, failed or
 * not attempted. `tagResource` names the principal: apply resolves it to the entry's ARN from the
 * live state it re-reads before applying.
 */
export type ApiCall =
  | { readonly call: 'updateAuthenticationMode'; readonly from: AuthenticationMode; readonly to: AuthenticationMode }
  | {
      readonly call: 'createAccessEntry'
      readonly change: number
      readonly principalArn: string
      readonly type: string
      readonly username?: string
      readonly kubernetesGroups: readonly string[]
      readonly tags: Readonly<Record<string, string>>
    }
  | {
      readonly call: 'updateAccessEntry'
      readonly change: number
      readonly principalArn: string
      readonly username?: string
      readonly kubernetesGroups: readonly string[]
    }
  | {
      readonly call: 'tagResource'
      readonly change: number
      readonly principalArn: string
      readonly tags: Readonly<Record<string, string>>
    }
  | {
      readonly call: 'associateAccessPolicy'
      readonly change: number
      readonly principalArn: string
      readonly policyArn: string
      readonly accessScope: AccessScope
    }
  | { readonly call: 'disassociateAccessPolicy'; readonly change: number; readonly principalArn: string; readonly policyArn: string }
  | { readonly call: 'deleteAccessEntry'; readonly change: number; readonly principalArn: string }

/**
 * Why this order:
 *  1. The step out of CONFIG_MAP first: no access-entry call works before it. The step is
 *     irreversible, so a plan with any error yields no calls at all (apply refuses the whole
 *     cluster before its first mutating call).
 *  2. Grants: creates, each followed by its associations, then associations on existing entries,
 *     including re-scopes that only widen (in place, no gap). New admins exist before anything is
 *     taken away.
 *  3. Updates (UpdateAccessEntry, then TagResource).
 *  4. Replaces, per principal: delete, create, associate. The principal has no access in between,
 *     so this comes only after every other grant, while the old admins are still in place.
 *  5. Narrowing re-scopes (cluster → namespaces, or a namespace dropped) and disassociations,
 *     then 6. deletes: the cluster never drops below its admin floor mid-apply, and a failure
 *     part-way leaves extra access rather than a lockout.
 *  7. The step to API last: it turns the aws-auth ConfigMap off, so every entry that replaces a
 *     ConfigMap mapping must exist first, and a failure before it leaves the ConfigMap working.
 * Within a phase, calls follow the plan's order (principal, then policy), so the result never
 * depends on input order.
 */
export function orderActions(plan: ClusterPlan): ApiCall[] {
  if (plan.errors.length > 0) return []
  const indexed = plan.changes
    .map((change, index) => ({ change, index }))
    .sort((a, b) => compareText(a.change.principalArn, b.change.principalArn) || a.index - b.index)
  const replaced = new Set(indexed.filter(({ change }) => change.action === 'replace').map(({ change }) => change.principalArn))
  const calls: ApiCall[] = []
  const mode = plan.authenticationMode
  const modeCall = mode === undefined ? [] : [{ call: 'updateAuthenticationMode' as const, from: mode.from, to: mode.to }]
  const modeLast = mode?.to === 'API'
  if (!modeLast) calls.push(...modeCall)
  const phase = (pick: (c: Change) => boolean, toCalls: (c: Change, i: number) => ApiCall[]): void => {
    for (const { change, index } of indexed) if (pick(change)) calls.push(...toCalls(change, index))
  }
  const notReplaced = (c: Change): boolean => !replaced.has(c.principalArn)
  const narrowing = (c: Change): boolean => c.action === 'associate' && isNarrowing(c.previousScope, c.accessScope)
  phase((c) => notReplaced(c) && (c.action === 'create' || (c.action === 'associate' && !narrowing(c))), callsOf)
  phase((c) => c.action === 'update', callsOf)
  phase((c) => !notReplaced(c) && (c.action === 'replace' || c.action === 'associate'), callsOf)
  phase((c) => (notReplaced(c) && narrowing(c)) || c.action === 'disassociate', callsOf)
  phase((c) => c.action === 'delete', callsOf)
  if (modeLast) calls.push(...modeCall)
  return calls
}

/** A re-scope that takes some access away: cluster → namespaces, or a namespace no longer listed. */
function isNarrowing(previous: AccessScope | undefined, next: AccessScope): boolean {
  if (previous === undefined || next.type === 'cluster') return false
  if (previous.type === 'cluster') return true
  return previous.namespaces.some((n) => !next.namespaces.includes(n))
}

/** The EKS calls that carry out one change. */
function callsOf(c: Change, change: number): ApiCall[] {
  const principalArn = c.principalArn
  switch (c.action) {
    case 'create':
      return [createCall(change, principalArn, c.after)]
    case 'replace':
      return [{ call: 'deleteAccessEntry', change, principalArn }, createCall(change, principalArn, c.after)]
    case 'update': {
      const out: ApiCall[] = []
      if (c.updateEntry) {
        // UpdateAccessEntry replaces groups and username together: send both, except a role's
        // default username (see omitsUsername).
        const username = omitsUsername(c.after, principalArn) ? undefined : c.after.username
        out.push({
          call: 'updateAccessEntry',
          change,
          principalArn,
          kubernetesGroups: c.after.kubernetesGroups,
          ...(username === undefined ? {} : { username }),
        })
      }
      if (Object.keys(c.tagsToSet).length > 0) out.push({ call: 'tagResource', change, principalArn, tags: c.tagsToSet })
      return out
    }
    case 'associate':
      return [{ call: 'associateAccessPolicy', change, principalArn, policyArn: c.policyArn, accessScope: c.accessScope }]
    case 'disassociate':
      return [{ call: 'disassociateAccessPolicy', change, principalArn, policyArn: c.policyArn }]
    case 'delete':
      return [{ call: 'deleteAccessEntry', change, principalArn }]
    default:
      return assertNever(c)
  }
}

/**
 * A STANDARD role's default username, `arn:aws:sts::ACCT:assumed-role/NAME/{{SessionName}}`, is
 * left out of UpdateAccessEntry, whether it is kept or restored after a change outside the repo:
 * EKS requires a `:` right before `{{SessionName}}` in any username it is SENT (EKS-API.md §4,
 * UG-create; the local fake enforces it), and its own default has a `/` there, so sending it back
 * would fail the apply. EKS-API.md does not settle what UpdateAccessEntry does with an omitted
 * username (keep the live value, or regenerate the default; the fake keeps it): omitting is the
 * only call that cannot be refused, and the next plan shows the update again if EKS kept the old
 * value, so the difference never goes unseen. A user's default (its own ARN) has no template and
 * is sent explicitly.
 */
export function omitsUsername(after: EntryFields, principalArn: string): boolean {
  return (
    after.username !== undefined &&
    after.username.includes('{{SessionName}}') &&
    after.username === generatedUsername(principalArn, after.type)
  )
}

function createCall(change: number, principalArn: string, after: Extract<Change, { action: 'create' }>['after']): ApiCall {
  return {
    call: 'createAccessEntry',
    change,
    principalArn,
    type: after.type,
    kubernetesGroups: after.kubernetesGroups,
    tags: after.tags,
    ...(after.username === undefined ? {} : { username: after.username }),
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected change: ${JSON.stringify(x)}`)
}
