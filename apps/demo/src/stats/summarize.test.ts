import { describe, expect, it } from 'vitest';
import type { RequestSample } from '../load/request-sample.js';
import { phaseWindows } from './phase-window.js';
import { summarize } from './summarize.js';

const windows = phaseWindows({ healthyMs: 1000, hangMs: 2000, recoveredMs: 1000 });

function sample(partial: Partial<RequestSample> & Pick<RequestSample, 'sentAt'>): RequestSample {
  return { route: 'user', latencyMs: 10, outcome: 'ok', status: 200, ...partial };
}

describe('phaseWindows', () => {
  it('lays the phases end to end', () => {
    expect(windows).toEqual([
      { phase: 'healthy', startMs: 0, endMs: 1000 },
      { phase: 'hang', startMs: 1000, endMs: 3000 },
      { phase: 'recovered', startMs: 3000, endMs: 4000 },
    ]);
  });
});

describe('summarize', () => {
  it('attributes requests to the phase in which they were sent, and throughput to the phase of arrival', () => {
    const samples = [
      sample({ sentAt: 0, latencyMs: 10 }),
      sample({ sentAt: 500, latencyMs: 30 }),
      sample({ sentAt: 999, latencyMs: 5000 }),
      sample({ sentAt: 1000, outcome: 'rejected', status: 503, latencyMs: 1 }),
      sample({ sentAt: 1500, outcome: 'timeout', status: 0, latencyMs: 4000 }),
      sample({ sentAt: 2000, outcome: 'error', status: 502, latencyMs: 2 }),
      sample({ sentAt: 2500, latencyMs: 20 }),
      sample({ sentAt: 3500, route: 'payment' }),
    ];
    const [healthy, hang, recovered] = summarize(samples, ['user'], windows);
    // The answer sent at 999 ms arrives at 5999 ms, after the last phase: it counts in no throughput.
    expect(healthy).toMatchObject({
      phase: 'healthy',
      sent: 3,
      ok: 3,
      errors: 0,
      rejected: 0,
      throughput: 2,
    });
    expect(healthy?.p50).toBe(30);
    expect(healthy?.p99).toBe(5000);
    expect(hang).toMatchObject({ phase: 'hang', sent: 4, ok: 1, errors: 2, rejected: 1, throughput: 0.5 });
    expect(hang?.errorRate).toBe(0.5);
    expect(hang?.rejectionRate).toBe(0.25);
    expect(recovered).toMatchObject({ phase: 'recovered', sent: 0, ok: 0, errorRate: 0, rejectionRate: 0 });
    expect(recovered?.p99).toBeNaN();
  });

  it('returns one entry per route and phase, routes first', () => {
    const result = summarize([], ['payment', 'user'], windows);
    expect(result.map((entry) => `${entry.route}/${entry.phase}`)).toEqual([
      'payment/healthy',
      'payment/hang',
      'payment/recovered',
      'user/healthy',
      'user/hang',
      'user/recovered',
    ]);
  });
});
