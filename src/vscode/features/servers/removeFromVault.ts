/**
 * "Remove from Vault…" on a server of the vault's view (Azure chunk): says what the removal
 * deletes (the server's recovery points in the vault, counted from the vault now, soft delete
 * aside, with its backed-up items and last backup), asks for the server's name typed out, then removes its registered identity
 * (the core's ArmSession). A refusal (a 403 names the role it needs) is shown with its next step.
 */
import * as vscode from 'vscode';
import { openArmSession } from '../azure/armSession';
import type { AzureSignInState } from '../azure/signInState';
import { settled } from '../commands/run';
import type { FeatureContext } from '../context';
import { withStages } from '../progress';
import { checked, isCancellation } from '../session/checked';
import type { VaultServerNode } from './vaultNodes';

/** True once the vault removed it; the view then reads the vault again. */
export async function removeFromVault(f: FeatureContext, signIn: AzureSignInState, node: VaultServerNode, refresh: () => Promise<unknown>): Promise<boolean> {
  const { server, ref } = node;
  const name = server.friendlyName;
  const title = vscode.l10n.t('Remove {0} from Vault {1}', name, ref.vault);
  const retry = () => removeFromVault(f, signIn, node, refresh);
  const tokens = await settled(f, await checked(() => signIn.signIn(f.ui())), retry);
  if (!tokens) return false;
  const arm = await settled(f, await checked(() => openArmSession(f, tokens)), retry);
  if (!arm) return false;
  try {
    // What the removal deletes, read from the vault now rather than from the view's last read.
    const points = await settled(
      f,
      await withStages(vscode.l10n.t('Reading the recovery points of {0}', name), [], (_p, signal) => checked(() => arm.recoveryPoints(ref, server, signal))),
      retry,
    );
    if (!points) return false;
    const items = server.protectedItemCount ?? server.backupItems.length;
    const last = points.latestAt ? new Date(points.latestAt).toLocaleString(vscode.env.language) : vscode.l10n.t('none yet');
    const sure = await f.ui().confirm(
      vscode.l10n.t('Remove {0} from vault {1}?', name, ref.vault),
      vscode.l10n.t(
        "This deletes the server's registration and its {0} recovery points in the vault (of {1} backed-up items; last backup {2}). With soft delete on, the vault keeps the deleted backup data for a while (14 days by default) before it is gone. The server can neither back up nor restore until it is registered again; nothing changes on the server itself.",
        points.count,
        items,
        last,
      ),
      vscode.l10n.t('Continue…'),
    );
    if (!sure) return false;
    const typed = await f
      .ui()
      .input({
        title,
        prompt: vscode.l10n.t("Type the server's name, {0}, to remove it and its recovery points from the vault.", name),
        validate: (v) => (v === name ? undefined : vscode.l10n.t('Type {0} exactly, or press Escape to keep it.', name)),
      })
      .catch((err: unknown) => {
        if (isCancellation(err)) return undefined;
        throw err;
      });
    if (typed !== name) return false;
    const removed = await settled(f, await withStages(title, [], (_p, signal) => checked(async () => (await arm.removeServer(ref, server.name, signal), true))), retry);
    if (!removed) return false;
  } finally {
    await arm.close();
  }
  f.log.info(`Removed ${name} from vault ${ref.vault}.`);
  await refresh();
  void f.ui().message('info', vscode.l10n.t('Removed {0} from vault {1}.', name, ref.vault));
  return true;
}
