/**
 * The Azure SDKs stay off the command line's common path: in the built bundle (dist/bin), what
 * `--help`, `inspect` and the other commands load statically (the entry, the commands, inspect and
 * chooser chunks, and every chunk they import) holds neither the ARM clients nor @azure/identity;
 * only the azure commands' own chunk reaches them.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { staticClosure } from '../../support/esmImports';
import { ensureCliBuilt } from '../../support/service';
import { REPO_ROOT } from '../../support/vault';

const BIN = path.join(REPO_ROOT, 'dist', 'bin');
const CHUNKS = path.join(BIN, 'chunks');
/** Text only these packages' code carries: the ARM clients' user agents and the CLI credential's class. */
const AZURE_SDK = ['azsdk-js-arm-recoveryservices', 'azsdk-js-arm-recoveryservicesbackup', 'AzureCliCredential'];

const read = (file: string) => readFileSync(file, 'utf8');

describe('CLI bundle: the Azure SDKs load only for the azure commands', function () {
  this.timeout(120_000);
  before(() => ensureCliBuilt());

  it('keeps them out of what --help, inspect and the other commands load, and puts them in the azure chunk', () => {
    const named = (prefix: string) => path.join(CHUNKS, readdirSync(CHUNKS).find((f) => f.startsWith(`${prefix}-`) && f.endsWith('.mjs'))!);
    const common = new Set<string>();
    for (const start of [path.join(BIN, 'backup-agent-setup.mjs'), named('commands'), named('inspect'), named('choose')]) staticClosure(start, read, common);
    assert.ok(common.size > 3, [...common].join('\n'));
    for (const file of common) {
      const text = readFileSync(file, 'utf8');
      for (const marker of AZURE_SDK) assert.ok(!text.includes(marker), `${path.basename(file)} holds ${marker}`);
    }
    const azure = [...staticClosure(named('azure'), read)].map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.ok(azure.includes('azsdk-js-arm-recoveryservices'), 'the azure chunk carries the ARM clients');
  });
});
