/**
 * Every typed header, by code: the one table the views look a header up in. A family's file
 * declares its headers (wire layout first); this file only gathers them.
 */
import type { HeaderSpec } from './header-spec';
import { SEND_REQUEST_HEADERS, SEND_RESPONSE_HEADERS } from './send-message';
import { TRANSACTION_REQUEST_HEADERS } from './transaction';
import { ROUTE_REQUEST_HEADERS } from './route';
import { CLIENT_REQUEST_HEADERS } from './client';
import { OFFSET_REQUEST_HEADERS, OFFSET_RESPONSE_HEADERS } from './offsets';
import { QUERY_REQUEST_HEADERS, QUERY_RESPONSE_HEADERS } from './query-message';
import { PULL_REQUEST_HEADERS, PULL_RESPONSE_HEADERS } from './pull-message';

export * from './header-spec';
export * from './send-message';
export * from './transaction';
export * from './route';
export * from './client';
export * from './offsets';
export * from './query-message';
export * from './pull-message';

function merge(...maps: ReadonlyMap<number, HeaderSpec>[]): ReadonlyMap<number, HeaderSpec> {
  const out = new Map<number, HeaderSpec>();
  for (const m of maps) {
    for (const [code, spec] of m) {
      if (out.has(code)) throw new Error(`two header declarations for code ${code}: ${out.get(code)!.javaClass} and ${spec.javaClass}`);
      out.set(code, spec);
    }
  }
  return out;
}

/** Request headers by request code. */
export const REQUEST_HEADERS = merge(SEND_REQUEST_HEADERS, TRANSACTION_REQUEST_HEADERS, ROUTE_REQUEST_HEADERS, CLIENT_REQUEST_HEADERS, OFFSET_REQUEST_HEADERS, QUERY_REQUEST_HEADERS, PULL_REQUEST_HEADERS);
/** Response headers by the code of the request they answer. */
export const RESPONSE_HEADERS = merge(SEND_RESPONSE_HEADERS, OFFSET_RESPONSE_HEADERS, QUERY_RESPONSE_HEADERS, PULL_RESPONSE_HEADERS);
