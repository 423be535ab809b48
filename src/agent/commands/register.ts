/**
 * Registers this server with its vault, on the server itself: the credentials file the admin
 * sent on stdin is read with this server's clock (never written here), the vault is checked from
 * here, and the machine key is made here and never leaves. Stages as the setup shows them.
 * A re-run after any failure finishes the job with the same registration (the id is on disk
 * before the first request; the vault answers a known id with its registration).
 */
import { readAgentConfig } from '../../core/config/agentConfig';
import { inspectCredentialsBytes } from '../../core/credentials/inspect';
import { SetupError } from '../../core/errors';
import type { RegisterAnswer, RegisterRequest } from '../../core/agents/reference/protocol';
import { Secret } from '../../core/secret';
import { createMachineCsr } from '../../core/registration/csr';
import { nextStep, withNextStep } from '../../core/registration/errors';
import { writeMachineCertificate } from '../../core/registration/machineCertificate';
import { ensureMachineIdentity } from '../../core/registration/machineIdentity';
import { agentProxyPlan, dropUnusedProxyPassword, proxySettingsWith, storeProxyPassword } from '../../core/service/agentProxy';
import { registeredConfig, saveConfig } from '../../core/service/configuration';
import { newPassphraseRecord } from '../../core/service/passphrase';
import type { AgentPlace, StageOut } from '../context';
import { withInstallLock } from '../lock';
import { agentLogger } from '../log';
import { AGENT_VERSION } from '../version';
import { accessFor, checkFromServer, vaultRoute } from '../vaultRoute';

export async function register(place: AgentPlace, request: RegisterRequest, stage: StageOut): Promise<RegisterAnswer> {
  const { target, layout } = place;
  const now = () => new Date();
  stage('checkFromServer');
  const credentials = await parseSent(request.credentials, now());
  const proxyPassword = request.proxyPassword !== undefined ? new Secret(request.proxyPassword) : undefined;
  return withInstallLock(target, layout.configDir, async () => {
    const config = await readAgentConfig(target, layout);
    const route = vaultRoute(credentials.endpoint, proxySettingsWith(request.proxy, proxyPassword), request.way);
    const access = accessFor(request.way);
    await checkFromServer(access, route, now);

    const passphrase = request.passphrase !== undefined ? await newPassphraseRecord(new Secret(request.passphrase), now()) : config?.passphrase;
    if (!passphrase) {
      throw new SetupError('PassphraseInvalid', 'No passphrase was given and this server has none configured.', { errors: 'missing', ...nextStep('choosePassphrase') });
    }

    stage('machineIdentity');
    const identity = await ensureMachineIdentity(target, layout, agentLogger, request.machineId ?? config?.machineId);
    const csr = createMachineCsr(identity.key, identity.machineId);

    stage('registerWithVault');
    const facts = await target.facts();
    const field = (value: string, fallback: string) => (value.trim() || fallback).slice(0, 100);
    const grant = await access.client(route).register(credentials.clientCertificate, {
      serverName: request.serverName,
      machineId: identity.machineId,
      os: { name: field(facts.osName, facts.platform), version: field(facts.osVersion, 'unknown') },
      agentVersion: AGENT_VERSION,
      csr,
    });

    stage('writeCertificates');
    const machineCert = await writeMachineCertificate(target, layout, grant.machineCertificate, grant.caCertificate);

    stage('writeConfiguration');
    await storeProxyPassword(target, agentProxyPlan(request.proxy, proxyPassword));
    const written = registeredConfig({
      machineId: identity.machineId,
      serverName: request.serverName,
      agentVersion: AGENT_VERSION,
      installFolder: layout.installFolder,
      cacheFolder: request.cacheFolder,
      proxy: request.proxy,
      credentials,
      registration: { id: grant.registrationId, registeredAt: grant.registeredAt, machineCertificateNotAfter: machineCert.notAfter },
      passphrase,
      now: now(),
    });
    await saveConfig(target, layout, written);
    await dropUnusedProxyPassword(target, layout, written.proxy);
    return { registrationId: grant.registrationId, machineId: identity.machineId, created: grant.created, agentVersion: AGENT_VERSION };
  });
}

/** The credentials, judged by this server's clock. */
async function parseSent(sent: RegisterRequest['credentials'], now: Date) {
  try {
    return await inspectCredentialsBytes(Buffer.from(sent.base64, 'base64'), sent.fileName, { now });
  } catch (err) {
    throw withNextStep(err);
  }
}
