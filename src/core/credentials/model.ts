import { inspect } from 'node:util';

/**
 * The TLS client certificate the agent registers with. The private key is secret material: it
 * is held in a private field, left out of JSON and of util.inspect, and must never be logged.
 */
export class ClientCertificate {
  readonly #keyPem: string;

  constructor(
    readonly certPem: string,
    keyPem: string,
    readonly fingerprint256: string,
  ) {
    this.#keyPem = keyPem;
  }

  /** PKCS#8 PEM. Secret: pass it straight to the TLS layer, never to a log or a message. */
  get keyPem(): string {
    return this.#keyPem;
  }

  toJSON(): { fingerprint256: string } {
    return { fingerprint256: this.fingerprint256 };
  }

  [inspect.custom](): string {
    return `ClientCertificate { fingerprint256: '${this.fingerprint256}' }`;
  }
}

export interface AgentLink {
  name: string;
  url: string;
}

/** A validated RSBackupVaultAADCreds file. */
export interface VaultCredentials {
  fileName: string;
  vaultName: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  /** The vault's 64-bit resource id, as a decimal string. */
  resourceId: string;
  tenantId: string;
  /** IdMgmtRestEndpoint: where the agent registers. */
  endpoint: string;
  agentLinks: AgentLink[];
  /** NotBefore + the issuer's back-dating: when the file was downloaded. */
  issuedAt: Date;
  notBefore: Date;
  expiresAt: Date;
  /** Left at the time of parsing. */
  timeLeftMs: number;
  fingerprint256: string;
  clientCertificate: ClientCertificate;
  /** Set when the file was read from a temporary local copy (since removed) of this path. */
  copiedFrom?: string;
  copyReason?: 'network' | 'access';
}
