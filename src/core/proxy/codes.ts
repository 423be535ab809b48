/** The proxy settings this machine and the agent use. */
export const ProxyCode = {
  SettingsInvalid: 'ProxySettingsInvalid',
  UrlInvalid: 'ProxyUrlInvalid',
  AuthorizationUnsupported: 'ProxyAuthorizationUnsupported',
} as const;
export type ProxyCode = (typeof ProxyCode)[keyof typeof ProxyCode];
