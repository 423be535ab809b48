// Local registration against the real local vault: the SetupService's register with the agent
// already installed, timed as a whole and for its registration part alone (machine identity,
// POST, certificate and configuration writes, from the progress marks), against `curl` doing one
// mTLS POST of the same body with the same credentials certificate: the floor, measured in this
// run. Re-registering the same machine keeps within the vault's 50-machine limit.
// Goal: registration part <= 2x the curl floor.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { agentLayout } from '../src/core/config/layout';
import { createMachineCsr, ensureMachineIdentity } from '../src/core/registration';
import { silentLogger } from '../src/core/log';
import { LocalTarget } from '../src/core/target/local';
import { serviceFor, setupInput, startServiceVault, tempDir, writeCredentials } from '../test/support/service';
import { createVaultWithCredentials } from '../test/support/vault';
import { median } from './support/stats';

const RUNS = 20;
const FRESH_RUNS = 5;
const GOAL_RATIO = 2;
const run = promisify(execFile);


const now = () => performance.now();

async function main(): Promise<void> {
  const root = await tempDir('registration-bench-');
  const vault = await startServiceVault();
  try {
    const target = new LocalTarget();
    const creds = await createVaultWithCredentials(vault);
    const credentialsFile = await writeCredentials(root, creds.file);
    const { service } = serviceFor(root, vault);
    const input = setupInput(credentialsFile, root, { dataSizeBytes: 0 });
    const options = { confirmPassphraseLocation: async () => true };

    /** One register: the whole flow, and from entering machineIdentity to the end. */
    const timed = async (which = input) => {
      let identityAt = NaN;
      const start = now();
      await service.register(which, { ...options, onProgress: (stage) => stage === 'machineIdentity' && (identityAt = now()) });
      const end = now();
      return { whole: end - start, registration: end - identityAt };
    };

    // The first run installs the agent and creates the identity; later runs find both in place.
    await timed();
    await timed();

    // curl's request: the same body (same machine id and CSR) with the credentials certificate.
    const layout = agentLayout(target, input.installFolder!);
    const identity = await ensureMachineIdentity(target, layout, silentLogger);
    const credentials = (await service.inspectCredentials(credentialsFile)).clientCertificate;
    const files = { cert: path.join(root, 'cred.crt'), key: path.join(root, 'cred.key'), ca: path.join(root, 'ca.crt'), body: path.join(root, 'body.json') };
    await fs.writeFile(files.cert, credentials.certPem);
    await fs.writeFile(files.key, credentials.keyPem, { mode: 0o600 });
    await fs.writeFile(files.ca, vault.caCertPem);
    const facts = await target.facts();
    const body = { serverName: facts.hostname, machineId: identity.machineId, os: { name: facts.osName, version: facts.osVersion || 'unknown' }, agentVersion: '1.0.0', csr: createMachineCsr(identity.key, identity.machineId) };
    await fs.writeFile(files.body, JSON.stringify(body));
    const curl = async () => {
      const start = now();
      const { stdout } = await run('curl', ['-sS', '--fail', '--cert', files.cert, '--key', files.key, '--cacert', files.ca, '-H', 'content-type: application/json', '-d', `@${files.body}`, `${vault.url}/v1/registrations`]);
      const elapsed = now() - start;
      if (!stdout.includes(identity.machineId)) throw new Error(`curl did not register: ${stdout.slice(0, 200)}`);
      return elapsed;
    };
    await curl();

    const whole: number[] = [];
    const registration: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternate the order so that drift (GC, the vault's store growing) hits both alike.
      if (i % 2) floor.push(await curl());
      const t = await timed();
      whole.push(t.whole);
      registration.push(t.registration);
      if (!(i % 2)) floor.push(await curl());
    }

    // For scale: a first registration, which also generates the RSA-2048 machine key.
    const fresh: number[] = [];
    for (let i = 0; i < FRESH_RUNS; i++) fresh.push((await timed({ ...input, installFolder: path.join(root, `fresh-${i}`) })).registration);

    const [reg, all, base] = [median(registration), median(whole), median(floor)];
    const ratio = reg / base;
    console.log(
      `BENCH registration identity+POST+writes median=${reg.toFixed(1)} ms, whole flow (agent installed) median=${all.toFixed(1)} ms (n=${RUNS}); ` +
        `curl mTLS POST median=${base.toFixed(1)} ms (n=${RUNS}); ratio=${ratio.toFixed(2)} goal<=${GOAL_RATIO} ${ratio <= GOAL_RATIO ? 'met' : 'MISSED'}; ` +
        `whole/curl=${(all / base).toFixed(2)}; first registration with key generation median=${median(fresh).toFixed(1)} ms (n=${FRESH_RUNS})`,
    );
  } finally {
    await vault.close();
    await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
