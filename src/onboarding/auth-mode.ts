/**
 * Authentication-mode guidance for the plan: where a cluster stands on the one-way path
 * CONFIG_MAP → API_AND_CONFIG_MAP → API (EKS-API.md §5) and what the next step is. Pure; the plan
 * renderers show `note` per cluster, and an `error` refuses the cluster (as the diff already does
 * for an impossible step, with the same reasoning).
 */
import type { AuthenticationMode } from '../types.js'

export interface AuthModeGuidance {
  /** `error`: the manifest asks for something EKS refuses; `info`: where the cluster stands. */
  readonly severity: 'info' | 'error'
  readonly code: 'authentication-mode-guidance' | 'authentication-mode-refused'
  readonly note: string
}

const PATH = 'CONFIG_MAP → API_AND_CONFIG_MAP → API, one step per apply, never back'

/**
 * `live`: the cluster's mode now (DescribeCluster); `desired`: the manifest's `authenticationMode`
 * (undefined when unset). Undefined when there is nothing to say (the cluster is on API already).
 */
export function authenticationModeGuidance(
  cluster: string,
  live: AuthenticationMode,
  desired: AuthenticationMode | undefined,
): AuthModeGuidance | undefined {
  const target = desired ?? live
  const order: readonly AuthenticationMode[] = ['CONFIG_MAP', 'API_AND_CONFIG_MAP', 'API']
  const step = order.indexOf(target) - order.indexOf(live)
  if (step < 0) {
    return refuse(
      `cluster ${cluster} is on ${live}; EKS never goes back to ${target} (${PATH}). Set authenticationMode: ${live} or remove it`,
    )
  }
  if (step > 1) {
    return refuse(
      `cluster ${cluster} is still on CONFIG_MAP: authenticationMode: API is refused until the cluster is on API_AND_CONFIG_MAP (${PATH}). ` +
        'Set API_AND_CONFIG_MAP first, apply, migrate aws-auth (`eks-access-gate import-aws-auth`), then set API',
    )
  }
  switch (`${live}>${target}`) {
    case 'CONFIG_MAP>CONFIG_MAP':
      return refuse(
        `cluster ${cluster} uses only the aws-auth ConfigMap (CONFIG_MAP), so access entries cannot be managed. ` +
          'Convert aws-auth with `eks-access-gate import-aws-auth`, then set authenticationMode: API_AND_CONFIG_MAP (one-way) and apply',
      )
    case 'CONFIG_MAP>API_AND_CONFIG_MAP':
      return info(
        `cluster ${cluster}: this apply switches CONFIG_MAP → API_AND_CONFIG_MAP (irreversible). aws-auth keeps working; for a principal in both, the access entry wins. ` +
          'Next: apply the imported entries, kubectl apply the residual aws-auth (import-aws-auth --residual), then set API',
      )
    case 'API_AND_CONFIG_MAP>API_AND_CONFIG_MAP':
      return info(
        `cluster ${cluster} is on API_AND_CONFIG_MAP: aws-auth still grants access. To finish: move what remains in aws-auth to entries ` +
          '(import-aws-auth --residual shows it; node roles need EC2_LINUX/EC2_WINDOWS/FARGATE_LINUX entries), empty aws-auth, then set authenticationMode: API',
      )
    case 'API_AND_CONFIG_MAP>API':
      return info(
        `cluster ${cluster}: this apply switches API_AND_CONFIG_MAP → API (irreversible): aws-auth is ignored from then on. ` +
          'Every mapping still in aws-auth, node roles included, must have an access entry first, and mapAccounts has no equivalent',
      )
    default:
      return undefined
  }
}

function refuse(note: string): AuthModeGuidance {
  return { severity: 'error', code: 'authentication-mode-refused', note }
}

function info(note: string): AuthModeGuidance {
  return { severity: 'info', code: 'authentication-mode-guidance', note }
}
