import { Fields, parseBodyJson } from './body-json';
import { MessageQueueRef, compareQueues, parseMessageQueueKey } from './message-queue';

/**
 * ResetOffsetBody: `{"offsetTable":{{MessageQueue}:123}}`, the answer body of INVOKE_BROKER_TO_RESET_OFFSET
 * (222) and the body of the RESET_CONSUMER_CLIENT_OFFSET (220) the broker sends each client (docs/protocol.md §5.7).
 */
export function parseResetOffsetBody(body: Uint8Array | string | null): { mq: MessageQueueRef; offset: number }[] {
  const f = new Fields(parseBodyJson(body, 'ResetOffsetBody'), 'ResetOffsetBody');
  const table = f.obj('offsetTable', {});
  const out = Object.keys(table).map((k) => {
    const mq = parseMessageQueueKey(k, 'ResetOffsetBody.offsetTable');
    return { mq, offset: new Fields(table, 'ResetOffsetBody.offsetTable').int(k) };
  });
  return out.sort((a, b) => compareQueues(a.mq, b.mq));
}
