/**
 * "Show Registration Status" as a page that can be read in full: a read-only Markdown document
 * per server (a virtual document, never a file), opened in the Markdown preview, every line
 * localised. Showing a server's status again refreshes its open page.
 */
import os from 'node:os';
import * as vscode from 'vscode';
import type { SetupStatus } from '../../../core/service';
import { localiseError } from '../errors/localise';
import { nextStepText } from '../errors/showError';
import { serverState } from '../servers/store';
import { serverStateLabel } from '../servers/view';
import type { SessionSnapshot } from '../session/types';

export const STATUS_SCHEME = 'backup-agent-status';

/** Markdown's punctuation escaped, so a name or message shows as typed. */
const text = (value: string) => value.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, '\\$&');
/** A code span long enough for any backticks the value holds (paths, ids). */
function code(value: string): string {
  const fence = '`'.repeat(Math.max(0, ...[...value.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  return `${fence} ${value} ${fence}`;
}
const dateTime = (value: Date | string) => new Date(value).toLocaleString(vscode.env.language);

/** The page: a title, then one line per fact. */
function statusMarkdown(server: SessionSnapshot['target'], status: SetupStatus, checkedAt: Date, extensionPath: string): string {
  const { config, remote } = status;
  const none = text(vscode.l10n.t('none yet'));
  const serverLabel = server.kind === 'local' ? vscode.l10n.t('This server ({0})', os.hostname()) : server.label;
  const proxyModes = { off: vscode.l10n.t('No proxy'), environment: vscode.l10n.t('Environment') };
  const proxy = config && (config.proxy.mode === 'explicit' ? code(`${config.proxy.host}:${config.proxy.port}`) : text(proxyModes[config.proxy.mode]));
  const vaultSays = !remote
    ? text(vscode.l10n.t('not asked: no registration is recorded'))
    : remote.ok
      ? text(vscode.l10n.t('{0} since {1}; machine certificate valid until {2}', remoteStateLabel(remote.registration.status), dateTime(remote.registration.registeredAt), dateTime(remote.registration.certificateNotAfter)))
      : text(`${localiseError(remote.error, extensionPath)} ${nextStepText(remote.error)}`);
  const lines: Array<[string, string]> = [
    [vscode.l10n.t('Server'), text(serverLabel)],
    [vscode.l10n.t('Name at the vault'), config ? code(config.serverName) : none],
    [vscode.l10n.t('State'), text(serverStateLabel(serverState(status)))],
    [vscode.l10n.t('Vault'), config?.vault ? text(`${config.vault.name} (${config.vault.location})`) : none],
    [vscode.l10n.t('Install folder'), code(status.installFolder)],
    [vscode.l10n.t('Cache folder'), config ? code(config.cacheFolder) : none],
    [vscode.l10n.t('Agent configuration'), code(status.configFile)],
    [vscode.l10n.t('Registration'), config?.registration ? `${code(config.registration.id)} (${text(dateTime(config.registration.registeredAt))})` : none],
    [vscode.l10n.t('Machine'), config ? code(config.machineId) : none],
    [vscode.l10n.t('Agent version'), config?.agentVersion ? code(config.agentVersion) : none],
    [vscode.l10n.t('Proxy'), proxy ?? none],
    [vscode.l10n.t('What the vault says'), vaultSays],
    [vscode.l10n.t('Last checked'), text(dateTime(checkedAt))],
  ];
  return [
    `# ${text(vscode.l10n.t('Registration status: {0}', serverLabel))}`,
    '',
    ...lines.map(([label, value]) => `- **${text(label)}:** ${value}`),
    '',
  ].join('\n');
}

function remoteStateLabel(status: 'registered' | 'unregistered' | 'revoked'): string {
  const labels = { registered: vscode.l10n.t('registered'), unregistered: vscode.l10n.t('unregistered'), revoked: vscode.l10n.t('revoked') };
  return labels[status];
}

export class StatusView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly pages = new Map<string, string>();
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(STATUS_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.pages.get(uri.toString()) ?? '';
  }

  /** Shows the server's page, or refreshes it when it is open. */
  async show(server: SessionSnapshot['target'], status: SetupStatus, checkedAt: Date, extensionPath: string): Promise<void> {
    // One page per server, named for it (the preview's tab title).
    const name = server.kind === 'local' ? vscode.l10n.t('Registration status') : vscode.l10n.t('Registration status of {0}', server.label);
    const uri = vscode.Uri.from({ scheme: STATUS_SCHEME, path: `/${name.replace(/[\\/]/g, '_')}.md`, query: server.id });
    this.pages.set(uri.toString(), statusMarkdown(server, status, checkedAt, extensionPath));
    this.emitter.fire(uri);
    // The built-in Markdown extension renders it (the command activates it); if it is disabled, the Markdown itself is shown.
    const preview = await vscode.commands.executeCommand('markdown.showPreview', uri).then(
      () => true,
      () => vscode.window.showTextDocument(uri, { preview: true }).then(() => false),
    );
    // A preview already open only re-renders on a change to a document still loaded: make it read the page again.
    if (preview) await vscode.commands.executeCommand('markdown.preview.refresh');
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
  }
}
