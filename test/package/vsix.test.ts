// The .vsix carries only what runs: the manifest, its translations, the bundles, the agent
// package the local vault serves, bundled licence notices, media, the readme, changelog and
// licence. Anything else (sources, tests, maps, node_modules) fails.
import assert from 'node:assert/strict';
import { transformSync } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { importsOf, staticClosure } from '../support/esmImports';
import { listZip } from '../support/zip';

const ALLOWED: RegExp[] = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[a-z-]+)?\.json$/,
  /^extension\/(readme|changelog)\.md$/,
  /^extension\/LICENSE\.txt$/,
  /^extension\/docs\/vault-api\.md$/,
  /^extension\/l10n\/(bundle\.l10n|errors)\.[a-z-]+\.json$/,
  /^extension\/media\/([\w-]+\/)?[\w.-]+\.(png|webp|svg|css|md)$/,
  /^extension\/dist\/(extension|webview)\.js$/,
  /^extension\/dist\/features\.mjs$/,
  /^extension\/dist\/chunks\/[\w-]+\.mjs$/,
  /^extension\/dist\/(chunks\/)?[\w-]+\.m?js\.LEGAL\.txt$/,
  /^extension\/dist\/agent\/(backup-agent-[\d.]+\.tar\.gz|latest\.json)$/,
];

describe('the .vsix contents', () => {
  const vsix = process.env.VSIX ?? '';

  it('exists', () => {
    assert.ok(vsix && fs.existsSync(vsix), `no .vsix at "${vsix}" (run npm run package)`);
  });

  it('holds only run-time files', () => {
    const names = listZip(vsix).map((e) => e.name);
    const unexpected = names.filter((n) => !ALLOWED.some((r) => r.test(n)));
    assert.deepEqual(unexpected, [], `unexpected files in the .vsix:\n${unexpected.join('\n')}`);
    for (const needed of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/features.mjs', 'extension/dist/webview.js', 'extension/package.nls.es.json', 'extension/l10n/bundle.l10n.es.json', 'extension/l10n/errors.es.json', 'extension/dist/agent/latest.json', 'extension/media/walkthrough/register.md', 'extension/media/icon.png', 'extension/docs/vault-api.md']) {
      assert.ok(names.includes(needed), `${needed} is missing from the .vsix`);
    }
    console.log(`    ${names.length} files, ${(fs.statSync(vsix).size / 1024).toFixed(1)} KiB`);
  });

  it('holds every image the README shows (the Extensions view renders it from the .vsix)', () => {
    const names = new Set(listZip(vsix).map((e) => e.name));
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(images.length > 0, 'the README shows no image');
    for (const image of images) assert.ok(names.has(`extension/${image}`), `${image} (shown in the README) is missing from the .vsix`);
  });

  it('ships minified bundles without source maps', () => {
    const entries = listZip(vsix);
    assert.ok(!entries.some((e) => e.name.endsWith('.map')));
    const bundles = entries.filter((e) => /^extension\/dist\/(chunks\/)?[\w-]+\.m?js$/.test(e.name)).map((e) => e.name);
    assert.ok(bundles.some((name) => name.startsWith('extension/dist/chunks/')), `no chunk beside the features bundle: ${bundles.join(', ')}`);
    for (const name of bundles) {
      const text = entries.find((e) => e.name === name)?.read().toString('utf8') ?? '';
      assert.ok(text.length > 0, `${name} is empty`);
      assert.ok(!text.includes('sourceMappingURL'), `${name} points at a source map`);
      // esbuild's unminified output keeps a `// src/…` comment per module, and minifying it again
      // saves a quarter or more of it (26–42% measured), a minified bundle a few percent (at most
      // 13%, a 1 KiB chunk's import banner). Indentation proves nothing: script texts the bundles
      // carry (PowerShell, the unpack script) keep theirs.
      assert.ok(!/^\s*\/\/ (src|node_modules)\//m.test(text), `${name} is not minified (module comments found)`);
      const saved = 1 - transformSync(text, { minify: true, loader: 'js' }).code.length / text.length;
      assert.ok(saved < 0.2, `${name} is not minified (minifying it again saves ${(saved * 100).toFixed(0)}%)`);
    }
  });

  it('loads the network stack and the credentials parser on first use, not with the features', () => {
    const entries = new Map(listZip(vsix).map((e) => [e.name, e]));
    const read = (name: string) => entries.get(name)?.read().toString('utf8') ?? assert.fail(`${name} is imported but not in the .vsix`);
    const common = staticClosure('extension/dist/features.mjs', read);
    // Text only these carry: undici's HTTP parser and node-forge's PKCS#12 reader.
    const lazy = { undici: 'llhttp', 'node-forge': 'pkcs12FromAsn1' };
    for (const name of common) {
      for (const [what, marker] of Object.entries(lazy)) assert.ok(!read(name).includes(marker), `${name}, on the common path, holds ${what}`);
    }
    // …and each is reached by an import() from the common path.
    const dynamic = [...common].flatMap((name) => importsOf(read(name)).dynamic.map((spec) => path.posix.join(path.posix.dirname(name), spec)));
    for (const [what, marker] of Object.entries(lazy)) {
      assert.ok(dynamic.some((chunk) => [...staticClosure(chunk, read)].some((name) => read(name).includes(marker))), `no chunk loaded later holds ${what}`);
    }
  });
});
