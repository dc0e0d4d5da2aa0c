/** Runs gridbot as a real child process (`node --import tsx src/main.ts`), as an operator would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_PII_KEY } from './pii';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BotProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

const ROOT = path.resolve(__dirname, '../..');
/** tsx's loader by absolute URL, so the bot can run with any working directory. */
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
/**
 * How long a start may take. The first start on a new runtime (or with a cold tsx cache on a
 * loaded machine) compiles every module and has been seen to take over 20 s on 2 busy cores;
 * a warm start takes 2-4 s. The budget only matters when a start fails, so it is generous.
 */
export const START_BUDGET_MS = 120_000;
/**
 * Node's on-disk compile cache (Node 22.1+, ignored by older ones), shared by every bot process
 * the tests start so that only the first of them pays for compiling node_modules.
 */
const COMPILE_CACHE = path.join(os.tmpdir(), 'gridbot-test-compile-cache');

function childEnv(env: Record<string, string>): Record<string, string> {
  // The test deployment's one residents' data key, unless the test sets (or blanks) its own.
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_COMPILE_CACHE: COMPILE_CACHE, PORT: '0', PII_KEY: TEST_PII_KEY, ...env };
}

export async function startBotProcess(env: Record<string, string>, opts: { cwd?: string; timeoutMs?: number } = {}): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'src/main.ts')], {
    cwd: opts.cwd ?? ROOT,
    env: childEnv({ NODE_PATH: path.join(ROOT, 'node_modules'), LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bot did not start:\n${out}`)), opts.timeoutMs ?? START_BUDGET_MS);
    const onData = () => {
      const m = /"port":(\d+)[^\n]*"msg":"gridbot started"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`bot exited with ${code} before starting:\n${out}`));
    });
  });
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}

/** Runs main.ts to completion (for start-up failures) and returns its exit code and output. */
export async function runBotToExit(env: Record<string, string>, cwd?: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'src/main.ts')], {
    cwd: cwd ?? ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}
