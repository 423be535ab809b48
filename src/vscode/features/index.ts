/**
 * Entry of the features bundle: every command handler and the status controller, built over the
 * window's SetupSession. The extension bundle loads it on first use (see lazyFeatures.ts).
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { AzureVaultBackend, LocalVaultBackend, SetupService, type BackendChoice, type BackendHost, type FleetShared, type ServerRow, type Target } from '../../core/service';
import { COMMANDS, VIEWS, type CommandId } from '../ids';
import type { RegistrationStatusBar } from '../statusBar';
import { changeProperties, showStatus, unregister } from './commands/manage';
import { register, setup } from './commands/setup';
import { configureProxy, enterPassphrase, generatePassphrase, installAgent, selectCredentials, setCacheFolder, testConnectivity } from './commands/steps';
import { trustVaultCertificate } from './commands/trust';
import type { FeatureContext } from './context';
import { registerServers, showLastFleetReport, type FleetDeps } from './fleet/registerServers';
import { FleetRunView } from './fleet/view';
import { currentInput, useInput, useVscodeInput } from './input/current';
import type { UserInput } from './input/userInput';
import { LocalVault } from './localVault';
import { AzureSignInState, isSignedInToAzure } from './azure/signInState';
import { IssuedFiles } from './azure/issuedFiles';
import { lazyIssuer } from './azure/lazyIssuer';
import { marsAdapter } from './mars';
import type { TestArmProvider } from './azure/testProvider';
import type { AzureFeature } from './azure/getCredentials';
import { chooseRemoteServer } from './remote/choose';
import { registerRemote } from './remote/registerRemote';
import { refreshServers, serverChangeProperties, serverRemove, serverShowStatus, serverUnregister, type ServerList } from './servers/actions';
import { ServerStore, type ServerRecord } from './servers/store';
import { isVaultElement } from './servers/vaultNodes';
import { ServersView } from './servers/view';
import { Session, VaultTrust, type ServiceFactory, type SetupSession } from './session';
import { StatusController } from './status/controller';
import { StatusView } from './status/statusView';
import { ThisServer } from './status/thisServer';
import { showStatusMenu } from './statusMenu';
import { proxyContext, readSettings } from './settings';
import { openSetupPage, restoreSetupPage } from './setupPage';
import { trackWalkthrough } from './walkthroughContext';

/** What the light extension bundle hands to the features. */
export interface FeatureHost {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  statusBar: RegistrationStatusBar;
}

/** Hooks for the extension's own tests; production never calls them. */
export interface FeatureTesting {
  /** Replaces the user-input port (undefined restores VS Code's). */
  useInput(input: UserInput | undefined): void;
  readonly session: SetupSession;
  readonly status: StatusController;
  /** This server's last status, for the status bar and the Servers view. */
  readonly thisServer: ThisServer;
  readonly localVault: LocalVault;
  /** The Servers view's data (what its tree shows). */
  readonly servers: ServersView;
  readonly serverStore: ServerStore;
  readonly fleetRun: FleetRunView;
  readonly extensionGlobalState: vscode.ExtensionContext['globalState'];
  /** The stand-in for a non-Azure endpoint's token (test mode only). */
  readonly azureTestProvider: Promise<TestArmProvider> | undefined;
  readonly azure: AzureFeature;
  /** The setup page's remote-server choice on the window's session, prompting through `ui`. */
  chooseRemoteServer(ui: UserInput): Promise<boolean>;
  /** Names the fleet's servers that are a simulated shell (a test double): their rows are labelled simulated, never registered. */
  simulateFleetServers(isSimulated: ((target: Target) => boolean) | undefined): void;
}

export interface Features extends vscode.Disposable {
  /** Runs a contributed command. */
  run(command: CommandId, ...args: unknown[]): Promise<unknown>;
  /** Starts the status bar's state tracking (configuration and vault health). */
  start(): void;
  /** Makes a setup page panel that VS Code restored after a window reload live again. */
  restoreSetupPage(panel: vscode.WebviewPanel): void;
  readonly testing: FeatureTesting;
}

type Handler = (...args: unknown[]) => unknown;

/**
 * Services over any target with this window's settings: its trusted CAs and VS Code's proxy
 * settings, read at each build, and a download cache in the extension's storage.
 */
function windowServiceFactory(host: FeatureHost, trust: VaultTrust, azure: AzureSignInState, feature: () => FeatureContext): ServiceFactory {
  const downloadCacheDir = path.join(host.context.globalStorageUri.fsPath, 'downloads');
  // Signed in to the configured Resource Manager (the local vault's emulator), its vaults' PINs come from it (the backend's issuer).
  const issuer = () => (azure.configuredEndpoint() && isSignedInToAzure() ? lazyIssuer(feature, azure) : undefined);
  // An Azure vault's PINs and files come from whichever Resource Manager the window is signed in to.
  const azureIssuer = () => (isSignedInToAzure() ? lazyIssuer(feature, azure) : undefined);
  // A file composed by the configured Resource Manager (the local vault's emulator) is the local vault's.
  const create = (target: Target, choice?: BackendChoice, run?: FleetShared): SetupService => {
    const backend = choice?.backend ?? 'local';
    const vaultIssuer = backend === 'azure' ? azureIssuer() : issuer();
    const vaultBackend = vaultIssuer && ((h: BackendHost) => (backend === 'azure' ? new AzureVaultBackend({ ...h, issuer: vaultIssuer }) : new LocalVaultBackend({ ...h, issuer: vaultIssuer })));
    return new SetupService({
      target,
      logger: host.log,
      proxyContext: proxyContext(),
      trust: trust.sources(),
      downloadCacheDir,
      armEndpoint: azure.configuredEndpoint(),
      backend,
      mars: marsAdapter(feature, azure, azureIssuer),
      ...(vaultBackend ? { vaultBackend } : {}),
      ...(run ? { packages: run.packages } : {}),
    });
  };
  return Object.assign(create, {
    inputs: () => {
      const { env: _env, ...http } = proxyContext();
      return JSON.stringify({ trust: trust.sources(), http, armEndpoint: azure.configuredEndpoint(), pinsFromArm: issuer() !== undefined, azureSignedIn: isSignedInToAzure(), mars: readSettings().mars });
    },
  });
}

export function createFeatures(host: FeatureHost): Features {
  // The composition root: the window's user input, vault trust, service factory and session.
  useVscodeInput(host.log);
  const trust = new VaultTrust();
  // Test mode only: the module is not even loaded otherwise.
  const azureTestProvider = host.context.extensionMode === vscode.ExtensionMode.Test ? import('./azure/testProvider').then((m) => new m.TestArmProvider()) : undefined;
  const azureSignIn = new AzureSignInState(host.context, azureTestProvider);
  const session: SetupSession = new Session({ context: host.context, log: host.log, trust, createService: windowServiceFactory(host, trust, azureSignIn, () => f) });
  const azure: AzureFeature = { signIn: azureSignIn, issued: new IssuedFiles(session, host.log) };
  host.context.subscriptions.push(session, trust, azureSignIn, azure.issued, { dispose: () => void azureTestProvider?.then((p) => p.dispose()) });
  const statusView = new StatusView();
  const f: FeatureContext = { session, extension: host.context, log: host.log, ui: currentInput, statusView };
  const thisServer = new ThisServer(session, host.log);
  const status = new StatusController(session, thisServer, host.statusBar);
  const localVault = new LocalVault(trust);
  const serverStore = new ServerStore(host.context.globalState);
  const serverList: ServerList = { store: serverStore, thisServer };
  const servers: ServersView = new ServersView(serverStore, thisServer, {
    signedIn: isSignedInToAzure,
    onDidChange: azureSignIn.onDidChange,
    // The Azure chunk: loaded only once the user is signed in.
    load: async () => (await import('./servers/vaultTree')).vaultTree(f, azureSignIn, () => servers.records()),
  });
  const fleetRun = new FleetRunView(host.context.extensionPath);
  const fleet: FleetDeps = { servers: serverStore, view: fleetRun, issued: azure.issued, armEndpoint: () => azureSignIn.configuredEndpoint() };
  const disposables: vscode.Disposable[] = [
    statusView,
    status,
    thisServer,
    localVault,
    serverStore,
    servers,
    fleetRun,
    serverStore.track(session),
    vscode.window.createTreeView(VIEWS.servers, { treeDataProvider: servers, showCollapseAll: false }),
    vscode.window.createTreeView(VIEWS.fleetRun, { treeDataProvider: fleetRun }),
  ];
  const onRecord = (run: (f: FeatureContext, list: ServerList, r: ServerRecord) => Promise<void>) => (record: unknown) =>
    isRecord(record) ? run(f, serverList, record) : undefined;

  const handlers: Record<Exclude<CommandId, typeof COMMANDS.showLog>, Handler> = {
    [COMMANDS.setup]: () => setup(f),
    [COMMANDS.selectCredentials]: () => selectCredentials(f),
    // Its own chunk: the Azure SDKs load only when it runs.
    [COMMANDS.getCredentialsFromAzure]: async () => (await import('./azure/getCredentials')).getCredentialsFromAzure(f, azure),
    [COMMANDS.signOutOfAzure]: async () => (await import('./azure/signOut')).signOutOfAzure(f, azureSignIn),
    [COMMANDS.configureProxy]: () => configureProxy(f),
    [COMMANDS.testConnectivity]: () => testConnectivity(f),
    [COMMANDS.trustVaultCertificate]: (from) => trustVaultCertificate(f, from),
    [COMMANDS.setCacheFolder]: () => setCacheFolder(f),
    [COMMANDS.generatePassphrase]: () => generatePassphrase(f),
    [COMMANDS.enterPassphrase]: () => enterPassphrase(f),
    [COMMANDS.installAgent]: () => installAgent(f),
    [COMMANDS.register]: () => register(f),
    [COMMANDS.showStatus]: () => showStatus(f),
    [COMMANDS.changeProperties]: () => changeProperties(f),
    [COMMANDS.unregister]: () => unregister(f),
    [COMMANDS.openSetupPage]: () => void openSetupPage(host, session),
    [COMMANDS.startLocalVault]: () => localVault.start(f),
    [COMMANDS.stopLocalVault]: () => localVault.stop(f),
    [COMMANDS.statusMenu]: () => {
      const state = status.state();
      return showStatusMenu(state, status.offers(state));
    },
    [COMMANDS.registerRemote]: () => registerRemote(f, serverStore),
    [COMMANDS.registerServers]: () => registerServers(f, fleet),
    [COMMANDS.showFleetReport]: () => showLastFleetReport(f),
    [COMMANDS.cancelFleetServer]: (row) => isRow(row) && fleetRun.cancel(row),
    [COMMANDS.refreshServers]: async () => void (await Promise.all([refreshServers(f, serverList), servers.refreshVaults()])),
    [COMMANDS.serverShowStatus]: onRecord(serverShowStatus),
    [COMMANDS.serverChangeProperties]: onRecord(serverChangeProperties),
    [COMMANDS.serverUnregister]: onRecord(serverUnregister),
    [COMMANDS.serverRemove]: onRecord(serverRemove),
    // The Azure chunk, as the vault's view that offers it.
    [COMMANDS.serverRemoveFromVault]: async (node) =>
      isVaultElement(node) && node.kind === 'vaultServer' ? (await import('./servers/removeFromVault')).removeFromVault(f, azureSignIn, node, () => servers.refreshVaults()) : undefined,
  };
  return {
    async run(command, ...args) {
      if (command === COMMANDS.showLog) return undefined;
      return handlers[command](...args);
    },
    restoreSetupPage: (panel) => restoreSetupPage(host, session, panel),
    start() {
      status.start();
      disposables.push(trackWalkthrough(session.onDidChange, session.snapshot()));
    },
    testing: {
      useInput,
      session,
      status,
      thisServer,
      localVault,
      servers,
      serverStore,
      fleetRun,
      extensionGlobalState: host.context.globalState,
      azureTestProvider,
      azure,
      chooseRemoteServer: (ui) => chooseRemoteServer(session, ui),
      simulateFleetServers: (isSimulated) => void (fleet.isSimulated = serverList.isSimulated = isSimulated),
    },
    dispose() {
      for (const d of disposables.splice(0)) d.dispose();
    },
  };
}

/** Tree views hand their element to the commands of its menus. */
const isRecord = (value: unknown): value is ServerRecord => typeof value === 'object' && value !== null && 'destination' in value && 'installFolder' in value;
const isRow = (value: unknown): value is ServerRow => typeof value === 'object' && value !== null && 'key' in value && 'state' in value;
