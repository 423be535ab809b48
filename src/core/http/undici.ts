/**
 * The one way into undici. Its parts (undiciParts.ts) are a chunk of their own in the bundles that
 * split, loaded by the first dispatcher made: the extension's status bar and palette wizard reach
 * this module without reaching the network. Everything else here is types and a call on a
 * dispatcher, which exists only once the parts have loaded.
 */
import type { Dispatcher } from 'undici';

export type { Dispatcher };
export type UndiciParts = typeof import('./undiciParts');

let parts: Promise<UndiciParts> | undefined;

/** undici's dispatchers (Agent, ProxyAgent, Client), loaded on the first call. */
export function loadUndici(): Promise<UndiciParts> {
  return (parts ??= import('./undiciParts'));
}

export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method?: Dispatcher.HttpMethod;
};

/** One request through `dispatcher`, the explicit one every call in this code names. */
export function request(dispatcher: Dispatcher, url: string | URL, options: RequestOptions = {}): Promise<Dispatcher.ResponseData> {
  const target = new URL(url);
  return dispatcher.request({ ...options, origin: target.origin, path: `${target.pathname}${target.search}`, method: options.method ?? 'GET' });
}
