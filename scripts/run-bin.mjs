// `npm run cli` / `npm run vault`: runs an installed command's bundle (package.json `bin`) in this
// process, building the bundles first when a source is newer (scripts/build-cli.mjs). No
// TypeScript is compiled at run time.
//   node scripts/run-bin.mjs backup-agent-setup|backup-vault [args…]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BINS, ensureCliBuilt } from './build-cli.mjs';

const [name] = process.argv.splice(2, 1);
if (!Object.hasOwn(BINS, name ?? '')) {
  console.error(`usage: node scripts/run-bin.mjs ${Object.keys(BINS).join('|')} [args…]`);
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..');
await ensureCliBuilt({ root });
// The bundle reads process.argv.slice(2): its own arguments, now that the name is spliced out.
process.argv[1] = path.join(root, BINS[name]);
await import(pathToFileURL(process.argv[1]).href);
