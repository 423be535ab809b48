/**
 * `PUT …/vaults/{vault}/certificates/{name}`: what `Get-AzRecoveryServicesVaultSettingsFile
 * -Backup` calls (ARM facts §1). The uploaded public certificate becomes the vault's latest
 * credentials certificate through the same rule as a file the vault issues itself, so the
 * previous file stops working; the caller, who holds the key, writes the file from the answer.
 */
import { X509Certificate } from 'node:crypto';
import * as z from 'zod';
import { RECOVERY_SERVICES_API_VERSION } from '../../core/vault/azure/apiVersions';
import { aadDetails } from '../issuer';
import { sha256Hex } from '../pki';
import * as registry from '../registry';
import type { ArmDeps } from './deps';
import { ArmError } from './errors';
import { Int64, armJson } from './json';
import { VAULT, readArmBody, type ArmRouteSpec } from './request';
import { findArmVault, vaultId } from './resources';

const certificateRequestSchema = z.object({
  properties: z.object({
    authType: z.literal('AAD'),
    certificate: z.base64().min(1),
  }),
});

export function certificateRoutes(deps: ArmDeps): ArmRouteSpec[] {
  return [
    {
      method: 'PUT',
      path: `${VAULT}/certificates/(?<certificate>[^/]+)`,
      apiVersion: RECOVERY_SERVICES_API_VERSION,
      handle: async (request) => {
        const { ctx, params } = request;
        const vault = findArmVault(deps.store.state, request);
        const { properties } = await readArmBody(ctx.req, certificateRequestSchema);
        const cert = parseCertificate(properties.certificate);
        const { name } = vault.identity;
        const at = deps.now();
        await deps.store.mutate((s) => {
          registry.recordCredentials(s, name, { fingerprint256: sha256Hex(cert.raw), notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) }, at);
        });
        const aad = aadDetails(vault.identity);
        return {
          status: 200,
          body: armJson({
            id: `${vaultId(vault.identity)}/certificates/${params.certificate}`,
            name: params.certificate,
            type: 'Microsoft.RecoveryServices/vaults/certificates',
            properties: {
              authType: 'AzureActiveDirectory',
              friendlyName: '',
              issuer: distinguishedName(cert.issuer),
              resourceId: new Int64(vault.identity.resourceId),
              subject: distinguishedName(cert.subject),
              thumbprint: cert.fingerprint.replaceAll(':', ''),
              validFrom: new Date(cert.validFrom).toISOString(),
              validTo: new Date(cert.validTo).toISOString(),
              aadAuthority: aad.authority,
              aadTenantId: aad.tenantId,
              servicePrincipalClientId: aad.servicePrincipalClientId,
              servicePrincipalObjectId: aad.servicePrincipalObjectId,
              // Where the agent registers: the file's IdMgmtRestEndpoint.
              azureManagementEndpointAudience: deps.url(),
              aadAudience: aad.audience,
            },
          }),
        };
      },
    },
  ];
}

function parseCertificate(base64: string): X509Certificate {
  let cert: X509Certificate | undefined;
  try {
    cert = new X509Certificate(Buffer.from(base64, 'base64'));
  } catch {
    cert = undefined;
  }
  // OpenSSL also opens a certificate whose validity is no date ("Bad time value"), which then
  // failed as a 500 when recorded (found by npm run fuzz): refused here with the rest.
  if (!cert || Number.isNaN(Date.parse(cert.validFrom)) || Number.isNaN(Date.parse(cert.validTo))) {
    throw new ArmError(400, 'InvalidRequestContent', 'properties.certificate is not a base64 DER X.509 certificate.');
  }
  return cert;
}

/** Node writes one RDN per line; ARM writes them comma-separated. */
function distinguishedName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}
