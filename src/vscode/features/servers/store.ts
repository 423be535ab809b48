/**
 * The remote servers this admin set up, kept in globalState (nothing secret: where each server is,
 * its install folder and name, its vault and registration, the state found by the last check).
 */
import * as vscode from 'vscode';
import type { SetupStatus, SshDestination } from '../../../core/service';
import type { SetupSession } from '../session/types';

/** `simulated`: the server is a simulated shell (a test double): whatever it answered, it is never shown as registered. */
export type ServerState = 'registered' | 'notRegistered' | 'vaultUnreachable' | 'revoked' | 'unreachable' | 'simulated';

export interface ServerRecord {
  /** `user@host:port`: one record per server account. */
  id: string;
  /** The ssh config alias or typed text the admin used; resolved again (through ssh config) on each use. */
  destination: string;
  /** The install folder on the server. */
  installFolder: string;
  serverName: string;
  vault?: string;
  registrationId?: string;
  state: ServerState;
  /** The refusal code of the last check, when it could not be made. */
  problem?: string;
  /**
   * `signInNeeded`: the last check read what the server says, and the vault's view (Azure's, for
   * a MARS server) needs a sign-in to Azure; not a failure of the check.
   */
  vaultView?: 'signInNeeded';
  lastCheckedAt: string;
}

const KEY = 'backupAgent.servers';

export const serverId = (d: Pick<SshDestination, 'user' | 'host' | 'port'>): string => `${d.user}@${d.host.includes(':') ? `[${d.host}]` : d.host}:${d.port}`;

/** The state a server's status reads as in the list. */
export function serverState(status: SetupStatus): ServerState {
  if (!status.config?.registration) return 'notRegistered';
  const kind = status.state.kind;
  return kind === 'revoked' ? 'revoked' : kind === 'vaultUnreachable' ? 'vaultUnreachable' : 'registered';
}

/** What a check found on the server, as a patch of its record; a simulated server's is never "registered". */
export function checkedRecord(status: SetupStatus, now: Date, simulated = false): Pick<ServerRecord, 'state' | 'lastCheckedAt'> & Partial<ServerRecord> {
  const remote = status.remote;
  const vaultView = remote && !remote.ok && remote.error.code === 'AzureSignedOut' ? ('signInNeeded' as const) : undefined;
  const checked = { problem: undefined, vaultView, lastCheckedAt: now.toISOString(), state: simulated ? ('simulated' as const) : serverState(status) };
  const config = status.config;
  if (!config?.registration) return { ...checked, registrationId: undefined };
  return { ...checked, vault: config.vault?.name, registrationId: config.registration.id, serverName: config.serverName };
}

export class ServerStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  /**
   * The list as this window last wrote it. Read back from the memento instead, a burst of updates
   * (a refresh checks several servers at once) could see an older value echoed by the storage
   * service and lose a record's change.
   */
  private records: readonly ServerRecord[];

  constructor(private readonly memento: vscode.Memento) {
    this.records = memento.get<ServerRecord[]>(KEY, []);
  }

  list(): ServerRecord[] {
    return [...this.records];
  }

  get(id: string): ServerRecord | undefined {
    return this.list().find((r) => r.id === id);
  }

  /** Adds the server, or replaces its record. */
  async put(record: ServerRecord): Promise<void> {
    const others = this.list().filter((r) => r.id !== record.id);
    await this.save([...others, record].sort((a, b) => a.destination.localeCompare(b.destination)));
  }

  async update(id: string, patch: Partial<Omit<ServerRecord, 'id'>>): Promise<void> {
    const record = this.get(id);
    if (record) await this.put({ ...record, ...patch });
  }

  async remove(id: string): Promise<void> {
    await this.save(this.list().filter((r) => r.id !== id));
  }

  /** Records every registration `session` makes on a remote server. */
  track(session: SetupSession): vscode.Disposable {
    return session.onDidRegister(({ target, result }) => {
      if (target.kind !== 'ssh') return;
      const { destination } = target.target;
      void this.put({
        id: serverId(destination),
        destination: destination.name,
        installFolder: result.installFolder,
        serverName: result.serverName,
        vault: result.vault.vaultName,
        registrationId: result.registrationId,
        state: 'registered',
        lastCheckedAt: new Date().toISOString(),
      });
    });
  }

  dispose(): void {
    this.emitter.dispose();
  }

  private async save(records: ServerRecord[]): Promise<void> {
    this.records = records;
    this.emitter.fire();
    await this.memento.update(KEY, records);
  }
}
