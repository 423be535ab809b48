/**
 * The extension's own tests sign in through this authentication provider: once a test gives it a
 * token, it stands in for the token a user pastes for a non-Azure Resource Manager (the local
 * vault's ARM emulator). It is registered with vscode.authentication, so its sign-ins and
 * sign-outs reach the extension as onDidChangeSessions like a real provider's. It exists only when
 * the extension runs in test mode (ExtensionMode.Test): an installed extension never has it.
 */
import * as vscode from 'vscode';
import { TEST_PROVIDER_ID } from './signInState';

export class TestArmProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changes.event;
  private sessions: vscode.AuthenticationSession[] = [];
  /** The token the next sign-in returns; set by a test, never read from anywhere else. */
  private token: string | undefined;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.authentication.registerAuthenticationProvider(TEST_PROVIDER_ID, 'Backup Agent tests (ARM emulator)', this);
  }

  /** What a test gives: the emulator's token for the sign-ins that follow. */
  useToken(token: string | undefined): void {
    this.token = token;
  }

  /** Whether a test gave a token: until then the extension asks the user, as in production. */
  hasToken(): boolean {
    return this.token !== undefined;
  }

  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    return this.sessions.filter((s) => !scopes?.length || scopes.every((x) => s.scopes.includes(x)));
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    if (!this.token) throw new Error('The test provider has no token to sign in with.');
    const session: vscode.AuthenticationSession = { id: `test-${this.sessions.length + 1}`, accessToken: this.token, account: { id: 'tester', label: 'tester@emulator' }, scopes: [...scopes] };
    this.sessions.push(session);
    this.changes.fire({ added: [session], removed: [], changed: [] });
    return session;
  }

  async removeSession(id: string): Promise<void> {
    const removed = this.sessions.filter((s) => s.id === id);
    this.sessions = this.sessions.filter((s) => s.id !== id);
    if (removed.length) this.changes.fire({ added: [], removed, changed: [] });
  }

  signOut(): void {
    const removed = this.sessions.splice(0);
    if (removed.length) this.changes.fire({ added: [], removed, changed: [] });
  }

  dispose(): void {
    this.registration.dispose();
    this.changes.dispose();
  }
}
