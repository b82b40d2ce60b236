import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import schema from '../../../schemas/plan.schema.json' with { type: 'json' }
import { renderPlan } from '../../../src/plan/render/index.js'
import { SAMPLES, bigPlan } from './samples.js'

function compileSchema() {
  // strict: any unknown keyword or sloppy construct in the schema fails here.
  const ajv = new Ajv2020({ strict: true, allErrors: true })
  return ajv.compile(schema)
}

const validate = compileSchema()
const parsedFull = (): Record<string, any> => JSON.parse(renderPlan(SAMPLES.full, 'json'))

describe('schemas/plan.schema.json', () => {
  it.each(Object.entries({ ...SAMPLES, big: bigPlan(50, 3) }))('accepts the JSON render of the %s plan', (_name, plan) => {
    const ok = validate(JSON.parse(renderPlan(plan, 'json')))
    expect(validate.errors ?? []).toEqual([])
    expect(ok).toBe(true)
  })

  type Mutation = (p: Record<string, any>) => void
  const broken: [string, Mutation][] = [
    ['summary without unchanged', (p) => delete p.summary.unchanged],
    ['a non-integer count', (p) => (p.summary.create = 1.5)],
    ['a negative count', (p) => (p.summary.delete = -1)],
    ['no clusters', (p) => delete p.clusters],
    ['no problems', (p) => delete p.problems],
    ['no planHash', (p) => delete p.planHash],
    ['an unknown action', (p) => (p.clusters[1].changes[0].action = 'recreate')],
    ['a change without principalArn', (p) => delete p.clusters[1].changes[0].principalArn],
    ['an update without before', (p) => delete p.clusters[1].changes[0].before],
    ['replace with accessGap false', (p) => (p.clusters[1].changes[1].accessGap = false)],
    ['a member of another variant', (p) => (p.clusters[1].changes[1].policyArn = 'x')],
    ['reason other than expired', (p) => (p.clusters[1].changes[2].reason = 'removed')],
    ['an associate without inPlace', (p) => delete p.clusters[1].changes[6].inPlace],
    ['a bad scope type', (p) => (p.clusters[1].changes[6].accessScope.type = 'global')],
    ['a cluster without errors', (p) => delete p.clusters[2].errors],
    ['an unknown effect kind', (p) => (p.clusters[1].effects[0].kind = 'root')],
    ['an unknown unmanaged reason', (p) => (p.clusters[0].unmanaged[0].reason = 'other')],
    ['a reversible auth-mode step', (p) => (p.clusters[1].authenticationMode.irreversible = false)],
    ['a problem with a bad severity', (p) => (p.problems[0].severity = 'info')],
    ['an unknown top-level key', (p) => (p.extra = true)],
  ]
  it.each(broken)('rejects %s', (_name, mutate) => {
    const plan = parsedFull()
    expect(validate(plan)).toBe(true)
    mutate(plan)
    expect(validate(plan)).toBe(false)
  })
})
