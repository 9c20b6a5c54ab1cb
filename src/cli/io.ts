// What every command shares: where its text and files go, and how a failure the user can fix is told.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<Uint8Array>;
  /** Writes a file, creating its folder. */
  writeFile(path: string, data: Uint8Array): Promise<void>;
}

export const nodeIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  readFile: (path) => readFile(path),
  writeFile: async (path, data) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  },
};

/** A failure the user can fix: printed as one line, never with a stack trace. */
export class CliError extends Error {
  constructor(message: string, readonly hint: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line is wrong: exit status 2. */
export const usageError = (message: string, hint = "run 'deepwire --help' for usage") => new CliError(message, hint, 2);

/** An error's message, whatever was thrown. */
export const messageOf = (e: unknown): unknown => (e as Error)?.message ?? e;

/** `what` names the file in the message: 'graph file', 'photo', 'input'. */
export async function readInput(file: string, io: CliIo, what: string): Promise<Uint8Array> {
  try {
    return await io.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : (e as Error)?.message;
    throw new CliError(`cannot read ${what} ${file}: ${why}`, code === 'EACCES' ? 'check its permissions' : 'check the path');
  }
}

export async function writeOutput(path: string, data: Uint8Array, io: CliIo, hint = 'choose another path'): Promise<void> {
  try {
    await io.writeFile(path, data);
  } catch (e) {
    throw new CliError(`cannot write ${path}: ${messageOf(e)}`, hint);
  }
}
