import * as vscode from 'vscode';
import { registerInspector } from './inspector';
import { registerConnections } from './connections/commands';
import { registerRoutes } from './routes/commands';
import { registerSend } from './send/commands';
import { registerRequestFiles } from './requestfile/register';
import { registerDecodeFrame } from './decode/commands';
import { registerTrust } from './trust';
import { registerMessages } from './messages/commands';

export function activate(_context: vscode.ExtensionContext): void {
  registerTrust(_context);
  registerInspector(_context);
  registerConnections(_context);
  registerRoutes(_context);
  registerSend(_context);
  registerRequestFiles(_context);
  registerDecodeFrame(_context);
  registerMessages(_context);
  // Filled in by the extension-layer work; kept thin: wiring only, the core lives in src/core.
}

export function deactivate(): void {}
