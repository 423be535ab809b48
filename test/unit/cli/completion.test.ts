/**
 * Shell completion as a shell runs it: the script `backup-agent-setup completion bash` prints is
 * sourced in a real bash, its function called for a partial command line, and COMPREPLY read back.
 * zsh likewise when it is installed (its completion system needs a terminal, so only loading the
 * script and registering the function is checked there).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../../support/service';

/** COMPREPLY after completing `words` (the last one partial) with the sourced script. */
function bashComplete(script: string, words: string[], cwd: string): string[] {
  const program = [
    script,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_backup_agent_setup',
    'printf "%s\\n" "${COMPREPLY[@]}"',
    // The registration too: `complete -p` prints it.
    'complete -p backup-agent-setup >&2',
  ].join('\n');
  const run = spawnSync('bash', ['--norc', '--noprofile', '-c', program], { cwd, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /complete .*-F _backup_agent_setup backup-agent-setup/);
  return run.stdout.split('\n').filter(Boolean).sort();
}

describe('CLI shell completion', function () {
  this.timeout(30_000);
  let script: string;
  let dir: string;

  before(async () => {
    const run = await runCli(['completion', 'bash']);
    assert.equal(run.code, 0, run.stderr);
    script = run.stdout;
    dir = await tempDir('completion-');
    await fs.writeFile(path.join(dir, 'lab1.VaultCredentials'), '');
    await fs.mkdir(path.join(dir, 'labs'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('completes commands, sub-commands and options in bash', () => {
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'st'], dir), ['status']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'check-'], dir), ['check-cache', 'check-connectivity']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'passphrase', 'g'], dir), ['generate']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'status', '--i'], dir), ['--install-folder']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'register', '--proxy-mode', 'e'], dir), ['environment']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'completion', ''], dir), ['bash', 'zsh']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'az'], dir), ['azure']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'azure', ''], dir), ['credentials', 'servers']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'azure', 'servers', '--re'], dir), ['--resource-group']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'azure', 'credentials', '--t'], dir), ['--token-stdin']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'inspect', '--arm'], dir), ['--arm-endpoint']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'register', '--mars-installer-download', ''], dir), ['admin', 'server']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'register', '--security-p'], dir), ['--security-pin-stdin']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'unregister', '--un'], dir), ['--uninstall']);
  });

  it('completes files after --credentials and folders after --install-folder', () => {
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'register', '--credentials', 'lab'], dir), ['lab1.VaultCredentials', 'labs']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'status', '--install-folder', 'lab'], dir), ['labs']);
    assert.deepEqual(bashComplete(script, ['backup-agent-setup', 'azure', 'credentials', '--out', 'lab'], dir), ['labs']);
  });

  it('prints a zsh script that zsh loads and registers', async function () {
    const zsh = spawnSync('zsh', ['--version'], { encoding: 'utf8' });
    if (zsh.error) {
      console.warn('    skipping zsh: zsh is not installed (apt-get install -y zsh)');
      return this.skip();
    }
    const run = await runCli(['completion', 'zsh']);
    assert.equal(run.code, 0, run.stderr);
    const check = spawnSync('zsh', ['-f', '-c', `autoload -Uz compinit && compinit -u -D\n${run.stdout}\nprint -r -- "\${_comps[backup-agent-setup]}"`], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.equal(check.stdout.trim(), '_backup_agent_setup');
  });

  it('refuses another shell with exit code 2', async () => {
    const run = await runCli(['completion', 'fish']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /bash and zsh/);
  });
});
