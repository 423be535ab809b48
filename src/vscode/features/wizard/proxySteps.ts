/** Steps: how the agent reaches the vault; host, port, user and password for an explicit proxy. */
import * as vscode from 'vscode';
import { parseProxySettings, type ProxyMode, type ProxySettings, Secret, SetupError } from '../../../core/service';
import type { ProxySettingValues } from '../settings';
import type { WizardStep } from './wizard';

export interface ProxyAnswers {
  proxy?: Omit<ProxySettingValues, 'port'> & { port: string };
  /** Typed in this run; never kept when going Back. Left empty, the session keeps the stored one. */
  proxyPassword?: Secret;
}

export function proxyFromSettings(values: ProxySettingValues): NonNullable<ProxyAnswers['proxy']> {
  return { ...values, port: String(values.port) };
}

/** The core's verdict on the answers so far, as a message for the input box. */
function proxyProblem(proxy: NonNullable<ProxyAnswers['proxy']>): string | undefined {
  try {
    parseProxySettings({ ...proxy, port: Number(proxy.port) });
    return undefined;
  } catch (err) {
    return err instanceof SetupError ? String(err.params.problems) : String(err);
  }
}

export function proxyModeStep<C extends ProxyAnswers>(): WizardStep<C> {
  return {
    shouldPrompt: () => true,
    async prompt(ctx, p) {
      const items: Array<{ label: string; description?: string; data: ProxyMode }> = [
        { label: vscode.l10n.t('No proxy'), description: vscode.l10n.t('Connect directly'), data: 'off' },
        { label: vscode.l10n.t("VS Code's proxy"), description: vscode.l10n.t('The http.proxy setting, else the environment'), data: 'vscode' },
        { label: vscode.l10n.t('Environment'), description: 'HTTPS_PROXY, NO_PROXY', data: 'environment' },
        { label: vscode.l10n.t('Specify a proxy…'), description: vscode.l10n.t('Host, port and optional user'), data: 'settings' },
      ];
      const picked = await p.pick({ placeholder: vscode.l10n.t('How does this server reach the vault?'), items, active: ctx.proxy?.mode });
      ctx.proxy = { ...(ctx.proxy ?? { host: '', port: '3128', user: '', noProxy: [] }), mode: picked.data };
    },
  };
}

const explicit = (ctx: ProxyAnswers) => ctx.proxy?.mode === 'settings';

function proxyFieldStep<C extends ProxyAnswers>(field: 'host' | 'port' | 'user', prompt: () => string): WizardStep<C> {
  return {
    shouldPrompt: explicit,
    async prompt(ctx, p) {
      const proxy = ctx.proxy!;
      const value = await p.input({
        prompt: prompt(),
        value: proxy[field],
        // The user is optional; host and port go through the core's proxy rules.
        validate: (v) => (field === 'user' ? undefined : field === 'port' && !/^\d+$/.test(v.trim()) ? vscode.l10n.t('Enter a port number.') : proxyProblem({ ...proxy, [field]: v.trim() })),
      });
      ctx.proxy = { ...proxy, [field]: value.trim() };
    },
  };
}

/** `keepsPassword`: the session keeps its stored password for this proxy when the box is left empty. */
export function proxySteps<C extends ProxyAnswers>(keepsPassword: (proxy: NonNullable<ProxyAnswers['proxy']>) => boolean): WizardStep<C>[] {
  return [
    proxyModeStep<C>(),
    proxyFieldStep<C>('host', () => vscode.l10n.t('Proxy host name or IP address, without scheme or port')),
    proxyFieldStep<C>('port', () => vscode.l10n.t('Proxy port')),
    proxyFieldStep<C>('user', () => vscode.l10n.t('Proxy user name; leave empty when the proxy needs no authentication')),
    {
      shouldPrompt: (ctx) => explicit(ctx) && Boolean(ctx.proxy?.user),
      async prompt(ctx, p) {
        const value = await p.input({
          prompt: keepsPassword(ctx.proxy!) ? vscode.l10n.t('Proxy password; leave empty to keep the saved one') : vscode.l10n.t('Proxy password (kept in secret storage, never in settings)'),
          password: true,
        });
        ctx.proxyPassword = value ? new Secret(value) : undefined;
      },
      undo(ctx) {
        ctx.proxyPassword = undefined;
      },
    },
  ];
}

/** The answers as the core's ProxySettings (the typed password only: the session fills a kept one). */
export function proxySettingsOf(ctx: ProxyAnswers): ProxySettings {
  const proxy = ctx.proxy!;
  const password = ctx.proxyPassword;
  return parseProxySettings({ ...proxy, port: Number(proxy.port), ...(password ? { password } : {}) });
}
