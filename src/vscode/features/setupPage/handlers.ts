/**
 * What each request of the page does: the extension's dialogs where a path is picked, the
 * session for everything else. No rule lives here; a refusal is the session's (or the core's)
 * SetupError, thrown so the router answers it as an error response.
 */
import * as vscode from 'vscode';
import { parseProxySettings, type PassphraseLocationWarning, raceAbort, Secret, type SetupWarning } from '../../../core/service';
import { COMMANDS } from '../../ids';
import type { Method, ParamsOf, ResultOf, WireWarning } from '../../../webview/protocol';
import { NEXT_STEPS, type NextStep } from '../errors/nextSteps';
import { warningText } from '../errors/warnings';
import type { Checked, SetupSession } from '../session';
import { passphraseNotSet } from '../session/checked';
import { chooseRemoteServer } from '../remote/choose';

export type Handlers = { [M in Method]: (params: ParamsOf<M>, signal: AbortSignal) => Promise<ResultOf<M>> };

function unwrap<T>(result: Checked<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

const wireWarning = (w: SetupWarning): WireWarning => ({ code: w.code, text: warningText(w.code, w.params) });

function held(session: SetupSession): Secret {
  const secret = session.revealPassphrase();
  if (!secret) throw passphraseNotSet();
  return secret;
}

export function createHandlers(session: SetupSession): Handlers {
  return {
    'credentials/pick': async () => {
      const picked = await vscode.window.showOpenDialog({
        canSelectFiles: true,
        canSelectMany: false,
        openLabel: vscode.l10n.t('Use this file'),
        filters: { [vscode.l10n.t('Vault credentials')]: ['VaultCredentials'], [vscode.l10n.t('All files')]: ['*'] },
      });
      if (!picked?.[0]) return { cancelled: true };
      unwrap(await session.selectCredentials(picked[0].fsPath));
      return { cancelled: false };
    },
    'credentials/fromAzure': async () => ({ cancelled: !(await vscode.commands.executeCommand<string | undefined>(COMMANDS.getCredentialsFromAzure)) }),
    'credentials/select': async ({ file }) => {
      unwrap(await session.selectCredentials(file));
      return {};
    },
    'folder/pick': async ({ purpose }) => {
      const picked = await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        title: purpose === 'install' ? vscode.l10n.t('Install folder') : vscode.l10n.t('Cache folder'),
        openLabel: vscode.l10n.t('Select Folder'),
      });
      return picked?.[0] ? { folder: picked[0].fsPath } : {};
    },
    'install/setFolder': async ({ folder }) => {
      await session.setInstallFolder(folder);
      return {};
    },
    'cache/set': async ({ folder, dataSizeBytes }, signal) => {
      unwrap(await session.setCacheFolder(folder, { dataSizeBytes }, signal));
      return {};
    },
    'proxy/set': async (params) => {
      await session.setProxy(parseProxySettings(params));
      return {};
    },
    'connectivity/test': async (_params, signal) => {
      unwrap(await session.testConnectivity(signal));
      return {};
    },
    'passphrase/generate': async () => {
      session.generatePassphrase();
      return {};
    },
    'passphrase/reveal': async () => ({ value: held(session).reveal() }),
    'passphrase/copy': async () => {
      await vscode.env.clipboard.writeText(held(session).reveal());
      return {};
    },
    'passphrase/save': async ({ file, accept = [] }) => {
      held(session);
      const target = file ?? (await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(session.defaultPassphraseFile()),
        title: vscode.l10n.t('Save the Encryption Passphrase'),
        saveLabel: vscode.l10n.t('Save Passphrase'),
      }))?.fsPath;
      if (!target) return { cancelled: true };
      // The core's location warnings are confirmed in the page itself: the first answer lists
      // them, the user accepts them there, and the page asks again naming the ones accepted.
      let unaccepted: PassphraseLocationWarning[] = [];
      const saved = await session.savePassphrase(target, async (warnings) => {
        unaccepted = warnings.filter((w) => !accept.includes(w.code));
        return unaccepted.length === 0;
      });
      if (!saved.ok && unaccepted.length > 0) {
        return { cancelled: false, confirm: { file: target, warnings: unaccepted.map(wireWarning) } };
      }
      return { file: unwrap(saved).file, cancelled: false };
    },
    'passphrase/set': async ({ value }) => {
      unwrap(session.setPassphrase(new Secret(value)));
      return {};
    },
    register: async ({ accept = [] }, signal) => {
      // The warnings of the core's plan (the palette's summary lists the same) are read first:
      // the page shows those not accepted yet and asks again naming the ones the user accepted.
      const unaccepted = unwrap(await raceAbort(session.plan(), signal)).warnings.filter((w) => !accept.includes(w.code));
      if (unaccepted.length > 0) return { confirm: { warnings: unaccepted.map(wireWarning) } };
      // The session reports each stage in its snapshot (busy); the page follows those.
      const result = unwrap(await session.register({ report: () => undefined }, signal));
      return { registered: { registrationId: result.registrationId, serverName: result.serverName, vaultName: result.vault.vaultName } };
    },
    'properties/change': async () => {
      await vscode.commands.executeCommand(COMMANDS.changeProperties);
      return {};
    },
    'status/refresh': async (_params, signal) => {
      await session.refreshStatus(signal);
      return {};
    },
    'target/local': async () => {
      await session.useLocalTarget();
      return {};
    },
    // The same host picker, trust prompt and sign-in as "Register a Remote Server…".
    'target/remote': async () => ({ cancelled: !(await chooseRemoteServer(session)) }),
    // The page offers a button only for steps with a command; an instruction has nothing to run.
    'error/nextStep': async ({ action }) => {
      const step: NextStep = NEXT_STEPS[action];
      if ('command' in step) await vscode.commands.executeCommand(step.command);
      return {};
    },
  };
}

