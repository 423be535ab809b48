// Which credentials file a fleet run registers with (src/core/fleet/credentials.ts): the user's
// own file stays the run's; a file got from Azure gives way to the session's current one, or to one
// fresh file for the whole run when that is gone, near its end, or the one the last run was refused with.
import assert from 'node:assert/strict';
import { credentialsForRun, type RunCredentialsInput } from '../../../src/core/fleet';
import type { ServerRow } from '../../../src/core/fleet/types';
import type { ErrorCode } from '../../../src/core/errorCatalogue';
import { EXPIRY_WARNING_MS } from '../../../src/core/service/prepare';

const HOUR = 3_600_000;
const fromAzure = (file: string) => file.startsWith('/tmp/backup-agent-credentials-');
const RUN = '/tmp/backup-agent-credentials-a/lab_Mon Dec 07 2026.VaultCredentials';
const NEWER = '/tmp/backup-agent-credentials-b/lab_Mon Dec 07 2026.VaultCredentials';
const OWN = '/home/admin/lab.VaultCredentials';

const failed = (code: ErrorCode): ServerRow => ({ key: 'web1', state: 'failed', reason: { code, message: code, params: {} } }) as ServerRow;
const run = (input: Omit<RunCredentialsInput, 'fromAzure'>) => credentialsForRun({ fromAzure, ...input });

describe('fleet run credentials', () => {
  it("keeps the user's own file, whatever the session holds now", () => {
    assert.deepEqual(run({ runFile: OWN, current: { file: NEWER, timeLeftMs: 40 * HOUR } }), { kind: 'use', file: OWN });
    assert.deepEqual(run({ runFile: OWN, previous: { rows: [failed('34513')] } }), { kind: 'use', file: OWN });
  });

  it("takes the session's current file for a run started with a file from Azure", () => {
    assert.deepEqual(run({ runFile: RUN, current: { file: NEWER, timeLeftMs: 40 * HOUR } }), { kind: 'use', file: NEWER });
    assert.deepEqual(run({ runFile: RUN, current: { file: RUN, timeLeftMs: 40 * HOUR }, previous: { rows: [failed('SshConnectFailed')] } }), { kind: 'use', file: RUN });
  });

  it('gets one fresh file when the current one is gone, expired or about to expire', () => {
    assert.deepEqual(run({ runFile: RUN }), { kind: 'fresh' });
    assert.deepEqual(run({ runFile: RUN, current: { file: RUN } }), { kind: 'fresh' });
    assert.deepEqual(run({ runFile: RUN, current: { file: NEWER, timeLeftMs: EXPIRY_WARNING_MS - 1 } }), { kind: 'fresh' });
  });

  it('gets one fresh file when the last run was refused with this very file as superseded or expired, not when a newer one is selected', () => {
    for (const code of ['34513', 'CBPUserExpiredVaultCredential'] as const) {
      assert.deepEqual(run({ runFile: RUN, current: { file: RUN, timeLeftMs: 40 * HOUR }, previous: { rows: [failed(code)] } }), { kind: 'fresh' }, code);
      assert.deepEqual(run({ runFile: RUN, current: { file: NEWER, timeLeftMs: 40 * HOUR }, previous: { rows: [failed(code)] } }), { kind: 'use', file: NEWER }, code);
    }
  });
});
