/**
 * Entry of the features bundle: every command handler and the status controller, built over the
 * window's SetupSession. The extension bundle loads it on first use (see lazyFeatures.ts).
 */
import * as vscode from 'vscode';
import { COMMANDS, type CommandId } from '../ids';
import type { RegistrationStatusBar } from '../statusBar';
import { changeProperties, showStatus, unregister } from './commands/manage';
import { register, setup } from './commands/setup';
import { configureProxy, enterPassphrase, generatePassphrase, installAgent, selectCredentials, setCacheFolder, testConnectivity } from './commands/steps';
import type { FeatureContext } from './context';
import type { UserInput } from './input/userInput';
import { vscodeUserInput } from './input/vscodeUserInput';
import { LocalVault } from './localVault';
import { getSession, getTrust } from './session';
import type { Session } from './session/session';
import { StatusController } from './status/controller';
import { showStatusMenu } from './statusMenu';
import { openWalkthroughPanel } from './walkthrough';
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
  readonly session: Session;
  readonly status: StatusController;
  readonly localVault: LocalVault;
}

export interface Features extends vscode.Disposable {
  /** Runs a contributed command. */
  run(command: CommandId, ...args: unknown[]): Promise<unknown>;
  /** Starts the status bar's state tracking (configuration and vault health). */
  start(): void;
  readonly testing: FeatureTesting;
}

type Handler = (...args: unknown[]) => unknown;

export function createFeatures(host: FeatureHost): Features {
  let input: UserInput = vscodeUserInput;
  const session = getSession(host);
  const f: FeatureContext = { session, extension: host.context, log: host.log, ui: () => input };
  const status = new StatusController(session, host.statusBar, host.log);
  const localVault = new LocalVault(getTrust(host));
  const disposables: vscode.Disposable[] = [status, localVault];

  const handlers: Record<Exclude<CommandId, typeof COMMANDS.showLog>, Handler> = {
    [COMMANDS.setup]: () => setup(f),
    [COMMANDS.selectCredentials]: () => selectCredentials(f),
    [COMMANDS.configureProxy]: () => configureProxy(f),
    [COMMANDS.testConnectivity]: () => testConnectivity(f),
    [COMMANDS.setCacheFolder]: () => setCacheFolder(f),
    [COMMANDS.generatePassphrase]: () => generatePassphrase(f),
    [COMMANDS.enterPassphrase]: () => enterPassphrase(f),
    [COMMANDS.installAgent]: () => installAgent(f),
    [COMMANDS.register]: () => register(f),
    [COMMANDS.showStatus]: () => showStatus(f),
    [COMMANDS.changeProperties]: () => changeProperties(f),
    [COMMANDS.unregister]: () => unregister(f),
    [COMMANDS.openWalkthrough]: () => void openWalkthroughPanel(host),
    [COMMANDS.startLocalVault]: () => localVault.start(f),
    [COMMANDS.stopLocalVault]: () => localVault.stop(f),
    [COMMANDS.statusMenu]: () => showStatusMenu(status.state()),
  };
  return {
    async run(command, ...args) {
      if (command === COMMANDS.showLog) return undefined;
      return handlers[command](...args);
    },
    start() {
      status.start();
      disposables.push(trackWalkthrough(session.onDidChange, session.snapshot()));
    },
    testing: {
      useInput: (next) => (input = next ?? vscodeUserInput),
      session,
      status,
      localVault,
    },
    dispose() {
      for (const d of disposables.splice(0)) d.dispose();
    },
  };
}
