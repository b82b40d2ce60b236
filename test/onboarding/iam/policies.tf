# eks-access-gate IAM roles for acme/platform-access. Each account's roles go into a configuration whose aws provider
# points at that account; the GitHub OIDC provider (token.actions.githubusercontent.com) must exist there.
# eks:ListAccessPolicies has no resource-level permissions, hence its "*".

# ───── account 111122223333 ─────

resource "aws_iam_role" "eks_access_apply" {
  name = "eks-access-apply"
  path = "/"
  assume_role_policy = jsonencode({
    "Version": "2012-10-17",
    "Statement": [
      {
        "Sid": "GitHubActionsApply",
        "Effect": "Allow",
        "Principal": {
          "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
        },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
          "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:acme/platform-access:ref:refs/heads/main"
          }
        }
      }
    ]
  })
}

resource "aws_iam_role_policy" "eks_access_apply_apply" {
  name   = "eks-access-gate-apply"
  role   = aws_iam_role.eks_access_apply.id
  policy = jsonencode({
    "Version": "2012-10-17",
    "Statement": [
      {
        "Sid": "ReadClusters",
        "Effect": "Allow",
        "Action": [
          "eks:DescribeCluster",
          "eks:ListAccessEntries"
        ],
        "Resource": [
          "arn:aws:eks:eu-west-1:111122223333:cluster/prod",
          "arn:aws:eks:eu-west-1:111122223333:cluster/staging-eu"
        ]
      },
      {
        "Sid": "ReadAccessEntries",
        "Effect": "Allow",
        "Action": [
          "eks:DescribeAccessEntry",
          "eks:ListAssociatedAccessPolicies"
        ],
        "Resource": [
          "arn:aws:eks:eu-west-1:111122223333:access-entry/prod/*",
          "arn:aws:eks:eu-west-1:111122223333:access-entry/staging-eu/*"
        ]
      },
      {
        "Sid": "ListAccessPoliciesHasNoResourceScope",
        "Effect": "Allow",
        "Action": "eks:ListAccessPolicies",
        "Resource": "*"
      },
      {
        "Sid": "CreateAccessEntries",
        "Effect": "Allow",
        "Action": "eks:CreateAccessEntry",
        "Resource": [
          "arn:aws:eks:eu-west-1:111122223333:cluster/prod",
          "arn:aws:eks:eu-west-1:111122223333:cluster/staging-eu"
        ]
      },
      {
        "Sid": "ManageAccessEntries",
        "Effect": "Allow",
        "Action": [
          "eks:AssociateAccessPolicy",
          "eks:DeleteAccessEntry",
          "eks:DisassociateAccessPolicy",
          "eks:TagResource",
          "eks:UpdateAccessEntry"
        ],
        "Resource": [
          "arn:aws:eks:eu-west-1:111122223333:access-entry/prod/*",
          "arn:aws:eks:eu-west-1:111122223333:access-entry/staging-eu/*"
        ]
      },
      {
        "Sid": "SwitchAuthenticationMode",
        "Effect": "Allow",
        "Action": "eks:UpdateClusterConfig",
        "Resource": "arn:aws:eks:eu-west-1:111122223333:cluster/prod",
        "Condition": {
          "StringEquals": {
            "eks:authenticationMode": "API_AND_CONFIG_MAP"
          }
        }
      },
      {
        "Sid": "WatchAuthenticationModeUpdate",
        "Effect": "Allow",
        "Action": "eks:DescribeUpdate",
        "Resource": "arn:aws:eks:eu-west-1:111122223333:cluster/prod"
      },
      {
        "Sid": "PassNodeRolesToEc2NodeEntries",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": [
          "arn:aws:iam::111122223333:role/karpenter-node",
          "arn:aws:iam::111122223333:role/windows-node"
        ],
        "Condition": {
          "StringEquals": {
            "iam:PassedToService": "ec2.amazonaws.com"
          }
        }
      },
      {
        "Sid": "GuardrailDeniedPolicies",
        "Effect": "Deny",
        "Action": "eks:AssociateAccessPolicy",
        "Resource": [
          "arn:aws:eks:eu-west-1:111122223333:access-entry/prod/*",
          "arn:aws:eks:eu-west-1:111122223333:access-entry/staging-eu/*"
        ],
        "Condition": {
          "ArnLike": {
            "eks:policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"
          }
        }
      }
    ]
  })
}

resource "aws_iam_role" "eks_access_plan" {
  name = "eks-access-plan"
  path = "/"
  assume_role_policy = jsonencode({
    "Version": "2012-10-17",
    "Statement": [
      {
        "Sid": "GitHubActionsPlan",
        "Effect": "Allow",
        "Principal": {
          "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
        },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
          "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [
              "repo:acme/platform-access:pull_request",
              "repo:acme/platform-access:ref:refs/heads/main"
            ]
          }
        }
      }
    ]
  })
}

resource "aws_iam_role_policy" "eks_access_plan_plan" {
  name   = "eks-access-gate-plan"
  role   = aws_iam_role.eks_access_plan.id
  policy = jsonencode({
    "Version": "2012-10-17",
    "Statement": [
      {
        "Sid": "ReadClusters",
        "Effect": "Allow",
        "Action": [
          "eks:DescribeCluster",
          "eks:ListAccessEntries"
        ],
        "Resource": [
          "arn:aws:eks:eu-west-1:111122223333:cluster/prod",
          "arn:aws:eks:eu-west-1:111122223333:cluster/staging-eu"
        ]
      },
      {
        "Sid": "ReadAccessEntries",
        "Effect": "Allow",
        "Action": [
          "eks:DescribeAccessEntry",
          "eks:ListAssociatedAccessPolicies"
        ],
        "Resource": [
          "arn:aws:eks:eu-west-1:111122223333:access-entry/prod/*",
          "arn:aws:eks:eu-west-1:111122223333:access-entry/staging-eu/*"
        ]
      },
      {
        "Sid": "ListAccessPoliciesHasNoResourceScope",
        "Effect": "Allow",
        "Action": "eks:ListAccessPolicies",
        "Resource": "*"
      },
      {
        "Sid": "FindDeadAccess",
        "Effect": "Allow",
        "Action": [
          "iam:GetRole",
          "iam:GetUser"
        ],
        "Resource": [
          "arn:aws:iam::111122223333:role/*",
          "arn:aws:iam::111122223333:user/*"
        ]
      }
    ]
  })
}

# ───── account 444455556666 ─────

resource "aws_iam_role" "eks_access_apply" {
  name = "eks-access-apply"
  path = "/ci/"
  assume_role_policy = jsonencode({
    "Version": "2012-10-17",
    "Statement": [
      {
        "Sid": "GitHubActionsApply",
        "Effect": "Allow",
        "Principal": {
          "Federated": "arn:aws-cn:iam::444455556666:oidc-provider/token.actions.githubusercontent.com"
        },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
          "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": "repo:acme/platform-access:ref:refs/heads/main"
          }
        }
      }
    ]
  })
}

resource "aws_iam_role_policy" "eks_access_apply_apply" {
  name   = "eks-access-gate-apply"
  role   = aws_iam_role.eks_access_apply.id
  policy = jsonencode({
    "Version": "2012-10-17",
    "Statement": [
      {
        "Sid": "ReadClusters",
        "Effect": "Allow",
        "Action": [
          "eks:DescribeCluster",
          "eks:ListAccessEntries"
        ],
        "Resource": "arn:aws-cn:eks:cn-north-1:444455556666:cluster/china"
      },
      {
        "Sid": "ReadAccessEntries",
        "Effect": "Allow",
        "Action": [
          "eks:DescribeAccessEntry",
          "eks:ListAssociatedAccessPolicies"
        ],
        "Resource": "arn:aws-cn:eks:cn-north-1:444455556666:access-entry/china/*"
      },
      {
        "Sid": "ListAccessPoliciesHasNoResourceScope",
        "Effect": "Allow",
        "Action": "eks:ListAccessPolicies",
        "Resource": "*"
      },
      {
        "Sid": "CreateAccessEntries",
        "Effect": "Allow",
        "Action": "eks:CreateAccessEntry",
        "Resource": "arn:aws-cn:eks:cn-north-1:444455556666:cluster/china"
      },
      {
        "Sid": "ManageAccessEntries",
        "Effect": "Allow",
        "Action": [
          "eks:AssociateAccessPolicy",
          "eks:DeleteAccessEntry",
          "eks:DisassociateAccessPolicy",
          "eks:TagResource",
          "eks:UpdateAccessEntry"
        ],
        "Resource": "arn:aws-cn:eks:cn-north-1:444455556666:access-entry/china/*"
      },
      {
        "Sid": "GuardrailDeniedPolicies",
        "Effect": "Deny",
        "Action": "eks:AssociateAccessPolicy",
        "Resource": "arn:aws-cn:eks:cn-north-1:444455556666:access-entry/china/*",
        "Condition": {
          "ArnLike": {
            "eks:policyArn": "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"
          }
        }
      }
    ]
  })
}

resource "aws_iam_role" "eks_access_plan" {
  name = "eks-access-plan"
  path = "/ci/"
  assume_role_policy = jsonencode({
    "Version": "2012-10-17",
    "Statement": [
      {
        "Sid": "GitHubActionsPlan",
        "Effect": "Allow",
        "Principal": {
          "Federated": "arn:aws-cn:iam::444455556666:oidc-provider/token.actions.githubusercontent.com"
        },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
          "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": [
              "repo:acme/platform-access:pull_request",
              "repo:acme/platform-access:ref:refs/heads/main"
            ]
          }
        }
      }
    ]
  })
}

resource "aws_iam_role_policy" "eks_access_plan_plan" {
  name   = "eks-access-gate-plan"
  role   = aws_iam_role.eks_access_plan.id
  policy = jsonencode({
    "Version": "2012-10-17",
    "Statement": [
      {
        "Sid": "ReadClusters",
        "Effect": "Allow",
        "Action": [
          "eks:DescribeCluster",
          "eks:ListAccessEntries"
        ],
        "Resource": "arn:aws-cn:eks:cn-north-1:444455556666:cluster/china"
      },
      {
        "Sid": "ReadAccessEntries",
        "Effect": "Allow",
        "Action": [
          "eks:DescribeAccessEntry",
          "eks:ListAssociatedAccessPolicies"
        ],
        "Resource": "arn:aws-cn:eks:cn-north-1:444455556666:access-entry/china/*"
      },
      {
        "Sid": "ListAccessPoliciesHasNoResourceScope",
        "Effect": "Allow",
        "Action": "eks:ListAccessPolicies",
        "Resource": "*"
      },
      {
        "Sid": "FindDeadAccess",
        "Effect": "Allow",
        "Action": [
          "iam:GetRole",
          "iam:GetUser"
        ],
        "Resource": [
          "arn:aws-cn:iam::444455556666:role/*",
          "arn:aws-cn:iam::444455556666:user/*"
        ]
      }
    ]
  })
}
