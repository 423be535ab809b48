/**
 * The contract every vault backend (src/core/vault/backend.ts) keeps, as mocha suites run against
 * a live fixture: the local vault (localBackend.contract.test.ts) and the local vault through its
 * ARM emulator (emulatorBackend.contract.test.ts), each in one small file that starts its fixture
 * and calls backendContract.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import type { AgentDriver } from '../../../src/core/agents/driver';
import { parseCredentials } from '../../../src/core/credentials/parse';
import { isSetupError, SetupError } from '../../../src/core/errors';
import { generatePassphrase } from '../../../src/core/passphrase/generate';
import { parseProxySettings } from '../../../src/core/proxy/settings';
import { Secret } from '../../../src/core/secret';
import type { MachineAtVault, VaultBackend } from '../../../src/core/vault/backend';
import { chooseVault, type ChoiceOptions } from '../../../src/core/vault/choose';

/** A live vault with one machine registered with it, and the backend under test built for it. */
export interface BackendFixture {
  backend: VaultBackend;
  /** The registered machine's agent, and where it keeps its identity. */
  agent: AgentDriver;
  machine: Required<MachineAtVault>;
  /** A vault the backend may issue credentials files for, and a name it has no vault for. */
  vaultName: string;
  unknownVaultName: string;
  /** An https endpoint where nothing answers. */
  deadEndpoint: string;
  /** What the adapter's configuration tells the chooser (the emulator as the Resource Manager endpoint). */
  choiceOptions?: ChoiceOptions;
  close(): Promise<void>;
}

async function refused(promise: Promise<unknown>): Promise<SetupError> {
  const err = await promise.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SetupError, `a SetupError, not ${inspect(err)}`);
  assert.ok(err.code && err.message, 'a code and a message');
  return err;
}

/** The contract's suites for the backend `start` builds (one fixture for the whole suite: the steps build on each other). */
export function backendContract(name: string, start: () => Promise<BackendFixture>): void {
  describe(`Vault backend contract: ${name}`, function () {
    this.timeout(120_000);
    let f: BackendFixture;
    const off = parseProxySettings({ mode: 'off' });

    before(async () => {
      f = await start();
    });
    after(async () => {
      await f?.close();
    });

    describe('access', () => {
      it("reaches the machine's vault endpoint: no stage of the connectivity check fails", async () => {
        const report = await f.backend.access.checkConnectivity(await f.backend.access.route(off, f.machine.vault.endpoint));
        assert.equal(report.problem, undefined, inspect(report.problem));
        assert.ok(report.stages.some((s) => s.stage === 'health' && s.status === 'ok') && !report.stages.some((s) => s.status === 'failed'), inspect(report.stages));
      });

      it('reports an endpoint where nothing answers as a problem with a next step', async () => {
        const report = await f.backend.access.checkConnectivity(await f.backend.access.route(off, f.deadEndpoint));
        assert.ok(report.problem instanceof SetupError, inspect(report));
        assert.ok(report.problem.params.action, 'a next step');
      });
    });

    // Before the machine is removed: its agent spends the PIN.
    describe('security PIN', () => {
      it("issues a PIN, held as a Secret, that the vault accepts once for the machine's passphrase change", async () => {
        const before = Date.now();
        const issued = await f.backend.securityPin(f.vaultName);
        assert.ok(issued.pin instanceof Secret, 'the PIN is a Secret');
        assert.ok(/^\d{8}$/.test(issued.pin.reveal()), 'eight digits');
        assert.ok(!inspect(issued).includes(issued.pin.reveal()) && !JSON.stringify(issued).includes(issued.pin.reveal()), 'the PIN stays out of inspect and JSON');
        assert.ok(issued.expiresAt && issued.expiresAt.getTime() > before, `expires later: ${issued.expiresAt?.toISOString()}`);
        const change = { passphrase: { securityPin: issued.pin, newValue: new Secret(generatePassphrase()) } };
        await f.agent.change(f.machine.layout, change, f.machine.vault);
        const again = await refused(f.agent.change(f.machine.layout, { passphrase: { securityPin: issued.pin, newValue: new Secret(generatePassphrase()) } }, f.machine.vault));
        assert.ok(isSetupError(again, 'SecurityPinAlreadyUsed'), `a spent PIN is refused: ${again.code}`);
      });

      it('refuses a vault it does not know', async () => {
        await refused(f.backend.securityPin(f.unknownVaultName));
      });
    });

    describe('machines', () => {
      it('reads the registered machine as the vault sees it', async () => {
        const seen = await f.backend.readMachine(f.agent, f.machine);
        assert.equal(seen.status, 'registered');
        assert.ok(seen.registrationId);
      });

      it('removes the machine, and a re-run finds nothing left to remove', async () => {
        const removed = await f.backend.removeMachine(f.agent, f.machine);
        assert.equal(removed.alreadyUnregistered, false);
        assert.ok(!removed.alreadyUnregistered && removed.remote.status === 'unregistered', inspect(removed));
        assert.deepEqual(await f.backend.removeMachine(f.agent, f.machine), { alreadyUnregistered: true });
      });

      it('refuses to read a machine once it is removed', async () => {
        await refused(f.backend.readMachine(f.agent, f.machine));
      });
    });

    describe('credentials files', () => {
      it(`issues a file of its own kind for the vault`, async () => {
        const issued = await f.backend.issueCredentials(f.vaultName);
        assert.match(issued.fileName, /\.VaultCredentials$/);
        const credentials = parseCredentials(Buffer.from(issued.xml), issued.fileName);
        assert.equal(credentials.vaultName, f.vaultName);
        assert.equal(chooseVault(credentials, f.choiceOptions).backend, f.backend.kind);
      });

      it('refuses a vault it does not know', async () => {
        await refused(f.backend.issueCredentials(f.unknownVaultName));
      });
    });
  });
}
