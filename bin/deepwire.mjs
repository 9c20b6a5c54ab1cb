#!/usr/bin/env node
// The `deepwire` command: sets up TypeScript and `?raw` loading, then hands over to src/cli.ts (the commands are in src/cli/).
import './register.mjs';

const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
