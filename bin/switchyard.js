#!/usr/bin/env node
'use strict';
// Runs the compiled CLI; in a checkout without dist/ (no `npm run build` yet) it runs the TypeScript sources.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (existsSync(compiled)) {
  require(compiled);
} else {
  require('@swc-node/register');
  require(join(__dirname, '..', 'src', 'cli', 'main.ts'));
}
