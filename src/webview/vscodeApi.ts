/**
 * The webview's handle on VS Code, and the little UI state it keeps across hide/restore through
 * getState/setState (instead of retainContextWhenHidden). That state is persisted by the
 * workbench, so it holds drafts of non-secret fields only: never a passphrase or a password.
 */
export interface PersistedState {
  /** Typed but not yet applied values, by field id (only fields listed in PERSISTED_FIELDS). */
  drafts: Record<string, string>;
  /** The element that had the focus, to put it back. */
  focusId?: string;
  scrollY?: number;
}

/** The fields whose drafts may be persisted; secret inputs are deliberately absent. */
export const PERSISTED_FIELDS = [
  'credentials-file',
  'install-folder',
  'cache-folder',
  'data-size',
  'proxy-mode',
  'proxy-host',
  'proxy-port',
  'proxy-user',
  'proxy-no-proxy',
  'passphrase-file',
] as const;

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: PersistedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscodeApi = acquireVsCodeApi();

export function loadState(): PersistedState {
  const raw = vscodeApi.getState();
  const drafts: Record<string, string> = {};
  if (typeof raw === 'object' && raw !== null) {
    const saved = raw as Partial<PersistedState>;
    for (const field of PERSISTED_FIELDS) {
      const value = saved.drafts?.[field];
      if (typeof value === 'string') drafts[field] = value;
    }
    return {
      drafts,
      focusId: typeof saved.focusId === 'string' ? saved.focusId : undefined,
      scrollY: typeof saved.scrollY === 'number' ? saved.scrollY : undefined,
    };
  }
  return { drafts };
}
