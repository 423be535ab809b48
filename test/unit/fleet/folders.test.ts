// A fleet's folders per agent: each checked by the rule of the systems its agent runs on (a drive
// path for MARS on Windows, a POSIX path for the reference agent), with {server} per server.
import assert from 'node:assert/strict';
import { agentFolderProblem, folderForServer, SERVER_TOKEN } from '../../../src/core/fleet';

describe("A fleet's folders per agent", () => {
  it("takes a drive path for the MARS agent's servers and refuses a POSIX or drive-less one by name", () => {
    assert.equal(agentFolderProblem('mars', 'installFolder', 'C:\\Program Files\\Microsoft Azure Recovery Services Agent'), undefined);
    assert.equal(agentFolderProblem('mars', 'cacheFolder', `D:\\Backup\\${SERVER_TOKEN}\\Scratch`), undefined);
    for (const folder of ['/opt/backup-agent', '\\Backup', 'Backup', 'C:Backup']) {
      assert.equal(agentFolderProblem('mars', 'installFolder', folder)?.code, 'InstallFolderNotAbsolute', folder);
      assert.equal(agentFolderProblem('mars', 'cacheFolder', folder)?.code, 'CacheFolderNotAbsolute', folder);
    }
    assert.equal(agentFolderProblem('mars', 'installFolder', '/opt/x')?.params.folder, '/opt/x');
  });

  it("takes a POSIX path for the reference agent's servers and refuses a Windows or relative one", () => {
    assert.equal(agentFolderProblem('reference', 'installFolder', `/srv/backup/${SERVER_TOKEN}`), undefined);
    for (const folder of ['C:\\Backup', 'backup', `${SERVER_TOKEN}/agent`]) {
      assert.equal(agentFolderProblem('reference', 'installFolder', folder)?.code, 'InstallFolderNotAbsolute', folder);
    }
  });

  it('replaces {server} with each server\'s key, made safe as a folder name', () => {
    assert.equal(folderForServer(`/srv/${SERVER_TOKEN}/agent`, 'admin@web1:22'), '/srv/admin_web1_22/agent');
    assert.equal(folderForServer('C:\\Backup', 'win1'), 'C:\\Backup');
    assert.equal(folderForServer(undefined, 'win1'), undefined);
  });
});
