#!/usr/bin/env node
// The CLI runs the committed bundle, so `npx eks-access-gate` works right after `npm ci`.
import '../dist/cli/index.js'
