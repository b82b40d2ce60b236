/** `apply`: not built in this version; its issue replaces this module. */
import type { ApplyRequest } from '../config/requests.js'
import type { Outcome } from '../outcome.js'
import type { CommandDeps } from './deps.js'
import { notAvailable } from './not-available.js'

export async function applyCommand(_request: ApplyRequest, _deps: CommandDeps): Promise<Outcome> {
  return notAvailable('apply')
}
