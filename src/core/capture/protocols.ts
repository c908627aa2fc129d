/**
 * The protocols whose frames the capture index can hold. The index stores a protocol id per frame
 * (its `proto` column); everything that names, filters or describes a frame asks this table first,
 * so a second protocol (RocketMQ 5's gRPC, to come) adds an entry here and its own decoder, and the
 * list, filters, pairing, summary and details carry its frames beside RemotingCommands.
 *
 * What the columns mean per protocol:
 *   remoting  code = request or response code, opaque = request id, flag = RemotingCommand flag
 *             (bit 0 response, bit 1 oneway), reqCode = the answered request's code, topic = header topic
 *   grpc      one row per gRPC message (or per request/response that carried none), rows appended by
 *             src/core/grpc when a call ends. opaque = HTTP/2 stream id, flag bit 0 = response,
 *             code = method id on requests (src/core/grpc/index-rows.ts's method table), on responses
 *             the status: the gRPC status (0–16) when it is not OK, else the RocketMQ v2 Code of the
 *             response's Status (20000 OK, 40402 TOPIC_NOT_FOUND, …), or 0 when there is none;
 *             reqCode = the method id on responses; topic = the message's topic. The bytes of a row
 *             are not a contiguous stretch of the TCP stream (HTTP/2 interleaves frames), so its
 *             details come from the decoder that appended it (`attached`), not from a re-read.
 */
import type { FrameDescription } from '../frame/frame-description';

export const PROTOCOL_NAMES = ['remoting', 'grpc'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

/** Ids as stored in the index's `proto` column. */
export const ProtocolId = { remoting: 0, grpc: 1 } as const satisfies Record<ProtocolName, number>;

/**
 * What a protocol other than remoting tells the views about its rows: names for the code columns and
 * whether a row is an error. Registered by the protocol's decoder module (registerProtocolRows).
 */
export interface ProtocolRows {
  /** The list's name column (a method, for gRPC). */
  codeName(code: number, isResponse: boolean, reqCode: number): string;
  /** A response's status text. */
  statusName(code: number, reqCode: number): string;
  /** A response status that is an error answer to the request `reqCode` names. */
  isError(code: number, isResponse: boolean, reqCode: number): boolean;
  /** What the Text filter's content search looks in (ids, keys, properties, bodies as text). */
  text?(index: import('./capture-index').CaptureIndex, frame: number): string;
  /**
   * The request codes one part of a Code filter (`code=…`, the inspector's Code field) names among this
   * protocol's rows — for gRPC the method ids of a short name (`SendMessage`), a full path
   * (`/apache.rocketmq.v2.MessagingService/SendMessage`) or a part of a short name; empty when the
   * part names nothing here. Requests with one of them and the responses to them match.
   */
  codesNamed?(part: string): number[];
}

const ROWS = new Map<number, ProtocolRows>();

export function registerProtocolRows(id: number, rows: ProtocolRows): void {
  ROWS.set(id, rows);
}

/** Every registered protocol other than remoting, with its naming. */
export function registeredProtocolRows(): [number, ProtocolRows][] {
  return [...ROWS];
}

/** The naming of a protocol's rows (undefined for remoting, whose code tables name them). */
export function protocolRows(id: number): ProtocolRows | undefined {
  return ROWS.get(id);
}

/** A frame's description kept by the decoder that appended it (rows that cannot be re-read from the file). */
export type AttachedDescriber = (frame: number) => FrameDescription | null;

/** The name of a `proto` column value ('remoting' for anything unknown: the column's default). */
export function protocolName(id: number): ProtocolName {
  return PROTOCOL_NAMES[id] ?? 'remoting';
}

/** The id of a protocol name, or undefined for a name no decoder produces. */
export function protocolId(name: string): number | undefined {
  const k = (PROTOCOL_NAMES as readonly string[]).indexOf(name.toLowerCase());
  return k >= 0 ? k : undefined;
}
