/**
 * Where the admin gets the vault's security PIN, which current agents need to set the passphrase
 * (ARM facts §4: Azure portal, the vault's Properties → Security PIN, valid 5 minutes). The
 * prompt is a template with `{0}` for the vault, as vscode.l10n.t takes it; its Spanish is in
 * l10n/bundle.l10n.es.json.
 */
export const SECURITY_PIN_PROMPT =
  'Security PIN for vault {0}: in the Azure portal open the vault, then Properties → Security PIN → Generate. The PIN is valid for 5 minutes.';

export interface SecurityPinPrompt {
  template: typeof SECURITY_PIN_PROMPT;
  vault: string;
}

export function securityPinPrompt(vault: string): SecurityPinPrompt {
  return { template: SECURITY_PIN_PROMPT, vault };
}
