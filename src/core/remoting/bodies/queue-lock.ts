import { Fields, parseBodyJson } from './body-json';
import { MessageQueueRef, compareQueues, messageQueueJson, parseMessageQueue } from './message-queue';

/**
 * LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42) have no header, only a JSON body (docs/protocol.md §5.7):
 *   request  {"clientId":"…","consumerGroup":"…","mqSet":[{MessageQueue}…],"onlyThisBroker":true}
 *   answer   {"lockOKMQSet":[{MessageQueue}…]}   (41 only: the queues now locked by clientId)
 * Orderly consumers lock their queues every 20 s; the broker lets a lock expire 60 s after its last renewal.
 */
export interface LockBatchRequest {
  consumerGroup: string;
  clientId: string;
  queues: MessageQueueRef[];
  /** Only this broker decides (no quorum with its replicas). */
  onlyThisBroker?: boolean;
}

export function encodeLockBatchBody(r: LockBatchRequest): Uint8Array {
  // Keys in alphabetical order, as fastjson writes Java's LockBatchRequestBody.
  return Buffer.from(JSON.stringify({
    clientId: r.clientId, consumerGroup: r.consumerGroup, mqSet: r.queues.map(messageQueueJson), onlyThisBroker: r.onlyThisBroker ?? true,
  }), 'utf8');
}

export function parseLockBatchResponse(body: Uint8Array | string | null): MessageQueueRef[] {
  const f = new Fields(parseBodyJson(body, 'LockBatchResponseBody'), 'LockBatchResponseBody');
  return f.arr('lockOKMQSet', []).map((q, i) => parseMessageQueue(q, `LockBatchResponseBody.lockOKMQSet[${i}]`)).sort(compareQueues);
}
