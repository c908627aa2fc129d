/**
 * `message`, `browse` and `trace`: find messages on the brokers, read a queue without committing, and
 * show a message's trace. Exit 0 found, 3 not found (every broker answered, none had it), 1 failed,
 * 2 usage.
 */
import { MQClient } from '../../core/producer';
import { MessageFinder, MessageQuery, FindResult } from '../../app/messages/finder';
import { messageDetail } from '../../app/messages/message-view';
import { parseTimeInput } from '../../app/messages/time-input';
import { classifyMessageId, findById } from '../../core/consumer/lookup';
import { MessageIdError } from '../../core/message';
import type { MessageDetail, MessageList, TraceView } from '../../app/messages/finder';
import { CliCommand, CliIo, EXIT_FAILED, EXIT_NOT_FOUND, EXIT_OK, ParsedArgs, UsageError } from '../command';

const CONNECTION_OPTIONS = ['namesrv', 'access-key', 'secret-key', 'timeout'];

function clientFrom(options: Map<string, string>): MQClient {
  const namesrv = options.get('namesrv');
  if (!namesrv) throw new UsageError('--namesrv is required');
  const ak = options.get('access-key'), sk = options.get('secret-key');
  if (!!ak !== !!sk) throw new UsageError('--access-key and --secret-key go together');
  return new MQClient({ namesrvAddr: namesrv, acl: ak && sk ? { accessKey: ak, secretKey: sk } : undefined });
}

function intOption(options: Map<string, string>, name: string, min: number, fallback?: number): number | undefined {
  const v = options.get(name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}, not ${JSON.stringify(v)}`);
  return Number(v);
}

function timeOption(options: Map<string, string>, name: string): number | undefined {
  const v = options.get(name);
  if (v === undefined) return undefined;
  const t = parseTimeInput(v);
  if (typeof t === 'string') throw new UsageError(`--${name}: ${t}`);
  return t;
}

function timeoutOf(options: Map<string, string>): number {
  return intOption(options, 'timeout', 1, 5000)!;
}

async function withClient(args: ParsedArgs, f: (finder: MessageFinder, client: MQClient) => Promise<number>): Promise<number> {
  const client = clientFrom(args.options);
  try {
    return await f(new MessageFinder({ client, wrapTopic: (t) => t }, timeoutOf(args.options)), client);
  } finally {
    await client.close();
  }
}

function exitFor(outcome: MessageList['outcome']): number {
  return outcome === 'found' ? EXIT_OK : outcome === 'not-found' ? EXIT_NOT_FOUND : outcome === 'partial' ? EXIT_FAILED : EXIT_FAILED;
}

function printDetail(io: CliIo, d: MessageDetail): void {
  io.out(`== ${d.title} (${d.source})`);
  for (const f of [...d.ids, ...d.system]) io.out(`  ${f.name.padEnd(26)} ${f.value}${f.note ? `   (${f.note})` : ''}`);
  if (d.systemProperties.length) io.out('  system properties:');
  for (const f of d.systemProperties) io.out(`    ${f.name.padEnd(24)} ${JSON.stringify(f.value)}${f.note ? `   (${f.note})` : ''}`);
  if (d.userProperties.length) io.out('  user properties:');
  for (const f of d.userProperties) io.out(`    ${f.name.padEnd(24)} ${JSON.stringify(f.value)}`);
  const b = d.body;
  io.out(`  body: ${b.kind}, ${b.length} bytes${b.compression ? ` (stored ${b.storedLength} bytes, ${b.compression}-compressed)` : ''}${b.inflateError ? ` — did not inflate: ${b.inflateError}` : ''}${b.complete ? '' : ' — cut at the display cap'}`);
  const shown = b.kind === 'json' ? b.json : b.kind === 'text' ? b.text : b.kind === 'binary' ? b.hex : '';
  if (shown) io.out(shown.split('\n').map((l) => `    ${l}`).join('\n'));
}

/** Prints a find result (text or JSON) and returns the exit code. */
function printResult(io: CliIo, r: FindResult, json: boolean, page: number, pageSize: number): number {
  const { list } = r;
  const from = (page - 1) * pageSize;
  const shown = r.messages.slice(from, from + pageSize);
  if (json) {
    io.out(JSON.stringify({
      outcome: list.outcome, headline: list.headline, details: list.details, cap: list.cap, capped: list.capped,
      total: r.messages.length, page, pageSize, ...(r.browse ? { queue: r.browse } : {}),
      messages: shown.map((m, i) => detailJson(messageDetail(list.rows[from + i].handle, m))),
    }, null, 2));
    return exitFor(list.outcome);
  }
  (list.outcome === 'found' ? io.out : io.err)(list.headline);
  for (const d of list.details) io.err(`  - ${d}`);
  if (r.messages.length === 1) {
    printDetail(io, messageDetail(list.rows[0].handle, r.messages[0]));
  } else if (r.messages.length) {
    io.out(['store time'.padEnd(24), 'queue'.padEnd(14), 'offset'.padEnd(8), 'msgId'.padEnd(32), 'tags'.padEnd(10), 'keys'.padEnd(16), 'size'].join(' '));
    for (const row of list.rows.slice(from, from + pageSize)) {
      io.out([row.storeTime.padEnd(24), row.queue.padEnd(14), row.queueOffset.padEnd(8), row.msgId.padEnd(32), row.tags.padEnd(10), row.keys.padEnd(16), String(row.size)].join(' '));
    }
    const pages = Math.ceil(r.messages.length / pageSize);
    io.out(`page ${page} of ${pages} (${pageSize} per page; --page N)${list.capped ? `; the cap of ${list.cap} was reached: narrow the query or raise --max` : ''}`);
  }
  return exitFor(list.outcome);
}

function detailJson(d: MessageDetail): Record<string, unknown> {
  const obj = (xs: { name: string; value: string }[]) => Object.fromEntries(xs.map((x) => [x.name, x.value]));
  return { ids: obj(d.ids), fields: obj(d.system), systemProperties: obj(d.systemProperties), userProperties: obj(d.userProperties), body: d.body, source: d.source };
}

export const messageCommand: CliCommand = {
  name: 'message',
  summary: 'find messages on the brokers: by message id (msgId/UNIQ_KEY within a topic, or offsetMsgId), by key, or by store-time range',
  usage: 'message --namesrv <host:port[;…]> (--id <id> [--topic t] | --key <k> --topic t [--from time --to time] | --topic t --from time --to time) '
    + '[--max n] [--page n] [--page-size n] [--json] [--timeout ms] [--access-key ak --secret-key sk]   (time: ISO, ms, now, -15m; exit 3 = not found)',
  options: { values: [...CONNECTION_OPTIONS, 'id', 'topic', 'key', 'from', 'to', 'max', 'page', 'page-size'], flags: ['json'] },
  async run(args, io) {
    const { options, positional } = args;
    if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`);
    const id = options.get('id'), key = options.get('key'), topic = options.get('topic');
    const from = timeOption(options, 'from'), to = timeOption(options, 'to');
    const max = intOption(options, 'max', 1, 200)!;
    const page = intOption(options, 'page', 1, 1)!, pageSize = intOption(options, 'page-size', 1, 50)!;
    let q: MessageQuery;
    if (id !== undefined) {
      if (key !== undefined) throw new UsageError('give --id or --key, not both');
      let kind;
      try { kind = classifyMessageId(id).kind; } catch (e) { if (e instanceof MessageIdError) throw new UsageError(e.message); throw e; }
      if (kind === 'uniq' && !topic) throw new UsageError(`${id.trim()} is a UNIQ_KEY (the msgId a send returns): RocketMQ indexes it per topic, so give --topic`);
      q = { kind: 'id', id, topic };
    } else if (key !== undefined) {
      if (!topic) throw new UsageError('--key needs --topic (RocketMQ indexes keys per topic)');
      q = { kind: 'key', topic, key, from, to, cap: max };
    } else if (topic && from !== undefined && to !== undefined) {
      if (to < from) throw new UsageError('--to is before --from');
      q = { kind: 'time', topic, from, to, cap: max };
    } else throw new UsageError('give --id, --key with --topic, or --topic with --from and --to');
    return withClient(args, async (finder) => printResult(io, await finder.find(q), options.has('json'), page, pageSize));
  },
};

export const browseCommand: CliCommand = {
  name: 'browse',
  summary: 'read a queue from an offset or a store time without committing any consumer offset',
  usage: 'browse --namesrv <host:port[;…]> <topic> --queue <brokerName:queueId> [--offset n | --from time] [--count n] [--json] [--timeout ms] [--access-key ak --secret-key sk]',
  options: { values: [...CONNECTION_OPTIONS, 'queue', 'offset', 'from', 'count'], flags: ['json'] },
  async run(args, io) {
    const { options, positional } = args;
    if (positional.length !== 1) throw new UsageError('give one topic');
    const qm = /^(.+):(\d+)$/.exec(options.get('queue') ?? '');
    if (!qm) throw new UsageError('--queue brokerName:queueId is required (e.g. broker-a:0)');
    if (options.has('offset') && options.has('from')) throw new UsageError('give --offset or --from, not both');
    const count = intOption(options, 'count', 1, 32)!;
    const q: MessageQuery = { kind: 'queue', topic: positional[0], brokerName: qm[1], queueId: Number(qm[2]), offset: intOption(options, 'offset', 0), timestamp: timeOption(options, 'from'), count };
    return withClient(args, async (finder) => {
      const r = await finder.find(q);
      const code = printResult(io, r, options.has('json'), 1, count);
      if (!options.has('json') && r.browse) io.out(`next offset ${r.browse.nextOffset} (min ${r.browse.minOffset}, max ${r.browse.maxOffset}); no consumer offset was committed`);
      return code;
    });
  },
};

export const traceCommand: CliCommand = {
  name: 'trace',
  summary: "show a message's trace (publish, receive and consume by each group, end transaction) from the trace topic",
  usage: 'trace --namesrv <host:port[;…]> <msgId|offsetMsgId> [--topic t] [--trace-topic RMQ_SYS_TRACE_TOPIC] [--json] [--timeout ms] [--access-key ak --secret-key sk]',
  options: { values: [...CONNECTION_OPTIONS, 'topic', 'trace-topic'], flags: ['json'] },
  async run(args, io) {
    const { options, positional } = args;
    if (positional.length !== 1) throw new UsageError('give one message id');
    let id;
    try { id = classifyMessageId(positional[0]); } catch (e) { if (e instanceof MessageIdError) throw new UsageError(e.message); throw e; }
    return withClient(args, async (finder, client) => {
      let msgId = id.id;
      if (id.kind === 'offset') {
        // Trace records are keyed by the UNIQ_KEY: read the message to learn it.
        const r = await findById(client, id.id, { topic: options.get('topic'), timeoutMs: timeoutOf(options) });
        const m = r.messages[0];
        if (!m?.msgId) {
          io.err(m ? `message ${id.id} has no UNIQ_KEY, and trace records are keyed by it` : `message ${id.id} was not found, so its UNIQ_KEY (the trace's key) is unknown`);
          return m ? EXIT_NOT_FOUND : r.failures.length ? EXIT_FAILED : EXIT_NOT_FOUND;
        }
        msgId = m.msgId;
      }
      const t = await finder.trace(msgId, options.get('trace-topic'));
      printTrace(io, t, options.has('json'));
      return exitFor(t.outcome);
    });
  },
};

function printTrace(io: CliIo, t: TraceView, json: boolean): void {
  if (json) { io.out(JSON.stringify(t, null, 2)); return; }
  (t.steps.length ? io.out : io.err)(t.headline);
  for (const d of t.details) io.err(`  - ${d}`);
  for (const s of t.steps) {
    io.out(`${(s.time || '(no time)').padEnd(24)} ${s.kind.padEnd(15)} ${s.title} — ${s.status}${s.costMs !== undefined ? `, ${s.costMs} ms` : ''}`);
    for (const f of s.fields) io.out(`${''.padEnd(41)}${f.name}: ${f.value}`);
  }
}


