import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { Defaults, Inputs, Outputs } from '../../src/constants.js'

interface ActionYml {
  name: string
  description: string
  author: string
  branding: { icon: string; color: string }
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}

const action = parse(readFileSync(join(import.meta.dirname, '..', '..', 'action.yml'), 'utf8')) as ActionYml

describe('action.yml', () => {
  it('runs the committed bundle on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(action.name).toBe('eks-access-gate')
    expect(action.description.length).toBeGreaterThan(20)
    expect(action.author).toBeTruthy()
    expect(action.branding.icon).toBeTruthy()
    expect(action.branding.color).toBeTruthy()
  })

  it('declares exactly the inputs of PRODUCT.md (src/constants.ts), each described', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort())
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toMatch(/\S{3}/)
      expect(input.required ?? false, name).toBe(false)
    }
  })

  it('declares exactly the outputs of PRODUCT.md, each described', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort())
    for (const [name, output] of Object.entries(action.outputs)) expect(output.description, name).toMatch(/\S{3}/)
  })

  it.each([
    [Inputs.Command, Defaults.command],
    [Inputs.Manifest, Defaults.manifest],
    [Inputs.Rules, Defaults.rules],
    [Inputs.GithubToken, '${{ github.token }}'],
    [Inputs.Comment, String(Defaults.comment)],
    [Inputs.Audience, Defaults.audience],
    [Inputs.ExpiryWarningDays, String(Defaults.expiryWarningDays)],
    [Inputs.FailOnDrift, String(Defaults.failOnDrift)],
    [Inputs.Clusters, ''],
    [Inputs.State, ''],
  ])('input %s defaults to %j, the same as the code', (name, value) => {
    expect(action.inputs[name]?.default).toBe(value)
  })
})
