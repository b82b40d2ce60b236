/** `drift`: not built in this version; its issue replaces this module. */
import type { DriftRequest } from '../config/requests.js'
import type { Outcome } from '../outcome.js'
import type { CommandDeps } from './deps.js'
import { notAvailable } from './not-available.js'

export async function driftCommand(_request: DriftRequest, _deps: CommandDeps): Promise<Outcome> {
  return notAvailable('drift')
}
