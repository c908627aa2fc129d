/**
 * A minute of traffic for the timeline's browser test and its README picture: a producer sending
 * every ~40 ms (2–6 ms answers), a consumer's long polls, heartbeats; between 30 and 36 s the broker
 * answers sends SYSTEM_BUSY after 40–200 ms (errors and a latency spike), and at 45 s three lookups
 * are never answered. Deterministic (seeded), with every frame's time so a test can count the frames
 * of any span itself.
 */
import { createRequest, createResponse, encodeFrame, RemotingCommand, RequestCode, ResponseCode } from '../../../src/core/remoting';
import { memorySink, PcapWriter, TcpSession } from '../../../src/core/capture/pcap-writer';
import { mulberry32 } from '../../../src/core/capture/fuzz';

export const TIMELINE_T0 = 1_700_000_000_000_000;

export interface TimelineFixture {
  bytes: Buffer;
  /** µs after the first packet (the capture's origin) of every frame's first byte, ascending. */
  frameTimes: number[];
  errorFrames: number;
  unanswered: number;
}

export function timelineDemoCapture(): TimelineFixture {
  const rnd = mulberry32(17);
  type Ev = { at: number; conn: number; dir: 0 | 1; cmd: RemotingCommand };
  const evs: Ev[] = [];
  let opaque = 1;
  let errorFrames = 0;
  const exchange = (conn: number, at: number, q: RemotingCommand, latency: number | null, code = 0): void => {
    evs.push({ at, conn, dir: 0, cmd: q });
    if (latency === null) return;
    evs.push({ at: at + latency, conn, dir: 1, cmd: createResponse(q, code, code ? 'broker busy' : null) });
    if (code) errorFrames += 2;
  };
  // producer: conn 0
  for (let t = 200_000; t < 60_000_000; t += 30_000 + Math.floor(rnd() * 20_000)) {
    const q = createRequest(RequestCode.SEND_MESSAGE_V2, { a: 'pg-demo', b: 'OrderTopic', c: 'TBW102', d: 4, e: 0, f: 0, g: 1700000000000, h: 0, j: 0, k: false }, { opaque: opaque++, body: Buffer.from('{"order":1}') });
    const busy = t >= 30_000_000 && t < 36_000_000;
    if (busy) exchange(0, t, q, 40_000 + Math.floor(rnd() * 160_000), rnd() < 0.7 ? ResponseCode.SYSTEM_BUSY : 0);
    else exchange(0, t, q, 2_000 + Math.floor(rnd() * 4_000));
  }
  // consumer long polls: conn 1
  for (let t = 500_000; t < 59_000_000; t += 600_000 + Math.floor(rnd() * 400_000)) {
    const q = createRequest(RequestCode.PULL_MESSAGE, { consumerGroup: 'cg-demo', topic: 'OrderTopic', queueId: 0, queueOffset: 0, maxMsgNums: 32, sysFlag: 0, commitOffset: 0, suspendTimeoutMillis: 15000, subscription: '*', subVersion: 0 }, { opaque: opaque++ });
    exchange(1, t, q, 100_000 + Math.floor(rnd() * 400_000), ResponseCode.PULL_NOT_FOUND);
    errorFrames -= 2; // PULL_NOT_FOUND to a pull is normal flow, not an error
  }
  // heartbeats and the unanswered lookups: conn 2
  for (let t = 1_000_000; t < 60_000_000; t += 10_000_000) exchange(2, t, createRequest(RequestCode.HEART_BEAT, null, { opaque: opaque++, body: Buffer.from('{"clientID":"demo"}') }), 1_500);
  for (let k = 0; k < 3; k++) exchange(2, 45_000_000 + k * 200_000, createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'cg-demo' }, { opaque: opaque++ }), null);
  evs.sort((a, b) => a.at - b.at);
  const mem = memorySink();
  const w = new PcapWriter(mem.sink, { format: 'pcapng' });
  const sessions = [0, 1, 2].map((k) => new TcpSession({ client: '10.0.0.5', clientPort: 51000 + k, server: '10.0.0.10', serverPort: k === 2 ? 9876 : 10911 }));
  sessions.forEach((s, k) => { w.packet(s.syn(), TIMELINE_T0 + k * 10); w.packet(s.synAck(), TIMELINE_T0 + k * 10 + 3); w.packet(s.ack(0), TIMELINE_T0 + k * 10 + 6); });
  for (const e of evs) for (const p of sessions[e.conn].send(e.dir, encodeFrame(e.cmd), 65000)) w.packet(p, TIMELINE_T0 + e.at);
  sessions.forEach((s, k) => { w.packet(s.fin(0), TIMELINE_T0 + 60_500_000 + k); w.packet(s.fin(1), TIMELINE_T0 + 60_500_010 + k); });
  return { bytes: mem.bytes(), frameTimes: evs.map((e) => e.at), errorFrames, unanswered: 3 };
}
