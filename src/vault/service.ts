/**
 * The vault service: the registration API over mutual-TLS HTTPS, with the ARM emulator on the
 * same port (arm/routes.ts), and the admin API over HTTP, all on loopback by default. It runs as
 * its own process (cli.ts), inside a test, or inside the extension host, so it holds no
 * process-wide state and everything it opens, close() closes.
 */
import { constants } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { localAdmin, type VaultAdmin } from './admin';
import { VaultCode, VaultError } from './errors';
import { armRoutes } from './arm/routes';
import { adminRoutes, bearerGuard } from './http/admin-routes';
import { agentRoutes } from './http/agent-routes';
import { DEFAULT_TIMEOUTS, listen, serverTimeoutOptions, type VaultTimeouts } from './http/listen';
import { registrationRoutes } from './http/registration-routes';
import { createRouter } from './http/router';
import { prepareDataDir } from './layout';
import { SpareKeys } from './issuer';
import { DataLock } from './lock';
import { silentLogger, type VaultLogger } from './log';
import { loadOrCreateTls } from './pki';
import { Store } from './store';
import { bearerToken } from './tokens';
import { API_VERSION, SERVICE_NAME, SERVICE_VERSION } from './version';

export interface StartVaultOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Admin API port on loopback; default: a free port, recorded in the data folder. */
  adminPort?: number;
  /** Where agent packages are served from; default `dist/agent` in the working folder. */
  agentDir?: string;
  logger?: VaultLogger;
  /** The vault's clock (tests move it to expire PINs and credentials). */
  now?: () => Date;
  timeouts?: Partial<VaultTimeouts>;
}

export interface RunningVault {
  /** The registration endpoint, e.g. `https://127.0.0.1:8443`. */
  url: string;
  adminUrl: string;
  /** The vault CA that signs the server and machine certificates: what clients trust. */
  caCertPem: string;
  dataDir: string;
  /** The admin operations, in-process. */
  admin: VaultAdmin;
  close(): Promise<void>;
}

const ADMIN_HOST = '127.0.0.1';

export async function startVault(options: StartVaultOptions): Promise<RunningVault> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const layout = await prepareDataDir(path.resolve(options.dataDir));

  const lock = await DataLock.acquire(layout.lock, 'serve', 10_000);
  if (!(lock instanceof DataLock)) {
    throw new VaultError(
      VaultCode.DataInUse,
      `Another vault service (pid ${lock.service.pid}) already uses the data folder ${layout.dir}. Stop it, or use another data folder.`,
      undefined,
      { pid: lock.service.pid, dataDir: layout.dir },
    );
  }
  const cleanup: Array<() => Promise<void>> = [() => lock.release()];
  const closeAll = async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  };
  try {
    const store = await Store.open(layout.state);
    cleanup.push(() => store.close());
    const tls = await loadOrCreateTls(layout, now());
    const token = await bearerToken(layout.adminToken);
    let url = '';
    const keys = new SpareKeys();
    cleanup.push(() => keys.close());
    const admin = localAdmin(store, { now, endpoint: () => url, keys });

    const api = https.createServer(
      {
        key: tls.server.keyPem,
        cert: tls.server.certPem,
        minVersion: 'TLSv1.2',
        // A connection keeps the client certificate of its handshake: the routes read it once per
        // connection (registration-routes.ts), so TLS 1.2 renegotiation must not swap it.
        secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
        // Every route decides for itself which client certificate it accepts.
        requestCert: true,
        rejectUnauthorized: false,
        handshakeTimeout: timeouts.handshakeMs,
        ...serverTimeoutOptions(timeouts),
      },
      createRouter({
        logger,
        routes: [
          {
            method: 'GET',
            path: /^\/v1\/health$/,
            handle: async () => ({
              status: 200,
              body: { status: 'ok', service: SERVICE_NAME, version: SERVICE_VERSION, apiVersion: API_VERSION, time: now().toISOString() },
            }),
          },
          ...registrationRoutes({ store, ca: tls.ca, now }),
          ...agentRoutes(options.agentDir ?? path.resolve('dist', 'agent'), () => url),
          ...armRoutes({ store, now, url: () => url }, await bearerToken(layout.armToken)),
        ],
      }),
    );
    const apiListening = await listen(api, host, options.port, 'registration API');
    cleanup.push(apiListening.close);
    url = `https://${host.includes(':') ? `[${host}]` : host}:${apiListening.port}`;

    const adminServer = http.createServer(
      serverTimeoutOptions(timeouts),
      createRouter({ logger, guard: bearerGuard(token), routes: adminRoutes(admin, { instanceId: lock.instanceId, url }) }),
    );
    const adminListening = await listen(adminServer, ADMIN_HOST, options.adminPort ?? 0, 'admin API');
    cleanup.push(adminListening.close);
    const adminUrl = `http://${ADMIN_HOST}:${adminListening.port}`;

    if (store.state.serviceUrl !== url) await store.mutate((s) => {
      s.serviceUrl = url;
    });
    await lock.publish({ url, adminUrl });
    logger.info(`vault service listening on ${url} (admin ${adminUrl}, data ${layout.dir})`);
    return { url, adminUrl, caCertPem: tls.ca.certPem, dataDir: layout.dir, admin, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
