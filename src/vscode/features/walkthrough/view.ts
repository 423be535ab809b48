/**
 * The session snapshot as the page gets it: only what it shows. The agent configuration is
 * reduced to the registration facts (no passphrase verifier, no file paths of secrets), errors to
 * their code, message and params, dates to strings.
 */
import type { SetupError } from '../../../core/errors';
import type { ViewSnapshot, WireError } from '../../../webview/protocol';
import type { Checked, SessionSnapshot } from '../session';

export function wireError(error: SetupError | WireError): WireError {
  return { code: error.code, message: error.message, params: { ...error.params } };
}

function wireChecked<T extends object>(c: Checked<T>): { ok: true; value: { [K in keyof T]: T[K] } } | { ok: false; error: WireError } {
  return c.ok ? { ok: true, value: { ...c.value } } : { ok: false, error: wireError(c.error) };
}

function registration(status: SessionSnapshot['status']): ViewSnapshot['registration'] {
  if (!status) return undefined;
  const { state, config, remote } = status;
  return {
    state: state.kind,
    vaultName: 'vaultName' in state ? state.vaultName : config?.vault?.name,
    serverName: config?.serverName,
    registrationId: config?.registration?.id,
    machineId: config?.machineId,
    remoteError: remote && !remote.ok ? wireError(remote.error) : undefined,
  };
}

export function toView(s: SessionSnapshot): ViewSnapshot {
  const view: ViewSnapshot = {
    credentials: s.credentials && { ...wireChecked(s.credentials), file: s.credentials.file },
    installFolder: s.installFolder,
    cacheFolder: s.cacheFolder,
    dataSizeBytes: s.dataSizeBytes,
    cacheCheck: s.cacheCheck && wireChecked(s.cacheCheck),
    proxy: { mode: s.proxy.mode, host: s.proxy.host, port: s.proxy.port, user: s.proxy.user, noProxy: [...s.proxy.noProxy], hasPassword: s.proxy.hasPassword },
    connectivity: s.connectivity && wireChecked(s.connectivity),
    passphrase: { ...s.passphrase },
    registration: registration(s.status),
    busy: s.busy && { ...s.busy },
  };
  // Through JSON once, as postMessage would: dates become strings, undefined fields vanish.
  return JSON.parse(JSON.stringify(view)) as ViewSnapshot;
}
