/**
 * The protocols whose frames the capture index can hold. The index stores a protocol id per frame
 * (its `proto` column); everything that names, filters or describes a frame asks this table first,
 * so a second protocol (RocketMQ 5's gRPC, to come) adds an entry here and its own decoder, and the
 * list, filters, pairing, summary and details carry its frames beside RemotingCommands.
 *
 * What the columns mean per protocol:
 *   remoting  code = request or response code, opaque = request id, flag = RemotingCommand flag
 *             (bit 0 response, bit 1 oneway), reqCode = the answered request's code, topic = header topic
 *   (a new protocol documents its mapping here: e.g. a stream id in `opaque`, a method in an
 *   interned name table, a status in `code` of its response rows)
 */

export const PROTOCOL_NAMES = ['remoting'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

/** Ids as stored in the index's `proto` column. */
export const ProtocolId = { remoting: 0 } as const satisfies Record<ProtocolName, number>;

/** The name of a `proto` column value ('remoting' for anything unknown: the column's default). */
export function protocolName(id: number): ProtocolName {
  return PROTOCOL_NAMES[id] ?? 'remoting';
}

/** The id of a protocol name, or undefined for a name no decoder produces. */
export function protocolId(name: string): number | undefined {
  const k = (PROTOCOL_NAMES as readonly string[]).indexOf(name.toLowerCase());
  return k >= 0 ? k : undefined;
}
