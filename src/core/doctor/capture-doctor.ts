/**
 * The capture doctor: rules that run over a capture and explain known failures from the evidence —
 * each finding names the cause, the frames and connections behind it (a filter away in the inspector
 * and the CLI), and the fix. The words come from explain.ts, the same as for live answers.
 *
 * What is read: the index's columns for everything they hold (codes, pairing, warnings, latency,
 * connections and what their streams began with); the decoded headers and bodies of the few frame
 * kinds the rules need (routes, cluster info, heartbeats, sends, transactions, pulls, failed
 * exchanges), in one pass (frame-access.ts).
 *
 * Rules (RuleId):
 *   no-route                     GET_ROUTEINFO_BY_TOPIC answered TOPIC_NOT_EXIST (with what TBW102's route
 *                                said and what the sends that followed got), routes without a writable
 *                                queue, sends a broker answered TOPIC_NOT_EXIST
 *   unreachable-address          addresses advertised in routes and cluster info that connection attempts
 *                                in the capture could not reach (refused, unanswered), or that a client on
 *                                another machine cannot reach (loopback, Docker bridge, private); the VIP port
 *   wrong-protocol               connection directions that carried bytes but no frame: HTTP/2, TLS, HTTP
 *   broker-busy                  SYSTEM_BUSY and [PC_SYNCHRONIZED] answers by flow-control kind, with rates
 *   acl-refused                  ACL refusals by kind, request, AccessKey and resource
 *   transaction-*                half messages never ended, check-backs unanswered, UNKNOW answered again
 *                                and again, producer groups that do not match
 *   subscription-mismatch        clients of one consumer group that heartbeat different subscriptions
 *   pull-empty                   pulls of a queue that keep returning nothing while it holds messages
 *   unanswered                   requests never answered, or answered after the client's timeout, by code
 *   topic-forbidden, request-not-supported   other answers explain.ts knows
 */
import { RemotingCommand, RequestCode, ResponseCode, requestCodeName, responseCodeName, parseTopicRouteData, parseClusterInfo, parseHeartbeat,
  sendHeaderValue, SEND_REQUEST_CODES, TopicRouteData, isWritable, MASTER_ID, HeartbeatData } from '../remoting';
import { decodeProperties, MessageConst, MessageSysFlag } from '../message';
import { CaptureIndex, ConnSummary, formatEndpoint } from '../capture/capture-index';
import { isErrorResponseCode } from '../capture/errors';
import { FrameWarn, SERVER_PORT_HINTS } from '../capture/types';
import { ProtocolId } from '../capture/protocols';
import { describeUnwritable } from '../producer/route';
import { classifyHost, hostOf, vipAddress } from './addresses';
import {
  aclRefusal, AclRefusal, busyKind, BusyKind, DefaultTopicState, explainAcl, explainAddress, explainBrokerTopicNotExist, explainBusy,
  explainNoRoute, explainProtocol, explainResponse, explainSilentClose, explainUnanswered, Explanation, RuleId,
} from './explain';
import { explainCheckUnanswered, explainGroupMismatch, explainPullEmpty, explainSubscriptionMismatch, explainUnfinishedTransaction, explainUnknownRepeated } from './explain-clients';
import { sniffProtocol, hexOf } from './sniff';
import type { FrameAccess } from './frame-access';

export type Severity = 'error' | 'warning' | 'info';

export interface Evidence {
  /** Frame numbers behind the finding, ascending (at most MAX_EVIDENCE_FRAMES; `framesTotal` counts all). */
  frames: number[];
  framesTotal: number;
  /** Connection ids behind the finding (connections that carried no frame, e.g. refused or other protocols). */
  conns: number[];
  /** The evidence in words, one line each, most telling first. */
  facts: string[];
  /** `capture FILE --filter` expression that lists the evidence frames; null when the evidence is connections only. */
  filter: string | null;
  /** A signature refusal's first refused signed request: the frame the ACL signature check (acl-signature.ts) recomputes. */
  signedRequest?: number;
}

export interface Finding extends Explanation {
  /** Unique in a report, stable for one capture: rule and subject ("no-route:OrderTopic"). */
  id: string;
  severity: Severity;
  evidence: Evidence;
}

export interface DoctorReport {
  findings: Finding[];
  /** Frames decoded for the rules. */
  framesRead: number;
  /** Frames in the index when the rules ran. */
  frames: number;
  ms: number;
  /** False when the index was still being filled (the report covers what was indexed). */
  complete: boolean;
}

export const MAX_EVIDENCE_FRAMES = 100_000;
/** How long a client waits for an answer before giving up (Java's defaults): pulls suspend up to 30 s, everything else 3 s. */
const LONG_POLLS: ReadonlySet<number> = new Set([RequestCode.PULL_MESSAGE, RequestCode.LITE_PULL_MESSAGE, RequestCode.POP_MESSAGE, RequestCode.PEEK_MESSAGE, RequestCode.NOTIFICATION, RequestCode.POLLING_INFO]);
export function clientTimeoutUs(code: number): number {
  return LONG_POLLS.has(code) ? 30e6 : 3e6;
}
/** A transaction ends within this after its half message, or the broker starts checking back (transactionTimeOut, 6 s). */
const TRANSACTION_TIMEOUT_US = 6e6;

const SEND_CODES = SEND_REQUEST_CODES;
const PULL_EMPTY_CODES: ReadonlySet<number> = new Set([ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY, ResponseCode.PULL_OFFSET_MOVED]);

/** "frames=3,5-9,12": the CLI filter term listing frames (ranges for runs). */
export function framesFilterTerm(frames: readonly number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < frames.length;) {
    let j = k;
    while (j + 1 < frames.length && frames[j + 1] === frames[j] + 1) j++;
    parts.push(j > k ? `${frames[k]}-${frames[j]}` : String(frames[k]));
    k = j + 1;
  }
  return `frames=${parts.join(',')}`;
}

// ---------------------------------------------------------------- what the pass collects

interface RouteReq { topic: string }
interface RouteResp { route: TopicRouteData | null }
interface Heartbeat { i: number; conn: number; ts: number; data: HeartbeatData }
interface HalfSend { i: number; conn: number; ts: number; topic: string; group: string; pgroup: string; uniq: string }
interface EndTx { i: number; conn: number; ts: number; msgId: string; txId: string; group: string; decision: string; fromCheck: boolean }
interface CheckTx { i: number; conn: number; ts: number; msgId: string; txId: string; topic: string }
interface PullReq { group: string; topic: string; queueId: string; offset: number; subscription: string }
interface PullResp { nextBeginOffset: number; minOffset: number; maxOffset: number }
interface ErrResp { remark: string | null }
interface ReqFields { accessKey?: string; group?: string; topic?: string; /** Carries an ACL 1.0 Signature (the signature check applies). */ signed?: boolean }

class Collected {
  readonly routeReq = new Map<number, RouteReq>();
  readonly routeResp = new Map<number, RouteResp>();
  /** Advertised addresses: address → broker name and the frames (route / cluster info answers) that named it. */
  readonly advertised = new Map<string, { broker: string; frames: number[]; vipOf?: string }>();
  readonly heartbeats: Heartbeat[] = [];
  readonly halves: HalfSend[] = [];
  readonly ends: EndTx[] = [];
  readonly checks: CheckTx[] = [];
  readonly pullReq = new Map<number, PullReq>();
  readonly pullResp = new Map<number, PullResp>();
  readonly errResp = new Map<number, ErrResp>();
  readonly reqFields = new Map<number, ReqFields>();
  read = 0;

  advertise(addr: string, broker: string, frame: number): void {
    let a = this.advertised.get(addr);
    if (!a) this.advertised.set(addr, a = { broker, frames: [] });
    if (a.frames[a.frames.length - 1] !== frame) a.frames.push(frame);
  }
}

/** Frames whose decoded content a rule reads. */
function wanted(ix: CaptureIndex, i: number): boolean {
  const c = ix.cols;
  // the rules read RemotingCommands: another protocol's rows (gRPC) have codes of their own
  if (c.proto[i] !== ProtocolId.remoting) return false;
  const resp = (c.flag[i] & 1) !== 0;
  const code = c.code[i];
  if (code === -1 && !resp) return false;
  if (!resp) {
    if (code === RequestCode.GET_ROUTEINFO_BY_TOPIC || code === RequestCode.HEART_BEAT || code === RequestCode.END_TRANSACTION
      || code === RequestCode.CHECK_TRANSACTION_STATE || code === RequestCode.PULL_MESSAGE || SEND_CODES.has(code)) return true;
    const p = c.pair[i];
    return p >= 0 && isErrorResponseCode(c.code[p], code);
  }
  const rq = c.reqCode[i];
  if (rq === RequestCode.GET_ROUTEINFO_BY_TOPIC || rq === RequestCode.GET_BROKER_CLUSTER_INFO) return code === ResponseCode.SUCCESS || code === ResponseCode.TOPIC_NOT_EXIST;
  if (rq === RequestCode.PULL_MESSAGE && PULL_EMPTY_CODES.has(code)) return true;
  return isErrorResponseCode(code, rq);
}

function collect(ix: CaptureIndex, col: Collected, i: number, cmd: RemotingCommand): void {
  const c = ix.cols;
  col.read++;
  const ext = cmd.extFields ?? {};
  const resp = (c.flag[i] & 1) !== 0;
  const ts = c.tsFirst[i];
  const conn = c.conn[i];
  if (!resp) {
    const code = cmd.code;
    if (ext.AccessKey !== undefined || c.pair[i] >= 0 && isErrorResponseCode(c.code[c.pair[i]], code)) {
      const f: ReqFields = {};
      if (ext.AccessKey !== undefined) f.accessKey = ext.AccessKey;
      if (ext.AccessKey !== undefined && ext.Signature !== undefined) f.signed = true;
      const topic = SEND_CODES.has(code) ? sendHeaderValue(code, ext, 'topic') : ext.topic;
      const group = SEND_CODES.has(code) ? sendHeaderValue(code, ext, 'producerGroup') : ext.consumerGroup ?? ext.producerGroup ?? ext.group;
      if (topic) f.topic = topic;
      if (group) f.group = group;
      col.reqFields.set(i, f);
    }
    if (code === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
      if (ext.topic) col.routeReq.set(i, { topic: ext.topic });
    } else if (code === RequestCode.HEART_BEAT) {
      try { col.heartbeats.push({ i, conn, ts, data: parseHeartbeat(cmd.body) }); } catch { /* a heartbeat that does not decode says nothing here */ }
    } else if (SEND_CODES.has(code)) {
      const sysFlag = Number(sendHeaderValue(code, ext, 'sysFlag') ?? 0);
      if ((sysFlag & 0xc) === MessageSysFlag.TRANSACTION_PREPARED_TYPE) {
        const props = decodeProperties(sendHeaderValue(code, ext, 'properties'));
        col.halves.push({
          i, conn, ts, topic: sendHeaderValue(code, ext, 'topic') ?? '', group: sendHeaderValue(code, ext, 'producerGroup') ?? '',
          pgroup: props.get(MessageConst.PRODUCER_GROUP) ?? '', uniq: props.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? '',
        });
      }
    } else if (code === RequestCode.END_TRANSACTION) {
      col.ends.push({ i, conn, ts, msgId: ext.msgId ?? '', txId: ext.transactionId ?? '', group: ext.producerGroup ?? '', decision: ext.commitOrRollback ?? '', fromCheck: ext.fromTransactionCheck === 'true' });
    } else if (code === RequestCode.CHECK_TRANSACTION_STATE) {
      col.checks.push({ i, conn, ts, msgId: ext.msgId ?? '', txId: ext.transactionId ?? '', topic: ext.topic ?? '' });
    } else if (code === RequestCode.PULL_MESSAGE) {
      col.pullReq.set(i, { group: ext.consumerGroup ?? '', topic: ext.topic ?? '', queueId: ext.queueId ?? '', offset: Number(ext.queueOffset ?? -1), subscription: ext.subscription ?? '' });
    }
    return;
  }
  const rq = c.reqCode[i];
  if (rq === RequestCode.GET_ROUTEINFO_BY_TOPIC) {
    let route: TopicRouteData | null = null;
    if (cmd.code === ResponseCode.SUCCESS) {
      try { route = parseTopicRouteData(cmd.body); } catch { route = null; }
      for (const bd of route?.brokerDatas ?? []) for (const addr of bd.brokerAddrs.values()) col.advertise(addr, bd.brokerName, i);
    }
    col.routeResp.set(i, { route });
  } else if (rq === RequestCode.GET_BROKER_CLUSTER_INFO && cmd.code === ResponseCode.SUCCESS) {
    try {
      const ci = parseClusterInfo(cmd.body);
      for (const bd of ci.brokerAddrTable.values()) for (const addr of bd.brokerAddrs.values()) col.advertise(addr, bd.brokerName, i);
    } catch { /* a cluster table that does not decode advertises nothing */ }
  } else if (rq === RequestCode.PULL_MESSAGE && PULL_EMPTY_CODES.has(cmd.code)) {
    col.pullResp.set(i, { nextBeginOffset: Number(ext.nextBeginOffset ?? -1), minOffset: Number(ext.minOffset ?? -1), maxOffset: Number(ext.maxOffset ?? -1) });
  }
  if (isErrorResponseCode(cmd.code, rq)) col.errResp.set(i, { remark: cmd.remark });
}

// ---------------------------------------------------------------- the run

export interface DoctorOptions {
  /** Default: the index's own clock — requests within a client timeout of the capture's end may still be answered. */
  endUs?: number;
}

/** Runs every rule over a capture. `access` reads the frames the rules decode (frame-access.ts). */
export async function diagnoseCapture(ix: CaptureIndex, access: FrameAccess, opts: DoctorOptions = {}): Promise<DoctorReport> {
  const t0 = Date.now();
  const n = ix.length;
  const col = new Collected();
  await access.visit((i) => i < n && wanted(ix, i), (i, cmd) => collect(ix, col, i, cmd));
  const r = new Rules(ix, col, n, opts.endUs ?? (ix.lastUs || (n ? ix.cols.tsLast[n - 1] : 0)));
  const findings = r.run();
  return { findings, framesRead: col.read, frames: n, ms: Date.now() - t0, complete: ix.state !== 'indexing' };
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

class Rules {
  private readonly out: Finding[] = [];
  /** Error responses a specific rule explained (the generic pass skips them). */
  private readonly explained = new Set<number>();
  /** Frames on connections the protocol rule explains (the unanswered rule leaves their requests to it). */
  private readonly protocolFrames = new Set<number>();
  private readonly c: CaptureIndex['cols'];

  constructor(private readonly ix: CaptureIndex, private readonly col: Collected, private readonly n: number, private readonly endUs: number) {
    this.c = ix.cols;
  }

  run(): Finding[] {
    this.noRoute();
    this.addresses();
    this.protocols();
    this.busy();
    this.acl();
    this.transactions();
    this.subscriptions();
    this.pulls();
    this.unanswered();
    this.otherAnswers();
    return this.out.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.evidence.framesTotal - a.evidence.framesTotal || (a.id < b.id ? -1 : 1));
  }

  // ------------------------------------------------------------ helpers

  private add(id: string, severity: Severity, ex: Explanation, frames: Iterable<number>, facts: string[], conns: number[] = []): void {
    const all = [...new Set(frames)].sort((a, b) => a - b);
    const kept = all.slice(0, MAX_EVIDENCE_FRAMES);
    this.out.push({ ...ex, id, severity, evidence: { frames: kept, framesTotal: all.length, conns: [...new Set(conns)].sort((a, b) => a - b), facts, filter: kept.length ? framesFilterTerm(kept) : null } });
  }

  private server(conn: number): string {
    const k = this.ix.conns[conn];
    return k ? formatEndpoint(k.server, k.serverPort) : `connection ${conn}`;
  }

  private client(conn: number): string {
    const k = this.ix.conns[conn];
    return k ? formatEndpoint(k.client, k.clientPort) : `connection ${conn}`;
  }

  /** Seconds since the capture's first packet, for facts. */
  private at(i: number): string {
    const origin = this.ix.firstUs || (this.n ? this.c.tsFirst[0] : 0);
    return `${((this.c.tsFirst[i] - origin) / 1e6).toFixed(3)} s`;
  }

  private pairOf(i: number): number { return this.c.pair[i]; }

  /** Sends (requests) per server endpoint and code, for rates. */
  private requestsTo(conns: Set<number> | null, codes: ReadonlySet<number> | null): number {
    const c = this.c;
    let k = 0;
    for (let i = 0; i < this.n; i++) {
      if (c.flag[i] & 1 || c.proto[i] !== ProtocolId.remoting) continue;
      if (codes && !codes.has(c.code[i])) continue;
      if (conns && !conns.has(c.conn[i])) continue;
      k++;
    }
    return k;
  }

  private connsTo(server: string): Set<number> {
    const s = new Set<number>();
    for (const k of this.ix.conns) if (k && formatEndpoint(k.server, k.serverPort) === server) s.add(k.id);
    return s;
  }

  // ------------------------------------------------------------ no-route

  private noRoute(): void {
    const c = this.c;
    type TopicState = { notExist: number[]; ok: number[]; lastOkAfter: boolean; lastNotExistTs: number; lastOkTs: number };
    const byTopic = new Map<string, TopicState>();
    let tbw: DefaultTopicState = 'unknown';
    const tbwBrokers = new Set<string>();
    const tbwFrames: number[] = [];
    const unwritable: { i: number; topic: string; why: string }[] = [];
    for (const [i, rq] of this.col.routeReq) {
      const p = this.pairOf(i);
      if (p < 0) continue;
      const code = c.code[p];
      const resp = this.col.routeResp.get(p);
      if (rq.topic === 'TBW102') {
        tbwFrames.push(i, p);
        if (code === ResponseCode.TOPIC_NOT_EXIST) { if (tbw === 'unknown') tbw = 'missing'; continue; }
        if (code !== ResponseCode.SUCCESS || !resp?.route) continue;
        let any = false;
        for (const qd of resp.route.queueDatas) {
          const bd = resp.route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
          if (isWritable(qd.perm) && qd.writeQueueNums > 0 && bd?.brokerAddrs.has(MASTER_ID)) { any = true; tbwBrokers.add(qd.brokerName); }
        }
        tbw = any ? 'writable' : tbw === 'writable' ? 'writable' : 'not-writable';
        continue;
      }
      let st = byTopic.get(rq.topic);
      if (!st) byTopic.set(rq.topic, st = { notExist: [], ok: [], lastOkAfter: false, lastNotExistTs: -Infinity, lastOkTs: -Infinity });
      if (code === ResponseCode.TOPIC_NOT_EXIST) { st.notExist.push(i, p); st.lastNotExistTs = Math.max(st.lastNotExistTs, c.tsFirst[p]); }
      else if (code === ResponseCode.SUCCESS) {
        st.ok.push(i, p);
        st.lastOkTs = Math.max(st.lastOkTs, c.tsFirst[p]);
        if (resp?.route) {
          const writable = resp.route.queueDatas.some((qd) => isWritable(qd.perm) && qd.writeQueueNums > 0 && resp.route!.brokerDatas.find((b) => b.brokerName === qd.brokerName)?.brokerAddrs.has(MASTER_ID));
          if (!writable) unwritable.push({ i: p, topic: rq.topic, why: describeUnwritable(resp.route) });
        }
      }
    }
    // sends per topic and what the brokers answered
    const sends = new Map<string, { ok: number; notExist: number; frames: number[] }>();
    for (let i = 0; i < this.n; i++) {
      if ((c.flag[i] & 1) || c.proto[i] !== ProtocolId.remoting || !SEND_CODES.has(c.code[i])) continue;
      const t = this.ix.topicOf(i);
      if (t === null) continue;
      let s = sends.get(t);
      if (!s) sends.set(t, s = { ok: 0, notExist: 0, frames: [] });
      const p = c.pair[i];
      if (p < 0) continue;
      if (c.code[p] === ResponseCode.SUCCESS) s.ok++;
      else if (c.code[p] === ResponseCode.TOPIC_NOT_EXIST) { s.notExist++; s.frames.push(i, p); }
    }
    for (const [topic, st] of byTopic) {
      if (st.notExist.length === 0 || /^%(RETRY|DLQ)%/.test(topic)) continue;
      const s = sends.get(topic);
      const resolved = st.lastOkTs > st.lastNotExistTs;
      const ex = explainNoRoute(topic, tbw, [...tbwBrokers].sort());
      const facts = [`${st.notExist.length / 2} GET_ROUTEINFO_BY_TOPIC for ${topic} answered TOPIC_NOT_EXIST (first at ${this.at(st.notExist[1])})`];
      facts.push(tbw === 'writable' ? `TBW102's route lists writable queues on ${[...tbwBrokers].sort().join(', ')} (autoCreateTopicEnable is on there)`
        : tbw === 'missing' ? 'TBW102 was asked for too and answered TOPIC_NOT_EXIST: no broker has autoCreateTopicEnable on'
        : tbw === 'not-writable' ? 'TBW102 is listed without a writable queue'
        : 'TBW102 was not asked for in this capture');
      if (s) facts.push(`sends to ${topic}: ${s.ok} stored${s.notExist ? `, ${s.notExist} answered TOPIC_NOT_EXIST by the broker` : ''}`);
      if (resolved) facts.push(`a later GET_ROUTEINFO_BY_TOPIC found ${topic} (at ${this.at(st.ok[st.ok.length - 1])}): it exists now`);
      // error: sends failed, or nothing can create the topic; a note: it exists by now, or auto-creation covers sends
      const severity: Severity = resolved ? 'info' : s && s.notExist > 0 ? 'error' : tbw === 'missing' || tbw === 'not-writable' ? 'error'
        : tbw === 'writable' || (s && s.ok > 0) ? 'info' : 'warning';
      this.add(`no-route:${topic}`, severity, ex, [...st.notExist, ...tbwFrames, ...(s?.frames ?? [])], facts);
      for (let k = 1; k < st.notExist.length; k += 2) this.explained.add(st.notExist[k]);
      for (let k = 1; k < tbwFrames.length; k += 2) this.explained.add(tbwFrames[k]);
    }
    for (const u of unwritable) {
      if (this.out.some((f) => f.id === `no-writable-queue:${u.topic}`)) continue;
      this.add(`no-writable-queue:${u.topic}`, 'error', {
        rule: 'no-route', title: `Topic ${u.topic} has no writable queue`,
        cause: `The NameServer's route for ${u.topic} lists no queue a producer can write to: ${u.why}.`,
        fix: `Make the topic writable (mqadmin updateTopicPerm -t ${u.topic} -p 6 -c <cluster>), give it write queues (mqadmin updateTopic -w <n>), or bring its master back.`,
      }, [u.i], [`route answer at ${this.at(u.i)}: ${u.why}`]);
    }
    // sends a broker answered TOPIC_NOT_EXIST, by topic and broker
    const byBroker = new Map<string, number[]>();
    for (let i = 0; i < this.n; i++) {
      if (!(c.flag[i] & 1) || c.proto[i] !== ProtocolId.remoting || c.code[i] !== ResponseCode.TOPIC_NOT_EXIST || !SEND_CODES.has(c.reqCode[i])) continue;
      const key = `${this.ix.topicOf(i) ?? '?'}\u0000${this.server(c.conn[i])}`;
      const l = byBroker.get(key) ?? [];
      l.push(i);
      byBroker.set(key, l);
    }
    for (const [key, frames] of byBroker) {
      const [topic, server] = key.split('\u0000');
      if (this.out.some((f) => f.id === `no-route:${topic}` && f.severity !== 'info')) {
        // the route finding already counts them
        for (const i of frames) this.explained.add(i);
        continue;
      }
      const remark = this.col.errResp.get(frames[0])?.remark;
      const req = frames.map((i) => this.pairOf(i)).filter((p) => p >= 0);
      this.add(`broker-topic-not-exist:${topic}@${server}`, 'error', explainBrokerTopicNotExist(topic, server), [...frames, ...req],
        [`${frames.length} send(s) to ${topic} answered TOPIC_NOT_EXIST by ${server}${remark ? `: "${remark.split('\n')[0]}"` : ''}`]);
      for (const i of frames) this.explained.add(i);
    }
  }

  // ------------------------------------------------------------ unreachable-address

  private addresses(): void {
    const conns = this.ix.conns;
    // where each client connected from (to judge whether loopback / private addresses are "local" to it)
    const advertisedBy = new Map<string, Set<string>>();
    for (const [addr, a] of this.col.advertised) {
      const clients = new Set<string>();
      for (const f of a.frames) { const k = conns[this.c.conn[f]]; if (k) clients.add(k.client); }
      advertisedBy.set(addr, clients);
    }
    const attempts = new Map<string, { refused: number[]; unanswered: number[]; ok: number }>();
    for (const k of conns) {
      if (!k || !k.closed) continue;
      const ep = formatEndpoint(k.server, k.serverPort);
      let a = attempts.get(ep);
      if (!a) attempts.set(ep, a = { refused: [], unanswered: [], ok: 0 });
      const st = connState(k);
      if (st === 'refused') a.refused.push(k.id);
      else if (st === 'unanswered') a.unanswered.push(k.id);
      else if (st === 'accepted') a.ok++;
    }
    const check = (addr: string, broker: string, frames: number[], vip: boolean) => {
      const at = attempts.get(addr);
      const failed = at ? at.refused.length + at.unanswered.length : 0;
      const host = hostOf(addr);
      const cls = classifyHost(host);
      const clients = advertisedBy.get(vip ? this.col.advertised.get(addr)?.vipOf ?? addr : addr) ?? new Set<string>();
      const clientIsLocal = [...clients].every((cl) => classifyHost(cl) === 'loopback' || cl === host);
      // a client on another network than the advertised private / bridge address
      const foreign = [...clients].some((cl) => {
        const cc = classifyHost(cl);
        if (cls === 'loopback') return cc !== 'loopback' && cl !== host;
        if (cls === 'docker-bridge') return !cl.startsWith('172.17.');
        if (cls === 'private') return cc === 'public';
        return false;
      });
      const worry = cls === 'unspecified' || cls === 'link-local' || (foreign && (cls === 'loopback' || cls === 'docker-bridge' || cls === 'private'));
      if (failed === 0 && !worry) return;
      if (failed === 0 && at && at.ok > 0 && cls !== 'unspecified') return; // it was reached after all
      const ex = explainAddress(addr, broker, { refused: at?.refused.length, unanswered: at?.unanswered.length, clientIsLocal, vip });
      const facts: string[] = [];
      facts.push(`${vip ? `VIP channel of ${broker}` : broker} advertised as ${addr} in ${frames.length} route / cluster answer(s) (first frame ${frames[0]})`);
      if (at?.refused.length) facts.push(`connections to ${addr} refused: ${at.refused.length} (connection ${at.refused.slice(0, 5).map((x) => `#${x}`).join(', ')}${at.refused.length > 5 ? ', …' : ''})`);
      if (at?.unanswered.length) facts.push(`connection attempts to ${addr} with no answer: ${at.unanswered.length} (connection ${at.unanswered.slice(0, 5).map((x) => `#${x}`).join(', ')}${at.unanswered.length > 5 ? ', …' : ''})`);
      if (at?.ok) facts.push(`${at.ok} connection(s) to ${addr} were accepted`);
      if (foreign) facts.push(`the route was fetched by ${[...clients].join(', ')}, which is not on ${host}'s network`);
      this.add(`unreachable-address:${addr}`, failed > 0 && !(at && at.ok > 0) ? 'error' : 'warning', ex, frames, facts, [...(at?.refused ?? []), ...(at?.unanswered ?? [])]);
    };
    for (const [addr, a] of this.col.advertised) {
      check(addr, a.broker, a.frames, false);
      const vip = vipAddress(addr);
      if (vip && attempts.has(vip)) {
        const at = attempts.get(vip)!;
        if (at.refused.length + at.unanswered.length > 0) {
          this.col.advertised.set(vip, { broker: a.broker, frames: a.frames, vipOf: addr });
          check(vip, a.broker, a.frames, true);
        }
      }
    }
    // failed connection attempts to RocketMQ's usual ports that no route names (a NameServer that is down)
    for (const [ep, at] of attempts) {
      if (this.col.advertised.has(ep) || at.ok > 0 || at.refused.length + at.unanswered.length === 0) continue;
      const port = Number(/:(\d+)$/.exec(ep)?.[1]);
      if (!SERVER_PORT_HINTS.has(port) && !this.isRocketmqEndpoint(ep)) continue;
      const failedConns = [...at.refused, ...at.unanswered];
      this.add(`unreachable-address:${ep}`, 'error', {
        rule: 'unreachable-address', title: `Nothing answered at ${ep}`,
        cause: `${at.refused.length ? `${at.refused.length} connection attempt(s) to ${ep} were refused (RST: nothing listens there)` : ''}${at.refused.length && at.unanswered.length ? '; ' : ''}${at.unanswered.length ? `${at.unanswered.length} attempt(s) were never answered (no SYN-ACK)` : ''}. ${port === 9876 ? 'It is the NameServer\'s usual port: the NameServer is down or listens elsewhere.' : 'The server is down, listens on another port, or a firewall is in the way.'}`,
        fix: 'Start the server or correct the address in the client (namesrvAddr, or the broker address the route gives).',
      }, [], [`connection attempts to ${ep}: ${failedConns.length} failed, none accepted`], failedConns);
    }
  }

  private isRocketmqEndpoint(ep: string): boolean {
    for (const k of this.ix.conns) if (k && k.rocketmq && formatEndpoint(k.server, k.serverPort) === ep) return true;
    return false;
  }

  // ------------------------------------------------------------ wrong-protocol

  private protocols(): void {
    const groups = new Map<string, { conns: number[]; facts: string[]; ex: Explanation; error: boolean }>();
    for (const k of this.ix.conns) {
      if (!k?.streams) continue;
      for (const d of [0, 1] as const) {
        const h = k.streams.head[d];
        if (!h) continue;
        const sniffed = sniffProtocol(h.bytes);
        const server = formatEndpoint(k.server, k.serverPort);
        const mixed = k.frames[1 - d] > 0;
        // where remoting is expected (not a 5.x Proxy's gRPC port, where HTTP/2 is right)
        const expected = SERVER_PORT_HINTS.has(k.serverPort) || this.col.advertised.has(server) || this.isRocketmqEndpoint(server);
        if (!mixed && !expected) continue;
        if (!mixed && sniffed.protocol === 'unknown' && !h.fromStart) continue; // a capture that began mid-stream: nothing to say
        const ex = explainProtocol(sniffed, d === 0 ? 'client' : 'server', server);
        const key = `${server}\u0000${d}\u0000${sniffed.protocol}`;
        let g = groups.get(key);
        if (!g) groups.set(key, g = { conns: [], facts: [], ex, error: sniffed.protocol !== 'unknown' });
        g.conns.push(k.id);
        if (g.facts.length < 4) g.facts.push(`connection #${k.id} ${formatEndpoint(k.client, k.clientPort)} → ${server}: the ${d === 0 ? 'client' : 'server'} sent ${sniffed.detail}${h.fromStart ? '' : ' (not from the stream\'s start)'}; first bytes ${hexOf(h.bytes, 24)}${mixed ? `; the ${d === 0 ? 'server' : 'client'} sent ${k.frames[1 - d]} RocketMQ frame(s)` : ''}`);
      }
    }
    // the client sent frames and the server closed without a byte: a TLS-only port, or another protocol
    const silent = new Map<string, number[]>();
    for (const k of this.ix.conns) {
      if (!k || !k.sawSyn || k.frames[0] === 0 || k.bytes[1] !== 0 || (k.closed !== 'fin' && k.closed !== 'rst')) continue;
      const server = formatEndpoint(k.server, k.serverPort);
      const l = silent.get(server) ?? [];
      l.push(k.id);
      silent.set(server, l);
    }
    for (const [server, ids] of silent) {
      const set = new Set(ids);
      const frames: number[] = [];
      for (let i = 0; i < this.n; i++) if (set.has(this.c.conn[i])) { frames.push(i); this.protocolFrames.add(i); }
      const first = this.ix.conns[ids[0]];
      const facts = [`${ids.length} connection(s) to ${server}: the client sent ${frames.length} frame(s), the server sent no byte and closed the connection (${first.closed === 'rst' ? 'reset' : 'FIN'})`];
      this.add(`wrong-protocol:${server}:silent-close`, 'warning', explainSilentClose(server), frames, facts, ids);
    }
    for (const [key, g] of groups) {
      const [server, d] = key.split('\u0000');
      const frames: number[] = [];
      const set = new Set(g.conns);
      for (let i = 0; i < this.n; i++) if (set.has(this.c.conn[i])) { frames.push(i); this.protocolFrames.add(i); }
      if (g.conns.length > 4) g.facts.push(`… ${g.conns.length} connections in all`);
      this.add(`wrong-protocol:${server}:${d === '0' ? 'client' : 'server'}:${key.split('\u0000')[2]}`, g.error ? 'error' : 'warning', g.ex, frames, g.facts, g.conns);
    }
  }

  // ------------------------------------------------------------ broker-busy

  private busy(): void {
    const c = this.c;
    const groups = new Map<string, { kind: BusyKind; server: string; frames: number[]; codes: Set<number>; queueMs: number; queueSize: number }>();
    for (const [i, e] of this.col.errResp) {
      const name = responseCodeName(c.code[i]);
      const kind = busyKind(name, e.remark);
      if (!kind) continue;
      const server = this.server(c.conn[i]);
      const key = `${kind}\u0000${server}`;
      let g = groups.get(key);
      if (!g) groups.set(key, g = { kind, server, frames: [], codes: new Set(), queueMs: 0, queueSize: 0 });
      g.frames.push(i);
      if (c.reqCode[i] >= 0) g.codes.add(c.reqCode[i]);
      const m = /period in queue: (\d+)ms, size of queue: (\d+)/.exec(e.remark ?? '');
      if (m) { g.queueMs = Math.max(g.queueMs, Number(m[1])); g.queueSize = Math.max(g.queueSize, Number(m[2])); }
      this.explained.add(i);
    }
    for (const g of groups.values()) {
      g.frames.sort((a, b) => a - b);
      const codes = g.codes.size ? g.codes : null;
      const total = this.requestsTo(this.connsTo(g.server), codes);
      const first = c.tsFirst[g.frames[0]], last = c.tsFirst[g.frames[g.frames.length - 1]];
      const span = Math.max(0, last - first) / 1e6;
      // peak: most busy answers within one second
      let peak = 0;
      for (let a = 0, b = 0; b < g.frames.length; b++) {
        while (c.tsFirst[g.frames[b]] - c.tsFirst[g.frames[a]] > 1e6) a++;
        peak = Math.max(peak, b - a + 1);
      }
      const names = [...g.codes].map(requestCodeName).join(', ') || 'requests';
      const facts = [
        `${g.frames.length} of ${total} ${names} to ${g.server} answered ${responseCodeName(c.code[g.frames[0]])} (${total ? ((100 * g.frames.length) / total).toFixed(1) : '?'}%)`,
        `between ${this.at(g.frames[0])} and ${this.at(g.frames[g.frames.length - 1])} (${span.toFixed(3)} s): ${span > 0 ? (g.frames.length / span).toFixed(1) : g.frames.length} per second on average, at most ${peak} within one second`,
      ];
      if (g.queueMs) facts.push(`longest wait in the broker's queue: ${g.queueMs} ms; longest queue: ${g.queueSize} request(s)`);
      const remark = this.col.errResp.get(g.frames[0])?.remark;
      if (remark) facts.push(`remark: "${remark.split('\n')[0]}"`);
      const req = g.frames.map((i) => this.pairOf(i)).filter((p) => p >= 0);
      this.add(`broker-busy:${g.kind}:${g.server}`, 'error', explainBusy(g.kind), [...g.frames, ...req], facts);
    }
  }

  // ------------------------------------------------------------ acl-refused

  private acl(): void {
    const c = this.c;
    const groups = new Map<string, { kind: AclRefusal; code: number; server: string; accessKey: string; resources: Set<string>; frames: number[]; remark: string }>();
    for (const [i, e] of this.col.errResp) {
      const kind = aclRefusal(responseCodeName(c.code[i], c.reqCode[i] >= 0 ? c.reqCode[i] : undefined), e.remark);
      if (!kind) continue;
      const p = this.pairOf(i);
      const rf = p >= 0 ? this.col.reqFields.get(p) : undefined;
      const rq = c.reqCode[i];
      const server = this.server(c.conn[i]);
      const accessKey = rf?.accessKey ?? '';
      const key = `${kind}\u0000${rq}\u0000${server}\u0000${accessKey}`;
      let g = groups.get(key);
      if (!g) groups.set(key, g = { kind, code: rq, server, accessKey, resources: new Set(), frames: [], remark: e.remark ?? '' });
      g.frames.push(i);
      if (p >= 0) g.frames.push(p);
      if (rf?.topic) g.resources.add(`topic ${rf.topic}`);
      if (rf?.group) g.resources.add(`group ${rf.group}`);
      this.explained.add(i);
    }
    for (const g of groups.values()) {
      const ex = explainAcl(g.kind);
      const who = g.accessKey ? `AccessKey ${g.accessKey}` : 'no AccessKey';
      const n = g.frames.filter((i) => c.flag[i] & 1).length;
      const facts = [
        `${n} ${g.code >= 0 ? requestCodeName(g.code) : 'request'}(s) with ${who} refused by ${g.server}: ${responseCodeName(c.code[g.frames.find((i) => c.flag[i] & 1)!])}`,
        `remark: "${g.remark.split('\n')[0]}"`,
      ];
      if (g.resources.size) facts.push(`for ${[...g.resources].slice(0, 6).join(', ')}${g.resources.size > 6 ? ', …' : ''}`);
      const id = `acl-refused:${g.kind}:${g.code}:${g.accessKey}@${g.server}`;
      // a signature refusal offers the signature check on its first refused request that carries a Signature
      const signed = g.kind === 'signature' ? g.frames.filter((i) => !(c.flag[i] & 1) && this.col.reqFields.get(i)?.signed).sort((a, b) => a - b)[0] : undefined;
      if (signed !== undefined) facts.push(`frame ${signed} is a refused signed request: the signature check recomputes its Signature with a SecretKey you give`);
      this.add(id, 'error', { ...ex, title: `${ex.title} — ${g.code >= 0 ? requestCodeName(g.code) : 'request'} with ${who}` }, g.frames, facts);
      if (signed !== undefined) this.out[this.out.length - 1].evidence.signedRequest = signed;
    }
  }

  // ------------------------------------------------------------ transactions

  private transactions(): void {
    const c = this.c;
    const { halves, ends, checks, heartbeats } = this.col;
    if (!halves.length && !ends.length && !checks.length) return;
    const endsByMsg = new Map<string, EndTx[]>();
    for (const e of ends) for (const key of new Set([e.msgId, e.txId])) if (key) { const l = endsByMsg.get(key) ?? []; l.push(e); endsByMsg.set(key, l); }
    // half messages the broker stored and nobody ended
    const unfinished: HalfSend[] = [];
    const recent: HalfSend[] = [];
    for (const h of halves) {
      const p = this.pairOf(h.i);
      if (p < 0 || c.code[p] !== ResponseCode.SUCCESS) continue;
      const end = (endsByMsg.get(h.uniq) ?? []).filter((e) => e.decision === '8' || e.decision === '12');
      if (end.length) continue;
      if (this.endUs - h.ts < TRANSACTION_TIMEOUT_US) { recent.push(h); continue; }
      unfinished.push(h);
    }
    if (unfinished.length) {
      const withUnknown = unfinished.filter((h) => endsByMsg.get(h.uniq)?.some((e) => e.decision === '0'));
      const checked = unfinished.filter((h) => checks.some((k) => k.msgId === h.uniq));
      const groups = [...new Set(unfinished.map((h) => h.group))];
      const facts = [
        `${unfinished.length} half message(s) stored (SEND_OK) with no COMMIT or ROLLBACK in the capture: ${unfinished.slice(0, 3).map((h) => `${h.uniq || '(no UNIQ_KEY)'} on ${h.topic} (frame ${h.i})`).join(', ')}${unfinished.length > 3 ? ', …' : ''}`,
        `producer group(s): ${groups.join(', ')}`,
      ];
      if (withUnknown.length) facts.push(`${withUnknown.length} of them were ended with UNKNOW (commitOrRollback 0): the broker must check back`);
      facts.push(checked.length ? `the broker checked back ${checked.length} of them (CHECK_TRANSACTION_STATE)` : 'no CHECK_TRANSACTION_STATE for them in the capture');
      if (recent.length) facts.push(`${recent.length} more half message(s) were sent less than 6 s before the capture ended (may still end)`);
      const frames = [...unfinished.flatMap((h) => [h.i, this.pairOf(h.i)]), ...unfinished.flatMap((h) => (endsByMsg.get(h.uniq) ?? []).map((e) => e.i))];
      this.add('transaction-unfinished', 'warning', explainUnfinishedTransaction(), frames.filter((x) => x >= 0), facts);
    }
    // check-backs that got no END_TRANSACTION from a check
    const unansweredChecks = checks.filter((k) => !(endsByMsg.get(k.msgId) ?? endsByMsg.get(k.txId) ?? []).some((e) => e.fromCheck && e.ts >= k.ts));
    const oldEnough = unansweredChecks.filter((k) => this.endUs - k.ts > 3e6);
    if (oldEnough.length) {
      const facts = [
        `${oldEnough.length} CHECK_TRANSACTION_STATE request(s) from the broker got no END_TRANSACTION (fromTransactionCheck=true) back: ${oldEnough.slice(0, 3).map((k) => `${k.msgId} on ${this.client(k.conn)} (frame ${k.i})`).join(', ')}${oldEnough.length > 3 ? ', …' : ''}`,
      ];
      this.add('transaction-check-unanswered', 'error', explainCheckUnanswered(), oldEnough.map((k) => k.i), facts);
    }
    // UNKNOW answered again and again
    const unknownBy = new Map<string, EndTx[]>();
    for (const e of ends) if (e.decision === '0') { const k = e.msgId || e.txId; const l = unknownBy.get(k) ?? []; l.push(e); unknownBy.set(k, l); }
    const repeated = [...unknownBy].filter(([, l]) => l.filter((e) => e.fromCheck).length >= 2 || (l.length >= 2 && l.some((e) => e.fromCheck)));
    if (repeated.length) {
      const finals = repeated.filter(([k]) => (endsByMsg.get(k) ?? []).some((e) => e.decision === '8' || e.decision === '12'));
      const facts = [
        `${repeated.length} transaction(s) answered UNKNOW more than once: ${repeated.slice(0, 3).map(([k, l]) => `${k} ×${l.length}`).join(', ')}${repeated.length > 3 ? ', …' : ''}`,
        finals.length ? `${finals.length} of them were decided later` : 'none of them was decided in the capture',
      ];
      const frames = repeated.flatMap(([, l]) => l.map((e) => e.i));
      for (const [k] of repeated) for (const ck of checks) if (ck.msgId === k) frames.push(ck.i);
      this.add('transaction-unknown-repeated', 'warning', explainUnknownRepeated(), frames, facts);
    }
    // producer groups: the half's PGROUP must be a group the producer's client heartbeats to that broker, and the END must name it
    const mismatch: { h: HalfSend; why: string; frames: number[] }[] = [];
    for (const h of halves) {
      const p = this.pairOf(h.i);
      if (p < 0 || c.code[p] !== ResponseCode.SUCCESS) continue;
      const group = h.pgroup || h.group;
      const server = this.server(h.conn);
      const hbs = heartbeats.filter((b) => this.server(b.conn) === server);
      const fromClient = hbs.filter((b) => this.client(b.conn).split(':')[0] === this.client(h.conn).split(':')[0]);
      const wrongEnd = (endsByMsg.get(h.uniq) ?? []).filter((e) => e.group && e.group !== group);
      if (wrongEnd.length) { mismatch.push({ h, why: `END_TRANSACTION names producer group ${wrongEnd[0].group}, the half message ${group}`, frames: wrongEnd.map((e) => e.i) }); continue; }
      if (hbs.length && !hbs.some((b) => b.data.producerGroups.includes(group))) {
        const others = [...new Set(fromClient.flatMap((b) => b.data.producerGroups))].filter((g) => g !== 'CLIENT_INNER_PRODUCER');
        mismatch.push({ h, why: `no heartbeat to ${server} registers producer group ${group}${others.length ? ` (the client's heartbeats register ${others.join(', ')})` : ''}`, frames: fromClient.map((b) => b.i) });
      }
    }
    if (mismatch.length) {
      const facts = mismatch.slice(0, 4).map((m) => `half message ${m.h.uniq} (frame ${m.h.i}, group ${m.h.pgroup || m.h.group}): ${m.why}`);
      if (mismatch.length > 4) facts.push(`… ${mismatch.length} half message(s) in all`);
      this.add('transaction-group-mismatch', 'error', explainGroupMismatch(), mismatch.flatMap((m) => [m.h.i, ...m.frames]), facts);
    }
  }

  // ------------------------------------------------------------ subscription-mismatch

  private subscriptions(): void {
    // the last heartbeat of each client, per consumer group
    const latest = new Map<string, Heartbeat>();
    for (const h of this.col.heartbeats) {
      const key = h.data.clientID || `conn ${h.conn}`;
      const prev = latest.get(key);
      if (!prev || prev.ts <= h.ts) latest.set(key, h);
    }
    const byGroup = new Map<string, { client: string; subs: string; frame: number }[]>();
    for (const [client, h] of latest) {
      for (const cd of h.data.consumers) {
        const subs = cd.subscriptions.filter((s) => !s.topic.startsWith('%RETRY%')).map((s) => `${s.topic}: ${s.expressionType === 'TAG' ? '' : `${s.expressionType} `}${s.subString}`).sort().join('; ');
        const l = byGroup.get(cd.groupName) ?? [];
        l.push({ client, subs, frame: h.i });
        byGroup.set(cd.groupName, l);
      }
    }
    for (const [group, clients] of byGroup) {
      const distinct = new Set(clients.map((x) => x.subs));
      if (distinct.size < 2) continue;
      const facts = [...distinct].map((s) => {
        const who = clients.filter((x) => x.subs === s).map((x) => x.client);
        return `${who.length} client(s) subscribe "${s || '(nothing)'}": ${who.slice(0, 3).join(', ')}${who.length > 3 ? ', …' : ''}`;
      });
      this.add(`subscription-mismatch:${group}`, 'error', explainSubscriptionMismatch(group), clients.map((x) => x.frame), facts);
    }
  }

  // ------------------------------------------------------------ pull-empty

  private pulls(): void {
    const c = this.c;
    type Q = { group: string; topic: string; queueId: string; server: string; found: number; empty: number[]; retry: number; moved: number; behind: number; maxOffset: number; minOffset: number; lowest: number; subscription: string; offsets: Set<number> };
    const qs = new Map<string, Q>();
    for (const [i, rq] of this.col.pullReq) {
      const p = this.pairOf(i);
      if (p < 0) continue;
      const server = this.server(c.conn[i]);
      const key = `${rq.group}\u0000${rq.topic}\u0000${rq.queueId}\u0000${server}`;
      let q = qs.get(key);
      if (!q) qs.set(key, q = { group: rq.group, topic: rq.topic, queueId: rq.queueId, server, found: 0, empty: [], retry: 0, moved: 0, behind: 0, maxOffset: -1, minOffset: -1, lowest: Infinity, subscription: rq.subscription, offsets: new Set() });
      if (rq.subscription) q.subscription = rq.subscription;
      const code = c.code[p];
      if (code === ResponseCode.SUCCESS) { q.found++; continue; }
      const r = this.col.pullResp.get(p);
      if (!r) continue;
      q.empty.push(i, p);
      q.offsets.add(rq.offset);
      q.lowest = Math.min(q.lowest, rq.offset);
      if (code === ResponseCode.PULL_RETRY_IMMEDIATELY) q.retry++;
      if (code === ResponseCode.PULL_OFFSET_MOVED) q.moved++;
      if (r.maxOffset > rq.offset) q.behind++;
      q.maxOffset = Math.max(q.maxOffset, r.maxOffset);
      if (r.minOffset >= 0) q.minOffset = q.minOffset < 0 ? r.minOffset : Math.min(q.minOffset, r.minOffset);
    }
    for (const q of qs.values()) {
      const pulls = q.empty.length / 2;
      if (q.found > 0 || q.behind === 0 || pulls < 2) continue;
      const why: 'filter' | 'offset' | 'other' = q.retry > 0 ? 'filter' : q.moved > 0 ? 'offset' : 'other';
      const facts = [
        `${pulls} pull(s) by group ${q.group} of ${q.topic} queue ${q.queueId} on ${q.server} returned no message; none returned any`,
        `the queue holds offsets ${q.minOffset >= 0 ? q.minOffset : '?'}..${q.maxOffset} (${q.maxOffset - Math.max(0, q.minOffset)} message(s)); the pulls asked from offset ${q.lowest === Infinity ? '?' : q.lowest}`,
      ];
      if (q.retry) facts.push(`${q.retry} answer(s) PULL_RETRY_IMMEDIATELY: the broker read messages but none matched the subscription`);
      if (q.moved) facts.push(`${q.moved} answer(s) PULL_OFFSET_MOVED: the offset asked for is outside the queue`);
      if (q.subscription) facts.push(`subscription sent with the pulls: "${q.subscription}"`);
      this.add(`pull-empty:${q.group}:${q.topic}:${q.queueId}@${q.server}`, 'warning', explainPullEmpty(why, q.subscription), q.empty, facts);
    }
  }

  // ------------------------------------------------------------ unanswered

  private unanswered(): void {
    const c = this.c;
    const groups = new Map<string, { code: number; server: string; never: number[]; late: number[]; pendingAtEnd: number; reset: number }>();
    const g = (code: number, conn: number) => {
      const server = this.server(conn);
      const key = `${code}\u0000${server}`;
      let x = groups.get(key);
      if (!x) groups.set(key, x = { code, server, never: [], late: [], pendingAtEnd: 0, reset: 0 });
      return x;
    };
    for (let i = 0; i < this.n; i++) {
      // a gRPC method id is no remoting code, and a ReceiveMessage long poll may rightly take 20 s
      if (c.flag[i] & 1 || c.proto[i] !== ProtocolId.remoting) continue;
      const code = c.code[i];
      if (code < 0) continue;
      if (c.warn[i] & FrameWarn.Unanswered) {
        if (this.protocolFrames.has(i)) continue;
        const x = g(code, c.conn[i]);
        if (this.endUs - c.tsLast[i] < clientTimeoutUs(code)) { x.pendingAtEnd++; continue; }
        x.never.push(i);
        if (this.ix.conns[c.conn[i]]?.closed === 'rst') x.reset++;
        continue;
      }
      const p = c.pair[i];
      if (p < 0 || (c.flag[i] & 2)) continue;
      const l = this.ix.latencyUs(p);
      if (l !== null && l > clientTimeoutUs(code)) g(code, c.conn[i]).late.push(i, p);
    }
    for (const x of groups.values()) {
      if (x.never.length === 0 && x.late.length === 0) continue;
      const name = requestCodeName(x.code);
      const late = x.late.length / 2;
      const ex = explainUnanswered(name, x.server, x.never.length + late, late);
      const facts: string[] = [];
      if (x.never.length) facts.push(`${x.never.length} ${name} request(s) to ${x.server} never answered (first at ${this.at(x.never[0])}, last at ${this.at(x.never[x.never.length - 1])})`);
      if (late) facts.push(`${late} answered after more than ${clientTimeoutUs(x.code) / 1e6} s (the client's timeout); slowest ${((Math.max(...x.late.filter((i) => c.flag[i] & 1).map((i) => this.ix.latencyUs(i) ?? 0))) / 1e6).toFixed(2)} s`);
      if (x.reset) facts.push(`${x.reset} of them on a connection that ended with a reset (RST)`);
      if (x.pendingAtEnd) facts.push(`${x.pendingAtEnd} more were sent within the client timeout before the capture ended (not counted)`);
      const answered = this.requestsTo(this.connsTo(x.server), new Set([x.code]));
      facts.push(`${answered} ${name} request(s) to ${x.server} in all`);
      this.add(`unanswered:${name}@${x.server}`, x.never.length ? 'error' : 'warning', ex, [...x.never, ...x.late], facts);
    }
  }

  // ------------------------------------------------------------ what else explain.ts knows

  private otherAnswers(): void {
    const c = this.c;
    const groups = new Map<string, { ex: Explanation; frames: number[]; remark: string | null; code: number; rq: number; server: string }>();
    for (const [i, e] of this.col.errResp) {
      if (this.explained.has(i)) continue;
      const rq = c.reqCode[i];
      const codeName = responseCodeName(c.code[i], rq >= 0 ? rq : undefined);
      const k = this.ix.conns[c.conn[i]];
      const role = k && k.serverPort === 9876 ? 'nameserver' : 'broker';
      const ex = explainResponse({ codeName, remark: e.remark, role, topic: this.ix.topicOf(i) ?? undefined, address: this.server(c.conn[i]) });
      if (!ex) continue;
      const key = `${ex.rule}\u0000${c.code[i]}\u0000${rq}\u0000${this.server(c.conn[i])}`;
      let g = groups.get(key);
      if (!g) groups.set(key, g = { ex, frames: [], remark: e.remark, code: c.code[i], rq, server: this.server(c.conn[i]) });
      g.frames.push(i);
      const p = this.pairOf(i);
      if (p >= 0) g.frames.push(p);
    }
    for (const g of groups.values()) {
      const n = g.frames.filter((i) => c.flag[i] & 1).length;
      this.add(`${g.ex.rule}:${responseCodeName(g.code)}:${g.rq >= 0 ? requestCodeName(g.rq) : '?'}@${g.server}`, 'error', g.ex, g.frames,
        [`${n} ${g.rq >= 0 ? requestCodeName(g.rq) : 'request'}(s) answered ${responseCodeName(g.code, g.rq >= 0 ? g.rq : undefined)} by ${g.server}${g.remark ? `: "${g.remark.split('\n')[0]}"` : ''}`]);
    }
  }
}

/** How a closed connection's handshake went, from how the server's direction began. */
export function connState(k: ConnSummary): 'accepted' | 'refused' | 'unanswered' | 'unknown' {
  if (!k.streams) return 'unknown';
  if (!k.sawSyn) return 'unknown'; // began before the capture: its handshake is not in it
  const s = k.streams.began[1];
  if (s === 'syn') return 'accepted';
  if (s === null && k.bytes[1] === 0) return k.bytes[0] === 0 ? 'unanswered' : 'unknown';
  if (s === 'mid' && k.bytes[1] === 0 && k.bytes[0] === 0 && k.closed === 'rst') return 'refused';
  return 'unknown';
}

export type { RuleId } from './explain';
