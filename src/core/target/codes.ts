/** Files on the machine being set up (this one or a server over SSH). */
export const TargetCode = {
  ReadFailed: 'TargetReadFailed',
  WriteFailed: 'TargetWriteFailed',
  /** The target cannot tell how much data a folder holds. */
  DataSizeUnsupported: 'DataSizeUnsupportedTarget',
  /** A data folder named to be measured cannot be read (it does not exist, most often a typo). */
  DataFolderUnreadable: 'DataFolderUnreadable',
  /** This machine runs Windows and VS Code is not elevated: the agent's setup needs an elevated administrator. */
  WindowsNotElevated: 'WindowsNotElevated',
} as const;
export type TargetCode = (typeof TargetCode)[keyof typeof TargetCode];
