import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs the module `moduleName` (a sibling of `fromUrl`, same extension) in a fresh Node process
 * with `request` as JSON in `argv[2]`, and resolves with the one message it sends back. A fresh
 * process means no contender inherits another one's JIT feedback or heap.
 * @throws {Error} when the child exits without sending a result.
 */
export function runInChild<Request, Result>(
  fromUrl: string,
  moduleName: string,
  request: Request,
): Promise<Result> {
  const extension = path.extname(fileURLToPath(fromUrl));
  const childPath = fileURLToPath(new URL(`./${moduleName}${extension}`, fromUrl));
  const execArgv = process.execArgv.includes('--expose-gc')
    ? process.execArgv
    : [...process.execArgv, '--expose-gc'];
  return new Promise((resolve, reject) => {
    let received = false;
    let result: Result | undefined;
    const child = fork(childPath, [JSON.stringify(request)], { execArgv, stdio: 'inherit' });
    child.on('message', (message) => {
      received = true;
      result = message as Result;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (received) resolve(result as Result);
      else reject(new Error(`${moduleName} exited with code ${code} and sent no result`));
    });
  });
}

/** In a child started by `runInChild`: parses the request, runs `handler`, sends the result and exits. */
export async function serveChildRequest<Request, Result>(
  handler: (request: Request) => Promise<Result>,
): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '{}') as Request;
  const result = await handler(request);
  process.send?.(result, () => process.exit(0));
}
