// Builds the agent package the local vault serves: src/agent/main.ts bundled by esbuild into one
// file, with a package.json and README, packed as dist/agent/backup-agent-<version>.tar.gz, and
// dist/agent/latest.json {version, size, sha256, file}. The version is asked of the built agent
// itself, so the package can never claim another. Import buildAgent() to build elsewhere (tests).
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { create } from 'tar';
import { llhttpWithoutSimd } from './lib/esm-node.mjs';

const repoRoot = path.resolve(import.meta.dirname, '..');

/**
 * @param {{ root?: string, outDir?: string }} [options]
 * @returns {Promise<{ version: string, file: string, size: number, sha256: string }>}
 */
export async function buildAgent({ root = repoRoot, outDir = path.join(root, 'dist', 'agent') } = {}) {
  const staging = await fs.mkdtemp(path.join(os.tmpdir(), 'backup-agent-build-'));
  try {
    const pkgDir = path.join(staging, 'backup-agent');
    const main = path.join(pkgDir, 'main.js');
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: ['src/agent/main.ts'],
      outfile: main,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      // The package promises Node 18 (engines below, and the installer's prerequisite check).
      target: 'node18',
      minify: true,
      plugins: [llhttpWithoutSimd],
      banner: {
        js: [
          '#!/usr/bin/env node',
          // Stated first, so the line below does not turn the bundle's own directive into a no-op.
          "'use strict';",
          // undici 7 reads the global File at load time; Node 18 has it only in node:buffer.
          "if (typeof globalThis.File === 'undefined') globalThis.File = require('node:buffer').File;",
        ].join('\n'),
      },
      logLevel: 'warning',
    });
    await fs.chmod(main, 0o755);
    const version = execFileSync(process.execPath, [main, '--version'], { encoding: 'utf8' }).trim();
    await fs.writeFile(
      path.join(pkgDir, 'package.json'),
      `${JSON.stringify({ name: 'backup-agent', version, private: true, main: 'main.js', bin: { 'backup-agent': 'main.js' }, engines: { node: '>=18' } }, null, 2)}\n`,
    );
    await fs.writeFile(
      path.join(pkgDir, 'README.md'),
      `# backup-agent ${version}\n\nThe backup agent's command line. Run \`node main.js help\` for its commands.\n`,
    );

    const name = `backup-agent-${version}.tar.gz`;
    const packed = path.join(staging, name);
    // Fixed mtimes: the same sources give the same package and checksum.
    await create({ gzip: true, portable: true, mtime: new Date(0), cwd: staging, file: packed }, ['backup-agent']);
    const bytes = await fs.readFile(packed);
    const sha256 = createHash('sha256').update(bytes).digest('hex');

    await fs.mkdir(outDir, { recursive: true });
    const file = path.join(outDir, name);
    await fs.copyFile(packed, `${file}.tmp`);
    await fs.rename(`${file}.tmp`, file);
    const latest = path.join(outDir, 'latest.json');
    await fs.writeFile(`${latest}.tmp`, `${JSON.stringify({ version, size: bytes.length, sha256, file: name }, null, 2)}\n`);
    await fs.rename(`${latest}.tmp`, latest);
    return { version, file, size: bytes.length, sha256 };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const built = await buildAgent();
  console.log(`built ${path.relative(process.cwd(), built.file)} (${built.size} bytes, sha256 ${built.sha256})`);
}
