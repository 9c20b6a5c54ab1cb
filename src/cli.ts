// The `deepwire` command's entry, for bin/deepwire.mjs and the tests: the commands are in src/cli/.
export { main, type CliIo } from './cli/main.ts';
