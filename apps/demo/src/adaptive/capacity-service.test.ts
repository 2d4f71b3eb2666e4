import { afterEach, describe, expect, it } from 'vitest';
import { httpGet } from '../test-support/http-get.js';
import { type CapacityService, startCapacityService } from './capacity-service.js';

let service: CapacityService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

describe('the user service of bounded capacity, over HTTP on 127.0.0.1', () => {
  it('answers 200 once a worker served the request, one at a time at capacity 1', async () => {
    service = await startCapacityService({ capacity: 1, latencyMs: 1, jitterMs: 0 });
    const trace: string[] = [];
    service.queue.onEvent((event) => trace.push(`${event.kind} ${event.request}`));
    const answers = await Promise.all([httpGet(service.url), httpGet(service.url)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    // The second request started only after the first ended.
    expect(trace).toEqual(['start 0', 'end 0', 'start 1', 'end 1']);
  });

  it('answers 503 to the requests still inside when it closes', async () => {
    service = await startCapacityService({ capacity: 1, latencyMs: 3_600_000, jitterMs: 0 });
    const started = new Promise<void>((resolve) => service?.queue.onEvent(() => resolve()));
    const answer = httpGet(service.url);
    await started;
    await service.close();
    service = undefined;
    expect((await answer).status).toBe(503);
  });
});
