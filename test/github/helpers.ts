import { afterEach } from 'vitest'
import { createGitHubPort } from '../../src/github/octokit.js'
import type { GitHubPort } from '../../src/github/port.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../fake-github/index.js'

export const RW = 'ghs_readWriteTokenForTests'
export const RO = 'ghs_readOnlyTokenForTests'
export const REPO = 'acme/infra'
/** One fixed clock for the fakes (give the same one to fake AWS, or its STS finds the id token expired). */
export const NOW = (): number => Date.UTC(2026, 0, 2, 3, 4, 5)

const started: FakeGitHub[] = []
afterEach(async () => {
  for (const f of started.splice(0)) await f.close()
})

/** A fake with a read-write and a read-only token (both github-actions[bot]), closed after each test. */
export async function fakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const fake = await startFakeGitHub({ tokens: { [RW]: { access: 'read-write' }, [RO]: { access: 'read-only' } }, now: NOW, ...options })
  started.push(fake)
  return fake
}

export function portOn(fake: FakeGitHub, token = RW): GitHubPort {
  return createGitHubPort({ token, repository: REPO, baseUrl: fake.url })
}
