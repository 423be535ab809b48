/**
 * Which remote shell a server has, asked once at connect: a shell that answers `uname -s` is
 * POSIX, and reads its host facts (`node --version` among them) in the same session: one session
 * instead of three, each a fork and a shell on the server.
 *
 * When `uname` fails, a second session runs the Windows facts script as `powershell.exe
 * -NoProfile -NonInteractive -EncodedCommand …`: a line that Windows OpenSSH's three default shells
 * (cmd.exe, Windows PowerShell, pwsh) all run the same way, as a program and plain words. Its
 * result line tells Windows and carries the facts. A fallback rather than one polyglot line:
 * no line reads the same in sh, cmd.exe and both PowerShells (each quotes, chains and
 * expands differently), and the second session costs only Windows servers a round trip.
 * Anything else is refused with ShellUnsupported; a POSIX login that writes to every command's
 * output first, with LoginWritesOutput.
 */
import { CancelledError } from '../../errors';
import { DEFAULT_RUN_TIMEOUT_MS, seconds } from '../target';
import { sshError } from './errors';
import { FACTS_SCRIPT, parseFacts } from './posix/facts';
import { PosixShell } from './posix/posixShell';
import { shellQuote } from './posix/quoting';
import type { RemoteShell } from './remoteShell';
import type { SshTransport } from './transport';
import { SshCode } from './types';
import { SshPowerShellHost } from './windows/sshHost';
import { parseWindowsFacts } from '../windows/results';
import { factsScript } from '../windows/scripts';
import { WindowsShell } from '../windows/windowsShell';

/** Windows' facts from the facts script, or undefined when the server did not answer as Windows PowerShell does. */
async function probeWindows(transport: SshTransport, signal?: AbortSignal): Promise<WindowsShell | undefined> {
  const host = new SshPowerShellHost(transport);
  const { result, read } = await new WindowsShell(host).script('powershell.exe', factsScript(), {}, { signal });
  if (result.stoppedBy === 'abort') throw new CancelledError();
  const facts = read?.ok ? parseWindowsFacts(read.data) : undefined;
  if (!facts) return undefined;
  transport.logger.debug(`SSH: ${transport.label} runs Windows PowerShell ${facts.powershell} (${facts.host.osName} ${facts.host.osVersion}).`);
  return new WindowsShell(host, facts);
}

export async function probeRemoteShell(transport: SshTransport, signal?: AbortSignal): Promise<RemoteShell> {
  const { host, port } = transport.destination;
  // A shell that is not POSIX fails at `uname` or at the braces; a facts script that fails
  // leaves the facts to be asked again later.
  const line = `uname -s && { /bin/sh -c ${shellQuote(FACTS_SCRIPT)} || true; }`;
  const answer = await transport.exec('uname', line, { timeoutMs: DEFAULT_RUN_TIMEOUT_MS, signal });
  if (answer.stoppedBy === 'abort') throw new CancelledError();
  if (answer.stoppedBy === 'timeout') {
    throw sshError(SshCode.ConnectFailed, { host, port, reason: `its shell gave no answer within ${seconds(DEFAULT_RUN_TIMEOUT_MS)} s` });
  }
  const lines = answer.stdout.split('\n');
  // The facts begin with hostname=, right after `uname -s`'s line. Lines before that one come from
  // the login's startup files, which write them before every command's output: no answer (nor SFTP
  // through sftp-server) can be read through that.
  const factsAt = lines.findIndex((l) => l.startsWith('hostname='));
  if (answer.exit?.code === 0 && factsAt > 1) {
    const written = lines.slice(0, factsAt - 1);
    // Its first line with text; a login that writes only blank lines is quoted escaped ("\n"), not as "".
    const output = written.map((l) => l.trim()).find((l) => l !== '') ?? JSON.stringify(`${written.join('\n')}\n`).slice(1, -1);
    throw sshError(SshCode.LoginWritesOutput, { host, port, output: output.slice(0, 80) });
  }
  const [first = '', ...rest] = lines;
  const system = first.trim();
  const facts = rest.some((l) => l.startsWith('system=')) ? parseFacts(rest.join('\n')) : undefined;
  // Git for Windows puts a uname.exe on the PATH: under pwsh `uname -s && { … }` then exits 0
  // without running the braces as sh would, so a Windows-like answer counts only with the facts.
  const posix = answer.exit?.code === 0 && /^[A-Za-z][\w.-]*$/.test(system) && (facts !== undefined || !/^(MINGW|MSYS|CYGWIN)/i.test(system));
  if (posix) {
    transport.logger.debug(`SSH: ${transport.label} runs a POSIX shell (${system}).`);
    return new PosixShell(transport, facts);
  }
  const windows = await probeWindows(transport, signal);
  if (windows) return windows;
  const reason = answer.exit?.code != null ? `exit code ${answer.exit.code}` : answer.exit?.signal ?? 'no exit status';
  throw sshError(SshCode.ShellUnsupported, { host, port, reason: system ? `${reason}, "${system.slice(0, 80)}"` : reason });
}
