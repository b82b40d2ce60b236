/**
 * `eks:principal-arn` — the principal must be an IAM role (path allowed) or IAM user ARN in
 * aws / aws-cn / aws-us-gov; STS sessions and service-linked roles are rejected (EKS-API.md §4).
 * `eks:sso-role-path` (warning) — an IAM Identity Center role written without its
 * `/aws-reserved/sso.amazonaws.com/` path, which EKS rejects as "invalid principal" (EKS-API.md §3, I-2969).
 */
import { iamArnOf, parsePrincipalArn, type PrincipalArn } from '../../arn.js'
import { problemAt, type Manifest, type ManifestEntry, type Problem } from '../../types.js'

const EXPECTED = 'expected arn:aws:iam::<12-digit account>:role/[path/]name or …:user/[path/]name'
const SSO_ROLE_PREFIX = 'AWSReservedSSO_'
const SSO_PATH_PREFIX = '/aws-reserved/sso.amazonaws.com/'

export function checkPrincipalArns(manifest: Manifest): Problem[] {
  return manifest.accessEntries.flatMap(checkPrincipalArn)
}

function checkPrincipalArn(entry: ManifestEntry): Problem[] {
  const arn = entry.principalArn
  const parsed = parsePrincipalArn(arn)
  const at = (message: string): Problem[] => [problemAt(entry.locs.principalArn, 'error', 'eks:principal-arn', message)]
  if (!parsed.ok) return at(`principalArn "${arn}" is not a valid IAM principal ARN: ${parsed.error.reason}; ${EXPECTED}`)
  const principal = parsed.value
  switch (principal.kind) {
    case 'assumed-role':
      return at(
        `principalArn "${arn}" is an STS session; access entries need the IAM role ARN, e.g. ${iamArnOf(principal)} (add the role's path if it has one)`,
      )
    case 'federated-user':
      return at(`principalArn "${arn}" is an STS federated-user session; access entries need an IAM role or user ARN`)
    case 'service-linked-role':
      return at(
        `principalArn "${arn}" is a service-linked role (role/aws-service-role/…); EKS access entries do not support service-linked roles`,
      )
    case 'role':
      return checkSsoRolePath(entry, principal)
    case 'user':
      return []
  }
}

function checkSsoRolePath(entry: ManifestEntry, principal: PrincipalArn): Problem[] {
  if (!principal.name.startsWith(SSO_ROLE_PREFIX) || principal.path.startsWith(SSO_PATH_PREFIX)) return []
  return [
    problemAt(
      entry.locs.principalArn,
      'warning',
      'eks:sso-role-path',
      `principalArn "${entry.principalArn}" names an IAM Identity Center role without its path; EKS rejects it as an invalid principal. Use the full ARN, arn:${principal.partition}:iam::${principal.accountId}:role${SSO_PATH_PREFIX}[region/]${principal.name} (see aws iam get-role --role-name ${principal.name})`,
    ),
  ]
}
