/**
 * The admin route for MARSAgentInstaller.exe (the setting backupAgent.mars.installerDownload =
 * admin): fetched on this machine through the project's HTTP stack (an explicit undici
 * dispatcher) and the effective proxy of the vault route, then uploaded by the driver. The link
 * (aka.ms) redirects to Microsoft's download host: redirects are followed over https only, a few
 * at most, and the body is capped. Its signature is checked on the server before it runs.
 */
import { CancelledError, SetupError } from '../../errors';
import { createDispatcher } from '../../http/dispatcher';
import { diagnoseSocketError, networkError, networkTarget } from '../../http/networkErrors';
import { readBodyCapped } from '../../http/request';
import { request } from '../../http/undici';
import type { VaultRoute } from '../../service/vaultAccess';

const MAX_REDIRECTS = 5;
/** The installer is about 10 MB (agent facts §3); anything far larger is not it. */
export const MAX_INSTALLER_BYTES = 200 * 1024 * 1024;

export async function fetchInstaller(url: string, route: Pick<VaultRoute, 'proxy'>, signal?: AbortSignal): Promise<Uint8Array> {
  const dispatcher = await createDispatcher({ proxy: route.proxy.proxy, tls: { rejectUnauthorized: route.proxy.strictSSL } });
  try {
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
      if (current.protocol !== 'https:') throw failed(current, 0, 'the link is not https');
      const target = networkTarget(current, dispatcher);
      let response;
      try {
        response = await request(dispatcher, current, { signal });
      } catch (err) {
        if (signal?.aborted) throw new CancelledError();
        throw networkError(diagnoseSocketError(err, target.proxy !== undefined), target, err);
      }
      const location = response.headers.location;
      if (response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string') {
        await response.body.dump();
        if (hop >= MAX_REDIRECTS) throw failed(current, response.statusCode, `more than ${MAX_REDIRECTS} redirects`);
        current = new URL(location, current);
        continue;
      }
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw failed(current, response.statusCode, 'the server refused the download');
      }
      const tooLarge = () => failed(current, 200, `larger than ${MAX_INSTALLER_BYTES} bytes`);
      return new Uint8Array(await readBodyCapped(response, MAX_INSTALLER_BYTES, tooLarge));
    }
  } finally {
    await dispatcher.close().catch(() => undefined);
  }
}

function failed(url: URL, httpStatus: number, reason: string): SetupError {
  return new SetupError('AgentDownloadFailed', `Downloading the MARS agent installer from ${url.host} failed (HTTP ${httpStatus}: ${reason}).`, { host: url.host, httpStatus, reason });
}
