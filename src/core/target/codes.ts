/** Files on the machine being set up (this one or a server over SSH). */
export const TargetCode = {
  ReadFailed: 'TargetReadFailed',
  WriteFailed: 'TargetWriteFailed',
  /** The target cannot tell how much data a folder holds. */
  DataSizeUnsupported: 'DataSizeUnsupportedTarget',
} as const;
export type TargetCode = (typeof TargetCode)[keyof typeof TargetCode];
