/**
 * The vault's registered servers as the Backup RP shows them: one MAB container per registered
 * machine (`backupProtectionContainers`, `$filter=backupManagementType eq 'MAB'`), the items each
 * backs up with their last backup time (`backupProtectedItems`) and each item's recovery points
 * (`…/protectedItems/{item}/recoveryPoints`, one per backup the admin recorded), so that a removal
 * can say what it deletes, and their removal (`DELETE …/registeredIdentities/{name}`), which unregisters the
 * server here as a machine's own unregister does. A container's name is the server's name, as
 * for MARS.
 */
import { createHash } from 'node:crypto';
import { RECOVERY_SERVICES_API_VERSION, RECOVERY_SERVICES_BACKUP_API_VERSION } from '../../core/vault/azure/apiVersions';
import { VaultCode } from '../../core/vaultCodes';
import { isSetupError } from '../../core/errors';
import { recoveryPointsOf, type RegistrationRecord, type VaultRecord } from '../model';
import * as registry from '../registry';
import type { ArmDeps } from './deps';
import { ArmError } from './errors';
import { Int64, armJson } from './json';
import { VAULT, type ArmRequest, type ArmRouteSpec } from './request';
import { findArmVault, page, vaultId } from './resources';

const MANAGEMENT_TYPE = /backupManagementType eq '(?<type>[^']*)'/i;

export function serverRoutes(deps: ArmDeps): ArmRouteSpec[] {
  /** The vault's registered servers, when the `$filter` asks for MAB ones. */
  const mabServers = (request: ArmRequest): { vault: VaultRecord; servers: RegistrationRecord[] } => {
    const vault = findArmVault(deps.store.state, request);
    const type = MANAGEMENT_TYPE.exec(request.query.get('$filter') ?? '')?.groups?.type;
    if (type === undefined) {
      throw new ArmError(400, 'BMSUserErrorInvalidFilter', "This list needs $filter=backupManagementType eq '<type>'.");
    }
    // Only servers with the MARS agent are modelled: any other kind lists empty.
    const servers = type.toUpperCase() !== 'MAB' ? [] : Object.values(deps.store.state.registrations)
      .filter((r) => r.vault === vault.identity.name && r.status === 'registered');
    return { vault, servers };
  };
  const listed = (request: ArmRequest, items: unknown[]) => ({
    status: 200,
    body: armJson(page(items, request, deps.url())),
  });
  return [
    {
      method: 'GET',
      path: `${VAULT}/backupProtectionContainers`,
      apiVersion: RECOVERY_SERVICES_BACKUP_API_VERSION,
      handle: async (request) => {
        const { vault, servers } = mabServers(request);
        return listed(request, servers.map((r) => mabContainer(vaultId(vault.identity), r)));
      },
    },
    {
      method: 'GET',
      path: `${VAULT}/backupProtectedItems`,
      apiVersion: RECOVERY_SERVICES_BACKUP_API_VERSION,
      handle: async (request) => {
        const { vault, servers } = mabServers(request);
        return listed(request, servers.flatMap((r) => r.backupItems.map((item) => mabProtectedItem(vaultId(vault.identity), r, item))));
      },
    },
    {
      method: 'GET',
      path: `${VAULT}/backupFabrics/(?<fabric>[^/]+)/protectionContainers/(?<container>[^/]+)/protectedItems/(?<item>[^/]+)/recoveryPoints`,
      apiVersion: RECOVERY_SERVICES_BACKUP_API_VERSION,
      handle: async (request) => {
        const vault = findArmVault(deps.store.state, request);
        const { fabric, container, item } = request.params as { fabric: string; container: string; item: string };
        const server = Object.values(deps.store.state.registrations).find(
          (r) => r.vault === vault.identity.name && r.status === 'registered' && r.serverName.toLowerCase() === container.toLowerCase(),
        );
        const backupItem = server?.backupItems.find((b) => b.name.toLowerCase() === item.toLowerCase());
        if (fabric.toLowerCase() !== 'azure' || !server || !backupItem) {
          throw new ArmError(404, 'ResourceNotFound', `The protected item '${item}' of container '${container}' was not found in vault '${vault.identity.name}'.`);
        }
        const itemId = `${vaultId(vault.identity)}/backupFabrics/Azure/protectionContainers/${server.serverName}/protectedItems/${backupItem.name}`;
        // Latest first, as the portal lists them.
        return listed(request, [...recoveryPointsOf(backupItem)].reverse().map((at) => recoveryPoint(itemId, at)));
      },
    },
    {
      method: 'DELETE',
      path: `${VAULT}/registeredIdentities/(?<server>[^/]+)`,
      apiVersion: RECOVERY_SERVICES_API_VERSION,
      handle: async (request) => {
        const vault = findArmVault(deps.store.state, request);
        const { server } = request.params as { server: string };
        try {
          await deps.store.mutate((s) => registry.unregisterServer(s, vault.identity.name, server, deps.now()));
        } catch (err) {
          if (isSetupError(err, VaultCode.RegistrationNotFound)) {
            throw new ArmError(404, 'ResourceNotFound', `The registered identity '${server}' was not found in vault '${vault.identity.name}'.`);
          }
          throw err;
        }
        return { status: 204, body: undefined };
      },
    },
  ];
}

function mabContainer(vaultResourceId: string, r: RegistrationRecord) {
  return {
    id: `${vaultResourceId}/backupFabrics/Azure/protectionContainers/${r.serverName}`,
    name: r.serverName,
    type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers',
    properties: {
      friendlyName: r.serverName,
      backupManagementType: 'MAB',
      registrationStatus: 'Registered',
      healthStatus: 'Healthy',
      containerType: 'Windows',
      canReRegister: true,
      containerId: containerId(r.id),
      protectedItemCount: r.backupItems.length,
      agentVersion: r.agentVersion,
      extendedInfo: {
        lastRefreshedAt: r.updatedAt,
        backupItemType: 'FileFolder',
        backupItems: r.backupItems.map((item) => item.name),
      },
    },
  };
}

/** A backup item as the Backup RP lists it: the MARS agent's files and folders of one server. */
function mabProtectedItem(vaultResourceId: string, r: RegistrationRecord, item: RegistrationRecord['backupItems'][number]) {
  return {
    id: `${vaultResourceId}/backupFabrics/Azure/protectionContainers/${r.serverName}/protectedItems/${item.name}`,
    name: item.name,
    type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems',
    properties: {
      protectedItemType: 'MabFileFolderProtectedItem',
      backupManagementType: 'MAB',
      workloadType: 'FileFolder',
      containerName: r.serverName,
      friendlyName: item.name,
      computerName: r.serverName,
      lastBackupStatus: 'Completed',
      lastBackupTime: item.lastBackupAt,
      protectionState: 'Protected',
      extendedInfo: { lastRefreshedAt: item.lastBackupAt, oldestRecoveryPoint: recoveryPointsOf(item)[0], recoveryPointCount: recoveryPointsOf(item).length },
    },
  };
}

/** A backup copy of a MAB item as `RecoveryPoints_List` answers it (GenericRecoveryPoint); named by its time in milliseconds. */
function recoveryPoint(itemId: string, at: string) {
  const name = String(Date.parse(at));
  return {
    id: `${itemId}/recoveryPoints/${name}`,
    name,
    type: 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints',
    properties: { objectType: 'GenericRecoveryPoint', friendlyName: name, recoveryPointType: 'FileSystemConsistent', recoveryPointTime: at },
  };
}

/** The container's int64 id, stable per registration. */
function containerId(registrationId: string): Int64 {
  return new Int64((createHash('sha256').update(registrationId).digest().readBigUInt64BE() >> 1n).toString());
}
