// src/core (and the vault, agent and CLI built on it) must run on plain Node: no `vscode`
// import, direct or through the adapters. The lint rule says the same; this guards the build.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PLAIN_NODE = ['src/core', 'src/vault', 'src/agent', 'src/cli'];
const IMPORT = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function forbiddenImports(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec === 'vscode') bad.push(spec);
    else if (spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(path.join(ROOT, 'src', 'vscode'))) bad.push(spec);
  }
  return bad;
}

/** Imports (static, dynamic, require) of the core past its front door, src/core/service's index. */
function pastFrontDoor(file: string, text = fs.readFileSync(file, 'utf8')): string[] {
  const core = path.join(ROOT, 'src', 'core');
  const door = path.join(core, 'service');
  return [...text.matchAll(IMPORT)]
    .map((m) => m[1] ?? m[2] ?? m[3])
    .filter((spec) => {
      if (!spec.startsWith('.')) return false;
      const resolved = path.resolve(path.dirname(file), spec);
      return resolved.startsWith(core + path.sep) && resolved !== door && resolved !== path.join(door, 'index');
    });
}

describe('layering', () => {
  it('keeps vscode out of the plain-Node code', () => {
    const files = PLAIN_NODE.flatMap((d) => tsFiles(path.join(ROOT, d)));
    assert.ok(files.length > 0);
    const offenders = files.flatMap((f) => forbiddenImports(f).map((spec) => `${path.relative(ROOT, f)} imports ${spec}`));
    assert.deepEqual(offenders, []);
  });

  // The lint rule says the same for static imports; this also catches an `await import()`.
  it('lets the VS Code features reach the core only through src/core/service', () => {
    const files = tsFiles(path.join(ROOT, 'src', 'vscode', 'features'));
    assert.ok(files.length > 0);
    const offenders = files.flatMap((f) => pastFrontDoor(f).map((spec) => `${path.relative(ROOT, f)} imports ${spec}`));
    assert.deepEqual(offenders, []);
  });

  it('detects an import past the front door when there is one', () => {
    const file = path.join(ROOT, 'src', 'vscode', 'features', 'remote', 'bad.ts');
    const text = "import { Secret } from '../../../core/service';\nimport type { X } from '../../../core/service/types';\nconst ssh = await import('../../../core/target/ssh');\n";
    assert.deepEqual(pastFrontDoor(file, text), ['../../../core/service/types', '../../../core/target/ssh']);
  });

  it('detects a vscode import when there is one', () => {
    const file = path.join(ROOT, 'src', 'core', 'proxy', 'bad.ts');
    const text = "import * as vscode from 'vscode';\nimport { COMMANDS } from '../../vscode/ids';\nconst x = require('vscode');\n";
    assert.deepEqual(forbiddenImports(file, text), ['vscode', '../../vscode/ids', 'vscode']);
  });
});
