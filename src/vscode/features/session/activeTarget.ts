/**
 * The server a session sets up and the SetupService over it. The service comes from the factory
 * the window's composition root built, and is rebuilt when what it is built from changed or the
 * target did; the SSH connection of a target left behind is closed.
 */
import type * as vscode from 'vscode';
import type { BackendChoice, FleetShared, SetupService, Target } from '../../../core/service';
import type { SessionTarget } from './target';

/** Builds services over any target with this window's settings (a fleet builds one per server). */
export interface ServiceFactory {
  /**
   * `choice.backend`: the vault service (a fleet's plan names it per server); the local vault when
   * absent. `run`: what a fleet run's setups share.
   */
  (target: Target, choice?: BackendChoice, run?: FleetShared): SetupService;
  /**
   * What the services are built from now (trusted CAs, VS Code's proxy settings), compared on
   * every use rather than trusted to a change event: VS Code re-filters settings (a
   * machine-scoped value in User settings of a remote window) without reporting
   * affectsConfiguration for the keys it drops.
   */
  inputs(): string;
}

export class ActiveTarget {
  private service?: { inputs: string; backend: BackendChoice['backend'] | undefined; service: SetupService };

  constructor(
    private active: SessionTarget,
    private readonly createService: ServiceFactory,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get current(): SessionTarget {
    return this.active;
  }

  /**
   * Sets up `next` from now on (its own service). Returns the target left behind, for the caller
   * to close once it has moved on; undefined when `next` already was the target.
   */
  switchTo(next: SessionTarget): SessionTarget | undefined {
    const previous = this.active;
    if (previous === next) return undefined;
    this.active = next;
    this.service = undefined;
    return previous;
  }

  /** Closes `left`'s SSH connection (see switchTo). */
  close(left: SessionTarget): Promise<void> {
    return closeTarget(left.target, this.log);
  }

  /**
   * The service over the current target for `choice`'s vault service (the local vault's when
   * absent), rebuilt whenever what it is built from changed.
   */
  getService(choice?: BackendChoice): SetupService {
    const inputs = this.createService.inputs();
    const backend = choice?.backend;
    if (this.service?.inputs !== inputs || this.service.backend !== backend) {
      this.service = { inputs, backend, service: this.createService(this.active.target, choice) };
    }
    return this.service.service;
  }

  /** The install folder chosen for the target (undefined: the platform's default). */
  installFolder(): string | undefined {
    return this.active.place().installFolder || undefined;
  }

  dispose(): void {
    void closeTarget(this.active.target, this.log);
  }
}

/** Closes an SSH connection that is no longer used; the local target has nothing to close. */
async function closeTarget(target: Target, log: vscode.LogOutputChannel): Promise<void> {
  if (target.isLocal) return;
  await target.close().catch((err) => log.warn(`Closing the connection to ${target.label} failed: ${err instanceof Error ? err.message : String(err)}`));
}
