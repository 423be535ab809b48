import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * NODE_OPTIONS for a Node on which the built-in module `name` is missing: a preload (written into
 * `dir`) that refuses to load it, so a test can run the agent where one of its parts cannot load.
 */
export async function nodeOptionsWithout(dir: string, name: string): Promise<string> {
  const preload = path.join(dir, `without-${name}.cjs`);
  await fs.writeFile(
    preload,
    [
      "const Module = require('node:module');",
      'const load = Module._load;',
      'Module._load = function (request, ...rest) {',
      `  if (request.replace(/^node:/, '') === ${JSON.stringify(name)}) throw new Error(${JSON.stringify(`${name} is not on this Node`)});`,
      '  return load.call(this, request, ...rest);',
      '};',
    ].join('\n'),
  );
  return `--require ${preload}`;
}
