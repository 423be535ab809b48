/**
 * The installed command (`backup-agent-setup`, the bundle dist/bin/backup-agent-setup.mjs):
 * this process's streams, environment and Ctrl+C wired to main().
 */
import { keepWasmOnBaselineTier } from '../core/http/shortRun';
import { main } from './main';

keepWasmOnBaselineTier();

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stdin: process.stdin,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
