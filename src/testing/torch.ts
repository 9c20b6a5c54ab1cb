// The Python that has PyTorch, for the tests that run exported modules (Debian's python3-torch and
// python3-numpy: /usr/bin/python3 first, since a pyenv or venv python3 on PATH may lack torch).
// Outside CI a missing torch skips those tests; under CI=true it fails them (scripts/test.mjs installs it).
import { spawnSync } from 'node:child_process';

const CANDIDATES = [process.env.TORCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);

let found: string | null | undefined;

/** The interpreter that imports torch and numpy, or null (a thrown Error under CI=true). */
export function torchPython(): string | null {
  if (found !== undefined) return found;
  found = CANDIDATES.find((python) => spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore', timeout: 60_000 }).status === 0) ?? null;
  if (!found && process.env.CI === 'true')
    throw new Error(`no Python with torch and numpy (tried ${CANDIDATES.join(', ')}): apt-get install python3-torch python3-numpy, or set TORCH_PYTHON`);
  return found;
}

/** Runs `python script args…`; throws with its output when it fails. */
export function runPython(python: string, args: string[], cwd?: string): string {
  const result = spawnSync(python, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${python} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}
