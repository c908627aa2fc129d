import { CodecError } from '../errors';
import { JsonValue, isJsonObject, parseLenientJson } from '../lenient-json';
import { Fields } from './body-json';

/**
 * MessageQueue (topic, brokerName, queueId): the key of most consumer-group bodies. fastjson writes a map
 * keyed by it with the key as an object, `{{"brokerName":"b","queueId":0,"topic":"t"}:{…}}`; the lenient
 * parser hands such a key over as its canonical JSON text, which `parseMessageQueueKey` reads back.
 */
export interface MessageQueueRef {
  topic: string;
  brokerName: string;
  queueId: number;
}

export function parseMessageQueue(v: JsonValue, path: string): MessageQueueRef {
  if (!isJsonObject(v)) throw new CodecError('invalid-body', `${path}: expected a MessageQueue object`, 0);
  const f = new Fields(v, path);
  return { topic: f.str('topic'), brokerName: f.str('brokerName'), queueId: f.int('queueId') };
}

/** A map key that was a MessageQueue object. */
export function parseMessageQueueKey(key: string, path: string): MessageQueueRef {
  let v: JsonValue;
  try {
    v = parseLenientJson(key);
  } catch {
    throw new CodecError('invalid-body', `${path}: key ${JSON.stringify(key.slice(0, 80))} is not a MessageQueue`, 0);
  }
  return parseMessageQueue(v, `${path}[${key.slice(0, 80)}]`);
}

/** `topic@brokerName@queueId`: one string per queue, for maps and sets (the form mqadmin prints). */
export function queueKey(q: MessageQueueRef): string {
  return `${q.topic}@${q.brokerName}@${q.queueId}`;
}

/** Orders queues by topic, broker name, queue id. */
export function compareQueues(a: MessageQueueRef, b: MessageQueueRef): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : a.queueId - b.queueId;
}

/** The JSON object Java's MessageQueue serializes to (keys in fastjson's alphabetical order). */
export function messageQueueJson(q: MessageQueueRef): { brokerName: string; queueId: number; topic: string } {
  return { brokerName: q.brokerName, queueId: q.queueId, topic: q.topic };
}
