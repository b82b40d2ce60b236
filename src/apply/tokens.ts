import { createHash } from 'node:crypto'
import { stableStringify } from '../plan/hash.js'

/**
 * clientRequestToken for CreateAccessEntry, UpdateAccessEntry and UpdateClusterConfig: a UUID-shaped
 * sha256 of the seed (the commit being applied), the cluster, the operation, the principal and the
 * call's parameters, so the same call of the same run always carries the same token (the SDK reuses
 * it on its own retries too).
 *
 * `attempt` counts apply's own retries ("principal not found" right after the IAM principal was
 * made): those calls failed, and what EKS returns for a repeated token of a failed call is
 * UNCONFIRMED (EKS-API.md §1), so each of them gets a fresh token rather than risk a replayed error.
 * Different parameters always give a different token (no IdempotentParameterMismatch).
 */
export function requestToken(
  seed: string,
  cluster: { readonly accountId: string; readonly region: string; readonly name: string },
  operation: string,
  principalArn: string,
  params: unknown,
  attempt = 0,
): string {
  const h = createHash('sha256')
    .update(
      stableStringify({
        seed,
        account: cluster.accountId,
        region: cluster.region,
        cluster: cluster.name,
        operation,
        principalArn,
        params,
        attempt,
      }),
    )
    .digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}
