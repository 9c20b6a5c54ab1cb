// `deepwire ARGS` in-process for tests: exit code, stdout, stderr and the files it would write (kept in
// memory); files are read from disk, relative to the working directory (the repository root under vitest).
import { readFile } from 'node:fs/promises';
import { main, type CliIo } from '../cli.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  written: Map<string, Uint8Array>;
}

export async function runCli(argv: string[]): Promise<CliResult> {
  const result: CliResult = { code: -1, stdout: '', stderr: '', written: new Map() };
  const io: CliIo = {
    stdout: (text) => void (result.stdout += text),
    stderr: (text) => void (result.stderr += text),
    readFile: async (path) => new Uint8Array(await readFile(path)),
    writeFile: async (path, data) => void result.written.set(path, data),
  };
  result.code = await main(argv, io);
  return result;
}
