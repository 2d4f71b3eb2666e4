// One process of the redis area's multi-process scenarios (started by runInChild).
import { type ContenderName, openSemaphore } from './redis-bench-contenders.js';
import type { GrantRecord, HandoffEvent } from './redis-bench-metrics.js';
import { serveChildRequest } from './run-in-child.js';

export interface RedisWorkerRequest {
  readonly contender: ContenderName;
  readonly url: string;
  readonly name: string;
  readonly limit: number;
  readonly callers: number;
  readonly workMs: number;
  /** Pause of a caller after each release before it asks again. */
  readonly pauseMs: number;
  /** `loop`: every caller asks again and again until `endAt`; `fifo`: one ask per caller at a known time. */
  readonly mode: 'loop' | 'fifo';
  /** `fifo`: ms between two asks over all processes (ask k of process p at startAt + (k * processes + p) * spacing). */
  readonly spacingMs: number;
  readonly processes: number;
  readonly processIndex: number;
  /** Epoch ms: every process starts then, and stops asking at `endAt`. */
  readonly startAt: number;
  readonly endAt: number;
}

export interface RedisWorkerResult {
  readonly grants: GrantRecord[];
  readonly events: HandoffEvent[];
  readonly lateStart: boolean;
  readonly commands: number;
}

const clock = (): number => performance.timeOrigin + performance.now();
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

await serveChildRequest<RedisWorkerRequest, RedisWorkerResult>(async (request) => {
  const semaphore = await openSemaphore(request);
  const lateStart = clock() > request.startAt;
  await sleep(Math.max(0, request.startAt - clock()));
  const grants: GrantRecord[] = [];
  const events: HandoffEvent[] = [];
  const call = async (record: boolean) => {
    const askedAt = clock();
    const release = await semaphore.acquire();
    const grantedAt = clock();
    if (record) {
      grants.push({ askedAt, grantedAt });
      events.push({ kind: 'grant', process: request.processIndex, at: grantedAt });
    }
    await sleep(request.workMs);
    events.push({ kind: 'release', process: request.processIndex, at: clock() });
    await release();
    await sleep(request.pauseMs);
  };
  const loop = async () => {
    while (clock() < request.endAt) await call(clock() < request.endAt);
  };
  const fifo = async (index: number) => {
    const askAt = request.startAt + (index * request.processes + request.processIndex) * request.spacingMs;
    await sleep(Math.max(0, askAt - clock()));
    await call(true);
  };
  await Promise.all(
    Array.from({ length: request.callers }, (_, index) => (request.mode === 'loop' ? loop() : fifo(index))),
  );
  const commands = semaphore.commandsSent();
  await semaphore.close();
  return { grants, events, lateStart, commands };
});
