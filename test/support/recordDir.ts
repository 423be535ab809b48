/**
 * Loaded before every unit test (.mocharc.json): the install record (core/config/installRecord.ts)
 * goes to a folder of this test process, never to the machine's own place (/etc/backup-agent when
 * the tests run as root). The CLI processes (runCli) and the test sshd's sessions get it too.
 * Each test starts without a record, as on a server never set up, whatever ran before it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(os.tmpdir(), 'install-record-'));
process.env.BACKUP_AGENT_RECORD_DIR = dir;
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));

export const mochaHooks = {
  beforeEach(): void {
    rmSync(path.join(dir, 'install.json'), { force: true });
  },
};
