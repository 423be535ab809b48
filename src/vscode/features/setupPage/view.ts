/**
 * The session snapshot as the page gets it: only what it shows. The agent configuration is
 * reduced to the registration facts (no passphrase verifier, no file paths of secrets), errors to
 * their code, message and params, dates to strings.
 */
import type { ViewSnapshot, WireError } from '../../../webview/protocol';
import type { ShownError } from '../errors/localise';
import type { ShownNextStep } from '../errors/showError';
import type { Checked, SessionSnapshot } from '../session';

/** The error's text in the window's language (the core's English message when none), and its next step. */
export interface Localise {
  message(error: ShownError): string;
  next(error: ShownError): ShownNextStep;
}

export function wireError(error: ShownError, localise: Localise): WireError {
  const next = localise.next(error);
  return {
    code: error.code,
    message: localise.message(error),
    params: { ...error.params },
    next: 'label' in next ? { action: next.action, label: next.label } : { action: next.action, instruction: next.instruction },
  };
}

function registration(status: SessionSnapshot['status'], localise: Localise): ViewSnapshot['registration'] {
  if (!status) return undefined;
  const { state, config, remote } = status;
  return {
    state: state.kind,
    vaultName: 'vaultName' in state ? state.vaultName : config?.vault?.name,
    serverName: config?.serverName,
    registrationId: config?.registration?.id,
    machineId: config?.machineId,
    remoteError: remote && !remote.ok ? wireError(remote.error, localise) : undefined,
    inUse: config?.registration
      ? {
          installFolder: config.installFolder,
          cacheFolder: config.cacheFolder,
          // The password stays in its file: not even that file's path goes to the page.
          proxy: { mode: config.proxy.mode, host: config.proxy.host, port: config.proxy.port, user: config.proxy.user, noProxy: [...config.proxy.noProxy] },
          passphraseSetAt: config.passphrase?.setAt,
        }
      : undefined,
  };
}

export function toView(s: SessionSnapshot, localise: Localise): ViewSnapshot {
  const wireChecked = <T extends object>(c: Checked<T>): { ok: true; value: { [K in keyof T]: T[K] } } | { ok: false; error: WireError } =>
    c.ok ? { ok: true, value: { ...c.value } } : { ok: false, error: wireError(c.error, localise) };
  const view: ViewSnapshot = {
    target: { kind: s.target.kind, label: s.target.label },
    credentials: s.credentials && { ...wireChecked(s.credentials), file: s.credentials.file },
    installFolder: s.installFolder,
    cacheFolder: s.cacheFolder,
    dataSizeBytes: s.dataSizeBytes,
    cacheCheck: s.cacheCheck && wireChecked(s.cacheCheck),
    proxy: { mode: s.proxy.mode, host: s.proxy.host, port: s.proxy.port, user: s.proxy.user, noProxy: [...s.proxy.noProxy], hasPassword: s.proxy.hasPassword },
    connectivity: s.connectivity && wireChecked(s.connectivity),
    passphrase: { ...s.passphrase },
    registration: registration(s.status, localise),
    busy: s.busy && { ...s.busy },
  };
  // Through JSON once, as postMessage would: dates become strings, undefined fields vanish.
  return JSON.parse(JSON.stringify(view)) as ViewSnapshot;
}
