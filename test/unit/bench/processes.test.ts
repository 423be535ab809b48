import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { descendants, killTree, readStat, treeCpuMs } from '../../support/processes';

/** Node burning `ms` of its own CPU, then saying so; with `stay` it lives on until killed. */
const burner = (ms: number, stay: boolean) =>
  `"${process.execPath}" -e 'while (process.cpuUsage().user < ${ms * 1000}); console.log("burnt"); ${stay ? 'setInterval(() => {}, 1000);' : ''}'`;

/** A shell running `command`, resolved once it printed `burnt` `times` times. */
async function shell(command: string, times: number): Promise<ChildProcess> {
  const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  while (out.split('burnt').length <= times) await once(child.stdout!, 'data');
  return child;
}

describe('bench: CPU of a process tree from /proc', function () {
  this.timeout(20_000);
  const started: ChildProcess[] = [];
  afterEach(() => {
    for (const child of started.splice(0)) killTree(child.pid!);
  });

  it('counts a live grandchild, found among the descendants, and kills it with the tree', async () => {
    const sh = await shell(`${burner(300, true)}; true`, 1);
    started.push(sh);
    assert.equal(descendants(sh.pid!).length, 1);
    assert.ok(treeCpuMs([sh.pid!]) >= 290, `tree CPU ${treeCpuMs([sh.pid!])} ms`);
    assert.ok(readStat(sh.pid!)!.ownMs < 100, 'the shell itself only waits');

    const grandchild = descendants(sh.pid!)[0]!;
    killTree(sh.pid!);
    await once(sh, 'exit');
    // Killed, then reaped by init once its shell is gone.
    for (let i = 0; i < 100 && readStat(grandchild); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(readStat(grandchild), undefined, 'the grandchild went with the tree');
  });

  it('still counts a child that ended, through its parent that reaped it', async () => {
    // The shell echoes only once it has reaped the burner.
    const sh = await shell(`${burner(300, false)}; echo burnt; sleep 30`, 2);
    started.push(sh);
    assert.ok(readStat(sh.pid!)!.reapedMs >= 290, `reaped ${readStat(sh.pid!)!.reapedMs} ms`);
    assert.ok(treeCpuMs([sh.pid!]) >= 290);
  });
});
