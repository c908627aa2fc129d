/**
 * Wires the layers together: file records → link/IP → TCP reassembly → frame streams.
 * Used by the index pass (header-only) and by the full-decode pass (frame bytes).
 */
import { CaptureParser, InterfaceInfo, PacketInfo, ParserCallbacks } from './file-format';
import { NetDecoder } from './netlayers';
import { ConnInfo, DEFAULT_TCP_LIMITS, StreamSink, TcpLimits, TcpTracker } from './tcp';
import { FrameHandler, FrameOut, FrameStream } from './frames';
import { CaptureWarning, SERVER_PORT_HINTS, WarningLog } from './types';
import { newSummary } from './header-scan';
import { ConnStreams, connStreams, HeadTap } from './conn-head';

export interface PipelineOptions {
  full: boolean;
  tcpLimits?: TcpLimits;
  /** Hunting budget per direction without any frame (non-hinted / hinted ports). */
  giveUpBytes?: number;
  giveUpBytesHinted?: number;
  maxWarnings?: number;
  /**
   * Another decoder for a connection's bytes (gRPC over HTTP/2, src/core/grpc): called at the
   * connection's first packet; the sinks it returns receive the same reassembled byte stream of each
   * direction as the remoting frame reader does.
   */
  tap?: (info: ConnInfo) => [StreamSink, StreamSink] | undefined;
}

/** Feeds one reassembled direction to two readers. */
export function teeSink(a: StreamSink, b: StreamSink): StreamSink {
  return {
    begin: (fromSyn) => { a.begin(fromSyn); b.begin(fromSyn); },
    data: (buf, off, len, seq, ts, rec, recMin) => { a.data(buf, off, len, seq, ts, rec, recMin); b.data(buf, off, len, seq, ts, rec, recMin); },
    gap: (n, seq, reason, ts, rec) => { a.gap(n, seq, reason, ts, rec); b.gap(n, seq, reason, ts, rec); },
    end: (reason) => { a.end(reason); b.end(reason); },
  };
}

export interface PipelineEvents {
  frame(f: FrameOut): void;
  /** A connection's first packet (endpoints and roles decided; the `info` object is updated while it lives). */
  connOpened?(info: ConnInfo): void;
  /** `streams`: how each direction began and the first bytes of those without frames (conn-head.ts). */
  connClosed?(info: ConnInfo, rocketmq: boolean, frames: [number, number], streams: ConnStreams): void;
}

/** Feeds packets through all layers. Create one per pass. */
export class Pipeline implements ParserCallbacks {
  readonly warnings: WarningLog;
  readonly net: NetDecoder;
  readonly tcp: TcpTracker;
  readonly interfaces: InterfaceInfo[] = [];
  packets = 0;
  bytesCaptured = 0;
  firstUs = Infinity;
  lastUs = -Infinity;
  private readonly out: FrameOut = {
    conn: 0, dir: 0, tsFirst: 0, tsLast: 0, posMin: 0, posMax: 0, startSeq: 0, size: 0, headerLen: 0, serializeType: 0,
    summary: newSummary(), headerBuf: new Uint8Array(0), warn: 0, missing: 0, skippedBefore: 0, bytes: null, bytesAvailable: 0,
  };
  private streams = new Map<number, [FrameStream, FrameStream, HeadTap, HeadTap]>();

  constructor(private readonly ev: PipelineEvents, readonly opts: PipelineOptions) {
    this.warnings = new WarningLog(opts.maxWarnings ?? 10_000);
    const warn = (w: CaptureWarning) => this.warnings.add(w);
    this.net = new NetDecoder(warn);
    const handler: FrameHandler = {
      frame: (f) => this.ev.frame(f),
      warning: warn,
    };
    this.tcp = new TcpTracker(
      (info) => {
        const hinted = SERVER_PORT_HINTS.has(info.serverPort) || SERVER_PORT_HINTS.has(info.clientPort);
        const giveUp = hinted ? (opts.giveUpBytesHinted ?? 64 << 20) : (opts.giveUpBytes ?? 1 << 20);
        const o = { full: opts.full, giveUpBytes: giveUp };
        const f0 = new FrameStream(info.id, 0, this.out, handler, o), f1 = new FrameStream(info.id, 1, this.out, handler, o);
        const taps: [HeadTap, HeadTap] = [new HeadTap(f0), new HeadTap(f1)];
        this.streams.set(info.id, [f0, f1, taps[0], taps[1]]);
        this.ev.connOpened?.(info);
        const tapped = opts.tap?.(info);
        return tapped ? [teeSink(taps[0], tapped[0]), teeSink(taps[1], tapped[1])] : (taps as [StreamSink, StreamSink]);
      },
      (info) => {
        const pair = this.streams.get(info.id);
        this.streams.delete(info.id);
        const frames: [number, number] = pair ? [pair[0].framesFound, pair[1].framesFound] : [0, 0];
        const streams: ConnStreams = pair ? connStreams([pair[2], pair[3]], frames) : { began: [null, null], head: [null, null] };
        this.ev.connClosed?.(info, frames[0] + frames[1] > 0, frames, streams);
      },
      warn,
      opts.tcpLimits ?? DEFAULT_TCP_LIMITS,
    );
  }

  iface(i: InterfaceInfo): void { this.interfaces.push(i); }

  warning(w: CaptureWarning): void { this.warnings.add(w); }

  packet(p: PacketInfo): void {
    this.packets++;
    this.bytesCaptured += p.caplen;
    const ts = p.tsUs;
    if (ts < this.firstUs) this.firstUs = ts;
    if (ts > this.lastUs) this.lastUs = ts;
    const r = this.net.decode(p.linkType, p.buf, ts, p.recordOffset, p.dataStart, p.dataStart + p.caplen);
    if (r !== 'ok') return;
    this.tcp.packet(this.net.out, ts, p.recordOffset);
  }

  /** End of input. */
  finish(): void {
    this.net.finish();
    this.tcp.finish();
  }

  newParser(): CaptureParser { return new CaptureParser(this); }
}
