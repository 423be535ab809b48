/**
 * The part of OpenSSH's client config (ssh_config(5)) a destination needs: Host blocks with
 * their patterns, and HostName, Port, User, IdentityFile, ProxyJump and ProxyCommand. As ssh does,
 * the first value found for a keyword wins, IdentityFile adds up, and whichever of ProxyJump and
 * ProxyCommand comes first shuts out the other. Everything else is ignored; `Match`
 * blocks are skipped (their conditions need the live connection), `Include` is expanded.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { patternListMatches, wildcardMatch } from './patterns';

export interface HostBlock {
  /** The Host line's patterns; `!` marks a negated one. Empty for the lines before any Host. */
  patterns: string[];
  options: Array<{ keyword: string; value: string }>;
  /** False inside a Match block: never applied. */
  applies: boolean;
}

/** What the config says for one host name; undefined where it says nothing. */
export interface HostConfig {
  hostName?: string;
  port?: string;
  user?: string;
  /** Raw values, tokens not yet expanded. */
  identityFiles: string[];
  proxyJump?: string;
  /** The rest of the line as written (quotes kept: `sh -c` reads it), tokens not yet expanded. */
  proxyCommand?: string;
}

export function defaultSshConfigFile(home = os.homedir()): string {
  return path.join(home, '.ssh', 'config');
}

/** Keyword and arguments; `Keyword=value` and double-quoted arguments as ssh reads them. */
function splitLine(line: string): { keyword: string; args: string[]; rest: string } | undefined {
  const trimmed = line.trim();
  if (!trimmed || trimmed.startsWith('#')) return undefined;
  const match = /^([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(trimmed) ?? /^([A-Za-z]+)()$/.exec(trimmed);
  if (!match) return undefined;
  const args: string[] = [];
  for (const m of match[2].matchAll(/"([^"]*)"|(\S+)/g)) args.push(m[1] ?? m[2]);
  return { keyword: match[1].toLowerCase(), args, rest: match[2] };
}

export function parseSshConfig(text: string): HostBlock[] {
  const blocks: HostBlock[] = [{ patterns: [], options: [], applies: true }];
  for (const line of text.split(/\r?\n/)) {
    const parsed = splitLine(line);
    if (!parsed) continue;
    const { keyword, args, rest } = parsed;
    if (keyword === 'host') blocks.push({ patterns: args, options: [], applies: true });
    else if (keyword === 'match') blocks.push({ patterns: [], options: [], applies: false });
    else if (args.length > 0) blocks[blocks.length - 1].options.push({ keyword, value: keyword === 'proxycommand' ? rest : args.join(' ') });
  }
  return blocks;
}

export function configFor(blocks: readonly HostBlock[], name: string): HostConfig {
  const config: HostConfig = { identityFiles: [] };
  for (const block of blocks) {
    if (!block.applies || (block.patterns.length > 0 && !patternListMatches(block.patterns, name))) continue;
    for (const { keyword, value } of block.options) {
      if (keyword === 'hostname') config.hostName ??= value;
      else if (keyword === 'port') config.port ??= value;
      else if (keyword === 'user') config.user ??= value;
      else if (keyword === 'proxyjump' && config.proxyCommand === undefined) config.proxyJump ??= value;
      else if (keyword === 'proxycommand' && config.proxyJump === undefined) config.proxyCommand ??= value;
      else if (keyword === 'identityfile') config.identityFiles.push(value);
    }
  }
  return config;
}

/** Concrete Host aliases (no wildcard, no negation), in file order, for a picker. */
export function listConfigHosts(configText: string): string[] {
  const names = parseSshConfig(configText)
    .filter((b) => b.applies)
    .flatMap((b) => b.patterns)
    .filter((p) => !/[*?!]/.test(p));
  return [...new Set(names)];
}

export interface TokenValues {
  home: string;
  /** The remote host name (after HostName). */
  host: string;
  port: number;
  remoteUser: string;
  localUser: string;
}

/** `~` and the %-tokens ssh expands in IdentityFile (and, of these, %h %p %r %% in ProxyCommand): %d %h %p %r %u %%. */
export function expandTokens(value: string, t: TokenValues): string {
  const withHome = value === '~' || value.startsWith('~/') ? t.home + value.slice(1) : value;
  const table: Record<string, string> = { d: t.home, h: t.host, p: String(t.port), r: t.remoteUser, u: t.localUser, '%': '%' };
  return withHome.replace(/%(.)/g, (whole, c: string) => table[c] ?? whole);
}

/**
 * Replaces each `Include` line with the files it names (relative ones under ~/.ssh, `*` and `?`
 * in the last part), a few levels deep as ssh allows. Files that cannot be read add nothing.
 */
export async function expandIncludes(text: string, home: string, depth = 0): Promise<string> {
  if (depth > 8) return text;
  const lines = await Promise.all(
    text.split(/\r?\n/).map(async (line) => {
      const parsed = splitLine(line);
      if (parsed?.keyword !== 'include') return line;
      const parts = await Promise.all(parsed.args.map((arg) => includedText(arg, home, depth)));
      return parts.join('\n');
    }),
  );
  return lines.join('\n');
}

async function includedText(arg: string, home: string, depth: number): Promise<string> {
  const expanded = arg.startsWith('~/') ? path.join(home, arg.slice(2)) : arg;
  const file = path.isAbsolute(expanded) ? expanded : path.join(home, '.ssh', expanded);
  const dir = path.dirname(file);
  const base = path.basename(file);
  const files = /[*?]/.test(base)
    ? (await fs.readdir(dir).catch(() => [])).filter((n) => wildcardMatch(base, n)).sort().map((n) => path.join(dir, n))
    : [file];
  const texts = await Promise.all(files.map((f) => fs.readFile(f, 'utf8').catch(() => '')));
  return expandIncludes(texts.join('\n'), home, depth + 1);
}
