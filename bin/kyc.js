#!/usr/bin/env node
'use strict';
// The `kyc` command: the compiled CLI when the image was built (`npm run build`), else the TypeScript source
// through tsx, so a checkout works without a build step.
/* global __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher: it can only require */
const { existsSync } = require('node:fs');
const path = require('node:path');

const compiled = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
if (existsSync(compiled)) {
  require(compiled);
} else {
  require('tsx/cjs');
  require(path.join(__dirname, '..', 'cli', 'main.ts'));
}
