/**
 * NameServer route request (docs/protocol.md §4.1).
 *
 * GET_ROUTEINFO_BY_TOPIC (105), client → NameServer. GetRouteInfoRequestHeader:
 *
 *   key                      type     required  meaning
 *   topic                    string   yes       the topic (with its namespace prefix, if any)
 *   acceptStandardJsonOnly   bool                4.9.4+ NameServers then send the route as standard JSON
 *
 * The answer has no header; its body is TopicRouteData (bodies/route.ts), or the code
 * TOPIC_NOT_EXIST (17) for a topic the NameServer does not know.
 */
import { RequestCode } from '../codes';
import type { HeaderSpec } from './header-spec';

export const GET_ROUTE_INFO_HEADER: HeaderSpec = {
  javaClass: 'GetRouteInfoRequestHeader',
  fields: [
    { key: 'topic', type: 'string', required: true },
    { key: 'acceptStandardJsonOnly', type: 'bool' },
  ],
};

export const ROUTE_REQUEST_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([
  [RequestCode.GET_ROUTEINFO_BY_TOPIC, GET_ROUTE_INFO_HEADER],
]);
