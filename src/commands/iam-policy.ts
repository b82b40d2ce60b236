/** `iam-policy`: not built in this version; its issue replaces this module. */
import type { IamPolicyRequest } from '../config/requests.js'
import type { Outcome } from '../outcome.js'
import type { CommandDeps } from './deps.js'
import { notAvailable } from './not-available.js'

export async function iamPolicyCommand(_request: IamPolicyRequest, _deps: CommandDeps): Promise<Outcome> {
  return notAvailable('iam-policy')
}
