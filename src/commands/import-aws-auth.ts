/** `import-aws-auth`: not built in this version; its issue replaces this module. */
import type { ImportAwsAuthRequest } from '../config/requests.js'
import type { Outcome } from '../outcome.js'
import type { CommandDeps } from './deps.js'
import { notAvailable } from './not-available.js'

export async function importAwsAuthCommand(_request: ImportAwsAuthRequest, _deps: CommandDeps): Promise<Outcome> {
  return notAvailable('import-aws-auth')
}
