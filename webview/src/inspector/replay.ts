/**
 * Capture → replay in the inspector: the toolbar button and the row context menu *Open as Request
 * File*, for the rows selected in the list (Ctrl/Cmd-click, Shift-click, Shift+arrows, Ctrl/Cmd+A).
 * The host writes the document (src/app/inspector/replay.ts); rows that are not sends are skipped
 * there and counted in the answer, which goes to the notice line.
 */
import { MAX_REPLAY_FRAMES } from '../../../src/shared/inspector-protocol';
import { button, el } from './controls';
import type { FrameList } from './list';
import { failure, request } from './rpc';

export interface ReplayUi {
  /** The toolbar button (placed by the caller). */
  button: HTMLElement;
  /** For FrameList's selectionChanged: the button names the count. */
  selectionChanged(count: number): void;
  /** For FrameList's contextMenu. */
  contextMenu(x: number, y: number): void;
}

export function replayUi(list: () => FrameList, notice: HTMLElement): ReplayUi {
  const run = async () => {
    menu.style.display = 'none';
    notice.textContent = 'Opening as a request file…';
    try {
      const frames = await list().selectedFrames(MAX_REPLAY_FRAMES);
      if (!frames.length) { notice.textContent = 'Select send requests first (Ctrl/Cmd-click or Shift-click for several).'; return; }
      const r = await request('openRequestFile', { frames });
      notice.textContent = list().selectionSize > MAX_REPLAY_FRAMES ? `${r.message} (the first ${MAX_REPLAY_FRAMES} selected rows)` : r.message;
    } catch (e) {
      notice.textContent = `Open as Request File failed: ${failure(e)}`;
    }
  };
  const btn = button('Open as Request File', () => void run(), { id: 'open-request-file', secondary: true, title: 'The selected SEND frames as a .rocketmq request file, ready to edit and send again' });
  const menu = el('div', 'context-menu');
  menu.id = 'row-menu';
  menu.setAttribute('role', 'menu');
  menu.style.display = 'none';
  const item = el('div', 'context-menu-item', 'Open as Request File');
  item.id = 'menu-open-request-file';
  item.setAttribute('role', 'menuitem');
  item.tabIndex = 0;
  item.addEventListener('click', () => void run());
  item.addEventListener('keydown', (e) => { if (e.key === 'Enter') void run(); if (e.key === 'Escape') menu.style.display = 'none'; });
  menu.appendChild(item);
  document.body.appendChild(menu);
  document.addEventListener('mousedown', (e) => { if (!menu.contains(e.target as Node)) menu.style.display = 'none'; });
  return {
    button: btn,
    selectionChanged: (count) => { btn.textContent = count > 1 ? `Open ${count} as Request File` : 'Open as Request File'; },
    contextMenu: (x, y) => {
      item.textContent = list().selectionSize > 1 ? `Open ${list().selectionSize} Rows as Request File` : 'Open as Request File';
      menu.style.left = `${x}px`;
      menu.style.top = `${y}px`;
      menu.style.display = '';
      item.focus();
    },
  };
}
