/**
 * The HTML shell and options of every webview we open, in one place so the security policy cannot
 * drift between panels. Strict CSP: nothing by default; the one script only with a nonce that is new
 * for every render; styles, fonts and images only from the extension's own folders (cspSource); no
 * network, no inline script or style, no command URIs.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function newNonce(): string {
  return randomBytes(18).toString('base64').replace(/[+/=]/g, '');
}

/** Folders a webview may load from: the bundles and the media (styles, icons). */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export interface ShellParts {
  /** Bundle in dist/, e.g. 'inspector.js'. */
  script: string;
  /** Stylesheet in media/, e.g. 'inspector.css'. */
  style: string;
  /** Escaped here: it may be a file name. */
  title: string;
  /** Static markup of ours, never text from a capture or a frame. */
  body?: string;
}

export function webviewShellHtml(webview: vscode.Webview, extensionUri: vscode.Uri, parts: ShellParts): string {
  const nonce = newNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', parts.script));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', parts.style));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeHtml(parts.title)}</title>
</head>
<body>
${parts.body ?? ''}
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}
