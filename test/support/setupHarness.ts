/**
 * For suites that drive the extension's commands inside the extension host: a real vault with a
 * vault and its credentials file, the extension trusting its CA for its endpoint and installing
 * into a temp folder (user settings, restored by close()), and a scripted user per command.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as vscode from 'vscode';
import { endpointKey } from '../../src/core/trust/endpoint';
import type { FeatureTesting } from '../../src/vscode/features';
import { activateExtension } from './extension';
import { TestUserInput, type Answer, type MessageRecord } from './testUserInput';
import { createVaultWithCredentials, startTestVault, tempDir, type TestVault, type TestVaultCredentials } from './vault';

const SETTINGS = ['vault.trustedCertificates', 'installFolder', 'cacheFolder', 'localVault.port', 'proxy.mode'] as const;

export interface Harness {
  /** The running vault (replaced by withVaultDown). */
  readonly vault: TestVault;
  creds: TestVaultCredentials;
  /** The credentials file, written into the temp folder. */
  credentialsFile: string;
  dir: string;
  installFolder: string;
  testing: FeatureTesting;
  /** Runs `fn` while the vault is stopped, then starts it again on the same port and data. */
  withVaultDown(fn: () => Promise<void>): Promise<void>;
  /** Writes another credentials file of the same vault (superseding earlier ones). */
  issueFile(name: string, validHours?: number): Promise<string>;
  /** Runs a command (with `args`, as a view's menu passes its element) with scripted answers; the answers must all be used. */
  run(command: string, answers: Answer[], onMessage?: (m: MessageRecord) => string | undefined, ...args: unknown[]): Promise<TestUserInput>;
  close(): Promise<void>;
}

const config = () => vscode.workspace.getConfiguration('backupAgent');

export async function startHarness(): Promise<Harness> {
  const { ext, api } = await activateExtension();
  const testing = (await api.features()).testing;
  const dir = await tempDir('palette-');
  // The vault serves an agent package built for this suite: a rebuild of dist/ meanwhile cannot take it away.
  const agentDir = path.join(dir, 'agent-packages');
  const build = (await import(pathToFileURL(path.join(ext.extensionPath, 'scripts', 'build-agent.mjs')).href)) as {
    buildAgent(o: { root: string; outDir: string }): Promise<unknown>;
  };
  await build.buildAgent({ root: ext.extensionPath, outDir: agentDir });
  const vaultOptions = { agentDir, dataDir: path.join(dir, 'vault-data') };
  let vault = await startTestVault(vaultOptions);
  const creds = await createVaultWithCredentials(vault);
  const write = async (name: string, xml: string) => {
    const file = path.join(dir, name);
    await fs.writeFile(file, xml);
    return file;
  };
  const credentialsFile = await write(creds.file.fileName, creds.file.xml);
  const caFile = await write('vault-ca.pem', vault.caCertPem);
  const installFolder = path.join(dir, 'agent');
  await config().update('vault.trustedCertificates', { [endpointKey(vault.url)]: caFile }, vscode.ConfigurationTarget.Global);
  await config().update('installFolder', installFolder, vscode.ConfigurationTarget.Global);
  return {
    get vault() {
      return vault;
    },
    creds,
    credentialsFile,
    dir,
    installFolder,
    testing,
    async withVaultDown(fn) {
      const port = Number(new URL(vault.url).port);
      await vault.close();
      try {
        await fn();
      } finally {
        vault = await startTestVault({ ...vaultOptions, port });
      }
    },
    async issueFile(name, validHours) {
      const file = await vault.admin.issueCredentials(creds.identity.name, { validHours });
      return write(name, file.xml);
    },
    async run(command, answers, onMessage, ...args) {
      const input = new TestUserInput(answers, onMessage);
      testing.useInput(input);
      try {
        await vscode.commands.executeCommand(command, ...args);
      } finally {
        testing.useInput(undefined);
      }
      input.assertDone();
      return input;
    },
    async close() {
      for (const key of SETTINGS) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
      await testing.session.reset();
      await testing.status.check();
      await vault.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
