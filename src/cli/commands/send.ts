import { readFileSync } from 'node:fs';
import { Producer, predictSend, formatPrediction, selectByHash, DryRunRouting } from '../../core/producer';
import { Message, MessageConst, MessagePropertyError } from '../../core/message';
import { CliCommand, EXIT_FAILED, EXIT_OK, UsageError } from '../command';

export const sendCommand: CliCommand = {
  name: 'send',
  summary: 'send a message with the producer (sync, async or oneway) and print the SendResult; --dry-run: where it would go',
  usage: 'send --namesrv <host:port[;…]> --topic <t> (--body <text> | --body-file <path> | --body -) [--tags t] [--keys "k1 k2"] '
    + '[--prop k=v]… [--group g] [--mode sync|async|oneway] [--delay level] [--queue brokerName:queueId | --sharding-key k] [--timeout ms] '
    + '[--count n] [--serialize JSON|ROCKETMQ] [--access-key ak --secret-key sk] [--dry-run [--json]]'
    + '\n  --dry-run: send nothing; print the route, the writable queues, the queue this send would take (round-robin, the sharding key\'s hash, the explicit queue), '
    + 'brokers avoided by fault tolerance and why it would be refused (exit 1 when it would be)',
  options: {
    values: ['namesrv', 'topic', 'body', 'body-file', 'tags', 'keys', 'group', 'mode', 'delay', 'queue', 'timeout', 'count',
      'serialize', 'access-key', 'secret-key', 'sharding-key'],
    repeatable: ['prop'],
    flags: ['dry-run', 'json'],
  },
  async run({ positional, options, lists }, io) {
    if (positional.length) throw new UsageError(`unexpected argument ${positional[0]}`);
    const props: Record<string, string> = {};
    for (const kv of lists.get('prop') ?? []) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`--prop needs name=value, not ${JSON.stringify(kv)}`);
      props[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    const namesrv = options.get('namesrv');
    const topic = options.get('topic');
    if (!namesrv || !topic) throw new UsageError('--namesrv and --topic are required');
    if (options.has('body') && options.has('body-file')) throw new UsageError('give --body or --body-file, not both');
    let body: Buffer;
    if (options.has('body-file')) body = readFileSync(options.get('body-file')!);
    else if (options.get('body') === '-') body = Buffer.from(await io.stdin(), 'utf8');
    else if (options.has('body')) body = Buffer.from(options.get('body')!, 'utf8');
    else throw new UsageError('give --body, --body-file or --body -');
    const mode = options.get('mode') ?? 'sync';
    if (!['sync', 'async', 'oneway'].includes(mode)) throw new UsageError(`--mode must be sync, async or oneway, not ${mode}`);
    const count = Number(options.get('count') ?? 1);
    if (!Number.isInteger(count) || count < 1) throw new UsageError('--count must be a positive integer');
    const serialize = (options.get('serialize') ?? 'JSON').toUpperCase();
    if (serialize !== 'JSON' && serialize !== 'ROCKETMQ') throw new UsageError('--serialize must be JSON or ROCKETMQ');
    const ak = options.get('access-key'), sk = options.get('secret-key');
    if (!!ak !== !!sk) throw new UsageError('--access-key and --secret-key go together');
    let queue: { topic: string; brokerName: string; queueId: number } | undefined;
    if (options.has('queue')) {
      const m = /^(.+):(\d+)$/.exec(options.get('queue')!);
      if (!m) throw new UsageError('--queue must be brokerName:queueId');
      queue = { topic, brokerName: m[1], queueId: Number(m[2]) };
    }
    const shardingKey = options.get('sharding-key');
    if (shardingKey !== undefined && queue) throw new UsageError('give --queue or --sharding-key, not both');
    if (shardingKey === '') throw new UsageError('--sharding-key must not be empty');
    if (options.has('json') && !options.has('dry-run')) throw new UsageError('--json goes with --dry-run (a send prints its results as JSON already)');
    // Bad properties are bad input (exit 2), found before anything is sent.
    try {
      new Message({ topic, body, tags: options.get('tags'), keys: options.get('keys'), userProperties: props });
    } catch (e) {
      if (e instanceof MessagePropertyError) throw new UsageError(`${e.rule}: ${e.message}`);
      throw e;
    }
    const producer = new Producer({
      namesrvAddr: namesrv,
      producerGroup: options.get('group') ?? 'rocketmq_debugger_cli',
      serializeType: serialize,
      sendMsgTimeoutMs: options.has('timeout') ? Number(options.get('timeout')) : undefined,
      acl: ak && sk ? { accessKey: ak, secretKey: sk } : undefined,
      heartbeatOnNewBroker: false,
    });
    await producer.start();
    const message = () => {
      const m = new Message({
        topic, body, tags: options.get('tags'), keys: options.get('keys'), userProperties: props,
        delayTimeLevel: options.has('delay') ? Number(options.get('delay')) : undefined,
      });
      if (shardingKey !== undefined) m.properties.set(MessageConst.SHARDING_KEY, shardingKey);
      return m;
    };
    if (options.has('dry-run')) {
      try {
        const routing: DryRunRouting = queue ? { kind: 'explicit', brokerName: queue.brokerName, queueId: queue.queueId }
          : shardingKey !== undefined ? { kind: 'sharding', shardingKey } : { kind: 'round-robin' };
        const p = await predictSend(producer, { topic, messages: [message()], routing, fresh: true });
        if (options.has('json')) io.out(JSON.stringify(p, null, 2));
        else { io.out('Dry run: nothing was sent.'); for (const l of formatPrediction(p)) io.out(l); }
        return p.ok ? EXIT_OK : EXIT_FAILED;
      } finally {
        await producer.shutdown();
      }
    }
    let failed = 0;
    try {
      for (let i = 0; i < count; i++) {
        const msg = message();
        try {
          if (mode === 'oneway') {
            const q = queue ?? (shardingKey !== undefined ? selectByHash(await producer.fetchPublishMessageQueues(topic), msg, shardingKey) : undefined);
            const r = await producer.sendOneway(msg, { queue: q });
            io.out(JSON.stringify({ mode, msgId: r.msgId, messageQueue: r.messageQueue }));
          } else {
            const routing = shardingKey !== undefined ? { selector: selectByHash, selectorArg: shardingKey } : { queue };
            const r = mode === 'async' && !queue && shardingKey === undefined ? await producer.sendAsync(msg) : await producer.send(msg, routing);
            const { request: _req, response: _resp, ...rest } = r;
            io.out(JSON.stringify({ mode, ...rest }));
          }
        } catch (e) {
          failed++;
          io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    } finally {
      await producer.shutdown();
    }
    return failed ? EXIT_FAILED : EXIT_OK;
  },
};
