/**
 * Capture → replay, the VS Code side: opens the document that src/app/inspector/replay.ts wrote as a
 * new untitled `.rocketmq` editor beside the inspector (nothing is saved until the user saves it) and writes its body files
 * to `.rocketmq/bodies/` in the first workspace folder: an untitled request file resolves `bodyFile`
 * from there (src/core/requestfile/body-file.ts), and the message view puts its body files in the same
 * place. Without a trusted folder nothing is written: each bodyFile line becomes a comment saying why.
 */
import * as vscode from 'vscode';
import { ReplayDocument, replaySummary } from '../../app/inspector/replay';

/** The untitled documents opened, newest last (the extension tests read them). */
export const openedReplayDocuments: vscode.TextDocument[] = [];

export async function openReplayDocument(doc: ReplayDocument): Promise<string> {
  if (!doc.sends) return replaySummary(doc);
  let text = doc.text;
  if (doc.bodyFiles.length) {
    const folder = vscode.workspace.workspaceFolders?.find((w) => w.uri.scheme === 'file');
    if (!folder || !vscode.workspace.isTrusted) {
      const why = !folder ? 'open a folder' : 'trust this folder';
      text = text.replace(/^bodyFile: (.*)$/gm, (_l, name: string) => `// bodyFile: ${name}    (not written: ${why} to get the body written there)`);
    } else {
      for (const f of doc.bodyFiles) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder.uri, f.name.replace(/^\.\//, '')), f.bytes);
    }
  }
  const editorDoc = await vscode.workspace.openTextDocument({ language: 'rocketmq-request', content: text });
  openedReplayDocuments.push(editorDoc);
  // beside the inspector: the capture stays in view (and its webview alive) while the document is edited
  await vscode.window.showTextDocument(editorDoc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  const summary = replaySummary(doc);
  return doc.bodyFiles.length && text !== doc.text ? `${summary}; body files not written (no trusted folder)` : summary;
}
