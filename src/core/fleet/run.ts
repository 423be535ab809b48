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
import { FleetCode, type FleetInput, type FleetOptions, type FleetReport, type FleetRun, type FleetShared, type ServerRow } from './types';
import { RunPackages } from '../install/download';
import { validateFleetShape } from './validate';
import { agentForPlatform, chooseVault } from '../vault/choose';
import type { AgentKind } from '../vault/kinds';
import type { HostFacts, Target } from '../target/target';
import type { AgentFolders } from './folders';

const VAULT_MACHINE_LIMIT_CODE = 'VaultMachineLimitReached';

type Reason = NonNullable<ServerRow['reason']>;

export function startFleet(input: FleetInput, options: FleetOptions): FleetRun {
  const fleet = new Fleet(input, options);
  return { rows: fleet.rows, report: fleet.run(), cancel: (key) => fleet.cancel(key) };
}

class Fleet {
  readonly rows: ServerRow[];
  private readonly queue: number[];
  /** Per server being probed or run, so cancel(key) reaches it. */
  private readonly running = new Map<string, AbortController>();
  /** Per such server, what unlinks its controller from the run's signal. */
  private readonly rowCleanups = new Map<string, () => void>();
  /** Set once the vault refuses a registration for its machine limit. */
  private limitReached?: Reason;
  /** Each server's file, when the plan probed it before the run. */
  private readonly planned = new Map<string, FleetFile>();
  /** Each agent's folders, asked once (FleetOptions.foldersFor); `asking` keeps the questions one at a time. */
  private readonly folders = new Map<AgentKind, Promise<AgentFolders | undefined>>();
  private asking: Promise<unknown> = Promise.resolve();
  /** The probe's connection of the first servers to run: each run takes its own over, or the run's end closes it. */
  private readonly probedTargets = new Map<string, Target>();
  /** What this run's setups share (the agent package's answers). */
  private readonly shared: FleetShared = { packages: new RunPackages() };

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
    for (const file of [input.credentialsFile, ...(input.credentialsFiles ?? [])]) files.push(await this.fleetFile(file));
    requireOneFilePerBackend(files);
    const credentials = files[0]!.credentials;
    const passphrases = await preparePassphrases(input.passphrase, input.servers, credentials, options.confirmPassphraseLocation);
    if (options.signal?.aborted) throw new CancelledError();
    try {
      return await this.runPlanned(files, passphrases, concurrency);
    } finally {
      // A server the plan refused, or one that ended queued, never took its probe's connection over.
      await Promise.all([...this.probedTargets.keys()].map((key) => this.closeProbed(key)));
    }
  }

  private async runPlanned(files: FleetFile[], passphrases: PassphraseSource, concurrency: number): Promise<FleetReport> {
    const { input, options } = this;
    const { credentials } = files[0]!;
    const { backend, agent } = files[0]!.choice;
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
      void this.closeProbed(key);
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

  /** A file of the run, checked as the single-server setup checks it, with its backend and agent (its refusal included). */
  private async fleetFile(file: string): Promise<FleetFile> {
    const credentials = await inspectCredentials(file, new Date(), this.options.signal);
    return { file, credentials, choice: chooseVault(credentials, { armEndpoint: this.options.armEndpoint }) };
  }

  /**
   * Before any server runs: each server's facts (its row "connecting", cancellable on its own),
   * then a file for each agent the servers need that no file is for (`fileFor`), and so each
   * server's file, backend and agent. A server no file has an agent for, or that cannot be
   * reached, ends here, failed, and is not attempted.
   */
  private async plan(files: FleetFile[], probe: NonNullable<FleetOptions['probe']>, concurrency: number): Promise<void> {
    const pending = [...this.queue];
    // The probe's connection is kept for the servers the run starts first, as many as it runs at
    // once: one kept further down the queue would sit idle for most of the run.
    const keep = new Set(pending.slice(0, concurrency));
    const ended = new Set<number>();
    const probed = new Map<number, Pick<HostFacts, 'platform'>>();
    const fail = (index: number, err: unknown) => {
      ended.add(index);
      void this.closeProbed(this.input.servers[index]!.key);
      this.update(index, { state: 'failed', reason: this.reasonOf(this.input.servers[index]!.key, err), finishedAt: new Date().toISOString() });
    };
    const next = async (): Promise<void> => {
      for (let index = pending.shift(); index !== undefined && !this.options.signal?.aborted; index = pending.shift()) {
        const server = this.input.servers[index]!;
        const controller = this.startRow(server.key);
        this.update(index, { state: 'connecting', startedAt: new Date().toISOString() });
        try {
          const { target, ...facts } = await probe(server, controller.signal);
          if (target) this.probedTargets.set(server.key, target);
          if (!keep.has(index)) await this.closeProbed(server.key);
          probed.set(index, facts);
          this.update(index, { state: 'queued' });
        } catch (err) {
          if (this.options.signal?.aborted) return;
          if (controller.signal.aborted) {
            ended.add(index);
            this.update(index, { state: 'cancelled', finishedAt: new Date().toISOString() });
          } else fail(index, err);
        } finally {
          this.endRow(server.key);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, next));
    if (this.options.signal?.aborted) return;
    const missing = new Set([...probed.values()].map((facts) => agentForPlatform(facts.platform)).filter((agent) => !files.some((f) => f.choice.agent === agent)));
    for (const agent of missing) {
      const file = await this.options.fileFor?.(agent, this.options.signal);
      if (file) files.push(await this.fleetFile(file));
    }
    requireOneFilePerBackend(files);
    for (const [index, facts] of probed) {
      const server = this.input.servers[index]!;
      try {
        const file = fileForServer(files, facts, server.key);
        this.planned.set(server.key, file);
        this.update(index, { backend: file.choice.backend, agent: file.choice.agent });
      } catch (err) {
        fail(index, err);
      }
    }
    this.queue.splice(0, this.queue.length, ...this.queue.filter((i) => !ended.has(i)));
    // Each agent's folders, for the agents the servers get (in the order of their files), before any server starts.
    const agents = new Set([...this.planned.values()].map((f) => f.choice.agent));
    for (const { choice } of files) {
      // A dismissed question cancels the run (the adapter's choice): nothing more is asked.
      if (this.options.signal?.aborted) return;
      if (agents.has(choice.agent)) await this.foldersFor(choice.agent);
    }
  }

  private foldersFor(agent: AgentKind): Promise<AgentFolders | undefined> {
    let answer = this.folders.get(agent);
    if (!answer) {
      const ask = this.options.foldersFor;
      answer = ask ? this.asking.then(() => ask(agent, this.options.signal)) : Promise.resolve(undefined);
      this.asking = answer.catch(() => undefined);
      this.folders.set(agent, answer);
    }
    return answer;
  }

  /** A row's own cancellation, which cancel(key) reaches; linked to the whole run's. */
  private startRow(key: string): AbortController {
    const controller = new AbortController();
    const abort = () => controller.abort();
    this.options.signal?.addEventListener('abort', abort, { once: true });
    this.running.set(key, controller);
    this.rowCleanups.set(key, () => this.options.signal?.removeEventListener('abort', abort));
    return controller;
  }

  private endRow(key: string): void {
    this.rowCleanups.get(key)?.();
    this.rowCleanups.delete(key);
    this.running.delete(key);
  }

  private async runServer(index: number, files: readonly FleetFile[], passphrases: PassphraseSource): Promise<void> {
    const { input, options } = this;
    const server = input.servers[index]!;
    const signal = this.startRow(server.key).signal;
    this.update(index, { state: 'connecting', startedAt: new Date().toISOString() });

    let outcome: ServerOutcome | { state: 'failed'; reason: Reason } | { state: 'cancelled' } | { state: 'simulated'; serverName?: string };
    try {
      const probedTarget = this.probedTargets.get(server.key);
      this.probedTargets.delete(server.key);
      const target = probedTarget ?? (await options.openTarget(server, signal));
      try {
        // The plan's choice, or (without a probe) the same check now, before anything runs on the server.
        if (options.isSimulated?.(target)) this.update(index, { simulated: true });
        const file = this.planned.get(server.key) ?? fileForServer(files, await target.facts(signal), target.label);
        this.update(index, { state: 'running', backend: file.choice.backend, agent: file.choice.agent });
        const folders = await this.foldersFor(file.choice.agent);
        const service = options.createService(target, file.choice, this.shared);
        outcome = await setUpServer({ server, service, input, file, passphrases, folders, signal, note: (change) => this.update(index, change) });
        // A simulated shell answers what it is told: its rows are labelled, never reported as registered.
        if (options.isSimulated?.(target)) outcome = { state: 'simulated', ...(outcome.serverName ? { serverName: outcome.serverName } : {}) };
      } finally {
        // Closed before the row says it ended, so an ended row means the connection is gone.
        await target.close().catch((err: unknown) => options.logger.warn(`Fleet: closing ${server.key} failed: ${describe(err)}`));
      }
    } catch (err) {
      outcome = signal.aborted || err instanceof CancelledError ? { state: 'cancelled' } : { state: 'failed', reason: this.reasonOf(server.key, err) };
    } finally {
      this.endRow(server.key);
    }
    if (outcome.state === 'failed' && outcome.reason.code === VAULT_MACHINE_LIMIT_CODE) this.limitReached ??= outcome.reason;
    options.logger.info(`Fleet: ${server.key} ${outcome.state}${'reason' in outcome && outcome.reason ? ` (${outcome.reason.code})` : ''}.`);
    this.update(index, { ...outcome, finishedAt: new Date().toISOString() });
  }

  private async closeProbed(key: string): Promise<void> {
    const target = this.probedTargets.get(key);
    this.probedTargets.delete(key);
    await target?.close().catch((err: unknown) => this.options.logger.warn(`Fleet: closing ${key} failed: ${describe(err)}`));
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
