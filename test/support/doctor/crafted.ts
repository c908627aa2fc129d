/**
 * Crafted captures for the doctor's rules, for the failures a real cluster on one machine cannot
 * produce (addresses advertised to clients on other networks, refused and unanswered connection
 * attempts to other hosts) and as small, exact cases of every rule. Written by the capture writer
 * (src/core/capture/pcap-writer.ts) on a timeline: each connection is a TcpSession and every packet
 * has its own time, so rules that look at time (timeouts, rates, transaction age) see real gaps.
 */
import { createRequest, createResponse, encodeFrame, RemotingCommand, RequestCode } from '../../../src/core/remoting';
import { encodeProperties } from '../../../src/core/message';
import { memorySink, PcapWriter, TcpSession } from '../../../src/core/capture/pcap-writer';

export const T0 = 1_700_000_000_000_000;

/** A capture written on a timeline (µs since T0). */
export class Timeline {
  private readonly packets: { t: number; seq: number; bytes: Buffer }[] = [];
  private seq = 0;
  private port = 40000;

  /** A connection; `open` writes the handshake at `t` (false: the caller writes SYN / RST itself). */
  conn(client: string, server: string, serverPort: number, t: number, open = true): Conn {
    const s = new TcpSession({ client, clientPort: this.port++, server, serverPort });
    const c = new Conn(this, s);
    if (open) { c.at(t, s.syn()); c.at(t + 10, s.synAck()); c.at(t + 20, s.ack(0)); }
    return c;
  }

  push(t: number, bytes: Buffer): void { this.packets.push({ t, seq: this.seq++, bytes }); }

  bytes(): Buffer {
    const mem = memorySink();
    const w = new PcapWriter(mem.sink, { format: 'pcapng' });
    for (const p of [...this.packets].sort((a, b) => a.t - b.t || a.seq - b.seq)) w.packet(p.bytes, T0 + p.t);
    return mem.bytes();
  }
}

export class Conn {
  constructor(private readonly tl: Timeline, readonly s: TcpSession) {}
  at(t: number, p: Buffer): this { this.tl.push(t, p); return this; }
  /** A command (or raw bytes) from the client (dir 0) or the server (dir 1) at `t`. */
  send(t: number, dir: 0 | 1, cmd: RemotingCommand | Uint8Array): this {
    const bytes = cmd instanceof Uint8Array ? cmd : encodeFrame(cmd);
    for (const p of this.s.send(dir, bytes, 1400)) this.at(t, p);
    return this;
  }
  /** A request at `t` and its response after `latencyUs` (none when null). */
  exchange(t: number, req: RemotingCommand, resp: RemotingCommand | null, latencyUs = 800): this {
    this.send(t, 0, req);
    if (resp) this.send(t + latencyUs, 1, resp);
    return this;
  }
  close(t: number): this { this.at(t, this.s.fin(0)); this.at(t + 10, this.s.fin(1)); return this; }
}

let opaque = 1000;
export const req = (code: number, ext: Record<string, string | number | boolean> | null, opts: { body?: string | Uint8Array; oneway?: boolean } = {}): RemotingCommand =>
  createRequest(code, ext, { opaque: ++opaque, body: typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body, oneway: opts.oneway });
export const resp = (r: RemotingCommand, code: number, remark: string | null = null, ext: Record<string, string | number | boolean> | null = null, body?: string): RemotingCommand =>
  createResponse(r, code, remark, ext, body !== undefined ? { body: Buffer.from(body) } : {});

export function routeBody(brokers: { name: string; addr: string; perm?: number; queues?: number }[]): string {
  return JSON.stringify({
    brokerDatas: brokers.map((b) => ({ brokerAddrs: { 0: b.addr }, brokerName: b.name, cluster: 'DefaultCluster' })),
    filterServerTable: {},
    queueDatas: brokers.map((b) => ({ brokerName: b.name, perm: b.perm ?? 6, readQueueNums: b.queues ?? 4, topicSysFlag: 0, writeQueueNums: b.queues ?? 4 })),
  }).replace(/"0":/g, '0:');
}

let uniq = 0;
export function uniqKey(): string { return `0A00000500002A9F0000000000${(++uniq).toString(16).padStart(6, '0').toUpperCase()}`; }

/** SEND_MESSAGE_V2 (a half message when `half`), with its UNIQ_KEY. */
export function send(topic: string, o: { group?: string; half?: boolean; pgroup?: string; tags?: string; key?: string; accessKey?: string } = {}): { cmd: RemotingCommand; uniq: string } {
  const u = o.key ?? uniqKey();
  const props: Record<string, string> = { UNIQ_KEY: u, WAIT: 'true' };
  if (o.tags) props.TAGS = o.tags;
  if (o.half) { props.TRAN_MSG = 'true'; props.PGROUP = o.pgroup ?? o.group ?? 'pg'; }
  const ext: Record<string, string | number | boolean> = {
    a: o.group ?? 'pg', b: topic, c: 'TBW102', d: 4, e: 0, f: o.half ? 4 : 0, g: 1700000000000, h: 0, i: encodeProperties(props), j: 0, k: false,
  };
  if (o.accessKey) { ext.AccessKey = o.accessKey; ext.Signature = 'c2lnbmF0dXJl'; }
  return { cmd: req(RequestCode.SEND_MESSAGE_V2, ext, { body: 'body' }), uniq: u };
}

export function heartbeat(clientID: string, o: { producers?: string[]; consumers?: { group: string; subs: [string, string][] }[] }): RemotingCommand {
  return req(RequestCode.HEART_BEAT, null, { body: JSON.stringify({
    clientID,
    producerDataSet: (o.producers ?? []).map((g) => ({ groupName: g })),
    consumerDataSet: (o.consumers ?? []).map((c) => ({
      groupName: c.group, consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', unitMode: false,
      subscriptionDataSet: c.subs.map(([topic, sub]) => ({ classFilterMode: false, codeSet: [], expressionType: 'TAG', subString: sub, subVersion: 1, tagsSet: sub === '*' ? [] : sub.split('||').map((x) => x.trim()), topic })),
    })),
  }) });
}

/**
 * A capture with several findings at once, for the browser test and its screenshot: a topic with no
 * route (TBW102 missing), [TIMEOUT_CLEAN_QUEUE] answers to 3 of 8 sends, a remoting client answered
 * by an HTTP/2 server.
 */
export function doctorCapture(): Buffer {
  const tl = new Timeline();
  const ns = tl.conn('10.0.0.5', '10.0.0.20', 9876, 0);
  const r1 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'NoSuch' });
  const r2 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TBW102' });
  ns.exchange(1000, r1, resp(r1, 17, 'No topic route info in name server for the topic: NoSuch'));
  ns.exchange(3000, r2, resp(r2, 17, 'No topic route info in name server for the topic: TBW102')).close(3e6);
  const b = tl.conn('10.0.0.5', '10.0.0.10', 10911, 0);
  for (let k = 0; k < 8; k++) {
    const s = send('Orders');
    b.exchange(10_000 + k * 2000, s.cmd, k % 3 === 1 ? resp(s.cmd, 2, `[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: ${201 + k}ms, size of queue: ${3 + k}`)
      : resp(s.cmd, 0, null, { msgId: 'X', queueId: 0, queueOffset: k }));
  }
  b.close(3e6);
  const g = tl.conn('10.0.0.5', '10.0.0.30', 8081, 0);
  const r3 = req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Orders' });
  g.send(50_000, 0, r3).send(50_500, 1, Buffer.from('0000000400000000000000080700000000000000000000000002', 'hex')).close(60_000);
  return tl.bytes();
}
