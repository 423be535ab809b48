/**
 * The "Register Servers…" wizard: the servers (ssh config hosts and/or pasted ones), the
 * credentials file, the folder policy, the passphrase policy and a summary. The passphrase is
 * generated or typed through the single-server steps, over a scratch session of its own.
 */
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { FleetServer } from '../../../core/service';
import { backendChoiceText } from '../backendChoice';
import type { FeatureContext } from '../context';
import { localiseError } from '../errors/localise';
import { splitHostList } from '../remote/hostList';
import { resolveHost } from '../remote/hosts';
import { asSetupError } from '../session/checked';
import { credentialsStep, type CredentialsAnswers } from '../wizard/credentialsStep';
import { passphraseChoiceStep, passphraseEntrySteps, type PassphraseAnswers } from '../wizard/passphraseSteps';
import type { WizardStep } from '../wizard/wizard';

export interface FleetAnswers extends CredentialsAnswers, PassphraseAnswers {
  picked?: string[];
  typed?: string;
  servers?: FleetServer[];
  /** `custom`: each platform's folders are asked once the run knows its servers' systems (./folders.ts). */
  folders?: 'default' | 'custom';
  policy?: 'shared' | 'perServer';
  passphraseFile?: string;
  passphraseFolder?: string;
}

const vaultName = (ctx: FleetAnswers) => (ctx.credentials?.vaultName ?? 'vault').replace(/[^\w.-]+/g, '_');

/** Every picked or typed host resolved, or the first refusal as a message. */
async function resolveAll(texts: string[], extensionPath: string): Promise<FleetServer[] | string> {
  const servers: FleetServer[] = [];
  for (const key of texts) {
    try {
      servers.push({ key, destination: await resolveHost(key) });
    } catch (err) {
      return localiseError(asSetupError(err), extensionPath);
    }
  }
  return servers;
}

function serverSteps(f: FeatureContext, hosts: string[]): WizardStep<FleetAnswers>[] {
  return [
    {
      shouldPrompt: () => hosts.length > 0,
      async prompt(ctx, p) {
        const picked = await p.pickMany({
          placeholder: vscode.l10n.t('Servers from your ssh config (you can add others next)'),
          items: hosts.map((h) => ({ label: h, data: h })),
          selected: ctx.picked,
        });
        ctx.picked = picked.map((i) => i.data);
      },
    },
    {
      shouldPrompt: () => true,
      async prompt(ctx, p) {
        let servers: FleetServer[] = [];
        ctx.typed = await p.input({
          prompt: vscode.l10n.t('Other servers as user@host:port, separated by commas or spaces (optional when you picked some)'),
          placeholder: 'admin@web1.example.com, admin@db1.example.com:2222',
          value: ctx.typed,
          validate: async (value) => {
            const texts = [...new Set([...(ctx.picked ?? []), ...splitHostList(value)])];
            if (!texts.length) return vscode.l10n.t('Pick or enter at least one server.');
            const resolved = await resolveAll(texts, f.extension.extensionPath);
            if (typeof resolved === 'string') return resolved;
            servers = resolved;
            return undefined;
          },
        });
        ctx.servers = servers;
      },
    },
  ];
}

/** The folder policy only: a Windows and a Linux server share no folder, so each platform's own are asked during the run (./folders.ts). */
function folderStep(): WizardStep<FleetAnswers> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      const picked = await p.pick({
        placeholder: vscode.l10n.t('Install and cache folders on the servers'),
        items: [
          { label: vscode.l10n.t('Default folders'), description: vscode.l10n.t("Each platform's default"), data: 'default' as const },
          {
            label: vscode.l10n.t('The same folders on every server of each platform…'),
            description: vscode.l10n.t("Asked per platform once the servers' systems are known"),
            data: 'custom' as const,
          },
        ],
        active: ctx.folders,
      });
      ctx.folders = picked.data;
    },
  };
}

function passphraseSteps(scratch: FeatureContext): WizardStep<FleetAnswers>[] {
  const shared = (ctx: FleetAnswers) => ctx.policy === 'shared';
  const only = (steps: WizardStep<FleetAnswers>[], when: (ctx: FleetAnswers) => boolean) => steps.map((s) => ({ ...s, shouldPrompt: (c: FleetAnswers) => when(c) && s.shouldPrompt(c) }));
  return [
    {
      shouldPrompt: () => true,
      async prompt(ctx, p) {
        const picked = await p.pick({
          placeholder: vscode.l10n.t('The encryption passphrase: backups cannot be restored without it'),
          items: [
            { label: vscode.l10n.t('One passphrase for all servers'), description: vscode.l10n.t('Generated or entered, saved to one file'), data: 'shared' as const },
            { label: vscode.l10n.t('A passphrase per server'), description: vscode.l10n.t('Generated, one file each in a folder on this machine'), data: 'perServer' as const },
          ],
          active: ctx.policy,
        });
        ctx.policy = picked.data;
      },
    },
    ...only([passphraseChoiceStep<FleetAnswers>(scratch), ...passphraseEntrySteps<FleetAnswers>(scratch)], shared),
    {
      shouldPrompt: shared,
      async prompt(ctx, p) {
        ctx.passphraseFile = (
          await p.input({
            prompt: vscode.l10n.t('The file on this machine to save the passphrase to (never overwritten)'),
            value: ctx.passphraseFile ?? path.join(os.homedir(), `BackupPassphrase-${vaultName(ctx)}-servers.txt`),
            browse: { tooltip: vscode.l10n.t('Browse…'), run: () => p.ui.saveFile({ title: vscode.l10n.t('Save the Encryption Passphrase'), saveLabel: vscode.l10n.t('Save Passphrase') }) },
            validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a file name.')),
          })
        ).trim();
      },
    },
    {
      shouldPrompt: (ctx) => ctx.policy === 'perServer',
      async prompt(ctx, p) {
        ctx.passphraseFolder = (
          await p.input({
            prompt: vscode.l10n.t('The folder on this machine for the passphrase files, one per server (created if needed)'),
            value: ctx.passphraseFolder ?? path.join(os.homedir(), `BackupPassphrases-${vaultName(ctx)}`),
            browse: {
              tooltip: vscode.l10n.t('Browse…'),
              run: () => p.ui.openFile({ title: vscode.l10n.t('Folder for the Passphrase Files'), canSelectFiles: false, canSelectFolders: true, openLabel: vscode.l10n.t('Use This Folder') }),
            },
            validate: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a folder.')),
          })
        ).trim();
      },
    },
  ];
}

function summaryStep(concurrency: number): WizardStep<FleetAnswers> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      const servers = ctx.servers ?? [];
      const c = ctx.credentials;
      const lines = [
        ...(c ? [vscode.l10n.t('Vault: {0} ({1})', c.vaultName, c.location), backendChoiceText(c)] : []),
        vscode.l10n.t('Servers: {0}', servers.map((s) => s.key).join(', ')),
        ctx.folders === 'custom' ? vscode.l10n.t("Folders: asked for each platform once the servers' systems are known") : vscode.l10n.t('Default folders'),
        ctx.policy === 'shared'
          ? vscode.l10n.t('One passphrase for all servers, saved to {0}', ctx.passphraseFile ?? '')
          : vscode.l10n.t('A passphrase per server, saved in {0}', ctx.passphraseFolder ?? ''),
        vscode.l10n.t('{0} servers at a time', concurrency),
      ];
      for (;;) {
        const picked = await p.pick<'go' | 'info'>({
          placeholder: vscode.l10n.t('Review the fleet setup; nothing has changed yet'),
          items: [
            { label: `$(check) ${vscode.l10n.t('Register {0} Servers', servers.length)}`, data: 'go' },
            ...lines.map((line) => ({ label: `$(info) ${line}`, data: 'info' as const })),
          ],
        });
        if (picked.data === 'go') return;
      }
    },
  };
}

export function fleetSteps(f: FeatureContext, scratch: FeatureContext, hosts: string[], concurrency: number): WizardStep<FleetAnswers>[] {
  return [...serverSteps(f, hosts), credentialsStep<FleetAnswers>(f), folderStep(), ...passphraseSteps(scratch), summaryStep(concurrency)];
}
