/**
 * The fleet's contract: many servers set up with one credentials file, a few at a time, each row
 * of the result telling what happened on one server. Targets and services come from the adapter
 * (openTarget, createService), so the fleet knows nothing of SSH or of VS Code.
 */
import type { ErrorCode } from '../errorCatalogue';
import type { ErrorParams } from '../errors';
import type { RunPackages } from '../install/download';
import type { Logger } from '../log';
import type { Secret } from '../secret';
import type { ProxySettings } from '../proxy/settings';
import type { BackendChoice, ConfirmPassphraseLocation, SetupService } from '../service';
import type { SshDestination } from '../target/ssh/types';
import type { HostFacts, Target } from '../target/target';
import type { AgentKind } from '../vault/kinds';
import type { AgentFolders } from './folders';

/** The most servers one fleet run takes: the vault's own limit of machines (agent facts §2: 50 per vault). */
export const FLEET_MACHINE_LIMIT = 50;
export const DEFAULT_FLEET_CONCURRENCY = 8;
export const MAX_FLEET_CONCURRENCY = 64;

/** Every code the fleet itself produces (servers' own refusals keep the setup's codes). */
export const FleetCode = {
  /** No server given. */
  Empty: 'FleetEmpty',
  /** More servers than FLEET_MACHINE_LIMIT. */
  TooLarge: 'FleetTooLarge',
  /** Two servers with the same key. */
  DuplicateServer: 'FleetDuplicateServer',
  /** Concurrency outside 1..MAX_FLEET_CONCURRENCY. */
  InvalidConcurrency: 'FleetInvalidConcurrency',
  /** The per-server passphrase folder does not exist and cannot be created (a file is in the way, no permission). */
  PassphraseFolderMissing: 'FleetPassphraseFolderMissing',
  /** Two servers would save their passphrases to the same file. */
  PassphraseFileClash: 'FleetPassphraseFileClash',
  /** The server's configuration already records a registration with this vault: left as it is. */
  AlreadyRegistered: 'AlreadyRegistered',
  /** Two credentials files of one run are for the same vault service: a fleet takes one per service. */
  CredentialsPerBackend: 'FleetCredentialsPerBackend',
  /** A failure that is not one of the setup's refusals; the details are in the log. */
  Unexpected: 'Unexpected',
} as const;
export type FleetCode = (typeof FleetCode)[keyof typeof FleetCode];

export interface FleetServer {
  /** Stable within a fleet: the destination's name. */
  key: string;
  destination: SshDestination;
  /** The server's name at the vault; its host name when absent. */
  serverName?: string;
  /** Overrides the fleet's install folder for this server. */
  installFolder?: string;
}

export type PassphrasePolicy =
  /** One passphrase for every server; with `file`, saved there once (admin side) before any server starts. */
  | { kind: 'shared'; value: Secret; file?: string }
  /** A passphrase generated per server, each saved to its own 0600 file in `folder` (admin side). */
  | { kind: 'perServer'; folder: string };

export interface FleetInput {
  servers: FleetServer[];
  /** A `.VaultCredentials` file on the admin machine. */
  credentialsFile: string;
  /**
   * More files for a mixed run, one per vault service (backend): each server takes the file whose
   * agent runs on its operating system (plan.ts).
   */
  credentialsFiles?: string[];
  proxy: ProxySettings;
  installFolder?: string;
  cacheFolder?: string;
  dataSizeBytes?: number;
  passphrase: PassphrasePolicy;
  /** How many servers are worked on at once; DEFAULT_FLEET_CONCURRENCY when absent. */
  concurrency?: number;
}

/** `simulated`: the server was a simulated Windows shell (a test double); whatever it answered, nothing was registered. */
export type ServerState = 'queued' | 'connecting' | 'running' | 'registered' | 'skipped' | 'failed' | 'cancelled' | 'simulated';

/** The states a server ends in. */
export type FinalState = Extract<ServerState, 'registered' | 'skipped' | 'failed' | 'cancelled'>;

export interface ServerRow {
  key: string;
  state: ServerState;
  /** The vault service and agent this server gets (from its operating system and the run's files), once known. */
  backend?: BackendChoice['backend'];
  agent?: BackendChoice['agent'];
  /** The server was a simulated shell (FleetOptions.isSimulated): nothing it answered counts as done. */
  simulated?: true;
  /** The registration's current stage (REGISTER_STAGES) while running, the last one entered after. */
  stage?: string;
  registrationId?: string;
  serverName?: string;
  /** Where this server's passphrase is saved (admin side). */
  passphraseFile?: string;
  /** Why it failed or was skipped: a code of the catalogue, so every surface finds its next step and texts. */
  reason?: { code: ErrorCode; message: string; params: ErrorParams };
  startedAt?: string;
  finishedAt?: string;
}

export interface FleetReport extends BackendChoice {
  /** The vault's name, from the credentials file. */
  vault: string;
  startedAt: string;
  finishedAt: string;
  /** In input order. */
  rows: ServerRow[];
  counts: Record<FinalState, number> & { simulated?: number };
}

/** What the setups of one run share, made once per run by the fleet. */
export interface FleetShared {
  /** The agent package's `latest` answer and hash check, once per run rather than per server. */
  packages: RunPackages;
}

export interface FleetOptions {
  openTarget(server: FleetServer, signal: AbortSignal): Promise<Target>;
  /**
   * One per server, built by the adapter (trust, network options, download cache) for the vault
   * service the plan chose for it (`choice.backend`: SetupServiceOptions.backend), whose service
   * then chooses the server's agent driver. `run` is what the run's setups share
   * (SetupServiceOptions.packages): the adapter passes it on.
   */
  createService(target: Target, choice: BackendChoice, run: FleetShared): SetupService;
  signal?: AbortSignal;
  /** Called with a copy of a row each time it changes. */
  onUpdate?(row: ServerRow): void;
  /** Asked once, before any server starts, when the passphrase file(s) location deserves a second thought. */
  confirmPassphraseLocation?: ConfirmPassphraseLocation;
  logger: Logger;
  /** The configured Resource Manager endpoint, as the services get it (vault/choose.ts). */
  armEndpoint?: string;
  /**
   * Reads a server's facts before anything runs, so the plan refuses a server no file has an agent
   * for before any server starts; without it each server is checked once connected, before anything
   * runs on it. A `target` returned with the facts (the connection the probe read them through)
   * is the one the server's run uses, rather than a connection of its own; the fleet closes it.
   */
  probe?(server: FleetServer, signal?: AbortSignal): Promise<Pick<HostFacts, 'platform'> & { target?: Target }>;
  /**
   * With `probe`: asked, once the servers are probed, for the credentials file of an agent some
   * servers need and no file of the run is for (undefined: those servers are refused).
   */
  fileFor?(agent: AgentKind, signal?: AbortSignal): Promise<string | undefined>;
  /** True for a target that only simulates a Windows shell (tests): its rows are labelled simulated, never registered. */
  isSimulated?(target: Target): boolean;
  /**
   * Asked once per agent the run's servers get, one question at a time, as soon as the plan knows
   * that agent is among them (after the probe; without one, when its first server is connected):
   * that agent's folders on its servers (SERVER_TOKEN in them is each server's key), which take
   * the place of FleetInput's. Undefined: FleetInput's folders, else each platform's default.
   */
  foldersFor?(agent: AgentKind, signal?: AbortSignal): Promise<AgentFolders | undefined>;
}

export interface FleetRun {
  /** Live rows, in input order. */
  readonly rows: ServerRow[];
  /** Rejects (with a SetupError, nothing started) when the input is refused; otherwise resolves once every server ended. */
  report: Promise<FleetReport>;
  /** Cancels one server: aborts its registration, or takes it off the queue. */
  cancel(key: string): void;
}
