/**
 * What counts as an error in a capture: ONE definition, used by the CLI (`capture FILE --filter error`,
 * the summary's "errors" and "Error responses"), the inspector ("Errors only", the expert summary's
 * error items) and `computeStats`.
 *
 * **Error response**: a response whose code is not SUCCESS (0), except the codes that are the normal
 * answer to the request they answer (the Java client handles them as a status, not as a failure):
 *
 * | Response code | Not an error when it answers | Why |
 * |---|---|---|
 * | PULL_NOT_FOUND 19, PULL_RETRY_IMMEDIATELY 20, PULL_OFFSET_MOVED 21 | PULL_MESSAGE, LITE_PULL_MESSAGE, POP_MESSAGE, PEEK_MESSAGE — or a request not in the capture (only the pull processors send these codes) | PullStatus NO_NEW_MSG / NO_MATCHED_MSG / OFFSET_ILLEGAL: the consumer polls again or corrects its offset; a long-polling consumer produces them all the time |
 * | QUERY_NOT_FOUND 22 | QUERY_MESSAGE, QUERY_CONSUMER_OFFSET, GET_KV_CONFIG | "nothing stored under that key": no message for the key, no offset yet for a new consumer group, no such config item |
 * | NO_MESSAGE 208, POLLING_TIMEOUT 210 | POP_MESSAGE, PEEK_MESSAGE, NOTIFICATION, POLLING_INFO | a long poll that ended without messages |
 *
 * Every other non-zero code is an error, in particular FLUSH_DISK_TIMEOUT 10, SLAVE_NOT_AVAILABLE 11
 * and FLUSH_SLAVE_TIMEOUT 12: answers to sends that Java turns into a non-OK SendStatus (the
 * message is on the master, but the durability the broker was configured for was not reached — the
 * producer's caller sees the difference), POLLING_FULL 209 (the broker refused a poll: back
 * pressure, like SYSTEM_BUSY), and 209–211 to the ACL admin requests (4.x ACL failures). With the
 * request not in the capture (orphan response) only 19–21 are known to be normal.
 *
 * **Error frame** (the filter's `error` / the inspector's "Errors only"): an error response, the
 * request that it answers (so the list shows the whole failed exchange), and a frame the capture
 * damaged so that it cannot be decoded in full: undecodable header, truncated, TCP gap, oversize.
 * Stats count error *responses* only (one per failed exchange).
 */
import { RequestCode as Req, ResponseCode as Resp } from '../remoting/codes';
import { protocolRows } from './protocols';
import { CaptureIndex } from './capture-index';
import { FrameWarn } from './types';

/** Frame warnings that make a frame an error frame: its bytes could not be decoded in full. */
export const ERROR_WARNINGS = FrameWarn.UndecodableHeader | FrameWarn.Truncated | FrameWarn.Gap | FrameWarn.Oversize;

const PULLS: ReadonlySet<number> = new Set([Req.PULL_MESSAGE, Req.LITE_PULL_MESSAGE, Req.POP_MESSAGE, Req.PEEK_MESSAGE]);
const LOOKUPS: ReadonlySet<number> = new Set([Req.QUERY_MESSAGE, Req.QUERY_CONSUMER_OFFSET, Req.GET_KV_CONFIG]);
const POLLS: ReadonlySet<number> = new Set([Req.POP_MESSAGE, Req.PEEK_MESSAGE, Req.NOTIFICATION, Req.POLLING_INFO]);

/**
 * Whether response code `code` is an error answer to a request with code `requestCode`
 * (null, undefined or negative: the request is not in the capture). See the table above.
 */
export function isErrorResponseCode(code: number, requestCode?: number | null): boolean {
  if (code === Resp.SUCCESS) return false;
  const known = requestCode !== undefined && requestCode !== null && requestCode >= 0;
  switch (code) {
    case Resp.PULL_NOT_FOUND: case Resp.PULL_RETRY_IMMEDIATELY: case Resp.PULL_OFFSET_MOVED:
      return known && !PULLS.has(requestCode);
    case Resp.QUERY_NOT_FOUND:
      return !(known && LOOKUPS.has(requestCode));
    case Resp.NO_MESSAGE: case Resp.POLLING_TIMEOUT:
      return !(known && POLLS.has(requestCode));
    default:
      return true;
  }
}

/** Frame `i` is a response and an error response (request code from the index's pairing). */
export function isErrorResponse(ix: CaptureIndex, i: number): boolean {
  const c = ix.cols;
  const other = protocolRows(c.proto[i]);
  if (other) return (c.flag[i] & 1) !== 0 && other.isError(c.code[i], true, c.reqCode[i]);
  return (c.flag[i] & 1) !== 0 && isErrorResponseCode(c.code[i], c.reqCode[i]);
}

/** Frame `i` is an error frame: an error response, the request it answers, or a damaged frame. */
export function isErrorFrame(ix: CaptureIndex, i: number): boolean {
  const c = ix.cols;
  if (c.warn[i] & ERROR_WARNINGS) return true;
  const other = protocolRows(c.proto[i]);
  if (other) {
    if (c.flag[i] & 1) return other.isError(c.code[i], true, c.reqCode[i]);
    const q = c.pair[i];
    return q >= 0 && (c.flag[q] & 1) !== 0 && other.isError(c.code[q], true, c.reqCode[q]);
  }
  if (c.flag[i] & 1) return isErrorResponseCode(c.code[i], c.reqCode[i]);
  const p = c.pair[i];
  return p >= 0 && (c.flag[p] & 1) !== 0 && isErrorResponseCode(c.code[p], c.code[i]);
}
