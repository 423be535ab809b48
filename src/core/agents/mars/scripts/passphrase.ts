/**
 * Setting the encryption passphrase: both it and the security PIN come on stdin. Current agents
 * require the PIN (ARM facts §4); it is optional here only for agents that do not.
 */
import { ps, psLines } from '../../../target/powershell/code';
import { psScript, stdinVar, type PsScript } from '../../../target/powershell/script';
import { importMarsModule } from './module';

export function passphraseScript(installFolder: string, options: { securityPin: boolean }): PsScript {
  const pin = options.securityPin ? ps` -SecurityPin ${stdinVar('securityPin')}` : ps``;
  return psScript(
    psLines(importMarsModule(installFolder), ps`Set-OBMachineSetting -EncryptionPassPhrase ${stdinVar('passphrase')}${pin}`),
    options.securityPin ? { passphrase: 'secure', securityPin: 'text' } : { passphrase: 'secure' },
  );
}
