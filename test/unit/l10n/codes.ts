// Every error code the setup can show (the agent's too: its errors come back through its driver),
// gathered from the sources: for the tests that check each
// one has a Spanish template and a next step.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CacheCode } from '../../../src/core/cache/checkFolder';
import { StageCode } from '../../../src/core/connectivity/check';
import { CREDENTIALS_ERROR_CODES } from '../../../src/core/credentials/errors';
import { FleetCode } from '../../../src/core/fleet/types';
import { NetworkCode } from '../../../src/core/http/networkErrors';
import { HttpCode } from '../../../src/core/http/request';
import { INSTALL_CODES } from '../../../src/core/install/codes';
import { PASSPHRASE_CODES } from '../../../src/core/passphrase/codes';
import { SshCode } from '../../../src/core/target/ssh/types';
import { TrustCode } from '../../../src/core/trust/codes';
import { VaultCode } from '../../../src/vault/errors';
import { SESSION_ERROR_CODES } from '../../../src/vscode/features/session/checked';
import { ROOT, sourceFiles } from './strings';

const errorSources = [...sourceFiles(path.join(ROOT, 'src', 'core')), ...sourceFiles(path.join(ROOT, 'src', 'agent')), ...sourceFiles(path.join(ROOT, 'src', 'vault')), path.join(ROOT, 'src/vscode/features/session/checked.ts')];
/** The text of every source file that builds errors. */
export const SOURCE_TEXT = new Map(errorSources.map((f) => [f, readFileSync(f, 'utf8')]));

/** Every code a SetupError is built with, as a literal in the core. */
function literalCodes(): string[] {
  const codes = new Set<string>();
  for (const text of SOURCE_TEXT.values()) {
    for (const m of text.matchAll(/(?:new SetupError|credentialsError)\(\s*'([^']+)'/g)) codes.add(m[1]!);
  }
  return [...codes];
}

/** The codes the core and the local vault produce (the adapter's own are SESSION_ERROR_CODES). */
export const CORE_CODES = new Set<string>([
  ...literalCodes().filter((code) => !(SESSION_ERROR_CODES as readonly string[]).includes(code)),
  ...CREDENTIALS_ERROR_CODES,
  ...PASSPHRASE_CODES,
  ...INSTALL_CODES,
  ...Object.values(CacheCode),
  ...Object.values(NetworkCode),
  ...Object.values(HttpCode),
  StageCode.VaultUnhealthy,
  ...Object.values(VaultCode),
  ...Object.values(SshCode),
  ...Object.values(FleetCode),
  ...Object.values(TrustCode),
]);

export const ALL_CODES = new Set<string>([...CORE_CODES, ...SESSION_ERROR_CODES]);

/** How sources name a code kept in a constant object (`SshCode.ConnectFailed`), besides its literal. */
const constantNames = new Map<string, string[]>();
for (const [object, codes] of [['SshCode', SshCode], ['FleetCode', FleetCode], ['TrustCode', TrustCode]] as const) {
  for (const [name, code] of Object.entries(codes)) constantNames.set(code, [...(constantNames.get(code) ?? []), `${object}.${name}`]);
}

/** Whether a source's text produces `code`. */
export const producesCode = (text: string, code: string) => text.includes(`'${code}'`) || (constantNames.get(code) ?? []).some((name) => text.includes(name));
