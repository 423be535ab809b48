// Every error code the setup can show (the agent's too: its errors come back through its driver),
// from the catalogue, and the sources that build them: for the tests that check each one has a
// Spanish template whose placeholders its producers give as params.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AgentCode } from '../../../src/core/agents/codes';
import { MarsCode } from '../../../src/core/agents/mars/codes';
import { CacheCode } from '../../../src/core/cache/checkFolder';
import { ConnectivityCode } from '../../../src/core/connectivity/check';
import { CredentialsCode } from '../../../src/core/credentials/errors';
import { ERROR_CATALOGUE } from '../../../src/core/errorCatalogue';
import { FleetCode } from '../../../src/core/fleet/types';
import { NetworkCode } from '../../../src/core/http/networkErrors';
import { HttpCode } from '../../../src/core/http/request';
import { InstallCode } from '../../../src/core/install/codes';
import { PassphraseCode } from '../../../src/core/passphrase/codes';
import { ProxyCode } from '../../../src/core/proxy/codes';
import { ServiceCode } from '../../../src/core/service/codes';
import { TargetCode } from '../../../src/core/target/codes';
import { SshCode } from '../../../src/core/target/ssh/types';
import { TrustCode } from '../../../src/core/trust/codes';
import { VaultCode } from '../../../src/core/vaultCodes';
import { AzureCode } from '../../../src/core/vault/azure/codes';
import { ROOT, sourceFiles } from './strings';

const errorSources = [...sourceFiles(path.join(ROOT, 'src', 'core')), ...sourceFiles(path.join(ROOT, 'src', 'agent')), ...sourceFiles(path.join(ROOT, 'src', 'vault')), path.join(ROOT, 'src/vscode/features/session/checked.ts')];
/** The text of every source file that builds errors. */
export const SOURCE_TEXT = new Map(errorSources.map((f) => [f, readFileSync(f, 'utf8')]));

/** Every code of the catalogue. */
export const ALL_CODES = new Set<string>(Object.values(ERROR_CATALOGUE).flatMap((family) => Object.keys(family)));

/** How sources name a code by its family's object (`SshCode.ConnectFailed`), besides its literal. */
const FAMILY_OBJECTS = { AgentCode, AzureCode, MarsCode, CacheCode, ConnectivityCode, CredentialsCode, FleetCode, HttpCode, InstallCode, NetworkCode, PassphraseCode, ProxyCode, ServiceCode, SshCode, TargetCode, TrustCode, VaultCode };
const constantNames = new Map<string, string[]>();
for (const [object, codes] of Object.entries(FAMILY_OBJECTS)) {
  for (const [name, code] of Object.entries(codes)) constantNames.set(code, [...(constantNames.get(code) ?? []), `${object}.${name}`]);
}

/** Whether a source's text produces `code`. */
export const producesCode = (text: string, code: string) => text.includes(`'${code}'`) || (constantNames.get(code) ?? []).some((name) => text.includes(name));
