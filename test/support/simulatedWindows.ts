/**
 * A SIMULATED Windows machine: canned answers shaped like those of Windows OpenSSH and Windows
 * PowerShell 5.1, for the Windows shell's tests here, where no Windows runs. Nothing it says was
 * observed on Windows: the outputs below are written from the documentation (cmd.exe's 9009 and
 * "is not recognized" message, PowerShell's `&&` parse error, the CLIXML progress stream a
 * non-interactive powershell.exe writes on stderr). Its files live in a map keyed by the SFTP
 * name (`/C:/Users/admin/x`), as Windows OpenSSH's SFTP shows them. Any result from it is labelled
 * simulated and is never a real Windows run.
 */
import { decodeCommand } from '../../src/core/target/powershell/commandLine';
import { RESULT_MARKER } from '../../src/core/target/powershell/result';
import { NOT_FOUND_EXIT, NOT_FOUND_MARKER } from '../../src/core/target/windows/scripts';
import { PID_MARKER } from '../../src/core/target/preamble';
import { toSftpPath } from '../../src/core/target/windows/paths';

export type DefaultShell = 'cmd' | 'powershell' | 'pwsh' | 'pwsh-git';

export interface Answer {
  stdout: string;
  stderr: string;
  /** The exit code; `hang` never ends on its own (until taskkill), `drop` ends the connection. */
  code: number | 'hang' | 'drop';
}

export interface SimulationOptions {
  shell?: DefaultShell;
  elevated?: boolean;
}

/** What cmd.exe prints for each unknown word (documented message) and its errorlevel 9009. */
const CMD_NOT_RECOGNIZED = (word: string) => `'${word}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`;

/** The probe's `uname -s && { … || true; }` under each default shell. */
const UNAME_ANSWERS: Record<DefaultShell, Answer> = {
  cmd: { stdout: '', stderr: CMD_NOT_RECOGNIZED('uname') + CMD_NOT_RECOGNIZED('true;'), code: 9009 },
  powershell: {
    stdout: '',
    stderr: "At line:1 char:10\r\n+ uname -s && { /bin/sh -c '…' || true; }\r\n+          ~~\r\nThe token '&&' is not a valid statement separator in this version.\r\n",
    code: 1,
  },
  pwsh: {
    stdout: '',
    stderr: "uname: The term 'uname' is not recognized as a name of a cmdlet, function, script file, or executable program.\r\n",
    code: 1,
  },
  /** pwsh with Git for Windows' uname.exe on the PATH: `&&` runs, and the braces are a script block, printed. */
  'pwsh-git': { stdout: "MINGW64_NT-10.0-20348\r\n /bin/sh -c '…' || true; \r\n", stderr: '', code: 0 },
};

/** A progress record as powershell.exe writes it on redirected stderr. */
const CLIXML_NOISE = '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T></TN></Obj></Objs>\r\n';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const LITERAL = "'((?:[^']|'')*)'";
const unquote = (s: string) => s.replace(/''/g, "'");

export const SIMULATED_FACTS = {
  windows: true,
  hostname: 'WS2022-SIM',
  arch: 'AMD64',
  osName: 'Microsoft Windows Server 2022 Datacenter',
  osVersion: '10.0.20348',
  home: 'C:\\Users\\admin',
  temp: 'C:\\Users\\admin\\AppData\\Local\\Temp\\',
  recordDir: '',
  dotNetRelease: 528449,
  powershell: '5.1.20348.2849',
};

/** The drive letter's Win32_LogicalDisk in the simulation: C: local NTFS, E: a mapped share, F: a USB stick. */
const DRIVES: Record<string, { driveType: number; fileSystem: string; freeBytes: number; totalBytes: number }> = {
  'C:': { driveType: 3, fileSystem: 'NTFS', freeBytes: 53_687_091_200, totalBytes: 136_365_211_648 },
  'E:': { driveType: 4, fileSystem: 'NTFS', freeBytes: 1_000_000_000, totalBytes: 2_000_000_000 },
  'F:': { driveType: 2, fileSystem: 'FAT32', freeBytes: 7_000_000_000, totalBytes: 8_000_000_000 },
};

export class WindowsSimulation {
  readonly shell: DefaultShell;
  readonly elevated: boolean;
  /** File contents by SFTP name. */
  readonly files = new Map<string, Buffer>();
  readonly folders = new Set<string>(['/C:', '/C:/Users', '/C:/Users/admin', '/C:/Users/admin/AppData', '/C:/Users/admin/AppData/Local', '/C:/Users/admin/AppData/Local/Temp']);
  /** SFTP names of what was made private by the shell (ACL set, inheritance removed). */
  readonly privatePaths = new Set<string>();
  /** Every command line, script (decoded or read from its file) and stdin, in order. */
  readonly commandLines: string[] = [];
  readonly scripts: string[] = [];
  readonly stdins: string[] = [];

  constructor(options: SimulationOptions = {}) {
    this.shell = options.shell ?? 'cmd';
    this.elevated = options.elevated ?? true;
  }

  answer(commandLine: string, stdin: string): Answer {
    this.commandLines.push(commandLine);
    this.stdins.push(stdin);
    if (commandLine.startsWith('uname -s')) return UNAME_ANSWERS[this.shell];
    if (/^taskkill \/PID \d+ \/T \/F$/.test(commandLine)) return { stdout: 'SUCCESS: sent termination\r\n', stderr: '', code: 0 };
    const encoded = /^powershell\.exe -NoProfile -NonInteractive -EncodedCommand ([A-Za-z0-9+/=]+)$/.exec(commandLine);
    const file = /^powershell\.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File (?:"([^"]+)"|(\S+))$/.exec(commandLine);
    let script: string;
    if (encoded) script = decodeCommand(encoded[1]!);
    else if (file) {
      const bytes = this.files.get(toSftpPath(file[1] ?? file[2]!));
      if (!bytes) return { stdout: '', stderr: `The argument '${file[1] ?? file[2]}' to the -File parameter does not exist.\r\n`, code: 4294770688 };
      if (!bytes.subarray(0, 3).equals(BOM)) return { stdout: '', stderr: 'simulated: a script file without a BOM would be read in the ANSI code page\r\n', code: 1 };
      script = bytes.subarray(3).toString('utf8');
    } else {
      return this.shell === 'cmd' ? { stdout: '', stderr: CMD_NOT_RECOGNIZED(commandLine.split(' ')[0]!), code: 9009 } : { stdout: '', stderr: 'simulated: not recognized\r\n', code: 1 };
    }
    this.scripts.push(script);
    return this.#runScript(script, stdin);
  }

  #result(ok: boolean, fields: Record<string, unknown>, code = ok ? 0 : 1): Answer {
    return { stdout: `${RESULT_MARKER}${JSON.stringify({ ok, ...fields })}\r\n`, stderr: CLIXML_NOISE, code };
  }

  #error(id: string, exception: string, hresult: number, message: string): Answer {
    return this.#result(false, { errorId: id, message, category: 'WriteError', hresult, exception });
  }

  #runScript(script: string, stdin: string): Answer {
    const one = (pattern: string) => {
      const m = new RegExp(pattern).exec(script);
      if (!m) throw new Error(`simulated Windows: no match for ${pattern}`);
      return m.slice(1).map((v) => (v === undefined ? v : unquote(v)));
    };
    if (script.includes('System.Diagnostics.ProcessStartInfo')) {
      const [name] = one(`Get-Command -Name ${LITERAL}`);
      const [args] = one(`\\$start\\.Arguments = ${LITERAL}`);
      if (name === 'hang' || name === 'drop') return { stdout: '', stderr: `${PID_MARKER}4242\r\n`, code: name };
      if (name === 'missing-program') return { stdout: '', stderr: `${PID_MARKER}4242\r\n${NOT_FOUND_MARKER}\r\n`, code: NOT_FOUND_EXIT };
      return { stdout: `simulated ${name} ${args}\r\nstdin: ${stdin.length} characters\r\n`, stderr: `${PID_MARKER}4242\r\n`, code: name === 'fails' ? 3 : 0 };
    }
    if (script.includes('Win32_OperatingSystem')) return this.#result(true, { data: { ...SIMULATED_FACTS, elevated: this.elevated } });
    if (script.includes('System.IO.FileStream')) {
      const [target] = one(`\\$target = ${LITERAL}`);
      const [flags] = one('Move-File \\$temporary \\$target (\\d+)');
      const name = toSftpPath(target!);
      if (flags === '8' && this.files.has(name)) return this.#error('IOException', 'System.IO.IOException', 0x800700b7 | 0, 'Cannot create a file when that file already exists.');
      const content = JSON.parse(stdin) as { content: string };
      this.files.set(name, Buffer.from(content.content, 'base64'));
      this.privatePaths.add(name);
      return this.#result(true, { data: null });
    }
    if (script.includes('DirectorySecurity')) {
      const [folder] = one(`GetFullPath\\(${LITERAL}\\)`);
      const parts = toSftpPath(folder!).split('/');
      for (let i = 2; i <= parts.length; i++) {
        const at = parts.slice(0, i).join('/');
        if (!this.folders.has(at)) this.privatePaths.add(at);
        this.folders.add(at);
      }
      return this.#result(true, { data: null });
    }
    if (script.includes('Win32_LogicalDisk')) {
      const [file] = one(`GetFullPath\\(${LITERAL}\\)`);
      if (file!.startsWith('\\\\')) return this.#result(true, { data: { driveType: 4, fileSystem: 'SMB', freeBytes: null, totalBytes: null } });
      const drive = DRIVES[file!.slice(0, 2).toUpperCase()];
      if (!drive) return this.#error('DriveNotFoundException', 'System.IO.DriveNotFoundException', 0x80131500 | 0, 'No drive');
      return this.#result(true, { data: drive });
    }
    if (script.includes('Move-File ')) {
      const [from, to] = one(`Move-File ${LITERAL} ${LITERAL} 9`);
      const source = toSftpPath(from!);
      const bytes = this.files.get(source);
      if (!bytes) return this.#error('FileNotFoundException', 'System.IO.FileNotFoundException', 0x80070002 | 0, 'The system cannot find the file specified.');
      this.files.delete(source);
      this.files.set(toSftpPath(to!), bytes);
      return this.#result(true, { data: null });
    }
    if (script.includes('HardLink')) {
      const [file, existing] = one(`-Path ${LITERAL} -Value ${LITERAL}`);
      if (this.files.has(toSftpPath(file!))) return this.#error('IOException', 'System.IO.IOException', 0x800700b7 | 0, 'Cannot create a file when that file already exists.');
      this.files.set(toSftpPath(file!), this.files.get(toSftpPath(existing!)) ?? Buffer.alloc(0));
      return this.#result(true, { data: null });
    }
    if (script.includes('[System.IO.Directory]::Delete')) {
      const [folder] = one(`Get-Item -LiteralPath ${LITERAL}`);
      const name = toSftpPath(folder!);
      for (const key of [...this.files.keys()]) if (key === name || key.startsWith(`${name}/`)) this.files.delete(key);
      for (const key of [...this.folders]) if (key === name || key.startsWith(`${name}/`)) this.folders.delete(key);
      return this.#result(true, { data: null });
    }
    return { stdout: '', stderr: 'simulated Windows: no canned answer for this script\r\n', code: 1 };
  }
}
