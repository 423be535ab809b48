/**
 * A native program's command line on Windows is one string that the program splits itself; nearly
 * every program splits it as the Microsoft C runtime does (CommandLineToArgvW). The arguments are
 * joined here by those rules, so Windows PowerShell 5.1's own native-argument passing (which drops
 * empty arguments and mangles embedded quotes) is never involved.
 */

/** One argument as the C runtime reads it back: quoted when needed, backslashes before a quote doubled. */
export function windowsArgument(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let quoted = '"';
  let backslashes = 0;
  for (const c of arg) {
    if (c === '\\') {
      backslashes++;
      continue;
    }
    quoted += '\\'.repeat(c === '"' ? backslashes * 2 + 1 : backslashes) + c;
    backslashes = 0;
  }
  return quoted + '\\'.repeat(backslashes * 2) + '"';
}

export function windowsCommandLine(args: readonly string[]): string {
  return args.map(windowsArgument).join(' ');
}
