/**
 * Browser step of the ACL signature check (called from ./ui.ts): in the real workbench, a signed
 * request's "Check signature" opens VS Code's masked input box for the SecretKey of its AccessKey;
 * the details pane then shows the verdict, both signatures, the canonical string by field and why
 * they differ. The next check reuses the saved SecretKey (no prompt); the doctor's signature finding
 * links to the check of the refused request. Screenshot: acl-signature-check.png (README).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { aclCapture, ACL_SECRET } from './acl-fixtures';
import { quickOpen } from '../vscode/quick-open';
import { pollUntil } from '../poll';

interface MiniWin { document: { body: { dataset: Record<string, string | undefined> } } }

function check(cond: unknown, msg: string): void {
  if (!cond) throw new Error(msg);
}

const poll = <T>(what: string, ms: number, fn: () => Promise<T | undefined | null | false>) =>
  pollUntil(what, ms, async () => { const v = await fn(); return v === null || v === false ? undefined : v; }, 50);

/** Writes the fixture into the workspace folder (before the workbench opens it). */
export function writeSignatureCapture(folder: string): void {
  writeFileSync(join(folder, 'acl-signed.pcapng'), aclCapture().bytes);
}

async function selectFrame(f: Frame, frame: number): Promise<void> {
  await f.locator(`.list-layer .row[data-frame="${frame}"]`).click();
  await poll(`details of frame ${frame}`, 10_000, async () => new RegExp(`^Frame ${frame}: request`).test((await f.locator('.details-title').first().textContent()) ?? ''));
}

async function verdict(f: Frame): Promise<string> {
  return poll('the signature verdict', 60_000, async () => (await f.locator('#signature-verdict').textContent().catch(() => null)) || undefined);
}

export async function signatureCheckStep(page: Page, shots: string, inspectorFrame: (page: Page, title: string) => Promise<Frame>): Promise<void> {
  const cap = aclCapture();
  await quickOpen(page, 'acl-signed.pcapng');
  const f = await inspectorFrame(page, 'acl-signed.pcapng');
  await poll('indexing done', 20_000, async () => (await f.evaluate(() => (globalThis as unknown as MiniWin).document.body.dataset.indexed)) === 'done');

  // the refused send: the SecretKey is asked in a masked input box, then the mismatch is explained
  await selectFrame(f, cap.frames.wrong);
  await f.locator('#check-signature').click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 20_000 });
  const title = (await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '';
  check(title.includes('SecretKey for AccessKey rmq_user'), `prompt title ${title}`);
  check((await input.getAttribute('type')) === 'password', 'the SecretKey input is masked');
  await input.fill(ACL_SECRET);
  await page.keyboard.press('Enter');
  check(await verdict(f) === 'Mismatch', 'mismatch for the wrongly signed send');
  const why = (await f.locator('#signature-explanation').textContent()) ?? '';
  check(/no single field explains it: the SecretKey likely differs/.test(why), `explanation ${why}`);
  const fields = await f.locator('#signature-parts th').allTextContents();
  check(fields.includes('AccessKey') && fields.includes('topic (b)') && fields.includes('body'), `canonical fields ${fields.join('|')}`);
  check(!((await f.locator('#signature-check').textContent()) ?? '').includes(ACL_SECRET), 'the SecretKey is not shown');

  // a field added after signing: named and marked, the SecretKey reused (no prompt)
  await selectFrame(f, cap.frames.proxied);
  await f.locator('#check-signature').click();
  check(await verdict(f) === 'Mismatch', 'mismatch for the proxied send');
  check(await page.locator('.quick-input-widget input').isVisible() === false, 'no second prompt: the SecretKey was saved');
  const culprit = await f.locator('#signature-parts tr.sig-culprit th').allTextContents();
  check(culprit.length === 1 && culprit[0] === 'traceOn', `culprit ${culprit.join('|')}`);
  check(/"traceOn" was not signed/.test((await f.locator('#signature-explanation').textContent()) ?? ''), 'explanation names traceOn');
  // the details pane made taller (the splitter dragged up over the short list) and scrolled to the
  // section, so the verdict, the explanation and the marked field are all in the picture
  const bar = await f.locator('.splitter').boundingBox();
  if (bar) {
    await page.mouse.move(bar.x + bar.width / 2, bar.y + bar.height / 2);
    await page.mouse.down();
    await page.mouse.move(bar.x + bar.width / 2, bar.y - 260, { steps: 5 });
    await page.mouse.up();
  }
  await f.locator('#signature-check').evaluate((e) => (e as unknown as { scrollIntoView(o: unknown): void }).scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(shots, 'acl-signature-check.png') });

  await selectFrame(f, cap.frames.good);
  await f.locator('#check-signature').click();
  check(await verdict(f) === 'Match', 'match for the correctly signed send');

  // the doctor's signature finding offers the check of the refused request
  await f.locator('#toggle-summary').click();
  const link = f.locator('.doctor-check-signature');
  await link.waitFor({ timeout: 20_000 });
  check(((await link.textContent()) ?? '').includes(`frame ${cap.frames.wrong}`), 'the doctor names the refused request');
  await link.click();
  await poll('the refused request selected', 10_000, async () => new RegExp(`^Frame ${cap.frames.wrong}: request`).test((await f.locator('.details-title').first().textContent()) ?? ''));
  check(await verdict(f) === 'Mismatch', 'the doctor link runs the check');
  await f.locator('#toggle-summary').click();
  await page.keyboard.press('Control+W');
}
