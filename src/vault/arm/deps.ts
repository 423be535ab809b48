import type { Store } from '../store';

/** What the ARM routes need from the running service. */
export interface ArmDeps {
  store: Store;
  now: () => Date;
  /** The service's URL: `nextLink`s point at it, and it is the vault's registration endpoint. */
  url: () => string;
}
