import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { AGENT_VERSION } from '../../../src/agent/version';
import { agentLayout } from '../../../src/core/config/layout';
import { isSetupError } from '../../../src/core/errors';
import { installAgent, type InstallProgress } from '../../../src/core/install';
import { LocalTarget } from '../../../src/core/target/local';
import { buildAgentPackage, tempDir } from '../../support/vault';
import { agentTarGz } from './tarball';
import { nodeOptionsWithout } from '../../support/nodeWithout';
import { overriding } from '../../support/targets';

const local = new LocalTarget();

describe('agent install', function () {
  this.timeout(60_000);
  let dir: string;
  let built: Awaited<ReturnType<typeof buildAgentPackage>>;

  before(async () => {
    dir = await tempDir('install-agent-');
    built = await buildAgentPackage(path.join(dir, 'built'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const layoutIn = async (name: string) => agentLayout(local, path.join(dir, name));

  it('installs the built agent package, runs it, and reports each phase', async () => {
    const layout = await layoutIn('ok');
    const phases: InstallProgress['phase'][] = [];
    const result = await installAgent({ target: local, layout, packageFile: built.file, onProgress: (p) => phases.push(p.phase) });

    assert.deepEqual(result, { version: AGENT_VERSION, agentDir: layout.agentDir });
    assert.equal(execFileSync(process.execPath, [path.join(layout.agentDir, 'main.js'), 'version'], { encoding: 'utf8' }).trim(), AGENT_VERSION);
    assert.deepEqual([...new Set(phases)], ['prerequisites', 'unpacking', 'verifying']);
  });

  it('refuses with AgentPrerequisiteMissing, naming node and how to get it, when node is missing', async () => {
    const layout = await layoutIn('no-node');
    const empty = path.join(dir, 'empty-path');
    await fs.mkdir(empty);
    const noNode = overriding(local, { run: (command, args, options = {}) => local.run(command, args, { ...options, env: { ...options.env, PATH: empty } }) });
    const err = await installAgent({ target: noNode, layout, packageFile: built.file }).then(
      () => assert.fail('should be refused'),
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err, 'AgentPrerequisiteMissing'), inspect(err));
    assert.equal(err.params.missing, 'node');
    assert.match(err.message, /node >=18 \(not found\)/);
    assert.match(String(err.params.howToGet), /apt-get install nodejs/);
    await assert.rejects(fs.stat(layout.installFolder), { code: 'ENOENT' });
  });

  it('keeps the previous agent when the new one does not report its version', async () => {
    const layout = await layoutIn('bad-version');
    await installAgent({ target: local, layout, packageFile: built.file });
    const liar = path.join(dir, 'liar.tar.gz');
    await fs.writeFile(liar, agentTarGz('2.0.0', [], 'console.log("9.9.9");\n'));
    const err = await installAgent({ target: local, layout, packageFile: liar }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err, 'AgentInstallVerifyFailed'), inspect(err));
    assert.equal(err.params.expectedVersion, '2.0.0');
    assert.equal(err.params.reportedVersion, '9.9.9');
    assert.equal(execFileSync(process.execPath, [path.join(layout.agentDir, 'main.js'), 'version'], { encoding: 'utf8' }).trim(), AGENT_VERSION);
  });

  it('does not put in place an agent a part of which cannot load on the target\'s Node', async () => {
    // The staged agent's --version loads every part first; undici needs diagnostics_channel as it loads.
    const layout = await layoutIn('part-missing');
    const NODE_OPTIONS = await nodeOptionsWithout(dir, 'diagnostics_channel');
    const partMissing = overriding(local, { run: (command, args, options = {}) => local.run(command, args, { ...options, env: { ...options.env, NODE_OPTIONS } }) });
    const err = await installAgent({ target: partMissing, layout, packageFile: built.file }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err, 'AgentInstallVerifyFailed'), inspect(err));
    assert.equal(err.params.exitCode, 1);
    assert.match(String(err.params.stderr), /diagnostics_channel is not on this Node/);
    assert.deepEqual(await fs.readdir(layout.installFolder), []);
  });

  it('keeps the previous agent when the new one does not start', async () => {
    const layout = await layoutIn('crash');
    await installAgent({ target: local, layout, packageFile: built.file });
    const broken = path.join(dir, 'broken.tar.gz');
    await fs.writeFile(broken, agentTarGz('2.0.0', [], 'throw new Error("cannot start");\n'));
    const err = await installAgent({ target: local, layout, packageFile: broken }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(isSetupError(err, 'AgentInstallVerifyFailed'), inspect(err));
    assert.equal(err.params.exitCode, 1);
    assert.deepEqual(await fs.readdir(layout.installFolder), ['agent']);
    assert.equal(execFileSync(process.execPath, [path.join(layout.agentDir, 'main.js'), 'version'], { encoding: 'utf8' }).trim(), AGENT_VERSION);
  });
});
