/**
 * The registration API's request and answers (src/vault/http/registration-routes.ts), checked
 * on arrival so that a wrong endpoint fails here with InvalidResponse rather than later.
 */
import * as z from 'zod';

export interface RegistrationRequest {
  serverName: string;
  machineId: string;
  os: { name: string; version: string };
  agentVersion: string;
  /** PEM PKCS#10, CN = machine id. */
  csr: string;
}

const pem = (label: string) => z.string().includes(`-----BEGIN ${label}-----`);

/** POST /v1/registrations: 201 for a new registration, 200 for the same machine again. */
export const registrationGrantSchema = z.looseObject({
  registrationId: z.string().min(1),
  status: z.string(),
  machineId: z.string(),
  vault: z.looseObject({
    name: z.string(),
    subscriptionId: z.string(),
    resourceGroup: z.string(),
    location: z.string(),
    resourceId: z.string(),
  }),
  machineCertificate: pem('CERTIFICATE'),
  caCertificate: pem('CERTIFICATE'),
  registeredAt: z.iso.datetime(),
});
export type RegistrationGrant = z.infer<typeof registrationGrantSchema>;

/** GET, DELETE and passphrase-change all answer with the registration as the vault sees it. */
export const registrationViewSchema = z.looseObject({
  registrationId: z.string(),
  vault: z.string(),
  machineId: z.string(),
  serverName: z.string(),
  status: z.enum(['registered', 'unregistered', 'revoked']),
  registeredAt: z.string(),
  updatedAt: z.string(),
  lastPassphraseChangeAt: z.string().nullable(),
  certificateNotAfter: z.string(),
});
export type RemoteRegistration = z.infer<typeof registrationViewSchema>;

/** The vault's own format check, made locally so a typo never spends a round trip. */
export const SECURITY_PIN = /^\d{8}$/;
