/**
 * Standard controls for the inspector, behind one thin module so that moving off
 * `@vscode/webview-ui-toolkit` (deprecated upstream since January 2025) to `@vscode-elements/elements`
 * touches only this file. Everything here creates elements and sets text via properties — never
 * innerHTML — so capture data can be passed in safely.
 */
import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeOption, vsCodeTextField, vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';
import { ERROR_HELP, TEXT_HELP } from '../../../src/core/capture/filter-help';

/** Tooltips of filter-bar controls by id: what "Errors only" and "Text" match (the core filter's own help texts). */
const HELP: Readonly<Record<string, string>> = { 'f-errors': ERROR_HELP, 'f-text': TEXT_HELP };

let registered = false;
export function registerControls(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField(), vsCodeProgressRing());
  // The toolkit reads VS Code's theme colours, and starts watching for theme changes, in a window
  // `load` listener. Our bundle is loaded after `load` (the host-rendered first screen comes first),
  // so that listener would never run: the controls kept the toolkit's built-in dark palette in every
  // theme. Firing `load` again runs it; nothing else of ours listens for it by then.
  if (document.readyState === 'complete') window.dispatchEvent(new Event('load'));
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface ButtonOpts { id?: string; secondary?: boolean; title?: string; icon?: boolean }
export function button(label: string, onClick: () => void, o: ButtonOpts = {}): HTMLElement {
  const b = document.createElement('vscode-button');
  if (o.id) b.id = o.id;
  if (o.secondary) b.setAttribute('appearance', 'secondary');
  if (o.title) b.title = o.title;
  b.textContent = label;
  b.addEventListener('click', () => onClick());
  return b;
}

export interface TextField extends HTMLElement { value: string }
export function textField(id: string, placeholder: string, onEnter: () => void, size = 12): TextField {
  const t = document.createElement('vscode-text-field') as unknown as TextField;
  t.id = id;
  t.setAttribute('placeholder', placeholder);
  t.setAttribute('size', String(size));
  t.setAttribute('aria-label', placeholder);
  if (HELP[id]) t.title = HELP[id];
  t.addEventListener('keydown', (e) => { if ((e as KeyboardEvent).key === 'Enter') onEnter(); });
  return t;
}

export interface Checkbox extends HTMLElement { checked: boolean }
export function checkbox(id: string, label: string, onChange: () => void): Checkbox {
  const c = document.createElement('vscode-checkbox') as unknown as Checkbox;
  c.id = id;
  c.textContent = label;
  if (HELP[id]) c.title = HELP[id];
  c.addEventListener('change', () => onChange());
  return c;
}

export interface Dropdown extends HTMLElement { value: string }
export function dropdown(id: string, options: [string, string][], onChange: () => void): Dropdown {
  const d = document.createElement('vscode-dropdown') as unknown as Dropdown;
  d.id = id;
  for (const [value, label] of options) {
    const o = document.createElement('vscode-option');
    o.setAttribute('value', value);
    o.textContent = label;
    d.appendChild(o);
  }
  d.addEventListener('change', () => onChange());
  return d;
}

export function progressRing(): HTMLElement {
  return document.createElement('vscode-progress-ring');
}
