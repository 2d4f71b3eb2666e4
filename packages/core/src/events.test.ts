import { afterEach, describe, expect, it, vi } from 'vitest';
import { BulkheadEventEmitter, type FinishedEvent, type PermittedEvent } from './index.js';

const permitted: PermittedEvent = {
  bulkheadName: 'events',
  bulkheadType: 'semaphore',
  waitTime: 0,
  activeCount: 1,
};
const finished: FinishedEvent = {
  bulkheadName: 'events',
  bulkheadType: 'semaphore',
  outcome: 'success',
  duration: 5,
  waitTime: 0,
};

afterEach(() => vi.restoreAllMocks());

describe('BulkheadEventEmitter', () => {
  it('delivers each event to its own listeners, in subscription order', () => {
    const emitter = new BulkheadEventEmitter();
    const trace: string[] = [];
    emitter.on('permitted', (event) => trace.push(`a:${event.activeCount}`));
    emitter.on('permitted', () => trace.push('b'));
    emitter.on('finished', (event) => trace.push(`finished:${event.duration}`));
    emitter.emit('permitted', permitted);
    emitter.emit('finished', finished);
    expect(trace).toEqual(['a:1', 'b', 'finished:5']);
  });

  it('tracks listening and has() as listeners come and go', () => {
    const emitter = new BulkheadEventEmitter();
    expect(emitter.listening).toBe(false);
    const disposePermitted = emitter.on('permitted', () => undefined);
    const disposeRejected = emitter.on('rejected', () => undefined);
    expect(emitter.listening).toBe(true);
    expect([emitter.has('permitted'), emitter.has('rejected'), emitter.has('finished')]).toEqual([
      true,
      true,
      false,
    ]);
    disposePermitted();
    expect(emitter.listening).toBe(true);
    disposeRejected();
    expect(emitter.listening).toBe(false);
    expect(emitter.has('rejected')).toBe(false);
  });

  it('an unsubscription during an emit does not skip the remaining listeners of that emit', () => {
    const emitter = new BulkheadEventEmitter();
    const trace: string[] = [];
    let disposeSecond = (): void => undefined;
    emitter.on('finished', () => {
      trace.push('first');
      disposeSecond();
    });
    disposeSecond = emitter.on('finished', () => trace.push('second'));
    emitter.emit('finished', finished);
    emitter.emit('finished', finished);
    expect(trace).toEqual(['first', 'second', 'first']);
  });

  it('a throwing listener becomes a BulkheadListenerWarning and the next listener still runs', () => {
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const emitter = new BulkheadEventEmitter();
    const after = vi.fn();
    emitter.on('permitted', () => {
      throw new Error('oops');
    });
    emitter.on('permitted', after);
    expect(() => emitter.emit('permitted', permitted)).not.toThrow();
    expect(after).toHaveBeenCalledWith(permitted);
    expect(warning).toHaveBeenCalledWith(
      "A 'permitted' listener of bulkhead 'events' threw: Error: oops",
      'BulkheadListenerWarning',
    );
  });

  it('rejects unknown events everywhere and non-function listeners', () => {
    const emitter = new BulkheadEventEmitter();
    const message = "unknown bulkhead event 'done'; expected permitted, rejected or finished";
    expect(() => emitter.on('done' as never, () => undefined)).toThrow(new TypeError(message));
    expect(() => emitter.has('done' as never)).toThrow(new TypeError(message));
    expect(() => emitter.emit('done' as never, permitted as never)).toThrow(new TypeError(message));
    expect(() => emitter.on('finished', undefined as never)).toThrow(
      new TypeError('listener must be a function, got undefined'),
    );
  });
});
