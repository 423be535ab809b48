/**
 * The window's Azure sign-in, light enough for the common path (no Azure SDK): which sign-in the
 * configured Resource Manager takes (the core's azureSignInPlan), whether the user is signed in
 * (followed through authentication.onDidChangeSessions and SecretStorage), the token source an
 * ARM session uses, and sign-out. A Microsoft token comes from VS Code's session each time it is
 * needed and is kept nowhere; a non-Azure endpoint's token (the local vault's ARM emulator) is
 * pasted once and kept in SecretStorage only. In test mode a test provider (testProvider.ts)
 * stands in for the paste.
 */
import * as vscode from 'vscode';
import { azureSignedOut, azureSignInPlan, Secret, sessionToken, type ArmTokenSource, type AzureSignInPlan } from '../../../core/service';
import { CONFIG_SECTION } from '../../ids';
import type { UserInput } from '../input/userInput';
import type { TestArmProvider } from './testProvider';

const ENDPOINT_SETTING = 'azure.resourceManagerEndpoint';
/** Set once the user signed in through this extension: only then is a silent check made at start (it may activate the Microsoft sign-in). */
const USED_KEY = 'azure.signedInBefore';

/** The test-mode provider's id (testProvider.ts, which is loaded only in test mode). */
export const TEST_PROVIDER_ID = 'backupAgent.testArm';

let signedIn = false;

/** The window's configured non-Azure Resource Manager (one sign-in state per window), for vaultPinsFromArm. */
let configuredArm: () => string | undefined = () => undefined;

/**
 * Whether a passphrase change on a machine of the vault at `vaultEndpoint` gets its security PIN
 * from the configured Resource Manager (the window's services then have its issuer): signed in,
 * and that vault served by the emulator configured as the Resource Manager.
 */
export function vaultPinsFromArm(vaultEndpoint: string | undefined): boolean {
  const arm = configuredArm();
  return signedIn && arm !== undefined && vaultEndpoint !== undefined && URL.canParse(vaultEndpoint) && new URL(arm).origin === new URL(vaultEndpoint).origin;
}

/** Whether a fresh file from Azure is one command away (the next step for an expired or superseded file). */
export function isSignedInToAzure(): boolean {
  return signedIn;
}

/** A session's token source, and the plan (endpoint, provider, scopes) it was asked for. */
export interface AzureTokens {
  plan: AzureSignInPlan;
  source: ArmTokenSource;
}

export class AzureSignInState implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<boolean>();
  /** Fires with the new state when the user signs in or out, and when the vaults to show change (the vault's view follows). */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly context: vscode.ExtensionContext,
    /** Loaded and registered only when the extension runs in test mode (ExtensionMode.Test). */
    private readonly testProvider?: Promise<TestArmProvider>,
  ) {
    this.disposables.push(
      vscode.authentication.onDidChangeSessions((e) => this.follows(e.provider.id) && void this.refresh()),
      context.secrets.onDidChange((e) => e.key.startsWith(secretPrefix) && void this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration(`${CONFIG_SECTION}.${ENDPOINT_SETTING}`) || e.affectsConfiguration('microsoft-sovereign-cloud')) && void this.refresh()),
    );
    configuredArm = () => this.configuredEndpoint();
    const plan = this.planOrUndefined();
    if (plan?.signIn.kind === 'endpointToken' || context.globalState.get<boolean>(USED_KEY)) void this.refresh();
  }

  /** The configured endpoint and its sign-in; refused (AzureEndpointInvalid) for a setting that is not an https URL. */
  plan(tenant?: string): AzureSignInPlan {
    const endpoint = vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>(ENDPOINT_SETTING, '');
    const sovereignEnvironment = vscode.workspace.getConfiguration('microsoft-sovereign-cloud').get<string>('environment');
    return azureSignInPlan({ endpoint, sovereignEnvironment, tenant });
  }

  /** The endpoint the chooser takes files composed by it for (SetupServiceOptions.armEndpoint); none for Azure's own clouds. */
  configuredEndpoint(): string | undefined {
    const plan = this.planOrUndefined();
    return plan && !plan.endpoint.cloud ? plan.endpoint.url : undefined;
  }

  /**
   * Signs in (asking the user when `ui` is given and there is no sign-in yet) and returns the
   * token source for the configured endpoint; undefined when the user declined.
   */
  async signIn(ui: UserInput | undefined, tenant?: string): Promise<AzureTokens | undefined> {
    const plan = this.plan(tenant);
    const token = plan.signIn.kind === 'microsoft' ? await this.microsoftToken(plan, ui !== undefined) : await this.endpointToken(plan, ui);
    if (!token) return undefined;
    await this.context.globalState.update(USED_KEY, true);
    this.setSignedIn(true);
    const { signIn, endpoint } = plan;
    const issuedFor: ArmTokenSource['issuedFor'] = signIn.kind === 'microsoft' ? { kind: 'microsoft', cloud: signIn.cloud } : { kind: 'endpoint', url: endpoint.url };
    // Each request asks again (silently), so a sign-out or account change takes effect at once.
    const current = () => (signIn.kind === 'microsoft' ? this.microsoftToken(plan, false) : this.endpointToken(plan, undefined));
    return { plan, source: sessionToken(current, issuedFor) };
  }

  /** Forgets the configured endpoint's pasted token; a Microsoft account signs out in VS Code's Accounts menu. */
  async signOut(): Promise<'forgotten' | 'accountsMenu'> {
    const plan = this.plan();
    if (plan.signIn.kind === 'microsoft') return 'accountsMenu';
    await this.context.secrets.delete(secretKey(plan.endpoint.url));
    (await this.testProvider)?.signOut();
    await this.refresh();
    return 'forgotten';
  }

  /**
   * The subscriptions picked before changed (pickVault.ts): the vault's view lists their vaults, so
   * it reads them again. Signing in comes before the first pick, so that sign-in's change alone
   * would leave the view without the vault just picked.
   */
  vaultsChanged(): void {
    if (signedIn) this.emitter.fire(true);
  }

  async refresh(): Promise<boolean> {
    let now: boolean;
    try {
      const plan = this.plan();
      now = (plan.signIn.kind === 'microsoft' ? await this.microsoftToken(plan, false) : await this.endpointToken(plan, undefined)) !== undefined;
    } catch {
      now = false;
    }
    this.setSignedIn(now);
    return now;
  }

  private setSignedIn(now: boolean): void {
    if (now === signedIn) return;
    signedIn = now;
    this.emitter.fire(now);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private follows(providerId: string): boolean {
    return providerId === 'microsoft' || providerId === 'microsoft-sovereign-cloud' || (this.testProvider !== undefined && providerId === TEST_PROVIDER_ID);
  }

  private planOrUndefined(): AzureSignInPlan | undefined {
    try {
      return this.plan();
    } catch {
      return undefined;
    }
  }

  /** VS Code's session for the plan's scopes; an interactive sign-in declined or failed (no network to Microsoft, say) is AzureSignedOut. */
  private async microsoftToken(plan: AzureSignInPlan, interactive: boolean): Promise<Secret | undefined> {
    const { signIn } = plan;
    if (signIn.kind !== 'microsoft') return undefined;
    const session = interactive
      ? await vscode.authentication.getSession(signIn.providerId, signIn.scopes, { createIfNone: true }).then(undefined, (err: unknown) => {
          throw azureSignedOut(signIn.cloud, err);
        })
      : await vscode.authentication.getSession(signIn.providerId, signIn.scopes, { silent: true });
    return session ? new Secret(session.accessToken) : undefined;
  }

  /**
   * The endpoint's own token: the one pasted into SecretStorage (asked for once, when `ui` is
   * given), or in test mode the test provider's once a test gave it one. The extension calls that
   * provider directly: the test host refuses VS Code's sign-in consent dialog ("refused to show
   * dialog in tests"), so vscode.authentication.getSession cannot create a session there.
   */
  private async endpointToken(plan: AzureSignInPlan, ui: UserInput | undefined): Promise<Secret | undefined> {
    const testProvider = await this.testProvider;
    if (testProvider?.hasToken()) {
      const scopes = testScopes(plan);
      const session = (await testProvider.getSessions(scopes))[0] ?? (ui ? await testProvider.createSession(scopes) : undefined);
      return session ? new Secret(session.accessToken) : undefined;
    }
    const key = secretKey(plan.endpoint.url);
    const stored = await this.context.secrets.get(key);
    if (stored) return new Secret(stored);
    if (!ui) return undefined;
    const host = new URL(plan.endpoint.url).host;
    const pasted = (
      await ui.input({
        title: vscode.l10n.t('Sign In to {0}', host),
        prompt: vscode.l10n.t('{0} is not an Azure cloud: it takes only a token issued for it (for the local vault: npm run vault -- arm-token). Paste it once; it is kept in VS Code\'s secret storage.', host),
        password: true,
        validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste the token.')),
      })
    ).trim();
    await this.context.secrets.store(key, pasted);
    return new Secret(pasted);
  }
}

const secretPrefix = 'backupAgent.azure.token:';
const secretKey = (endpointUrl: string) => `${secretPrefix}${endpointUrl}`;
const testScopes = (plan: AzureSignInPlan) => [`${plan.endpoint.url}.default`];
