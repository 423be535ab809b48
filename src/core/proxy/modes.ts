/**
 * The proxy modes of the extension's settings. `off`: direct; `settings`: the host/port set;
 * `vscode`: VS Code's `http.proxy` (then the environment, as VS Code itself does);
 * `environment`: HTTP(S)_PROXY and NO_PROXY. No imports: the setup page's browser code uses it.
 */
export const PROXY_MODES = ['off', 'settings', 'vscode', 'environment'] as const;
export type ProxyMode = (typeof PROXY_MODES)[number];
