// Browser entry of the walkthrough webview. It announces itself to the extension host; the
// walkthrough's steps and the typed message protocol build on this handshake.
declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscodeApi = acquireVsCodeApi();
vscodeApi.postMessage({ type: 'ready' });
