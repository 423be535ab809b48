/**
 * Helpers for the SSH target tests: prompts that record what they were asked and answer from a
 * script, connect options confined to a temp folder (never the real ~/.ssh), destinations for a
 * test sshd, a target on one whose host key is already known, and a check that a promise fails
 * with a given SetupError code.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { isSetupError, type SetupError } from '../../../src/core/errors';
import { Secret } from '../../../src/core/secret';
import { openSshTarget, type HostKeyInfo, type SshConnectOptions, type SshDestination, type SshPrompts, type SshTarget } from '../../../src/core/target/ssh';
import { captureLogger, type CaptureLogger } from '../../support/service';
import type { KeyPair, TestSshd } from '../../support/sshd';

export interface RecordedPrompts extends SshPrompts {
  trusted: HostKeyInfo[];
  passphraseAsked: string[];
  passwordAsked: number;
}

/** Answers: trust or not, then passphrases and passwords in order (undefined once they run out). */
export function scriptedPrompts(answers: { trust?: boolean; passphrases?: string[]; passwords?: string[] } = {}): RecordedPrompts {
  const passphrases = [...(answers.passphrases ?? [])];
  const passwords = [...(answers.passwords ?? [])];
  const prompts: RecordedPrompts = {
    trusted: [],
    passphraseAsked: [],
    passwordAsked: 0,
    async trustNewHost(info) {
      prompts.trusted.push(info);
      return answers.trust ?? true;
    },
    async keyPassphrase(file) {
      prompts.passphraseAsked.push(file);
      const next = passphrases.shift();
      return next === undefined ? undefined : new Secret(next);
    },
    async password() {
      prompts.passwordAsked++;
      const next = passwords.shift();
      return next === undefined ? undefined : new Secret(next);
    },
  };
  return prompts;
}

export async function sshTempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'ssh-unit-'));
}

export function connectOptions(dir: string, prompts: SshPrompts, extra: Partial<SshConnectOptions> = {}): SshConnectOptions & { logger: CaptureLogger } {
  return { prompts, knownHostsFiles: [path.join(dir, 'known_hosts')], logger: captureLogger(), readyTimeoutMs: 10_000, ...extra } as SshConnectOptions & { logger: CaptureLogger };
}

export function destinationOf(sshd: TestSshd, identityFiles: string[] = [], user = sshd.user): SshDestination {
  return { name: `${user}@${sshd.host}:${sshd.port}`, host: sshd.host, port: sshd.port, user, identityFiles, jumps: [] };
}

/** A target on `sshd`, its host key in a known_hosts file of its own under `dir`, authenticated with `key`. */
export async function trustedTarget(sshd: TestSshd, key: KeyPair, dir: string): Promise<SshTarget> {
  const known = await fs.mkdtemp(path.join(dir, 'known-'));
  await fs.writeFile(path.join(known, 'known_hosts'), `${sshd.knownHostsLine}\n`);
  return openSshTarget(destinationOf(sshd, [key.privateKeyFile]), connectOptions(known, scriptedPrompts({ trust: false })));
}

export async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<SetupError> {
  const err = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(isSetupError(err, code), `expected ${code}, got ${inspect(err)}`);
  return err;
}

/** Skips the suite (in a `before`) saying why, when `reason` is set. */
export function skipUnless(context: Mocha.Context, reason: string | undefined): void {
  if (!reason) return;
  console.warn(`    skipping: ${reason}`);
  context.skip();
}
