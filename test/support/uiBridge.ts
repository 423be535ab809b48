// Asks the runner (outside the extension host) to drive the workbench page with Playwright.
import http from 'node:http';

export function ui<T = Record<string, unknown>>(req: Record<string, unknown>): Promise<T> {
  const bridge = process.env.BAS_UI_BRIDGE;
  if (!bridge) return Promise.reject(new Error('BAS_UI_BRIDGE is not set: run this suite with `npm run test:ui`'));
  const body = JSON.stringify(req);
  return new Promise((resolve, reject) => {
    const r = http.request(`${bridge}/ui`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => {
        const json = JSON.parse(data || '{}');
        if (res.statusCode === 200) resolve(json as T);
        else reject(new Error(json.error || `UI bridge answered HTTP ${res.statusCode}`));
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}
