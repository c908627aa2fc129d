/**
 * Resetting a consumer group's offsets on a broker (docs/protocol.md §5.7).
 *
 * Wire layout: extFields of the RemotingCommand, all values as strings.
 *
 *   request (code)                        key        type    meaning
 *   INVOKE_BROKER_TO_RESET_OFFSET 222     topic      string
 *                                         group      string
 *                                         timestamp  long    ms; −1 = the queues' max offsets (latest)
 *                                         isForce    bool    true: also move offsets forward (4.9.7; 5.x resets always)
 *                                         queueId    int     5.x only, optional: one queue (−1 or absent = all)
 *                                         offset     long    5.x only, optional: that queue's new offset
 *   RESET_CONSUMER_CLIENT_OFFSET 220      topic, group, timestamp, isForce — broker → each online client, oneway,
 *                                         body ResetOffsetBody with the new offset per queue
 *
 * 4.9.7 works through the clients: it computes the offsets, sends them to every online client (which resets
 * its process queues and commits) and answers ResetOffsetBody; with no client online it answers 206
 * CONSUMER_NOT_ONLINE and changes nothing (mqadmin then writes each queue with UPDATE_CONSUMER_OFFSET).
 * With a queue the group has no offset for it answers 1 SYSTEM_ERROR "THe consumer group <g> not exist".
 * 5.3.3 (useServerSideResetOffset, on by default) writes the offsets itself, online clients or not, and the
 * clients learn of it on their next pull.
 */
import type { HeaderValues } from './consumer-group';

export interface ResetOffsetHeader {
  topic: string;
  group: string;
  /** ms since the epoch; −1 = latest. */
  timestamp: number;
  isForce: boolean;
  queueId?: number;
  offset?: number;
}

/** Java's field is `isForce` (a boolean named like its getter), and that is the wire key. */
export const encodeResetOffsetHeader = (h: ResetOffsetHeader): HeaderValues =>
  ({ topic: h.topic, group: h.group, timestamp: h.timestamp, isForce: h.isForce, queueId: h.queueId, offset: h.offset });
