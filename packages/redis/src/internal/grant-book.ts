import type { BulkheadEventEmitter, CallOutcome, Permit } from '@x/bulkhead-core';
import type { AdmissionLedger } from '@x/bulkhead-core/extension';
import { BulkheadLeaseLostError } from '../errors.js';
import { type Admission, Grant, GrantPermit, type RedisPermit } from '../redis-permit.js';
import type { ClusterCommands } from './cluster-commands.js';
import { RELEASE_SCRIPT } from './lua-scripts.js';
import { Script } from './script-runner.js';

const RELEASE = new Script(RELEASE_SCRIPT);

const now = (): number => performance.now();

/** Options of `GrantBook`. */
export interface GrantBookOptions {
  readonly bulkheadName: string;
  readonly ledger: AdmissionLedger;
  readonly events: BulkheadEventEmitter;
  readonly commands: ClusterCommands;
  /** A cluster lease is held: the renewal loop must run. */
  readonly startRenewal: () => void;
  /** A lease or waiter is gone: the renewal loop may stop. */
  readonly stopRenewalWhenIdle: () => void;
}

/** The permits this process holds: grants them, releases each once (in Redis too) and loses leases. */
export class GrantBook {
  readonly #grants = new Map<string, Grant>();
  readonly #settings: GrantBookOptions;
  #localActive = 0;
  #leaseLostCount = 0;
  #idle: Array<() => void> = [];

  constructor(settings: GrantBookOptions) {
    this.#settings = settings;
  }

  /** Permits held by this process. */
  get localActive(): number {
    return this.#localActive;
  }

  /** Cluster leases held (the ones the renewal loop extends). */
  get heldCount(): number {
    return this.#grants.size;
  }

  /** Leases lost so far. */
  get leaseLostCount(): number {
    return this.#leaseLostCount;
  }

  /** The cluster leases held. */
  heldLeases(): Grant[] {
    return [...this.#grants.values()];
  }

  /** Resolves once the permits held now are released (call it while `localActive > 0`). */
  whenIdle(): Promise<void> {
    return new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  /** Admits one call with permit `id`. */
  grant(
    id: string,
    token: number | undefined,
    waitTime: number,
    admission: Admission = 'cluster',
    local?: Permit,
  ): RedisPermit {
    const grant = new Grant(id, token, admission, now(), waitTime, local);
    this.#localActive++;
    if (admission === 'cluster') {
      this.#grants.set(id, grant);
      this.#settings.startRenewal();
    }
    this.#settings.ledger.permitted(waitTime);
    return new GrantPermit(this.#settings.bulkheadName, grant, this.#release);
  }

  /** Marks a lease lost and aborts its call's signal with a `BulkheadLeaseLostError`. */
  loseLease(grant: Grant): void {
    if (grant.lost) return;
    grant.lost = true;
    this.#grants.delete(grant.id);
    this.#leaseLostCount++;
    this.#settings.stopRenewalWhenIdle();
    grant.controller.abort(
      new BulkheadLeaseLostError({
        bulkheadName: this.#settings.bulkheadName,
        fencingToken: grant.fencingToken ?? 0,
      }),
    );
  }

  readonly #release = (grant: Grant, outcome: CallOutcome): void => {
    const { commands, events, ledger } = this.#settings;
    this.#localActive--;
    ledger.finished(outcome, events.listeningFinished ? grant.admittedAt : -1, grant.waitTime);
    if (grant.admission === 'local') grant.localPermit?.release(outcome);
    if (grant.admission === 'cluster' && !grant.lost) {
      this.#grants.delete(grant.id);
      this.#settings.stopRenewalWhenIdle();
      commands.track(
        commands.run(RELEASE, [grant.id]).then((reply) => commands.observe(reply[1], reply[2], reply[3])),
      );
    }
    if (this.#localActive === 0 && this.#idle.length > 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    }
  };
}
