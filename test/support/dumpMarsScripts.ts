/**
 * Writes every MARS script (test/support/marsScripts.ts) for a manual run on a Windows server
 * (docs/windows-verification.md): `<name>.ps1` to read, `<name>.cmdline` with the exact
 * `powershell.exe … -EncodedCommand` line the driver sends, and `<name>.stdin.txt` naming the
 * stdin fields the script reads (the values are typed at run time: no secret is written here).
 *
 *   npx tsx test/support/dumpMarsScripts.ts OUT_DIR [values.json]
 *
 * values.json overrides the ordinary values (install folder, cache folder, proxy, …).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commandPlan } from '../../src/core/target/powershell/commandLine';
import { BENIGN, allMarsScripts, type ScriptValues } from './marsScripts';

const [out, valuesFile] = process.argv.slice(2);
if (!out) {
  console.error('usage: npx tsx test/support/dumpMarsScripts.ts OUT_DIR [values.json]');
  process.exit(2);
}
const values: ScriptValues = { ...BENIGN, ...(valuesFile ? (JSON.parse(readFileSync(valuesFile, 'utf8')) as Partial<ScriptValues>) : {}) };
mkdirSync(out, { recursive: true });
for (const { name, script } of allMarsScripts(values)) {
  const base = path.join(out, name.replace(/[^A-Za-z0-9]+/g, '-'));
  const plan = commandPlan(script.code);
  writeFileSync(`${base}.ps1`, script.code.text);
  writeFileSync(`${base}.cmdline`, plan.via === 'commandLine' ? `${plan.commandLine}\n` : `too long for a command line (${plan.commandLineLength})\n`);
  writeFileSync(`${base}.stdin.txt`, script.stdin.length ? `stdin: one JSON object with ${script.stdin.join(', ')}\n` : 'stdin: none\n');
}
console.log(`${allMarsScripts(values).length} scripts written to ${out}`);
