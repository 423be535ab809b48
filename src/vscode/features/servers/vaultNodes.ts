/**
 * The vault's view in the Servers view, as the common path knows it: the node shapes and what
 * the view asks of the Azure chunk (vaultTree.ts), which is loaded only once the user is signed in.
 */
import type * as vscode from 'vscode';
import type { RegisteredServer, VaultRef } from '../../../core/service';

/** A vault of a subscription the user picked before; its servers load when it is expanded. */
export interface VaultNode {
  kind: 'vault';
  id: string;
  ref: VaultRef;
  location: string;
}

/** A server registered with the vault, as the vault reports it. */
export interface VaultServerNode {
  kind: 'vaultServer';
  id: string;
  ref: VaultRef;
  server: RegisteredServer;
  /** The admin's row for it (its destination), when it is on the admin's list too. */
  listedAs?: string;
}

/** A vault or a subscription that could not be read: its refusal, as a row. */
export interface VaultProblemNode {
  kind: 'vaultProblem';
  id: string;
  message: string;
}

export type VaultElement = VaultNode | VaultServerNode | VaultProblemNode;

export const isVaultElement = (value: unknown): value is VaultElement =>
  typeof value === 'object' && value !== null && 'kind' in value && ['vault', 'vaultServer', 'vaultProblem'].includes(String(value.kind));

/** The Azure chunk's side of the view (vaultTree.ts). */
export interface VaultTreeSource {
  /** The vaults of the subscriptions used before; a problem row when a subscription could not be read. */
  roots(): Promise<VaultElement[]>;
  children(vault: VaultNode): Promise<VaultElement[]>;
  item(element: VaultElement): vscode.TreeItem;
}
