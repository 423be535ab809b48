/**
 * The registration API. Callers authenticate with TLS client certificates, checked per route:
 * registering takes the vault credentials certificate (self-signed, so matched by fingerprint
 * against the vault's latest file), everything after takes the machine certificate the vault's
 * CA issued at registration.
 */
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import * as z from 'zod';
import { verifyCsr } from '../csr';
import { VaultCode, VaultError } from '../errors';
import { registrationView, type RegistrationRecord } from '../model';
import { sha256Hex, type CertificateAuthority } from '../pki';
import * as registry from '../registry';
import type { Store } from '../store';
import { parseInput, readJson } from './body';
import type { RequestContext, Route } from './router';

const registrationSchema = z.strictObject({
  serverName: z.string().min(1).max(253).regex(/^\P{Cc}+$/u, 'No control characters'),
  machineId: z.guid(),
  os: z.strictObject({ name: z.string().min(1).max(100), version: z.string().min(1).max(100) }),
  agentVersion: z.string().max(64).regex(/^\d+(\.\d+){1,3}([-+][0-9A-Za-z.-]+)?$/, 'A version such as 1.2.3'),
  csr: z.string().min(1).max(16 * 1024),
});

const passphraseChangeSchema = z.strictObject({
  securityPin: z.string().regex(/^\d{8}$/, 'A security PIN is 8 digits'),
});

export interface RegistrationDeps {
  store: Store;
  ca: CertificateAuthority;
  now: () => Date;
}

const REGISTRATION = /^\/v1\/registrations\/(?<id>[0-9a-fA-F-]{36})$/;

export function registrationRoutes(deps: RegistrationDeps): Route[] {
  const { store, ca, now } = deps;

  /**
   * Client certificates by connection, this service's own. The server refuses renegotiation
   * (service.ts), so a connection's client certificate never changes: a keep-alive client's
   * requests parse and hash it once, and verify its signature once, instead of on every request.
   */
  const peers = new WeakMap<TLSSocket, PeerCertificate>();

  /** A connection's client certificate, read once: what the routes need of it. */
  function clientCertificate(ctx: RequestContext): PeerCertificate {
    const socket = ctx.req.socket as TLSSocket;
    let peer = peers.get(socket);
    if (!peer) {
      const cert = socket.getPeerX509Certificate?.();
      if (!cert) {
        throw new VaultError(VaultCode.ClientCertificateRequired, 'This call needs a TLS client certificate: the vault credentials certificate to register, the machine certificate afterwards.');
      }
      peer = { cert, fingerprint256: sha256Hex(cert.raw) };
      peers.set(socket, peer);
    }
    return peer;
  }

  /** The fingerprint of the client's credentials certificate, once it is some vault's valid latest one. */
  function credentialsFingerprint(ctx: RequestContext): string {
    const { fingerprint256 } = clientCertificate(ctx);
    ctx.vault = registry.authenticateCredentials(store.state, fingerprint256, now()).identity.name;
    return fingerprint256;
  }

  /** The registration in the path, if the client presented its current machine certificate. */
  function machineRegistration(ctx: RequestContext): RegistrationRecord {
    const peer = clientCertificate(ctx);
    peer.issuedByVault ??= ca.issued(peer.cert);
    if (!peer.issuedByVault) {
      throw new VaultError(VaultCode.MachineCertificateUntrusted, 'The client certificate was not issued by this vault: present the machine certificate received at registration.');
    }
    const record = registry.authorizeMachine(
      store.state,
      ctx.params.id!.toLowerCase(),
      { fingerprint256: peer.fingerprint256, commonName: commonName(peer.cert) },
      now(),
    );
    ctx.vault = record.vault;
    return record;
  }

  return [
    {
      method: 'POST',
      path: /^\/v1\/registrations$/,
      handle: async (ctx) => {
        // Authenticate before reading the body, and again when recording: a newer file may
        // have superseded this one meanwhile.
        const fingerprint = credentialsFingerprint(ctx);
        const input = parseInput(registrationSchema, await readJson(ctx.req));
        const publicKey = verifyCsr(input.csr);
        const at = now();
        const { vault, record, certificate, created } = await store.mutate((state) => {
          const vault = registry.authenticateCredentials(state, fingerprint, at);
          const issue = () => ca.issueMachineCertificate(publicKey, input.machineId.toLowerCase(), at);
          return { vault, ...registry.register(state, vault, input, issue, at) };
        });
        const { name, subscriptionId, resourceGroup, location, resourceId } = vault.identity;
        return {
          status: created ? 201 : 200,
          body: {
            registrationId: record.id,
            status: record.status,
            machineId: record.machineId,
            vault: { name, subscriptionId, resourceGroup, location, resourceId },
            machineCertificate: certificate.pem,
            caCertificate: ca.certPem,
            registeredAt: record.registeredAt,
            time: at.toISOString(),
          },
        };
      },
    },
    {
      method: 'GET',
      path: REGISTRATION,
      handle: async (ctx) => ({ status: 200, body: registrationView(machineRegistration(ctx)) }),
    },
    {
      method: 'DELETE',
      path: REGISTRATION,
      handle: async (ctx) => {
        const record = machineRegistration(ctx);
        const unregistered = await store.mutate((s) => registry.unregister(registry.findRegistration(s, record.id), now()));
        return { status: 200, body: registrationView(unregistered) };
      },
    },
    {
      method: 'POST',
      path: /^\/v1\/registrations\/(?<id>[0-9a-fA-F-]{36})\/passphrase-change$/,
      handle: async (ctx) => {
        const record = machineRegistration(ctx);
        const { securityPin } = parseInput(passphraseChangeSchema, await readJson(ctx.req));
        const changed = await store.mutate((s) => registry.recordPassphraseChange(s, registry.findRegistration(s, record.id), securityPin, now()));
        return { status: 200, body: registrationView(changed) };
      },
    },
  ];
}

/** What the routes need of a connection's client certificate. */
interface PeerCertificate {
  cert: X509Certificate;
  fingerprint256: string;
  /** Whether this vault's CA signed it, once a route asked. */
  issuedByVault?: boolean;
}

function commonName(cert: X509Certificate): string {
  return /^CN=(.*)$/m.exec(cert.subject)?.[1] ?? '';
}
