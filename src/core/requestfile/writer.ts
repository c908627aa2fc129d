/**
 * Writes messages that were sent before (a captured SEND frame, a message read back from a broker) as
 * `.rocketmq` request blocks that send them again. The one writer for the inspector's *Open as Request
 * File* and the message view's *Open as Request Block*; both map their source onto {@link ReplayMessage}.
 *
 * What a block keeps: topic, tag, keys, user properties, delay level or 5.x timer (DELAY,
 * TIMER_DELAY_SEC / TIMER_DELAY_MS, TIMER_DELIVER_MS), sharding key, a half message as a committed
 * transaction, the body. What it leaves out, said in a comment on the block: the properties the
 * producer or broker set themselves (UNIQ_KEY, WAIT, MSG_REGION, TRACE_ON, …), the user flag (request
 * files have no header for it), and values RocketMQ cannot carry. The queue the message went to is a
 * commented `queue:` line: a captured send always names a queue, but nothing in it says whether the
 * application chose it or the producer's round robin did.
 *
 * A body goes inline when it reads back byte for byte (checked by parsing the written block); otherwise
 * (binary, CR characters, `###` lines, trailing blank lines, …) into a body file the caller writes.
 * Header values that would break the line structure are written as quoted JSON strings.
 * Pure: no `vscode` import.
 */
import { MessageConst, SYSTEM_PROPERTY_NAMES } from '../message';
import { bodyText } from '../frame/body';
import { SendSpec, propertyValueProblem, reservedPropertyProblem, MAX_DELAY_LEVEL } from './spec';
import { formatBlock, headerText, parseRequestFile } from './parser';

export interface ReplayMessage {
  topic: string;
  /** Every property as sent or stored, system ones included. */
  properties: ReadonlyMap<string, string>;
  /** The body as the application gave it (inflated). */
  body: Uint8Array;
  /** The user flag (Message.setFlag). */
  flag?: number;
  /** Where it went (a commented `queue:` line). */
  queue?: { brokerName?: string; queueId: number };
  /** When it was sent, ms: turns a TIMER_DELIVER_MS into the delay it had. */
  bornMs?: number;
}

export interface WriteOptions {
  title: string;
  /** Lines said about the source (frame, connection, time); control characters are escaped. */
  comments?: readonly string[];
  /** The name to reference for the body of message `index` (0-based in the call) that goes to a file. */
  bodyFileName: (index: number) => string;
}

export interface BodyFileToWrite { name: string; bytes: Uint8Array }

export interface WrittenBlocks {
  /** One block, or one per message when a batch cannot be one batch block. */
  text: string;
  bodyFiles: BodyFileToWrite[];
  /** What was left out or changed, in words (also in the blocks' comments). */
  notes: string[];
  blocks: number;
}

/** Properties the block carries through its own headers (not left out, not `property:` lines). */
const MAPPED = new Set<string>([
  MessageConst.TAGS, MessageConst.KEYS, MessageConst.DELAY_TIME_LEVEL, MessageConst.TIMER_DELAY_SEC, MessageConst.TIMER_DELAY_MS,
  MessageConst.TIMER_DELIVER_MS, MessageConst.SHARDING_KEY, MessageConst.TRANSACTION_PREPARED,
]);

const ESCAPE = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/g;
/** A comment line's text that stays on its line. */
export function commentText(s: string): string {
  return s.replace(ESCAPE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface Planned {
  spec: SendSpec;
  /** Header-area comments (without `// `). */
  comments: string[];
  notes: string[];
  /** The body bytes, for the inline check and the body file. */
  body: Uint8Array;
}

const int = (v: string | undefined): number | undefined => (v !== undefined && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : undefined);

/** One message's spec (a single message) and what could not be carried. */
function plan(m: ReplayMessage): Planned {
  const notes: string[] = [];
  const comments: string[] = [];
  const props: Record<string, string> = {};
  const leftOut: string[] = [];
  for (const [k, v] of m.properties) {
    if (MAPPED.has(k)) continue;
    if (SYSTEM_PROPERTY_NAMES.has(k)) { leftOut.push(k); continue; }
    const p = reservedPropertyProblem(k) ?? propertyValueProblem(k, v);
    if (p) { notes.push(`property left out: ${p}`); continue; }
    props[k] = v;
  }
  if (leftOut.length) notes.push(`left out (the producer or broker sets these itself): ${leftOut.join(', ')}`);
  if (m.flag) notes.push(`user flag ${m.flag} left out (request files have no flag header)`);

  const transactional = m.properties.get(MessageConst.TRANSACTION_PREPARED) === 'true';
  const level = int(m.properties.get(MessageConst.DELAY_TIME_LEVEL));
  const delayMs = int(m.properties.get(MessageConst.TIMER_DELAY_MS));
  const delaySec = int(m.properties.get(MessageConst.TIMER_DELAY_SEC));
  const deliverAt = int(m.properties.get(MessageConst.TIMER_DELIVER_MS));
  const spec: SendSpec = {
    topic: m.topic,
    tags: m.properties.get(MessageConst.TAGS) || undefined,
    keys: splitJavaKeys(m.properties.get(MessageConst.KEYS)),
    bodies: [''],
    properties: Object.keys(props).length ? props : undefined,
    mode: 'sync',
    repeat: 1,
    batch: false,
  };
  const timing: string[] = [];
  if (level !== undefined && level > 0) {
    if (level <= MAX_DELAY_LEVEL) spec.delayLevel = level;
    else notes.push(`delay level ${level} left out (request files take 1..${MAX_DELAY_LEVEL}; the broker's messageDelayLevel may define more)`);
    timing.push('DELAY');
  }
  if (deliverAt !== undefined && deliverAt > 0 && !timing.length) {
    spec.deliverAtMs = deliverAt;
    timing.push('TIMER_DELIVER_MS');
    if (m.bornMs !== undefined && deliverAt > m.bornMs) comments.push(`deliverAt was ${deliverAt - m.bornMs} ms after the send; "delay: ${deliverAt - m.bornMs}ms" keeps that delay from now`);
  }
  if (delayMs !== undefined && delayMs > 0 && !timing.length) { spec.delayMs = delayMs; timing.push('TIMER_DELAY_MS'); }
  if (delaySec !== undefined && delaySec > 0 && !timing.length) { spec.delayMs = delaySec * 1000; timing.push('TIMER_DELAY_SEC'); }
  const extraTiming = [['DELAY', level], ['TIMER_DELIVER_MS', deliverAt], ['TIMER_DELAY_MS', delayMs], ['TIMER_DELAY_SEC', delaySec]]
    .filter(([n, v]) => v !== undefined && (v as number) > 0 && !timing.includes(n as string)).map(([n]) => n);
  if (extraTiming.length) notes.push(`${extraTiming.join(', ')} left out (a block has one delay; ${timing[0]} kept)`);
  if (transactional) {
    spec.transaction = 'commit';
    if (spec.delayLevel !== undefined || spec.delayMs !== undefined || spec.deliverAtMs !== undefined) {
      notes.push('the delay left out (a transactional message cannot be delayed)');
      spec.delayLevel = spec.delayMs = spec.deliverAtMs = undefined;
    }
    comments.push('a half (transactional) message: sent again as a transaction, committed (edit `transaction:` for rollback or unknown)');
  }
  const sharding = m.properties.get(MessageConst.SHARDING_KEY);
  if (sharding) spec.queue = { kind: 'sharding', shardingKey: sharding };
  else if (m.queue) comments.push(`queue: ${m.queue.brokerName ? `${m.queue.brokerName}:` : ''}${m.queue.queueId}    (where it went; uncomment to send to that queue again)`);
  if (m.body.length === 0) notes.push('the body is empty: RocketMQ refuses empty bodies');
  return { spec, comments, notes, body: m.body };
}

/** KEYS as Java splits it (KEY_SEPARATOR, a space). */
function splitJavaKeys(v: string | undefined): string[] | undefined {
  const ks = (v ?? '').split(' ').filter(Boolean);
  return ks.length ? ks : undefined;
}

/** The body as inline text, when the written block reads back to exactly these bytes; else null. */
function inlineBody(spec: SendSpec, bodies: readonly Uint8Array[]): string[] | null {
  const texts = bodies.map((b) => bodyText(b));
  if (texts.some((t) => t === null)) return null;
  const parsed = parseRequestFile(formatBlock({ ...spec, bodies: texts as string[] }, 'x'), { now: 0 }).blocks[0];
  const got = parsed?.spec?.bodies;
  return got && got.length === texts.length && got.every((g, i) => Buffer.from(g, 'utf8').equals(Buffer.from(bodies[i]))) ? (texts as string[]) : null;
}

function render(spec: SendSpec, title: string, comments: readonly string[], bodyFile: string | undefined): string {
  const lines = formatBlock(bodyFile !== undefined ? { ...spec, bodies: [''] } : spec, title).split('\n');
  lines.splice(1, 0, ...comments.map((c) => `// ${commentText(c)}`));
  if (bodyFile !== undefined) {
    const at = lines.indexOf('');
    lines.splice(at, 0, `bodyFile: ${headerText(bodyFile)}`);
    // formatBlock's empty body: drop it, the body is the file
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines.push('');
  }
  return lines.join('\n');
}

/**
 * Blocks that send these messages again. `batch`: they were one batch (SEND_BATCH_MESSAGE): one
 * `type: batch` block when the messages share tag, keys and properties and every body reads back
 * inline (a batch block has one header and no body files); otherwise one block each, saying why.
 */
export function writeReplayBlocks(messages: readonly ReplayMessage[], batch: boolean, opts: WriteOptions): WrittenBlocks {
  const planned = messages.map(plan);
  const head = opts.comments ?? [];
  if (batch && planned.length > 1) {
    const first = planned[0].spec;
    const same = (p: Planned) => p.spec.topic === first.topic && p.spec.tags === first.tags && JSON.stringify(p.spec.keys) === JSON.stringify(first.keys)
      && JSON.stringify(p.spec.properties) === JSON.stringify(first.properties) && p.spec.queue?.kind !== 'sharding';
    const timed = planned.some((p) => p.spec.delayLevel !== undefined || p.spec.delayMs !== undefined || p.spec.deliverAtMs !== undefined || p.spec.transaction);
    const spec: SendSpec = { ...first, batch: true, queue: undefined, bodies: [] };
    const inline = planned.every(same) && !timed ? inlineBody(spec, planned.map((p) => p.body)) : null;
    if (inline) {
      const notes = [...new Set(planned.flatMap((p) => p.notes))];
      const comments = [...head, `a batch of ${planned.length} messages`, ...planned[0].comments.filter((c) => c.startsWith('queue:')), ...notes];
      return { text: render({ ...spec, bodies: inline }, opts.title, comments, undefined), bodyFiles: [], notes, blocks: 1 };
    }
    const why = !planned.every(same) ? 'its messages differ in tag, keys or properties' : timed ? 'a batch block cannot be delayed or transactional' : 'a batch block has no body files and a body does not read back inline';
    const out = planned.map((p, i) => single(p, i, `${opts.title} (${i + 1}/${planned.length})`, [...head, `message ${i + 1} of a batch of ${planned.length}, written as its own block: ${why}`], opts));
    return { text: out.map((o) => o.text).join('\n'), bodyFiles: out.flatMap((o) => o.bodyFiles), notes: [...new Set([`the batch became ${planned.length} blocks: ${why}`, ...out.flatMap((o) => o.notes)])], blocks: out.length };
  }
  const out = planned.map((p, i) => single(p, i, planned.length > 1 ? `${opts.title} (${i + 1}/${planned.length})` : opts.title, head, opts));
  return { text: out.map((o) => o.text).join('\n'), bodyFiles: out.flatMap((o) => o.bodyFiles), notes: [...new Set(out.flatMap((o) => o.notes))], blocks: out.length };
}

function single(p: Planned, index: number, title: string, head: readonly string[], opts: WriteOptions): { text: string; bodyFiles: BodyFileToWrite[]; notes: string[] } {
  const inline = inlineBody(p.spec, [p.body]);
  const comments = [...head, ...p.comments, ...p.notes];
  if (inline) return { text: render({ ...p.spec, bodies: inline }, title, comments, undefined), bodyFiles: [], notes: p.notes };
  const name = opts.bodyFileName(index);
  const kind = bodyText(p.body) === null ? `${p.body.length} bytes, not text` : `${p.body.length} bytes of text that would not read back inline`;
  return { text: render(p.spec, title, [...comments, `body in ${name} (${kind})`], name), bodyFiles: [{ name, bytes: p.body }], notes: p.notes };
}
