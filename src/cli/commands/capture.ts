import * as fs from 'node:fs';
// The summary (capture FILE) needs only the index pass and the stats, so those are all that is
// imported here, module by module; the frame model (--json), the full decode (--json) and the
// content search (--filter with free text) are loaded when used. Loading the whole capture module
// with its frame model cost more start-up time than the index pass takes on a 50 MB capture.
import { requestCodeName, responseCodeName, languageName } from '../../core/remoting/codes';
import { versionName } from '../../core/remoting/version';
import type { RemotingCommand } from '../../core/remoting/command';
import { CaptureIndex, formatEndpoint, indexCaptureFile } from '../../core/capture/capture-index';
import { computeStats, formatSummary } from '../../core/capture/stats';
import { compileFilter, parseFilter, FrameFilter, FilterSyntaxError, textTerms } from '../../core/capture/filter';
import { warnLabels } from '../../core/capture/types';
import { ERROR_HELP, FILTER_SYNTAX, TEXT_HELP } from '../../core/capture/filter-help';
import type { describeCommandFrame, plainBody } from '../../core/frame';
import { CliCommand, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../command';
import { protocolName, protocolRows } from '../../core/capture/protocols';
import { describeIndexedGrpc, registerGrpcDecoding, AttachedGrpcRow } from '../../core/grpc';

// capture FILE reads RocketMQ 5's gRPC calls too (rows with protocol "grpc" beside remoting frames)
registerGrpcDecoding();

/** One NDJSON object for a gRPC row: the same members as a remoting frame's where they mean the same. */
export function grpcRowJson(ix: CaptureIndex, i: number, views: boolean): Record<string, unknown> {
  const s = ix.summary(i);
  const k = ix.conns[s.conn];
  const rows = protocolRows(ix.cols.proto[i])!;
  const a = ix.attached.get(i) as AttachedGrpcRow;
  const call = a.row.call;
  const o: Record<string, unknown> = {
    frame: i, protocol: 'grpc', time: new Date(s.tsFirstUs / 1000).toISOString(), tsFirstUs: s.tsFirstUs, tsLastUs: s.tsLastUs, conn: s.conn,
    client: k ? formatEndpoint(k.client, k.clientPort) : null, server: k ? formatEndpoint(k.server, k.serverPort) : null, dir: s.dir,
    type: s.isResponse ? 'response' : 'request',
    method: call.path ?? null, methodName: rows.codeName(s.code, s.isResponse, ix.cols.reqCode[i]), ...(call.inferred ? { methodInferred: call.inferred } : {}),
    stream: call.streamId, status: s.isResponse ? rows.statusName(s.code, ix.cols.reqCode[i]) : null,
    grpcStatus: s.isResponse ? call.grpcStatus ?? null : null, grpcMessage: s.isResponse ? call.grpcMessage ?? null : null,
    topic: s.topic, size: s.size, pair: s.pair, latencyUs: s.latencyUs, warnings: warnLabels(s.warnings),
  };
  const m = a.row.message;
  if (m) { o.compressed = m.compressed; o.encoding = m.encoding; }
  if (s.missingBytes) o.missingBytes = s.missingBytes;
  if (views) o.view = describeIndexedGrpc(ix, i);
  return o;
}

/** What frameJson needs of the frame model (src/core/frame), passed in because it is loaded on use. */
export interface FrameModel { describeCommandFrame: typeof describeCommandFrame; plainBody: typeof plainBody }

/** Why `file` cannot be read as a file at all (missing, a directory, no permission), or null. */
function fileProblem(file: string): string | null {
  try {
    if (fs.statSync(file).isDirectory()) return 'is a directory, not a capture file';
    fs.accessSync(file, fs.constants.R_OK);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EACCES') return 'permission denied';
    return e instanceof Error ? e.message : String(e);
  }
}

/** One NDJSON object per frame. */
export function frameJson(ix: CaptureIndex, i: number, cmd: RemotingCommand | null, error: string | undefined, views: boolean, model: FrameModel): Record<string, unknown> {
  const { describeCommandFrame, plainBody } = model;
  const s = ix.summary(i);
  const k = ix.conns[s.conn];
  const o: Record<string, unknown> = {
    frame: i,
    protocol: protocolName(ix.cols.proto[i]),
    time: new Date(s.tsFirstUs / 1000).toISOString(),
    tsFirstUs: s.tsFirstUs,
    tsLastUs: s.tsLastUs,
    conn: s.conn,
    client: k ? formatEndpoint(k.client, k.clientPort) : null,
    server: k ? formatEndpoint(k.server, k.serverPort) : null,
    dir: s.dir,
    type: s.isResponse ? 'response' : 'request',
    code: s.warnings && s.code === -1 ? null : s.code,
    codeName: s.isResponse ? responseCodeName(s.code, s.requestCode ?? undefined) : requestCodeName(s.code),
    requestCode: s.requestCode,
    requestCodeName: s.requestCode !== null ? requestCodeName(s.requestCode) : null,
    opaque: s.opaque,
    flag: s.flag,
    oneway: s.oneway,
    topic: s.topic,
    size: s.size,
    serializeType: s.serializeType,
    pair: s.pair,
    latencyUs: s.latencyUs,
    warnings: warnLabels(s.warnings),
    filePos: s.posMin,
  };
  if (s.missingBytes) o.missingBytes = s.missingBytes;
  if (cmd) {
    o.language = cmd.languageRaw ?? languageName(cmd.language);
    o.version = versionName(cmd.version);
    o.remark = cmd.remark;
    o.extFields = cmd.extFields;
    const b = cmd.body && cmd.body.length ? plainBody(cmd.body, 65536) : null;
    o.body = b ? { kind: b.kind, length: b.length, ...(b.text !== undefined && !b.textTruncated ? { text: b.text } : {}), ...(b.kind === 'binary' ? { base64: Buffer.from(cmd.body!.buffer, cmd.body!.byteOffset, Math.min(cmd.body!.length, 65536)).toString('base64') } : {}) } : null;
    if (views) o.view = describeCommandFrame(cmd, { requestCode: s.requestCode ?? undefined, maxBodyText: Infinity });
  }
  if (error) o.error = error;
  return o;
}

export const captureCommand: CliCommand = {
  name: 'capture',
  summary: 'decode a pcap/pcapng(.gz) capture of RocketMQ traffic (remoting, and 5.x gRPC)',
  usage: 'capture FILE [--json [--views]] [--filter "code=SEND_MESSAGE_V2 topic=T error latency>5ms …"]  |  capture FILE --stats-json  |  capture FILE --doctor [--json]'
    + '\n  --doctor: known failures explained from the evidence (cause, frames, fix); exit code 1 when a finding is an error'
    + `\n  --filter terms (all must match):\n${FILTER_SYNTAX.map((l) => `    ${l}`).join('\n')}\n  ${ERROR_HELP}\n  ${TEXT_HELP}`,
  options: { values: ['filter'], flags: ['json', 'views', 'stats-json', 'doctor'] },
  async run({ positional, options }, io) {
    if (positional.length !== 1) throw new UsageError('give exactly one capture file');
    const file = positional[0];
    if (options.has('views') && !options.has('json')) throw new UsageError('--views goes with --json');
    if (options.has('stats-json') && (options.has('json') || options.has('filter'))) throw new UsageError('--stats-json covers the whole capture: not with --json or --filter');
    if (options.has('doctor') && (options.has('filter') || options.has('views') || options.has('stats-json'))) throw new UsageError('--doctor covers the whole capture: only --json goes with it');
    const filterText = options.get('filter');
    let filter: FrameFilter | null = null;
    if (filterText) {
      try { filter = parseFilter(filterText); } catch (e) {
        if (e instanceof FilterSyntaxError) throw new UsageError(e.message);
        throw e;
      }
    }
    // Like tshark: a file that cannot be read, or is no capture at all, is one line on stderr and
    // exit 2, so a script can tell it from a capture without RocketMQ traffic (exit 0, empty summary).
    const unreadable = fileProblem(file);
    if (unreadable) { io.err(`${file}: ${unreadable}`); return EXIT_USAGE; }
    const ix = await indexCaptureFile(file);
    if (ix.notACapture) { io.err(`${file}: ${ix.notACapture}`); return EXIT_USAGE; }
    if (options.has('doctor')) {
      const { diagnoseCapture, fileFrames, formatDoctorReport } = await import('../../core/doctor');
      const report = await diagnoseCapture(ix, fileFrames(ix));
      io.out(options.has('json') ? JSON.stringify(report, null, 2) : formatDoctorReport(report, file));
      return report.findings.some((f) => f.severity === 'error') ? EXIT_FAILED : EXIT_OK;
    }
    let pred: ((i: number) => boolean) | null = null;
    if (filter) {
      // free text also searches frame contents (keys, ids, properties, bodies): one more pass over the file
      const terms = textTerms(filter);
      const hits = terms.length ? await (await import('../../core/capture/search')).searchCaptureFile(ix, terms) : [];
      pred = compileFilter(ix, filter, { content: (t) => hits.find((h) => h.term === t) });
    }
    if (options.has('stats-json')) {
      io.out(JSON.stringify(computeStats(ix), null, 2));
      return EXIT_OK;
    }
    if (!options.has('json')) {
      io.out(formatSummary(ix));
      if (pred) {
        let n = 0;
        for (let i = 0; i < ix.length; i++) if (pred(i)) n++;
        io.out(`\nFilter "${filterText}": ${n} frame(s) match`);
      }
      return EXIT_OK;
    }
    const views = options.has('views');
    const [{ decodeAllFrames }, model] = await Promise.all([import('../../core/capture/decode'), import('../../core/frame')]);
    // backpressure: when stdout is a slow pipe, pause reading the capture until it drains
    const out = process.stdout;
    const pace = () => (out.writableNeedDrain ? new Promise<void>((r) => out.once('drain', () => r())) : undefined);
    // gRPC rows are not re-read (HTTP/2 interleaves them): printed from the index in frame order
    let next = 0;
    const grpcUpTo = (end: number) => {
      for (; next < end; next++) {
        if (ix.cols.proto[next] === 0 || (pred && !pred(next))) continue;
        io.out(JSON.stringify(grpcRowJson(ix, next, views)));
      }
    };
    await decodeAllFrames(file, (d) => {
      if (d.index >= ix.length) return;
      grpcUpTo(d.index);
      next = Math.max(next, d.index + 1);
      if (pred && !pred(d.index)) return;
      io.out(JSON.stringify(frameJson(ix, d.index, d.command, d.error, views, model)));
    }, { pace });
    grpcUpTo(ix.length);
    return EXIT_OK;
  },
};
