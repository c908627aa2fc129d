/**
 * The HTML shell and options of every webview we open, in one place so the security policy cannot
 * drift between panels. Strict CSP: nothing by default; scripts only with a nonce that is new for
 * every render (our bundle, and for the inspector a fixed two-line loader); styles from the
 * extension's own folders (cspSource) or our own stylesheet inlined under the same nonce; fonts and
 * images only from the extension's folders; no network, no style attributes, no command URIs.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { escapeHtml } from '../app/html-escape';

export { escapeHtml };

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
  /**
   * Markup built by us. Text from a capture or a frame may appear in it only as element text that
   * went through escapeHtml (inspector/preview-html.ts), never as markup, attribute name or URL.
   */
  body?: string;
  /**
   * Inline the stylesheet (under the nonce) instead of linking it: the first paint then waits for
   * no request through VS Code's service worker.
   */
  inlineStyle?: boolean;
  /**
   * Fetch the script only after the document's load event. VS Code shows the webview's frame on
   * that event, so a page whose first screen is in `body` is on screen without waiting for the
   * bundle to be fetched and run.
   */
  scriptAfterLoad?: boolean;
}

const inlined = new Map<string, string>();

/** One of our stylesheets as text, read once per extension host. */
function stylesheetText(file: string): string {
  let css = inlined.get(file);
  if (css === undefined) {
    css = readFileSync(file, 'utf8');
    // Ours, but it goes inside <style>: it must not be able to close the element.
    if (/<\/style/i.test(css)) throw new Error(`${file} contains "</style"`);
    inlined.set(file, css);
  }
  return css;
}

/** Fixed loader: appends our bundle (same nonce) once the document has loaded. No data in it. */
const LOADER = "(function(){var b=document.currentScript;addEventListener('load',function(){var s=document.createElement('script');s.nonce=b.nonce;s.src=b.dataset.src;document.body.appendChild(s);},{once:true});})();";

export function webviewShellHtml(webview: vscode.Webview, extensionUri: vscode.Uri, parts: ShellParts): string {
  const nonce = newNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', parts.script));
  const styleUri = vscode.Uri.joinPath(extensionUri, 'media', parts.style);
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}${parts.inlineStyle ? ` 'nonce-${nonce}'` : ''}`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  const style = parts.inlineStyle
    ? `<style nonce="${nonce}">\n${stylesheetText(styleUri.fsPath)}\n</style>`
    : `<link rel="stylesheet" href="${escapeHtml(webview.asWebviewUri(styleUri).toString())}">`;
  const scriptTag = parts.scriptAfterLoad
    ? `<script nonce="${nonce}" data-src="${escapeHtml(script.toString())}">${LOADER}</script>`
    : `<script nonce="${nonce}" src="${escapeHtml(script.toString())}"></script>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${style}
<title>${escapeHtml(parts.title)}</title>
</head>
<body>
${parts.body ?? ''}
${scriptTag}
</body>
</html>`;
}
