/**
 * The ssh config reader (src/core/target/ssh/sshConfig.ts): a config with Host and Match blocks,
 * patterns and negations, `Keyword=value` and quoted arguments, mutated by line and by byte,
 * then asked for a host's settings, the host list, and its %-tokens expanded.
 */
import { configFor, expandTokens, listConfigHosts, parseSshConfig } from '../../src/core/target/ssh/sshConfig';
import { ACCEPTED, type Target } from '../lib/loop';
import { COMMON_WORDS, mutateLines, mutateText } from '../lib/mutate';

const CONFIG = [
  '# a comment',
  'Host web-1 web-2 !web-3',
  '  HostName 192.0.2.10',
  '  Port 2222',
  '  User backup',
  '  IdentityFile ~/.ssh/id_ed25519',
  '  IdentityFile "%d/.ssh/id %h"',
  'Host *.lab ?.example',
  '  ProxyJump bastion',
  'Host bastion',
  '  ProxyCommand ssh -W %h:%p "jump host"',
  'Match host *.internal exec "true"',
  '  User nobody',
  'Host=db',
  '\tHostName=db.example.org',
  'Host *',
  '  User default',
].join('\n');
const WORDS = [...COMMON_WORDS, 'Host ', 'Match ', 'Include ', 'HostName ', 'ProxyCommand ', 'ProxyJump ', 'IdentityFile ', '*', '?', '!', '%h', '%%', '%', '~/', '"', '='];
const NAMES = ['web-1', 'web-3', 'a.lab', 'x.example', 'bastion', 'db', 'unknown'];
const TOKENS = { home: '/home/u', host: 'web-1', port: 22, remoteUser: 'backup', localUser: 'u' };

export const sshConfigTarget: Target<{ text: string; name: string }> = {
  name: 'ssh-config',
  async open() {
    return {
      generate(r) {
        const text = r.chance(0.3) ? mutateLines(CONFIG, r) : CONFIG;
        return { text: mutateText(text, r, WORDS), name: r.chance(0.8) ? r.pick(NAMES) : mutateText(r.pick(NAMES), r, WORDS) };
      },
      run({ text, name }) {
        // Nothing here refuses input: a config either says something for the host or nothing.
        const config = configFor(parseSshConfig(text), name);
        listConfigHosts(text);
        for (const value of [...config.identityFiles, config.proxyCommand ?? '']) expandTokens(value, TOKENS);
        return ACCEPTED;
      },
      close: async () => undefined,
    };
  },
};
