/**
 * *Open as Request File*: captured SEND frames as a `.rocketmq` document that sends the same messages
 * again through the normal send path. Each frame is read through the frame model (decodeFrame, the
 * typed send header) and written by the one replay writer (src/core/requestfile/writer.ts), which the
 * message view's *Open as Request Block* uses too. Compressed bodies are inflated; a batch
 * (SEND_BATCH_MESSAGE) becomes a batch block. Rows that are not send requests are skipped and counted.
 * Plain Node: no vscode import.
 */
import { decodeFrame, isResponse, RemotingCommand, RequestCode, requestCodeName, SEND_REQUEST_CODES, sendHeaderValue } from '../../core/remoting';
import { compressionType, decodeBatchBody, decodeProperties, decompressBody, MessageSysFlag } from '../../core/message';
import { BodyFileToWrite, ReplayMessage, commentText, writeReplayBlocks } from '../../core/requestfile';

export interface ReplayFrame {
  frame: number;
  bytes: Uint8Array;
  /** host:port of each side. */
  client: string;
  server: string;
  timeUs: number;
  /** Bytes the capture did not see (the frame is incomplete). */
  missing?: number;
}

export interface ReplayDocument {
  text: string;
  bodyFiles: BodyFileToWrite[];
  /** Send frames written, and the messages they carried. */
  sends: number;
  messages: number;
  blocks: number;
  skipped: Array<{ frame: number; why: string }>;
  notes: string[];
}

export interface ReplayOptions {
  capture: string;
  /** The body file name for message `index` (0-based) of `frame`. */
  bodyFileName: (frame: number, index: number) => string;
  /** Selected rows already known not to be sends (the caller did not read them), counted with the rest. */
  skipped?: ReadonlyArray<{ frame: number; why: string }>;
}

const int = (v: string | undefined): number | undefined => (v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined);

/** The messages one send request carries, or why it carries none we can send again. */
export function sentMessages(cmd: RemotingCommand): { messages: ReplayMessage[]; batch: boolean; notes: string[] } | string {
  if (isResponse(cmd)) return 'a response';
  if (!SEND_REQUEST_CODES.has(cmd.code)) return `${requestCodeName(cmd.code)} is not a send`;
  const ext = cmd.extFields ?? {};
  const get = (name: string) => sendHeaderValue(cmd.code, ext, name);
  const topic = get('topic');
  if (!topic) return 'the send has no topic';
  const queueId = int(get('queueId'));
  const queue = queueId !== undefined && queueId >= 0 ? { brokerName: get('brokerName') || undefined, queueId } : undefined;
  const bornMs = int(get('bornTimestamp'));
  const body = cmd.body ?? new Uint8Array(0);
  const notes: string[] = [];
  if (cmd.code === RequestCode.SEND_BATCH_MESSAGE) {
    let entries;
    try { entries = decodeBatchBody(body); } catch (e) { return `its batch body does not decode: ${e instanceof Error ? e.message : String(e)}`; }
    if (!entries.length) return 'its batch is empty';
    return { messages: entries.map((e) => ({ topic, properties: e.properties, body: e.body, flag: e.flag, queue, bornMs })), batch: true, notes };
  }
  const sysFlag = int(get('sysFlag')) ?? 0;
  let bytes = body;
  if (sysFlag & MessageSysFlag.COMPRESSED_FLAG) {
    const r = decompressBody(body, compressionType(sysFlag));
    if (r.ok) bytes = r.body;
    else notes.push(`the body did not inflate (${r.reason}); the compressed bytes are kept`);
  }
  return { messages: [{ topic, properties: decodeProperties(get('properties')), body: bytes, flag: int(get('flag')), queue, bornMs }], batch: false, notes };
}

/** The request document for these frames (in frame order, each frame once). */
export function replayDocument(frames: readonly ReplayFrame[], opts: ReplayOptions): ReplayDocument {
  const seen = new Set<number>();
  const ordered = [...frames].sort((a, b) => a.frame - b.frame).filter((f) => (seen.has(f.frame) ? false : (seen.add(f.frame), true)));
  const blocks: string[] = [];
  const bodyFiles: BodyFileToWrite[] = [];
  const skipped: Array<{ frame: number; why: string }> = [...(opts.skipped ?? [])];
  const notes: string[] = [];
  let sends = 0, messages = 0, count = 0;
  for (const f of ordered) {
    if (f.missing) { skipped.push({ frame: f.frame, why: `${f.missing} of its bytes were not captured` }); continue; }
    let cmd: RemotingCommand;
    try { cmd = decodeFrame(f.bytes, { maxFrameLength: 0x7fffffff }); } catch (e) { skipped.push({ frame: f.frame, why: `it does not decode as a remoting command: ${e instanceof Error ? e.message : String(e)}` }); continue; }
    const sent = sentMessages(cmd);
    if (typeof sent === 'string') { skipped.push({ frame: f.frame, why: sent }); continue; }
    const when = new Date(f.timeUs / 1000).toISOString();
    const head = [`frame ${f.frame} of ${opts.capture}: ${requestCodeName(cmd.code)} ${f.client} → ${f.server} at ${when}`, ...sent.notes];
    const w = writeReplayBlocks(sent.messages, sent.batch, { title: `frame ${f.frame}${sent.batch ? ` (batch of ${sent.messages.length})` : ''}`, comments: head, bodyFileName: (i) => opts.bodyFileName(f.frame, i) });
    blocks.push(w.text);
    bodyFiles.push(...w.bodyFiles);
    notes.push(...w.notes, ...sent.notes);
    sends++; messages += sent.messages.length; count += w.blocks;
  }
  skipped.sort((a, b) => a.frame - b.frame);
  const intro = [
    `// ${commentText(`Sends captured in ${opts.capture}, opened as a request file: edit, then Send above each block.`)}`,
    '// The properties the producer sets itself (UNIQ_KEY, WAIT, …) are left out: a new send gets its own.',
    ...(skipped.length ? [`// ${skipped.length} selected row(s) skipped: ${commentText(skipped.slice(0, 5).map((s) => `frame ${s.frame}: ${s.why}`).join('; '))}${skipped.length > 5 ? '; …' : ''}`] : []),
    '',
  ];
  return { text: [...intro, ...blocks].join('\n'), bodyFiles, sends, messages, blocks: count, skipped, notes: [...new Set(notes)] };
}

/**
 * Where a body file goes: `.rocketmq/bodies/` under the folder the document's bodyFile lines resolve
 * from (the first workspace folder for an untitled document), named after the capture and frame, as
 * the message view names its body files after the message.
 */
export function replayBodyFileName(capture: string, frame: number, index: number): string {
  const stem = capture.replace(/^.*[\\/]/, '').replace(/\.(pcapng|pcap|cap)$/i, '').replace(/[^\w.-]+/g, '_').slice(0, 60) || 'capture';
  return `./.rocketmq/bodies/${stem}-frame${frame}${index ? `-${index}` : ''}.body`;
}

/** One line for the user: what was opened and what was skipped. */
export function replaySummary(d: ReplayDocument): string {
  const skipped = d.skipped.length ? `; ${d.skipped.length} selected row(s) skipped (not send requests or incomplete)` : '';
  if (!d.sends) return `No send requests in the selection${skipped}`;
  const files = d.bodyFiles.length ? `, ${d.bodyFiles.length} body file(s)` : '';
  return `Opened ${d.messages} message(s) from ${d.sends} send(s) as a request file (${d.blocks} block(s)${files})${skipped}`;
}
