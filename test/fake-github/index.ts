export { startFakeGitHub, linkHeader, wrapBase64, BOT } from './server.js'
export type {
  FakeGitHub,
  FakeGitHubOptions,
  FakeRequest,
  FakeTokenConfig,
  FakeUser,
  FailNext,
  SeedPullRequest,
  SeedIssue,
  FakeComment,
  FakeIssue,
} from './server.js'
export { fakeIdToken, ISSUER } from './oidc.js'
export type { IdTokenClaims } from './oidc.js'
export {
  pullRequestEvent,
  forkPullRequestEvent,
  pushEvent,
  prepareRunner,
  parseGithubOutput,
  runBundledAction,
  inputEnvName,
  TEST_MERGE_SHA,
} from './runner.js'
export type { PullRequestEventInput, PushEventInput, RunnerSetup, PreparedRunner, ActionRun } from './runner.js'
