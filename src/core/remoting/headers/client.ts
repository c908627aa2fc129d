/**
 * Client registration headers (docs/protocol.md §5.4).
 *
 * HEART_BEAT (34) has no header (its body is HeartbeatData JSON). UNREGISTER_CLIENT (35),
 * client → every broker it knows, when it shuts down. UnregisterClientRequestHeader:
 *
 *   key             type     required  meaning
 *   clientID        string   yes       ip@instance (the heartbeat's clientID)
 *   producerGroup   string             the group being unregistered (one of the two group keys)
 *   consumerGroup   string
 */
import { RequestCode } from '../codes';
import type { HeaderSpec } from './header-spec';

export const UNREGISTER_CLIENT_HEADER: HeaderSpec = {
  javaClass: 'UnregisterClientRequestHeader',
  fields: [
    { key: 'clientID', type: 'string', required: true },
    { key: 'producerGroup', type: 'string' },
    { key: 'consumerGroup', type: 'string' },
  ],
};

export const CLIENT_REQUEST_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([
  [RequestCode.UNREGISTER_CLIENT, UNREGISTER_CLIENT_HEADER],
]);
