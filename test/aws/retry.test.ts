import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { EKSClient } from '@aws-sdk/client-eks'
import { classify, DeadlineError, withRetry } from '../../src/aws/retry.js'
import { AwsCallError, type ClusterTarget } from '../../src/aws/port.js'
import { createEksApiFactory, createEksMetrics, eksApiFromClient } from '../../src/aws/eks-sdk.js'
import { createPacer } from '../../src/aws/pacer.js'
import { readLiveState } from '../../src/aws/read-state.js'
import { instantSleep, keysFor } from './helpers.js'
import { virtualClock } from './virtual-clock.js'

const A = '111122223333'
const err = (code: string, status?: number, message = 'm') => new AwsCallError('Op', code, message, status)

describe('classify', () => {
  it.each([
    [err('ThrottlingException', 429), 'throttle'],
    [err('TooManyRequestsException', 429), 'throttle'],
    [err('ThrottlingException', 400), 'throttle'],
    [err('ServerException', 500), 'server'],
    [err('ServiceUnavailableException', 503), 'server'],
    [err('TimeoutError'), 'network'],
    [err('ECONNRESET'), 'network'],
    [err('AccessDeniedException', 403), 'fatal'],
    [err('InvalidParameterException', 400), 'fatal'],
    [err('ResourceNotFoundException', 404), 'fatal'],
    [err('CredentialsProviderError'), 'fatal'],
  ])('%o is %s', (e, kind) => expect(classify(e)).toBe(kind))
})

describe('withRetry (virtual clock)', () => {
  const run = async (failures: AwsCallError[], deadlineMs = 300_000) => {
    const clock = virtualClock()
    let attempts = 0
    const retries: string[] = []
    const result = await clock
      .run(
        withRetry(
          'Op',
          async () => {
            const f = failures[attempts++]
            if (f) throw f
            return 'ok'
          },
          {
            deadlineAt: deadlineMs,
            now: clock.now,
            sleep: clock.sleep,
            deadlineSleep: clock.sleep,
            random: () => 1,
            onRetry: (k) => retries.push(k),
          },
        ),
      )
      .catch((e: unknown) => e)
    return { result, attempts, retries, elapsed: clock.now() }
  }

  it.each([
    {
      what: '40 throttles (more than any retry quota)',
      failures: Array.from({ length: 40 }, () => err('ThrottlingException', 429)),
      attempts: 41,
    },
    {
      what: 'two 5xx',
      failures: [err('ServerException', 500), err('ServiceUnavailableException', 503)],
      attempts: 3,
    },
    { what: 'one timeout', failures: [err('TimeoutError')], attempts: 2 },
  ])('retries $what and succeeds: retries equal failures', async ({ failures, attempts }) => {
    const r = await run(failures)
    expect(r.result).toBe('ok')
    expect(r.attempts).toBe(attempts)
    expect(r.retries).toHaveLength(failures.length)
  })

  it.each([
    ['AccessDeniedException', 403],
    ['InvalidParameterException', 400],
    ['ResourceNotFoundException', 404],
  ])('never retries %s', async (code, status) => {
    const r = await run([err(code, status), err(code, status)])
    expect(r.result).toMatchObject({ code })
    expect(r.attempts).toBe(1)
  })

  it('gives timeouts and network errors three attempts in all', async () => {
    const r = await run(Array.from({ length: 5 }, () => err('TimeoutError')))
    expect(r.result).toMatchObject({ code: 'TimeoutError' })
    expect(r.attempts).toBe(3)
  })

  it('keeps retrying throttling until the deadline, then fails with what it saw and how long it waited', async () => {
    const r = await run(
      Array.from({ length: 10_000 }, () => err('ThrottlingException', 429, 'Rate exceeded')),
      60_000,
    )
    expect(r.result).toBeInstanceOf(DeadlineError)
    expect(r.result).toMatchObject({
      code: 'ClusterTimeout',
      waitedMs: 60_000,
    })
    expect((r.result as Error).message).toMatch(/^still ThrottlingException after \d+ attempt\(s\) over 60 s \(last: Rate exceeded\)$/)
    // Backoff capped at 5 s: a minute of throttling is at least a dozen attempts, not a handful.
    expect(r.attempts).toBeGreaterThanOrEqual(12)
    expect(r.elapsed).toBe(60_000)
  })

  it('abandons (and aborts) an attempt still running at the deadline', async () => {
    const clock = virtualClock()
    let aborted = false
    const p = withRetry(
      'Op',
      (signal) =>
        new Promise<never>(() => {
          signal.addEventListener('abort', () => (aborted = true))
        }),
      {
        deadlineAt: 1000,
        now: clock.now,
        sleep: clock.sleep,
        deadlineSleep: clock.sleep,
      },
    )
    await expect(clock.run(p)).rejects.toMatchObject({
      code: 'ClusterTimeout',
    })
    expect(aborted).toBe(true)
    expect(clock.now()).toBe(1000)
  })
})

/** An EKSClient stand-in without I/O: answers per command name. */
function fakeClient(answer: (command: string, input: Record<string, unknown>, signal?: AbortSignal) => Promise<unknown>): EKSClient {
  return {
    send: (cmd: { constructor: { name: string }; input: Record<string, unknown> }, opts?: { abortSignal?: AbortSignal }) =>
      answer(cmd.constructor.name.replace(/Command$/, ''), cmd.input, opts?.abortSignal),
  } as unknown as EKSClient
}

const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 429 },
  })

describe('readLiveState: a cluster that keeps being throttled fails at its deadline, the others complete', () => {
  it.each([
    {
      what: 'throttled for ever',
      answer: () => Promise.reject(throttled()),
      message: /still ThrottlingException after \d+ attempt/,
    },
    {
      what: 'never answering',
      answer: () => new Promise<never>(() => undefined),
      message: /no answer within the cluster deadline/,
    },
  ])('one entry read $what', async ({ answer, message }) => {
    const clock = virtualClock()
    const principals = ['arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b', 'arn:aws:iam::111122223333:role/c']
    const client = (stuck: boolean) =>
      fakeClient(async (op, input) => {
        if (op === 'DescribeCluster')
          return {
            cluster: {
              name: input['name'],
              arn: `arn:aws:eks:eu-west-1:${A}:cluster/${String(input['name'])}`,
              accessConfig: { authenticationMode: 'API' },
            },
          }
        if (op === 'ListAccessEntries') return { accessEntries: principals }
        if (stuck && input['principalArn'] === principals[2] && op === 'DescribeAccessEntry') return answer()
        if (op === 'DescribeAccessEntry')
          return {
            accessEntry: {
              principalArn: input['principalArn'],
              type: 'STANDARD',
            },
          }
        return { associatedAccessPolicies: [] }
      })
    const pacer = createPacer({ now: clock.now, sleep: clock.sleep })
    const options = {
      now: clock.now,
      sleep: clock.sleep,
      deadlineSleep: clock.sleep,
      pacer,
    }
    const apiFor = (t: ClusterTarget, context?: { deadlineAt: number }) => eksApiFromClient(client(t.name === 'stuck'), options, context)
    const targets: ClusterTarget[] = ['ok', 'stuck'].map((name) => ({
      key: name,
      name,
      region: 'eu-west-1',
      accountId: A,
    }))
    const state = await clock.run(
      readLiveState(targets, apiFor, {
        clusterTimeoutMs: 120_000,
        now: clock.now,
        readCatalogue: false,
      }),
    )
    expect(state.clusters.get('ok')).toMatchObject({
      ok: true,
      value: { entries: [{}, {}, {}] },
    })
    const stuck = state.clusters.get('stuck')
    expect(stuck).toMatchObject({
      ok: false,
      error: { code: 'ClusterTimeout' },
    })
    const text = stuck?.ok === false ? stuck.error.message : ''
    expect(text).toMatch(
      /gave up after reading 2 of 3 access entries: DescribeAccessEntry waited 120 s and reached the cluster timeout of 120 s/,
    )
    expect(text).toMatch(message)
    expect(text).toContain('--max-rate')
    expect(text).toContain('--cluster-timeout')
    expect(text).not.toMatch(/concurrency/)
  })
})

describe('an endpoint that accepts connections and never answers (real SDK, small timeouts)', () => {
  let server: Server | undefined
  const sockets: Socket[] = []
  afterEach(async () => {
    sockets.forEach((s) => s.destroy())
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
    server = undefined
  })

  it('fails the cluster with a timeout after a few attempts, each one counted by the endpoint', async () => {
    let connections = 0
    server = createServer((socket) => {
      connections++
      sockets.push(socket)
      socket.on('error', () => undefined)
    })
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const metrics = createEksMetrics()
    const factory = createEksApiFactory({
      endpoint: url,
      credentialsFor: () => keysFor(A),
      requestTimeoutMs: 150,
      connectionTimeoutMs: 150,
      sleep: instantSleep,
      metrics,
    })
    const target: ClusterTarget = {
      key: 'prod',
      name: 'prod',
      region: 'eu-west-1',
      accountId: A,
    }
    const state = await readLiveState([target], factory, {
      clusterTimeoutMs: 120_000,
    })
    const prod = state.clusters.get('prod')
    expect(prod).toMatchObject({ ok: false, error: { code: 'TimeoutError' } })
    expect(prod?.ok === false && prod.error.message).toMatch(/DescribeCluster: TimeoutError/)
    expect(metrics.calls).toBe(3)
    expect(connections).toBe(3)
  })
})
