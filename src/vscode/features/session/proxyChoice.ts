/**
 * The proxy this window uses: its values in (machine-scoped) settings, its password only in
 * SecretStorage. Parsing and the proxy rules are the core's.
 */
import type * as vscode from 'vscode';
import { parseProxySettings, Secret, type ProxyMode, type ProxySettings } from '../../../core/service';
import { proxyPassword, readSettings, writeProxySettings } from '../settings';

export class ProxyChoice {
  private stored = false;

  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** Reads whether a password is stored (for the snapshot); a store that cannot be read counts as none. */
  async load(): Promise<void> {
    this.stored = Boolean(await proxyPassword.get(this.secrets).then(undefined, () => undefined));
  }

  /** A password is stored for the configured proxy. */
  get hasPassword(): boolean {
    return this.stored;
  }

  /** The settings as the snapshot shows them: no password, only whether one is stored. */
  shown(): Omit<ProxySettings, 'password'> & { hasPassword: boolean } {
    return { ...readSettings().proxy, hasPassword: this.stored };
  }

  /**
   * Whether a proxy saved without a typed password keeps the stored one: an explicit proxy with
   * the stored password's user ("leave empty to keep it" on every surface).
   */
  keepsPassword(proxy: { mode: ProxyMode; user: string }): boolean {
    const saved = readSettings().proxy;
    return this.stored && proxy.mode === 'settings' && saved.mode === 'settings' && Boolean(proxy.user) && proxy.user === saved.user;
  }

  /** `proxy` with the stored password filled in when it keeps it (see keepsPassword). */
  async withStoredPassword(proxy: ProxySettings): Promise<ProxySettings> {
    if (proxy.password || !this.keepsPassword(proxy)) return proxy;
    const stored = await proxyPassword.get(this.secrets);
    return stored ? { ...proxy, password: new Secret(stored) } : proxy;
  }

  /** Writes the settings and keeps (or drops) the password. */
  async set(proxy: ProxySettings): Promise<void> {
    // Judged against the settings being replaced, so before writing them.
    const { password, ...values } = await this.withStoredPassword(parseProxySettings(proxy));
    await writeProxySettings(values);
    // The password is kept only for authenticated settings-mode proxies.
    const keep = values.mode === 'settings' && values.user ? password?.reveal() : undefined;
    await proxyPassword.set(this.secrets, keep);
    this.stored = Boolean(keep);
  }

  /** The proxy to use: settings plus the password from SecretStorage. */
  async current(): Promise<ProxySettings> {
    const password = await proxyPassword.get(this.secrets);
    return parseProxySettings({ ...readSettings().proxy, ...(password ? { password } : {}) });
  }
}
