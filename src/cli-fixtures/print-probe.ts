// Prints the WGSL fixture as a `?raw` import sees it; run by src/cli.test.ts through bin/register.mjs.
import probe from './probe.wgsl?raw';

process.stdout.write(JSON.stringify({ length: probe.length, firstLine: probe.split('\n')[0] }));
