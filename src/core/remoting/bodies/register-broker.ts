import * as zlib from 'node:zlib';
import { CodecError } from '../errors';
import { isJsonObject, JsonObject, JsonValue, parseLenientJson } from '../lenient-json';
import { Fields, parseBodyJson } from './body-json';

/**
 * RegisterBrokerBody, the body of REGISTER_BROKER (103), in both forms a broker sends:
 *
 * - JSON (`compressed` header false/absent): `{"topicConfigSerializeWrapper":{"dataVersion":{…},
 *   "topicConfigTable":{name:{…TopicConfig…}}}, "filterServerList":[…]}` (5.x adds the static-topic
 *   `topicQueueMappingInfoMap` to the wrapper).
 * - compressed (`compressed: true`, broker setting `compressedRegister=true`; RegisterBrokerBody
 *   .encode(true) in rocketmq-common 4.9.x, rocketmq-remoting 5.x): a zlib stream (Deflater,
 *   BEST_COMPRESSION) of big-endian int32 lengths and their bytes:
 *
 *   int len, DataVersion JSON | int topicCount | topicCount × (int len, TopicConfig.encode() text) |
 *   int len, filterServerList JSON | 5.x only: int mappingCount, mappingCount × (int len, TopicQueueMappingInfo JSON)
 *
 *   TopicConfig.encode() = `topicName readQueueNums writeQueueNums perm topicFilterType` separated by
 *   single spaces; 5.x appends ` <attributes JSON>`.
 *
 * Every length is checked against the inflated bytes, which are themselves capped.
 */
export interface RegisteredTopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  /** SINGLE_TAG or MULTI_TAG. */
  topicFilterType: string;
  /** JSON form only (the compressed form does not carry it). */
  topicSysFlag?: number;
  /** JSON form only. */
  order?: boolean;
  /** 5.x topic attributes, e.g. `{"+message.type":"NORMAL"}`. */
  attributes?: Record<string, string>;
}

export interface RegisterBrokerBody {
  format: 'json' | 'compressed';
  /** DataVersion as sent (counter, timestamp; 5.x also stateVersion), or null when absent. */
  dataVersion: JsonObject | null;
  topicConfigs: RegisteredTopicConfig[];
  filterServerList: string[];
  /** 5.x static topics: TopicQueueMappingInfo objects (compressed form) or the map's values (JSON form). */
  topicQueueMappings: JsonValue[];
  /** Size of the inflated bytes (compressed form). */
  inflatedLength?: number;
}

/** Inflated REGISTER_BROKER bodies larger than this are refused (a 4.x broker with 10 000 topics sends ~1 MB). */
export const MAX_REGISTER_BODY_INFLATED = 64 * 1024 * 1024;

export function parseRegisterBrokerBody(body: Uint8Array, compressed: boolean, maxInflated = MAX_REGISTER_BODY_INFLATED): RegisterBrokerBody {
  return compressed ? parseCompressed(body, maxInflated) : parseJson(body);
}

function parseJson(body: Uint8Array): RegisterBrokerBody {
  const f = new Fields(parseBodyJson(body, 'RegisterBrokerBody'), 'RegisterBrokerBody');
  const wrapper = f.child(f.obj('topicConfigSerializeWrapper', {}), 'topicConfigSerializeWrapper');
  const table = wrapper.obj('topicConfigTable', {});
  const topicConfigs = Object.entries(table).map(([name, v]) => {
    const t = wrapper.child(v, `topicConfigTable.${name}`);
    const tc: RegisteredTopicConfig = {
      topicName: t.optStr('topicName') ?? name,
      readQueueNums: t.int('readQueueNums', 0),
      writeQueueNums: t.int('writeQueueNums', 0),
      perm: t.int('perm', 0),
      topicFilterType: t.optStr('topicFilterType') ?? 'SINGLE_TAG',
    };
    const sys = t.int('topicSysFlag', -1);
    if (sys !== -1) tc.topicSysFlag = sys;
    const order = t.optBool('order');
    if (order !== undefined) tc.order = order;
    const attrs = t.obj('attributes', {});
    if (Object.keys(attrs).length) tc.attributes = stringMap(attrs);
    return tc;
  });
  const dv = wrapper.obj('dataVersion', {});
  return {
    format: 'json',
    dataVersion: Object.keys(dv).length ? dv : null,
    topicConfigs,
    filterServerList: strings(f.arr('filterServerList', [])),
    topicQueueMappings: Object.values(wrapper.obj('topicQueueMappingInfoMap', {})),
  };
}

function stringMap(o: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) out[k] = typeof v === 'string' ? v : JSON.stringify(typeof v === 'bigint' ? v.toString() : v);
  return out;
}

function strings(a: JsonValue[]): string[] {
  return a.filter((x): x is string => typeof x === 'string');
}

class Reader {
  pos = 0;
  private readonly dv: DataView;
  constructor(readonly b: Uint8Array) { this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength); }
  get left(): number { return this.b.length - this.pos; }
  int(what: string): number {
    if (this.left < 4) throw new CodecError('truncated', `compressed RegisterBrokerBody: ${what} needs 4 bytes, ${this.left} left in the inflated body`, this.pos);
    const v = this.dv.getInt32(this.pos);
    this.pos += 4;
    return v;
  }
  /** int32 length, then that many bytes as UTF-8. */
  text(what: string): string {
    const at = this.pos;
    const n = this.int(`${what} length`);
    if (n < 0 || n > this.left) throw new CodecError('invalid-body', `compressed RegisterBrokerBody: ${what} length ${n} with ${this.left} bytes left`, at);
    const s = Buffer.from(this.b.buffer, this.b.byteOffset + this.pos, n).toString('utf8');
    this.pos += n;
    return s;
  }
  /** A count of items that take at least 4 bytes each. */
  count(what: string): number {
    const at = this.pos;
    const n = this.int(what);
    if (n < 0 || n > this.left / 4) throw new CodecError('invalid-body', `compressed RegisterBrokerBody: ${what} ${n} cannot fit the ${this.left} bytes left`, at);
    return n;
  }
  json(what: string): JsonValue {
    const at = this.pos + 4;
    const t = this.text(what);
    try {
      return parseLenientJson(t);
    } catch (e) {
      throw new CodecError('invalid-body', `compressed RegisterBrokerBody: ${what} is not JSON: ${(e as Error).message}`, at);
    }
  }
}

function inflate(body: Uint8Array, max: number): Uint8Array {
  try {
    const b = zlib.inflateSync(body, { maxOutputLength: max });
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const tooBig = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new CodecError('invalid-body', `compressed RegisterBrokerBody: zlib inflate failed: ${tooBig ? `output exceeds the ${max}-byte limit` : (e as Error).message}`, 0);
  }
}

function parseCompressed(body: Uint8Array, max: number): RegisterBrokerBody {
  const r = new Reader(inflate(body, max));
  const dv = r.json('dataVersion');
  const topicConfigs: RegisteredTopicConfig[] = [];
  for (let i = 0, n = r.count('topic config count'); i < n; i++) {
    const at = r.pos;
    topicConfigs.push(decodeTopicConfig(r.text(`topic config ${i}`), at));
  }
  const fsl = r.json('filterServerList');
  // 5.x brokers append the static-topic mappings; 4.x bodies end here.
  const topicQueueMappings: JsonValue[] = [];
  if (r.left > 0) for (let i = 0, n = r.count('topic queue mapping count'); i < n; i++) topicQueueMappings.push(r.json(`topic queue mapping ${i}`));
  if (r.left > 0) throw new CodecError('invalid-body', `compressed RegisterBrokerBody: ${r.left} bytes after the last field`, r.pos);
  return {
    format: 'compressed',
    dataVersion: isJsonObject(dv) ? dv : null,
    topicConfigs,
    filterServerList: Array.isArray(fsl) ? strings(fsl) : [],
    topicQueueMappings,
    inflatedLength: r.b.length,
  };
}

const INT = /^-?\d{1,10}$/;

/** TopicConfig.decode: `name read write perm filterType[ attributesJson]` (Java needs ≥ 5 fields; 4.x exactly 5). */
function decodeTopicConfig(s: string, at: number): RegisteredTopicConfig {
  const parts = s.split(' ');
  const bad = (why: string): never => { throw new CodecError('invalid-body', `compressed RegisterBrokerBody: topic config ${JSON.stringify(s.slice(0, 200))}: ${why}`, at); };
  if (parts.length < 5) bad(`${parts.length} space-separated fields, at least 5 expected`);
  const [topicName, read, write, perm, topicFilterType] = parts;
  for (const [k, v] of [['readQueueNums', read], ['writeQueueNums', write], ['perm', perm]] as const) if (!INT.test(v)) bad(`${k} ${JSON.stringify(v)} is not an integer`);
  const tc: RegisteredTopicConfig = { topicName, readQueueNums: Number(read), writeQueueNums: Number(write), perm: Number(perm), topicFilterType };
  if (parts.length > 5) {
    // attributes JSON (fastjson writes no spaces, but a value may hold some)
    let attrs: JsonValue;
    try { attrs = parseLenientJson(parts.slice(5).join(' ')); } catch (e) { return bad(`attributes are not JSON: ${(e as Error).message}`); }
    if (isJsonObject(attrs)) { if (Object.keys(attrs).length) tc.attributes = stringMap(attrs); } else if (attrs !== null) bad('attributes are not a JSON object');
  }
  return tc;
}
