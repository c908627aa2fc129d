/**
 * A gRPC row (one message of a call, or a call's headers/status alone) in the one frame model
 * (src/core/frame): title, sections of field rows (the call, HTTP/2 headers and trailers, the
 * protobuf message field by field), properties and body of the RocketMQ message it carries (with the
 * same text/binary rule and viewers as remoting bodies), and notes for everything the capture could
 * not tell (HPACK state lost, bytes missing, message cut off, not inflated).
 */
import { gunzipSync } from 'node:zlib';
import * as protobuf from 'protobufjs/light';
import type { BodyView, FieldRow, FrameDescription, ViewSection } from '../frame/frame-description';
import { hexDump, plainBody, MAX_BODY_TEXT } from '../frame/body';
import type { GrpcCall, GrpcConnection, GrpcMessage } from './connection';
import type { GrpcRow } from './capture';
import type { DetectedProtocol } from '../capture/capture-index';
import type { HeaderField } from './hpack';
import { decodeAs, decodeRawFields, RawField } from './proto';

/** gRPC status codes (grpc/doc/statuscodes.md). */
export const GRPC_STATUS = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

export function grpcStatusName(code: number): string {
  return GRPC_STATUS[code] ?? String(code);
}

const row = (key: string, value: string, note?: string): FieldRow => (note ? { key, name: key, value, note } : { key, name: key, value });
const iso = (ms: number): string => { const d = new Date(ms); return Number.isFinite(d.getTime()) ? d.toISOString() : ''; };

/**
 * A 5.x message id (MessageIdCodec of the 5.x clients): "01" + MAC (6 bytes) + process id (2) +
 * seconds since 2021-01-01T00:00:00Z (4) + sequence (4), as 34 hex digits.
 */
export function grpcMessageIdNote(id: string): string | null {
  if (!/^01[0-9A-Fa-f]{32}$/.test(id)) return null;
  const b = Buffer.from(id.slice(2), 'hex');
  const mac = [...b.subarray(0, 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
  const pid = b.readUInt16BE(6);
  const secs = b.readUInt32BE(8);
  const seq = b.readUInt32BE(12);
  return `5.x message id: host MAC ${mac}, pid ${pid} (low 16 bits), made ${iso(Date.UTC(2021, 0, 1) + secs * 1000)}, sequence ${seq}`;
}

export interface GrpcDescribeOptions {
  /** Characters of body text kept (default MAX_BODY_TEXT). */
  maxBodyText?: number;
}

function headersSection(title: string, h: HeaderField[]): ViewSection {
  return { title, rows: h.map((f) => ({ ...row(f.name, f.value, f.unknown ? 'this header field referenced an HPACK table entry from before the capture' : undefined), ...(f.name === 'authorization' ? { secret: true as const } : {}) })) };
}

/** What a row is called in lists and the details heading. */
export function grpcRowTitle(r: GrpcRow): string {
  const c = r.call;
  const m = c.method ? `${c.method.name}${c.inferred ? '?' : ''}` : c.path ? c.path : c.inferred ? c.inferred.join('|') + '?' : 'unknown method';
  const n = r.message && (r.dir === 0 ? c.requests.length : c.responses.length) > 1 ? ` #${r.message.seq + 1}` : '';
  if (r.dir === 0) return `${m} request${n} (stream ${c.streamId})`;
  const st = c.grpcStatus !== undefined ? grpcStatusName(c.grpcStatus) : c.reset ? `RST_STREAM ${c.reset.error}` : 'no status yet';
  return `${m} response${n} ${st} (stream ${c.streamId})`;
}

/** A Timestamp or Duration message as text. */
function wellKnown(typeName: string, v: protobuf.Message): FieldRow | null {
  const o = v as unknown as { seconds?: number | { toString(): string }; nanos?: number };
  const secs = Number(o.seconds ?? 0);
  const nanos = o.nanos ?? 0;
  if (typeName === 'google.protobuf.Timestamp') return { key: '', name: '', value: iso(secs * 1000 + Math.floor(nanos / 1e6)), note: `${String(o.seconds ?? 0)} s ${nanos} ns since the epoch` };
  if (typeName === 'google.protobuf.Duration') {
    const ms = secs * 1000 + nanos / 1e6;
    return { key: '', name: '', value: ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms` };
  }
  return null;
}

function scalarText(field: protobuf.Field, v: unknown): { value: string; note?: string } {
  if (field.resolvedType instanceof protobuf.Enum) {
    const name = field.resolvedType.valuesById[v as number];
    return { value: name ?? String(v), note: name ? `${v}` : 'not a value of this enum in the definitions' };
  }
  if (v instanceof Uint8Array) {
    const t = plainBody(v, 256);
    return { value: t.kind === 'text' || t.kind === 'json' ? (t.text ?? '') : `${v.length} bytes: ${Buffer.from(v.subarray(0, 64)).toString('hex')}${v.length > 64 ? '…' : ''}` };
  }
  return { value: String(v) };
}

interface Walk { maxText: number; out: FrameDescription; messages: number }

const has = (m: protobuf.Message, k: string): boolean => Object.prototype.hasOwnProperty.call(m, k);

/** A protobuf message as a section: scalar fields as rows, messages as child sections, RocketMQ messages specially. */
function messageSection(title: string, type: protobuf.Type, msg: protobuf.Message, w: Walk, depth = 0): ViewSection {
  const sec: ViewSection = { title, rows: [], children: [] };
  for (const field of type.fieldsArray) {
    if (!has(msg, field.name)) continue;
    const v = (msg as unknown as Record<string, unknown>)[field.name];
    const rt = field.resolvedType;
    if (field.map) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length) sec.children!.push({ title: `${field.name} (${entries.length})`, rows: entries.map(([k, x]) => row(k, String(x))) });
      continue;
    }
    const list = field.repeated ? (v as unknown[]) : [v];
    if (field.repeated && !list.length) continue;
    list.slice(0, 500).forEach((item, i) => {
      const key = field.repeated ? `${field.name}[${i}]` : field.name;
      if (rt instanceof protobuf.Type) {
        const full = rt.fullName.replace(/^\./, '');
        const wk = wellKnown(full, item as protobuf.Message);
        if (wk) { sec.rows!.push({ ...wk, key, name: key }); return; }
        if (full === 'apache.rocketmq.v2.Resource') {
          const r = item as unknown as { name?: string; resource_namespace?: string };
          sec.rows!.push(row(key, r.resource_namespace ? `${r.resource_namespace}%${r.name ?? ''}` : (r.name ?? ''), r.resource_namespace ? `namespace ${r.resource_namespace}` : undefined));
          return;
        }
        if (full === 'apache.rocketmq.v2.Message') { sec.children!.push(rocketmqMessageSection(key, rt, item as protobuf.Message, w)); return; }
        if (depth < 12) sec.children!.push(messageSection(key, rt, item as protobuf.Message, w, depth + 1));
        return;
      }
      const s = scalarText(field, item);
      const r = row(key, s.value, s.note);
      if ((field.name === 'message_id' || field.name === 'transaction_id') && typeof item === 'string') {
        const n = grpcMessageIdNote(item);
        if (n) r.note = n;
      }
      sec.rows!.push(r);
    });
    if (field.repeated && list.length > 500) sec.rows!.push(row(field.name, `${list.length} entries; the first 500 are shown`));
  }
  if (!sec.rows!.length) delete sec.rows;
  if (!sec.children!.length) delete sec.children;
  return sec;
}

/** The body of a RocketMQ 5 message: system_properties.body_encoding says whether it is compressed (GZIP, SNAPPY). */
function bodyView(body: Uint8Array, encoding: string | undefined, maxText: number): BodyView {
  if (!encoding || encoding === 'IDENTITY' || encoding === 'ENCODING_UNSPECIFIED') return plainBody(body, maxText);
  if (encoding === 'GZIP') {
    try {
      const inflated = gunzipSync(body, { maxOutputLength: 64 << 20 });
      const inner = plainBody(inflated, maxText);
      return {
        kind: 'compressed', length: body.length, compression: 'GZIP', inflatedLength: inflated.length, inflatedKind: inner.kind as BodyView['inflatedKind'],
        note: `GZIP: ${body.length} bytes → ${inflated.length} inflated (${inner.kind})`,
        ...(inner.text !== undefined ? { text: inner.text } : {}), ...(inner.textTruncated ? { textTruncated: true } : {}), ...(inner.hex !== undefined ? { hex: inner.hex } : {}),
      };
    } catch (e) {
      return { kind: 'compressed', length: body.length, compression: 'GZIP', note: `GZIP body that does not inflate: ${(e as Error).message}`, hex: hexDump(body, 1024) };
    }
  }
  return { kind: 'compressed', length: body.length, compression: encoding, note: `${encoding} body: not inflated by this decoder`, hex: hexDump(body, 1024) };
}

/** One apache.rocketmq.v2.Message: topic, system and user properties, body. The first one also fills the description's properties and body. */
function rocketmqMessageSection(title: string, type: protobuf.Type, msg: protobuf.Message, w: Walk): ViewSection {
  const m = msg as unknown as { topic?: { name?: string; resource_namespace?: string }; user_properties?: Record<string, string>; system_properties?: protobuf.Message; body?: Uint8Array };
  const sys = m.system_properties as unknown as { body_encoding?: number; tag?: string; keys?: string[]; message_id?: string } | undefined;
  const sysType = type.fields.system_properties?.resolvedType as protobuf.Type | undefined;
  const encName = sys?.body_encoding !== undefined && sysType
    ? ((sysType.fields.body_encoding.resolvedType as protobuf.Enum).valuesById[sys.body_encoding] ?? String(sys.body_encoding)) : undefined;
  const body = m.body ?? new Uint8Array(0);
  const view = bodyView(body, encName, w.maxText);
  const sec = messageSection(title, type, msg, w, 1);
  // the body row of the generic walk is replaced by the body viewer's
  sec.rows = (sec.rows ?? []).filter((r) => r.key !== 'body');
  const bodyText = view.text ?? view.hex ?? '';
  (sec.children ??= []).push({ title: `Body (${view.kind === 'compressed' ? `${view.compression}, ` : ''}${view.kind === 'compressed' ? view.inflatedKind ?? 'not inflated' : view.kind}, ${body.length} bytes)`, text: bodyText });
  w.messages++;
  if (w.messages === 1) {
    w.out.body = view;
    const props: FieldRow[] = [];
    if (sys?.message_id) props.push({ ...row('message_id', sys.message_id), ...(grpcMessageIdNote(sys.message_id) ? { note: grpcMessageIdNote(sys.message_id)! } : {}) });
    if (sys?.tag) props.push(row('tag', sys.tag));
    if (sys?.keys?.length) props.push(row('keys', sys.keys.join(' ')));
    for (const [k, v] of Object.entries(m.user_properties ?? {})) props.push(row(k, v, 'user property'));
    w.out.properties = props;
  }
  return sec;
}

function rawSection(title: string, fields: RawField[], depth = 0): ViewSection {
  const sec: ViewSection = { title, rows: [], children: [] };
  for (const f of fields) {
    if (f.nested && depth < 8) sec.children!.push(rawSection(`field ${f.field} (message?)`, f.nested, depth + 1));
    else sec.rows!.push(row(`field ${f.field}`, f.value, f.wireType));
  }
  if (!sec.rows!.length) delete sec.rows;
  if (!sec.children!.length) delete sec.children;
  return sec;
}

/** The RocketMQ status inside a response message (apache.rocketmq.v2.Status: code and message). */
export function rocketmqStatus(call: GrpcCall, m: GrpcMessage | null): { code: string; message: string } | null {
  const t = call.method?.responseType;
  if (!m?.payload || !t || !t.fields.status) return null;
  const r = decodeAs(t, m.payload);
  if (!r.ok) return null;
  const st = (r.message as unknown as { status?: { code?: number; message?: string } }).status;
  if (!st) return null;
  const codeEnum = (t.fields.status.resolvedType as protobuf.Type).fields.code.resolvedType as protobuf.Enum;
  return { code: codeEnum.valuesById[st.code ?? 0] ?? String(st.code ?? 0), message: st.message ?? '' };
}

/** The description of one gRPC row. Never throws: what does not decode becomes a note. */
export function describeGrpcRow(r: GrpcRow, opts: GrpcDescribeOptions = {}): FrameDescription {
  const c = r.call;
  const m = r.message;
  const out: FrameDescription = {
    title: grpcRowTitle(r), header: null, decodeError: null, extFields: [], properties: [], body: null, sections: [], notes: [], ranges: [],
    frameLength: m ? m.wireLength + 5 : 0, headerLength: m ? 5 : 0, trailingBytes: 0,
  };
  const w: Walk = { maxText: opts.maxBodyText ?? MAX_BODY_TEXT, out, messages: 0 };
  const callRows: FieldRow[] = [
    row('protocol', 'gRPC (HTTP/2)'),
    row('method', c.path ?? (c.inferred ? `${c.inferred.join(' or ')} (inferred)` : '(unknown: the request headers are not in the capture or not decodable)'),
      c.inferred ? 'not in the captured headers: inferred from the shape of the protobuf message (the method whose type explains every field)' : undefined),
    row('stream', String(c.streamId)),
    row('direction', r.dir === 0 ? 'request (client → server)' : 'response (server → client)'),
  ];
  if (c.authority) callRows.push(row(':authority', c.authority));
  if (m) {
    callRows.push(row('message', `${m.seq + 1} of ${r.dir === 0 ? c.requests.length : c.responses.length} in this direction`));
    callRows.push(row('length', String(m.wireLength), m.compressed ? `compressed (${m.encoding})${m.payload ? `, ${m.payload.length} bytes inflated` : ''}` : 'not compressed'));
  }
  if (r.dir === 1) {
    if (c.grpcStatus !== undefined) callRows.push(row('grpc-status', `${c.grpcStatus} ${grpcStatusName(c.grpcStatus)}`));
    if (c.grpcMessage) callRows.push(row('grpc-message', c.grpcMessage));
    if (r.latencyUs !== undefined) callRows.push(row('latency', `${(r.latencyUs / 1000).toFixed(3)} ms`, 'from the request\'s first frame to this response\'s'));
    const st = rocketmqStatus(c, m);
    if (st) callRows.push(row('status', st.code, st.message || undefined));
  }
  if (c.reset) callRows.push(row('RST_STREAM', c.reset.error, `sent by the ${c.reset.dir === 0 ? 'client' : 'server'}`));
  out.sections.push({ title: 'gRPC call', rows: callRows });
  if (c.requestHeaders.length) out.sections.push(headersSection('HTTP/2 request headers', c.requestHeaders));
  if (r.dir === 1 && c.responseHeaders.length) out.sections.push(headersSection('HTTP/2 response headers', c.responseHeaders));
  if (r.dir === 1 && c.trailers.length) out.sections.push(headersSection('HTTP/2 trailers', c.trailers));

  if (c.headersMissing) out.notes.push('The stream began before the capture: its method and request headers are not known.');
  if (c.hpackPartial) {
    out.notes.push(c.unknownHeaderRefs
      ? `HPACK state lost (the capture started mid-connection or lost header bytes): ${c.unknownHeaderRefs} header field(s) of this stream referenced table entries from before and are shown as unknown.`
      : 'HPACK state not exactly known (the capture started mid-connection or lost header bytes); this stream\'s header fields did not depend on it.');
  }
  for (const n of c.notes) out.notes.push(n);
  if (!m) {
    out.notes.push(r.dir === 0 ? 'No request message in the capture for this call.' : 'The response carried no message (headers/trailers or a reset only).');
    return out;
  }
  if (m.missing) out.notes.push(`${m.missing} bytes of this message were not captured (zero-filled): the protobuf decode may be wrong.`);
  if (m.error) out.notes.push(m.error);
  if (!m.payload) return out;
  const type = r.dir === 0 ? c.method?.requestType : c.method?.responseType;
  if (type) {
    const d = decodeAs(type, m.payload);
    if (d.ok) {
      out.sections.push(messageSection(type.fullName.replace(/^\./, ''), type, d.message, w));
      return out;
    }
    out.notes.push(d.error);
  } else if (c.path) {
    out.notes.push(`${c.path} is not in the apache.rocketmq.v2 definitions: the message is shown by field number.`);
  }
  const raw = decodeRawFields(m.payload);
  if (raw) out.sections.push(rawSection('Protobuf (no schema: field numbers and wire types)', raw));
  else out.body = plainBody(m.payload, w.maxText);
  return out;
}

/** One line for a connection the gRPC decoder looked at (connection lists, summaries). */
export function connectionLabel(c: GrpcConnection): string {
  switch (c.kind) {
    case 'h2c': return `HTTP/2 cleartext (h2c), ${c.calls.length} call(s)`;
    case 'h2c-midstream': return `HTTP/2 cleartext (h2c) joined mid-connection: HPACK state partly unknown, ${c.calls.length} call(s)`;
    case 'tls': {
      const parts = [c.tls?.serverName ? `SNI ${c.tls.serverName}` : 'no SNI', c.tls?.alpn.length ? `ALPN ${c.tls.alpn.join(',')}` : 'no ALPN'];
      return `TLS (${parts.join(', ')}): payload encrypted`;
    }
    case 'tls-midstream': return 'TLS (joined mid-connection: no ClientHello, SNI unknown): payload encrypted';
    default: return 'not HTTP/2';
  }
}

const SERVICE_PATH = '/apache.rocketmq.v2.MessagingService/';

/**
 * What the connection is, for the capture index's connection list (ConnSummary.detected): RocketMQ
 * gRPC when a call names a MessagingService method (or one was inferred from a message's shape after a
 * mid-connection start), gRPC or bare HTTP/2 otherwise; TLS with its SNI. Null when not HTTP/2 or TLS.
 */
export function connectionProtocol(c: GrpcConnection): DetectedProtocol | null {
  switch (c.kind) {
    case 'h2c':
    case 'h2c-midstream': {
      const rocketmq = c.calls.some((x) => x.path?.startsWith(SERVICE_PATH) || (x.inferred && x.method));
      const grpc = rocketmq || c.calls.some((x) => x.requestHeaders.some((h) => h.name === 'content-type' && h.value.startsWith('application/grpc')));
      const kind = `${rocketmq ? 'RocketMQ gRPC' : grpc ? 'gRPC' : 'HTTP/2'} (h2c${c.kind === 'h2c-midstream' ? ', joined mid-connection' : ''})`;
      return { protocol: grpc ? 'grpc' : 'http2', rocketmq, kind, label: `${kind}, ${c.calls.length} call(s)` };
    }
    case 'tls':
      return { protocol: 'tls', rocketmq: false, kind: `TLS (${c.tls?.serverName ? `SNI ${c.tls.serverName}` : 'no SNI'})`, label: connectionLabel(c) };
    case 'tls-midstream':
      return { protocol: 'tls', rocketmq: false, kind: 'TLS (SNI unknown)', label: connectionLabel(c) };
    default:
      return null;
  }
}
