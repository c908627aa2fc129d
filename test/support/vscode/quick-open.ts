import type { Page } from 'playwright-core';
import { pollUntil } from '../poll';

/** Types `name` into Quick Open (Ctrl+P) until the workbench lists it; Enter then opens it. */
export async function listInQuickOpen(page: Page, name: string): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await pollUntil('Quick Open to list the file', 60_000, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 3000 });
    await input.fill(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 3000 });
    return true;
  }, 50);
}

/** Opens a file of the workspace with Quick Open, i.e. with its default editor. */
export async function quickOpen(page: Page, name: string): Promise<void> {
  await listInQuickOpen(page, name);
  await page.keyboard.press('Enter');
}

/**
 * Runs a command from the palette by its title. Each attempt is short (a webview taking focus can
 * close the palette between opening and typing, which a long fill would wait out), and every other
 * attempt opens the palette with Ctrl+Shift+P instead of F1.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  let attempt = 0;
  await pollUntil(`command "${title}" in the palette`, 30_000, async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press(attempt++ % 2 === 0 ? 'F1' : 'Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 3000 });
    await input.fill(`>${title}`, { timeout: 3000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 3000 });
    await page.keyboard.press('Enter');
    return true;
  }, 50);
}
