/**
 * Refusals of the ARM emulator, in ARM's error envelope `{"error":{"code","message"}}` and with
 * ARM's own codes. They are not vault codes: an Azure client reads them as ARM's, so they stay
 * out of the vault's code catalogue.
 */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}
