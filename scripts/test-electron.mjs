// `npm run test:electron`: the same integration suite in desktop VS Code through
// @vscode/test-electron. It downloads VS Code unless VSCODE_EXECUTABLE points at an installed
// one; on machines that cannot download it, it fails and says so (nothing is faked).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT } from './lib/host.mjs';

if (spawnSync(process.execPath, ['scripts/build.mjs', '--tests'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) process.exit(1);
try {
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [path.join(ROOT, 'test', 'fixtures', 'workspace'), '--disable-extensions'],
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: process.env.VSCODE_VERSION || 'stable' }),
  });
} catch (err) {
  console.error(`test:electron failed: ${err?.message || err}`);
  console.error('Desktop VS Code must be downloadable from here, or set VSCODE_EXECUTABLE to an installed VS Code binary. On machines without that, use npm test (code-server).');
  process.exit(1);
}
