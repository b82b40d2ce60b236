/** An error the fake answers with: HTTP status, AWS error code and message (EKS-API.md §3). */
export class FakeAwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra members of the JSON error body, e.g. `clusterName`. */
    readonly extra: Readonly<Record<string, string>> = {},
  ) {
    super(message)
  }
}

/** Real EKS messages, quoted verbatim from EKS-API.md §3 where a real response was seen. */
export const EKS_MESSAGES = {
  inUse: 'The specified access entry resource is already in use on this cluster.',
  configMap: "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.",
  noCluster: (name: string) => `No cluster found for name: ${name}.`,
  noPrincipal: "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.",
  systemGroup: (group: string) => `The kubernetes group name ${group} is invalid, it cannot start with system:`,
  systemUsername: 'The username must not begin with system:',
  notStandard: 'This operation can only be performed on Access Entries with a type of "STANDARD".',
  invalidPrincipal: 'The specified principalArn is invalid: invalid principal.',
  authModeStep: (from: string, to: string) => `Unsupported authentication mode update from ${from} to ${to}`,
  rateExceeded: 'Rate exceeded',
} as const

export const invalidParameter = (message: string, clusterName?: string): FakeAwsError =>
  new FakeAwsError(400, 'InvalidParameterException', message, clusterName === undefined ? {} : { clusterName })
