/** Every fuzz target, in the order `npm run fuzz` runs them. */
import type { AnyTarget } from '../lib/loop';
import { armTarget } from './arm';
import { armClientTarget } from './armClient';
import { credentialsTarget } from './credentials';
import { knownHostsTarget } from './knownHosts';
import { sshConfigTarget } from './sshConfig';
import { vaultTarget } from './vault';
import { webviewTarget } from './webview';

export const TARGETS: AnyTarget[] = [credentialsTarget, sshConfigTarget, knownHostsTarget, webviewTarget, vaultTarget, armTarget, armClientTarget].map((t) => t as AnyTarget);
