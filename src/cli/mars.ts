/**
 * What the MARS driver needs of the command line (the core's MarsAdapter), as src/vscode/features/
 * mars.ts gives it in VS Code: the installer route and Microsoft Update from options (the
 * extension's backupAgent.mars.* settings), the security PIN, and the removal at the vault. The
 * vault's view of a server for status (its registered servers) while signed in. The
 * PIN is --security-pin-stdin's when given; else the vault's own (its security-PIN operation)
 * while this command is signed in to Azure; else asked on the terminal, with the prompt that says
 * where the vault makes it. Never an argument.
 */
import type { MarsAdapter, RegisteredAt, SecurityPinPrompt } from '../core/service';
import { CancelledError, isSetupError } from '../core/errors';
import type { Secret } from '../core/secret';
import type { INSTALLER_ROUTES } from './args';
import type { CliContext, Tools } from './commands';
import { readHiddenLine } from './secrets';
import { errorText, localise, t } from './strings';

/** The vault a PIN is asked of, beside its name: from the credentials file being registered. */
export interface VaultScope {
  subscriptionId: string;
  resourceGroup: string;
}

export function cliMarsAdapter(ctx: CliContext, tools: Tools, scope: VaultScope | undefined): MarsAdapter {
  // The grammar (args.ts) took only one of INSTALLER_ROUTES.
  const route = (tools.string('mars-installer-download') ?? 'server') as (typeof INSTALLER_ROUTES)[number];
  return {
    settings: { installerRoute: route, microsoftUpdate: tools.flag('mars-microsoft-update'), uninstallOnUnregister: tools.flag('uninstall') },
    askSecurityPin: async (prompt, signal) => (await tools.secrets()).securityPin ?? (await pinFromVault(ctx, tools, scope, prompt, signal)) ?? readHiddenLine(localise(prompt.template, prompt.vault), ctx.stdin, (t) => ctx.output.ask(t), signal),
    removeAtVault: async (at: RegisteredAt, signal?: AbortSignal) =>
      (await import('./azure')).withArmSession(ctx, tools, (arm) => arm.removeServer({ subscriptionId: at.subscriptionId, resourceGroup: at.resourceGroup, vault: at.vault }, at.serverName, signal)),
    // The vault's view for status: signed in as for the removal (an unsigned status says why in its remote part).
    readAtVault: async (at: RegisteredAt, signal?: AbortSignal) =>
      (await import('./azure')).withArmSession(ctx, tools, (arm) => arm.findServer({ subscriptionId: at.subscriptionId, resourceGroup: at.resourceGroup, vault: at.vault }, at.serverName, signal)),
  };
}

/**
 * The vault's PIN while signed in: with --token-stdin's token, or Azure's tools' sign-in for an
 * Azure cloud's Resource Manager. A vault that cannot make one (no sign-in, a role missing) is
 * logged and the admin is asked instead, as in VS Code.
 */
async function pinFromVault(ctx: CliContext, tools: Tools, scope: VaultScope | undefined, prompt: SecurityPinPrompt, signal?: AbortSignal): Promise<Secret | undefined> {
  if (!scope) return undefined;
  try {
    const { withArmSession } = await import('./azure');
    return (await withArmSession(ctx, tools, (arm) => arm.securityPin({ ...scope, vault: prompt.vault }, signal))).pin;
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    ctx.output.logger().warn(t('pinFromVaultFailed', prompt.vault, isSetupError(err) ? errorText(err) : err instanceof Error ? err.message : String(err)));
    return undefined;
  }
}
