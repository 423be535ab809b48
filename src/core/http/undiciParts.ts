/**
 * undici with only the parts this code uses: the dispatchers (Agent, ProxyAgent, Client) and the
 * request API. The package's index also loads fetch, WebSocket, caches, mocks and interceptors,
 * about 290 KiB of every bundle that reaches the network (the extension, the agent, the CLIs).
 * Reached only through loadUndici() (undici.ts): these 240 KiB load with the first request made,
 * not with the code that may make one.
 */
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';
import Client from 'undici/lib/dispatcher/client.js';

// What undici's index does: request(), connect() and the rest become methods of every dispatcher
// (ProxyAgent itself calls connect() on its proxy's client).
Object.assign(Dispatcher.prototype, api);

export { Agent, ProxyAgent, Client };
