import { describe, expect, it } from 'vitest'
import { eksDefaultUsername, iamArnOf, parsePrincipalArn, type ArnDefect, type PrincipalArn } from '../../src/arn.js'

function parsed(arn: string): PrincipalArn {
  const result = parsePrincipalArn(arn)
  if (!result.ok) throw new Error(`expected ${arn} to parse: ${result.error.reason}`)
  return result.value
}

describe('parsePrincipalArn: valid principals', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/admin', 'aws', 'role', '/', 'admin'],
    ['arn:aws-cn:iam::111122223333:role/admin', 'aws-cn', 'role', '/', 'admin'],
    ['arn:aws-us-gov:iam::111122223333:role/admin', 'aws-us-gov', 'role', '/', 'admin'],
    ['arn:aws:iam::111122223333:role/sre/on-call', 'aws', 'role', '/sre/', 'on-call'],
    ['arn:aws:iam::111122223333:role/a/b/c/Name+=,.@_-1', 'aws', 'role', '/a/b/c/', 'Name+=,.@_-1'],
    [
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123abcd',
      'aws',
      'role',
      '/aws-reserved/sso.amazonaws.com/eu-west-1/',
      'AWSReservedSSO_Admin_0123abcd',
    ],
    ['arn:aws:iam::111122223333:user/alice', 'aws', 'user', '/', 'alice'],
    ['arn:aws-us-gov:iam::111122223333:user/division/alice@example.com', 'aws-us-gov', 'user', '/division/', 'alice@example.com'],
    [
      'arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS',
      'aws',
      'service-linked-role',
      '/aws-service-role/eks.amazonaws.com/',
      'AWSServiceRoleForAmazonEKS',
    ],
    ['arn:aws:sts::111122223333:assumed-role/admin/alice', 'aws', 'assumed-role', '/', 'admin'],
    ['arn:aws-cn:sts::111122223333:federated-user/bob', 'aws-cn', 'federated-user', '/', 'bob'],
  ])('%s', (arn, partition, kind, path, name) => {
    expect(parsed(arn)).toMatchObject({ arn, partition, accountId: '111122223333', kind, path, name })
  })

  it('keeps the session name of an assumed-role ARN', () => {
    expect(parsed('arn:aws:sts::111122223333:assumed-role/admin/alice@example.com').sessionName).toBe('alice@example.com')
  })
})

describe('parsePrincipalArn: invalid principals name what is wrong', () => {
  it.each<[string, ArnDefect, string]>([
    ['', 'not-an-arn', 'empty'],
    ['platform-admins', 'not-an-arn', 'does not start with "arn:"'],
    ['111122223333', 'not-an-arn', 'account ID, not an ARN'],
    [' arn:aws:iam::111122223333:role/x', 'not-an-arn', 'whitespace'],
    ['arn:aws:iam::111122223333', 'not-an-arn', '5 of the 6'],
    ['arn:aws-iso:iam::111122223333:role/x', 'partition', 'partition "aws-iso"'],
    ['arn:AWS:iam::111122223333:role/x', 'partition', 'partition "AWS"'],
    ['arn:aws:eks::111122223333:role/x', 'service', 'service "eks"'],
    ['arn:aws:iam:eu-west-1:111122223333:role/x', 'region', 'no region, found "eu-west-1"'],
    ['arn:aws:iam::11112222333:role/x', 'account', 'account "11112222333" is not 12 digits'],
    ['arn:aws:iam::1111222233334:role/x', 'account', 'not 12 digits'],
    ['arn:aws:iam::11112222333a:role/x', 'account', 'not 12 digits'],
    ['arn:aws:iam::aws:role/x', 'account', 'account "aws"'],
    ['arn:aws:iam::111122223333:root', 'resource-type', '"root" (the account root) is not role or user'],
    ['arn:aws:iam::111122223333:group/admins', 'resource-type', '"group"'],
    ['arn:aws:iam::111122223333:roles/x', 'resource-type', '"roles"'],
    ['arn:aws:iam::111122223333:assumed-role/admin/alice', 'resource-type', '"assumed-role"'],
    ['arn:aws:sts::111122223333:role/admin', 'resource-type', 'sessions'],
    ['arn:aws:iam::111122223333:role/', 'empty-name', 'role name after "role/" is empty'],
    ['arn:aws:iam::111122223333:role', 'empty-name', 'empty'],
    ['arn:aws:iam::111122223333:role/team/', 'empty-name', 'after "role/team/"'],
    ['arn:aws:iam::111122223333:user/', 'empty-name', 'user name'],
    ['arn:aws:sts::111122223333:assumed-role/', 'empty-name', 'empty'],
    ['arn:aws:iam::111122223333:role/bad name', 'name', 'role name "bad name"'],
    ['arn:aws:iam::111122223333:role/' + 'x'.repeat(65), 'name', '1–64'],
    ['arn:aws:iam::111122223333:role/a//b', 'path', 'empty segment'],
    ['arn:aws:iam::111122223333:role/sp ace/b', 'path', 'segment "sp ace"'],
    ['arn:aws:iam::111122223333:role/' + 'p/'.repeat(300) + 'x', 'path', 'longer than 512'],
    ['arn:aws:sts::111122223333:assumed-role/admin', 'name', 'session name ""'],
    ['arn:aws:sts::111122223333:assumed-role/admin/a/b', 'name', 'session name "a/b"'],
  ])('%s → %s', (arn, defect, reason) => {
    const result = parsePrincipalArn(arn)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.defect).toBe(defect)
      expect(result.error.reason).toContain(reason)
    }
  })
})

describe('iamArnOf and eksDefaultUsername', () => {
  it.each([
    ['arn:aws:iam::111122223333:role/sre/on-call', {}, 'arn:aws:iam::111122223333:role/sre/on-call'],
    ['arn:aws:iam::111122223333:role/sre/on-call', { dropPath: true }, 'arn:aws:iam::111122223333:role/on-call'],
    ['arn:aws-cn:sts::111122223333:assumed-role/admin/alice', {}, 'arn:aws-cn:iam::111122223333:role/admin'],
    ['arn:aws:iam::111122223333:user/ops/alice', {}, 'arn:aws:iam::111122223333:user/ops/alice'],
  ])('iamArnOf(%s, %o)', (arn, options, expected) => {
    expect(iamArnOf(parsed(arn), options)).toBe(expected)
  })

  it.each([
    ['arn:aws:iam::111122223333:role/sre/on-call', 'arn:aws:sts::111122223333:assumed-role/on-call/{{SessionName}}'],
    ['arn:aws-us-gov:iam::111122223333:role/x', 'arn:aws-us-gov:sts::111122223333:assumed-role/x/{{SessionName}}'],
    ['arn:aws:iam::111122223333:user/ops/alice', 'arn:aws:iam::111122223333:user/ops/alice'],
    ['arn:aws:sts::111122223333:assumed-role/admin/alice', undefined],
  ])('eksDefaultUsername(%s) drops the role path', (arn, expected) => {
    expect(eksDefaultUsername(parsed(arn))).toBe(expected)
  })
})
