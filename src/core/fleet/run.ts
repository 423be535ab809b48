/**
 * Runs a fleet: validates everything first, then works on a bounded number of servers at once
 * from a queue, keeping one row per server up to date. A cancellation (all, or one server)
 * reaches running registrations through their signal and takes queued servers off the queue; the
 * vault's machine limit stops the queue, since every later server would be refused too.
 */
import { CancelledError, SetupError } from '../errors';
import { withNextStep } from '../registration/errors';
import { inspectCredentials } from '../service/prepare';
import { preparePassphrases, type PassphraseSource } from './passphrases';
import { fileForServer, requireOneFilePerBackend, type FleetFile } from './plan';
import { countRows } from './report';
import { setUpServer, type ServerOutcome } from './server';
import { FleetCode, type FleetInput, type FleetOptions, type FleetReport, type FleetRun, type ServerRow } from './types';
import { validateFleetShape } from './validate';
import { chooseVault } from '../vault/choose';

const VAULT_MACHINE_LIMIT_CODE = 'VaultMachineLimitReached';

type Reason = NonNullable<ServerRow['reason']>;

export function startFleet(input: FleetInput, options: FleetOptions): FleetRun {
  const fleet = new Fleet(input, options);
  return { rows: fleet.rows, report: fleet.run(), cancel: (key) => fleet.cancel(key) };
}

class Fleet {
  readonly rows: ServerRow[];
  private readonly queue: number[];
  /** Per running server, so cancel(key) reaches its registration. */
  private readonly running = new Map<string, AbortController>();
  /** Set once the vault refuses a registration for its machine limit. */
  private limitReached?: Reason;
  /** Each server's file, when the plan probed it before the run. */
  private readonly planned = new Map<string, FleetFile>();

  constructor(
    private readonly input: FleetInput,
    private readonly options: FleetOptions,
  ) {
    this.rows = input.servers.map((s) => ({ key: s.key, state: 'queued' }));
    this.queue = input.servers.map((_, i) => i);
  }

  async run(): Promise<FleetReport> {
    const { input, options } = this;
    const concurrency = validateFleetShape(input);
    // Checked up front so their refusals (as the single-server setup's) come before any server is
    // contacted; each registration reads its file again, as a single-server setup does.
    const files: FleetFile[] = [];
    for (const file of [input.credentialsFile, ...(input.credentialsFiles ?? [])]) {
      const credentials = await inspectCredentials(file, new Date(), options.signal);
      // The file's backend and agent, as the single-server setup chooses them (its refusal included).
      files.push({ file, credentials, choice: chooseVault(credentials, { armEndpoint: options.armEndpoint }) });
    }
    requireOneFilePerBackend(files);
    const credentials = files[0]!.credentials;
    const { backend, agent } = files[0]!.choice;
    const passphrases = await preparePassphrases(input.passphrase, input.servers, credentials, options.confirmPassphraseLocation);
    if (options.signal?.aborted) throw new CancelledError();
    if (options.probe) await this.plan(files, options.probe, concurrency);

    const startedAt = new Date().toISOString();
    options.logger.info(`Fleet: ${input.servers.length} servers, ${concurrency} at a time, vault ${credentials.vaultName}.`);
    const stopAll = () => this.endQueued('cancelled');
    options.signal?.addEventListener('abort', stopAll, { once: true });
    try {
      await this.drain(concurrency, (i) => this.runServer(i, files, passphrases));
    } finally {
      options.signal?.removeEventListener('abort', stopAll);
    }
    const rows = this.rows.map((r) => ({ ...r }));
    const counts = countRows(rows);
    options.logger.info(`Fleet done: ${counts.registered} registered, ${counts.skipped} skipped, ${counts.failed} failed, ${counts.cancelled} cancelled.`);
    return { vault: credentials.vaultName, backend, agent, startedAt, finishedAt: new Date().toISOString(), rows, counts };
  }

  cancel(key: string): void {
    const index = this.rows.findIndex((r) => r.key === key);
    if (index < 0) return;
    const queued = this.queue.indexOf(index);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.update(index, { state: 'cancelled', finishedAt: new Date().toISOString() });
    }
    this.running.get(key)?.abort();
  }

  /** Starts queued servers while fewer than `concurrency` run; resolves when none is left. */
  private drain(concurrency: number, work: (index: number) => Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      let active = 0;
      const next = () => {
        if (this.options.signal?.aborted) this.endQueued('cancelled');
        else if (this.limitReached) this.endQueued('failed', this.limitReached);
        while (active < concurrency && this.queue.length > 0) {
          const index = this.queue.shift()!;
          active++;
          void work(index).finally(() => {
            active--;
            next();
          });
        }
        if (active === 0) resolve();
      };
      next();
    });
  }

  /** Every server still queued ends without being attempted. */
  private endQueued(state: 'cancelled' | 'failed', limit?: Reason): void {
    const finishedAt = new Date().toISOString();
    const reason = limit && { code: limit.code, message: `${limit.message} This server was not attempted.`, params: { ...limit.params, attempted: false } };
    for (const index of this.queue.splice(0)) this.update(index, { state, finishedAt, ...(reason ? { reason } : {}) });
  }

  /**
   * Before any server runs: each server's facts, and so its file, backend and agent; a server no
   * file has an agent for (or that cannot be reached) ends here, failed, and is not attempted.
   */
  private async plan(files: readonly FleetFile[], probe: NonNullable<FleetOptions['probe']>, concurrency: number): Promise<void> {
    const pending = [...this.queue];
    const refused = new Set<number>();
    const next = async (): Promise<void> => {
      for (let index = pending.shift(); index !== undefined; index = pending.shift()) {
        const server = this.input.servers[index]!;
        try {
          const file = fileForServer(files, await probe(server, this.options.signal), server.key);
          this.planned.set(server.key, file);
          this.update(index, { backend: file.choice.backend, agent: file.choice.agent });
        } catch (err) {
          if (this.options.signal?.aborted) return;
          refused.add(index);
          this.update(index, { state: 'failed', reason: this.reasonOf(server.key, err), finishedAt: new Date().toISOString() });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, next));
    this.queue.splice(0, this.queue.length, ...this.queue.filter((i) => !refused.has(i)));
  }

  private async runServer(index: number, files: readonly FleetFile[], passphrases: PassphraseSource): Promise<void> {
    const { input, options } = this;
    const server = input.servers[index]!;
    const controller = new AbortController();
    const abort = () => controller.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    this.running.set(server.key, controller);
    const signal = controller.signal;
    this.update(index, { state: 'connecting', startedAt: new Date().toISOString() });

    let outcome: ServerOutcome | { state: 'failed'; reason: Reason } | { state: 'cancelled' } | { state: 'simulated'; serverName?: string };
    try {
      const target = await options.openTarget(server, signal);
      try {
        // The plan's choice, or (without a probe) the same check now, before anything runs on the server.
        if (options.isSimulated?.(target)) this.update(index, { simulated: true });
        const file = this.planned.get(server.key) ?? fileForServer(files, await target.facts(signal), target.label);
        this.update(index, { state: 'running', backend: file.choice.backend, agent: file.choice.agent });
        const service = options.createService(target, file.choice);
        outcome = await setUpServer({ server, service, input, file, passphrases, signal, note: (change) => this.update(index, change) });
        // A simulated shell answers what it is told: its rows are labelled, never reported as registered.
        if (options.isSimulated?.(target)) outcome = { state: 'simulated', ...(outcome.serverName ? { serverName: outcome.serverName } : {}) };
      } finally {
        // Closed before the row says it ended, so an ended row means the connection is gone.
        await target.close().catch((err: unknown) => options.logger.warn(`Fleet: closing ${server.key} failed: ${describe(err)}`));
      }
    } catch (err) {
      outcome = signal.aborted || err instanceof CancelledError ? { state: 'cancelled' } : { state: 'failed', reason: this.reasonOf(server.key, err) };
    } finally {
      options.signal?.removeEventListener('abort', abort);
      this.running.delete(server.key);
    }
    if (outcome.state === 'failed' && outcome.reason.code === VAULT_MACHINE_LIMIT_CODE) this.limitReached ??= outcome.reason;
    options.logger.info(`Fleet: ${server.key} ${outcome.state}${'reason' in outcome && outcome.reason ? ` (${outcome.reason.code})` : ''}.`);
    this.update(index, { ...outcome, finishedAt: new Date().toISOString() });
  }

  /** A refusal as the setup words it; anything else is reported generically, its details logged only. */
  private reasonOf(key: string, err: unknown): Reason {
    if (err instanceof SetupError) return withNextStep(err).toJSON();
    this.options.logger.error(`Fleet: unexpected failure on ${key}: ${describe(err)}`);
    return { code: FleetCode.Unexpected, message: 'Something unexpected went wrong on this server; the log has the details.', params: { key } };
  }

  /** Applies a change and tells the adapter, only when something changed. */
  private update(index: number, change: Partial<ServerRow>): void {
    const row = this.rows[index]!;
    const changed = (Object.keys(change) as Array<keyof ServerRow>).some((k) => row[k] !== change[k]);
    if (!changed) return;
    Object.assign(row, change);
    try {
      this.options.onUpdate?.({ ...row });
    } catch (err) {
      // A broken view must not leave a server half-tracked or the queue stalled.
      this.options.logger.error(`Fleet: showing ${row.key} failed: ${describe(err)}`);
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
