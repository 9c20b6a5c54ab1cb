#!/usr/bin/env node
// The `deepwire` command: sets up TypeScript and `?raw` loading, then hands over to src/cli.ts (the commands are in src/cli/).
import './register.mjs';

// `deepwire … | head`: the reader has gone, so stop quietly, as Unix tools do, rather than crash on EPIPE.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });

const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
