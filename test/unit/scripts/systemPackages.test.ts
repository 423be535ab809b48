/**
 * `npm start` and `npm test` install missing Debian packages themselves. Stand-ins for dpkg-query,
 * apt-get and sudo on the PATH record what they are asked: the arguments, the privilege used, and
 * that nothing runs when nothing is missing or nothing may run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SYSTEM = path.resolve(__dirname, '../../../scripts/lib/system.mjs');
const NOBODY = 65534;

interface Run {
  status: number | null;
  output: string;
  /** One line per stand-in call: the program, then its arguments. */
  calls: string[];
}

describe('system packages (npm start and npm test set-up)', function () {
  this.timeout(20_000);
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bas-apt-'));
    await fs.chmod(dir, 0o755); // the non-root runs read it too
    // dpkg-query answers from the "installed" list; apt-get install adds to it, as the real one does.
    await standIn('dpkg-query', `grep -qx "$3" "${dir}/installed" && printf 'install ok installed' || exit 1`);
    await standIn('apt-get', `[ -f "${dir}/apt-fails" ] && exit 100
if [ "$1" = install ]; then shift 3; for p in "$@"; do echo "$p" >> "${dir}/installed"; done; fi`);
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A program on the stand-in PATH that logs its call, then runs `body`. */
  async function standIn(name: string, body: string): Promise<void> {
    await fs.writeFile(path.join(dir, name), `#!/bin/sh\necho "${name} $*" >> "${dir}/calls"\n${body}\n`, { mode: 0o755 });
  }

  async function installed(packages: string[]): Promise<void> {
    await fs.writeFile(path.join(dir, 'installed'), packages.map((p) => `${p}\n`).join(''));
    await fs.writeFile(path.join(dir, 'calls'), '');
    // The stand-ins write both, also when run as another user (the umask drops a mode given here).
    for (const f of ['installed', 'calls']) await fs.chmod(path.join(dir, f), 0o666);
  }

  /** Every package of a list except `missing`. */
  async function allBut(list: 'START_PACKAGES' | 'TEST_PACKAGES', missing: string[]): Promise<void> {
    const names = JSON.parse(node(`console.log(JSON.stringify(m.${list}.map((p) => p.pkg)))`).output) as string[];
    for (const m of missing) assert.ok(names.includes(m), `${m} is in ${list}`);
    await installed(names.filter((n) => !missing.includes(n)));
  }

  function node(script: string, uid?: number): Run {
    const env: NodeJS.ProcessEnv = { PATH: `${dir}:/usr/bin:/bin:/usr/sbin:/sbin`, HOME: dir };
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(SYSTEM)});\n${script}`], {
      encoding: 'utf8', env, cwd: dir, ...(uid === undefined ? {} : { uid, gid: uid }),
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}`, calls: [] };
  }

  async function ensure(list: 'START_PACKAGES' | 'TEST_PACKAGES', uid?: number): Promise<Run> {
    const run = node(`const unmet = m.ensureSystemPackages(m.${list}); if (unmet) { console.log(unmet.join('\\n')); process.exit(1); }`, uid);
    run.calls = (await fs.readFile(path.join(dir, 'calls'), 'utf8')).split('\n').filter((l) => l && !l.startsWith('dpkg-query'));
    return run;
  }

  it('as root, runs apt-get update then apt-get install with exactly the missing packages, and prints that command', async () => {
    await allBut('TEST_PACKAGES', ['chromium', 'squid', 'openssh-server']);
    const run = await ensure('TEST_PACKAGES');
    assert.equal(run.status, 0, run.output);
    assert.deepEqual(run.calls, ['apt-get update', 'apt-get install -y --no-install-recommends chromium squid openssh-server']);
    assert.match(run.output, /^\$ apt-get update && apt-get install -y --no-install-recommends chromium squid openssh-server$/m);
    assert.match(run.output, /chromium: drives the VS Code workbench/);
  });

  it('runs nothing when every package is installed', async () => {
    await allBut('TEST_PACKAGES', []);
    const run = await ensure('TEST_PACKAGES');
    assert.equal(run.status, 0, run.output);
    assert.deepEqual(run.calls, []);
    assert.equal(run.output, '');
  });

  it('npm start asks only for its own packages: a missing chromium is not its concern', async () => {
    await allBut('TEST_PACKAGES', ['chromium', 'libkrb5-dev']);
    const run = await ensure('START_PACKAGES');
    assert.equal(run.status, 0, run.output);
    assert.deepEqual(run.calls, ['apt-get update', 'apt-get install -y --no-install-recommends libkrb5-dev']);
  });

  it('reports a failed apt-get and stops', async () => {
    await allBut('START_PACKAGES', ['libkrb5-dev']);
    await fs.writeFile(path.join(dir, 'apt-fails'), '');
    const run = await ensure('START_PACKAGES');
    assert.equal(run.status, 1);
    assert.deepEqual(run.calls, ['apt-get update']);
    assert.match(run.output, /apt-get update failed \(exit 100\)/);
  });

  describe('as a user who is not root', function () {
    before(function () {
      if (process.getuid?.() !== 0) this.skip(); // switching to another user needs root
    });

    it('uses sudo -n when it works without a password', async () => {
      await allBut('START_PACKAGES', ['libkrb5-dev']);
      await standIn('sudo', '[ "$1" = -n ] && shift; exec "$@"');
      const run = await ensure('START_PACKAGES', NOBODY);
      assert.equal(run.status, 0, run.output);
      assert.deepEqual(run.calls, [
        'sudo -n true',
        'sudo -n apt-get update', 'apt-get update',
        'sudo -n apt-get install -y --no-install-recommends libkrb5-dev', 'apt-get install -y --no-install-recommends libkrb5-dev',
      ]);
      assert.match(run.output, /^\$ sudo -n apt-get update && sudo -n apt-get install -y --no-install-recommends libkrb5-dev$/m);
    });

    it('prints the exact command and stops when sudo needs a password', async () => {
      await allBut('TEST_PACKAGES', ['squid', 'apache2-utils']);
      await standIn('sudo', 'echo "sudo: a password is required" >&2; exit 1');
      const run = await ensure('TEST_PACKAGES', NOBODY);
      assert.equal(run.status, 1);
      assert.deepEqual(run.calls, ['sudo -n true'], 'nothing but the probe ran');
      assert.match(run.output, /^ {2}sudo apt-get update && sudo apt-get install -y --no-install-recommends squid apache2-utils$/m);
    });
  });
});
