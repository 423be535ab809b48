/**
 * docs/cli-output.schema.json, read with zod's JSON Schema support: the envelope every `--json`
 * output has, and the result of each command against its own definition.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';

const SCHEMA_FILE = path.resolve(__dirname, '..', '..', 'docs', 'cli-output.schema.json');
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as { $defs: Record<string, unknown> };

/** The definition of each command's result (done; a failed check keeps its report too). */
const RESULT_DEFS: Record<string, string[]> = {
  inspect: ['inspectResult'],
  'check-cache': ['checkCacheResult'],
  'check-connectivity': ['checkConnectivityResult'],
  'passphrase generate': ['passphraseGenerateResult'],
  register: ['registerResult', 'registerPlan'],
  status: ['statusResult'],
  unregister: ['unregisterResult'],
  'azure credentials': ['azureCredentialsResult'],
  'azure servers': ['azureServersResult'],
};

const envelope = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
const definition = (name: string) => z.fromJSONSchema({ $defs: schema.$defs, $ref: `#/$defs/${name}` } as Parameters<typeof z.fromJSONSchema>[0]);
const results = new Map(Object.entries(RESULT_DEFS).map(([command, defs]) => [command, defs.map(definition)]));

/** The problems of one `--json` output against the schema; empty when it conforms. */
export function cliOutputProblems(output: unknown): string[] {
  const problems: string[] = [];
  const whole = envelope.safeParse(output);
  if (!whole.success) problems.push(...whole.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  const { command, result } = output as { command?: string; result?: unknown };
  const defs = results.get(command ?? '');
  if (result !== undefined && defs && !defs.some((d) => d.safeParse(result).success)) {
    problems.push(`result is not a ${RESULT_DEFS[command!]!.join(' or ')}: ${JSON.stringify(definition(RESULT_DEFS[command!]![0]!).safeParse(result).error?.issues.slice(0, 3))}`);
  }
  return problems;
}

export const CLI_COMMANDS = Object.keys(RESULT_DEFS);
