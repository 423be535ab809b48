/**
 * `backup-agent-setup completion bash|zsh`: a completion script for the shell, made from the
 * command line's own grammar (COMMANDS), so it offers exactly the commands and options the
 * parser accepts. Files complete after the options that take one, folders after those that take
 * a folder, the proxy modes after --proxy-mode, the installer routes after --mars-installer-download.
 */
import { PROXY_MODES } from '../core/proxy/modes';
import { COMMAND_GROUPS, COMMANDS, COMMON, INSTALLER_ROUTES, SHELLS, type Shell } from './args';

const NAME = 'backup-agent-setup';
const FILE_OPTIONS = ['--credentials', '--ca', '--passphrase-file'];
const FOLDER_OPTIONS = ['--install-folder', '--cache-folder', '--out'];

/** The first word of each command ("passphrase" for "passphrase generate"), and its options. */
function grammar(): { words: string[]; options: Map<string, string[]> } {
  const options = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(COMMANDS)) {
    const word = name.split(' ')[0]!;
    const flags = Object.keys({ ...COMMON, ...spec.options }).map((o) => `--${o}`);
    options.set(word, [...new Set([...(options.get(word) ?? []), ...flags])]);
  }
  return { words: [...options.keys(), 'help'], options };
}

export function completionScript(shell: Shell): string {
  return shell === 'bash' ? bash() : zsh();
}

function bash(): string {
  const { words, options } = grammar();
  const cases = [...options].map(([word, flags]) => `    ${word}) opts="${flags.join(' ')}" ;;`).join('\n');
  return `# bash completion for ${NAME}: eval "$(${NAME} completion bash)"
_backup_agent_setup() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="\${COMP_WORDS[1]}" opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${words.join(' ')}" -- "$cur") )
    return
  fi
  case "$prev" in
    ${FILE_OPTIONS.join('|')}) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    ${FOLDER_OPTIONS.join('|')}) COMPREPLY=( $(compgen -d -- "$cur") ); return ;;
    --proxy-mode) COMPREPLY=( $(compgen -W "${PROXY_MODES.join(' ')}" -- "$cur") ); return ;;
    --mars-installer-download) COMPREPLY=( $(compgen -W "${INSTALLER_ROUTES.join(' ')}" -- "$cur") ); return ;;
  esac
  case "$cmd" in
    completion) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=( $(compgen -W "${SHELLS.join(' ')}" -- "$cur") ); return ;;
${[...COMMAND_GROUPS].map(([group, subs]) => `    ${group}) if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=( $(compgen -W "${subs.join(' ')}" -- "$cur") ); return; fi ;;`).join('\n')}
  esac
  case "$cmd" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o filenames -F _backup_agent_setup ${NAME}
`;
}

function zsh(): string {
  const { words, options } = grammar();
  const cases = [...options].map(([word, flags]) => `    ${word}) opts=(${flags.join(' ')}) ;;`).join('\n');
  return `#compdef ${NAME}
# zsh completion for ${NAME}: autoload -Uz compinit && compinit; eval "$(${NAME} completion zsh)"
_backup_agent_setup() {
  local -a opts
  if (( CURRENT == 2 )); then
    compadd -- ${words.join(' ')}
    return
  fi
  case "\${words[CURRENT-1]}" in
    ${FILE_OPTIONS.join('|')}) _files; return ;;
    ${FOLDER_OPTIONS.join('|')}) _files -/; return ;;
    --proxy-mode) compadd -- ${PROXY_MODES.join(' ')}; return ;;
    --mars-installer-download) compadd -- ${INSTALLER_ROUTES.join(' ')}; return ;;
  esac
  case "\${words[2]}" in
    completion) (( CURRENT == 3 )) && compadd -- ${SHELLS.join(' ')}; return ;;
${[...COMMAND_GROUPS].map(([group, subs]) => `    ${group}) if (( CURRENT == 3 )); then compadd -- ${subs.join(' ')}; return; fi ;;`).join('\n')}
  esac
  case "\${words[2]}" in
${cases}
  esac
  if [[ "$PREFIX" == -* ]]; then
    compadd -- $opts
  else
    _files
  fi
}
if (( $+functions[compdef] )); then
  compdef _backup_agent_setup ${NAME}
fi
`;
}
