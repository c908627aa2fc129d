import * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Filled in by the extension-layer work; kept thin: wiring only, the core lives in src/core.
}

export function deactivate(): void {}
