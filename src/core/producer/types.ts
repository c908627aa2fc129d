import { javaStringHash } from '../remoting/java-hashmap-order';
import type { RemotingCommand } from '../remoting';
import type { MessageExt, Message } from '../message';
import type { MessageQueue } from './route';

export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

export interface SendResult {
  sendStatus: SendStatus;
  /** Client id (UNIQ_KEY); for a batch the inner messages' UNIQ_KEYs joined with ','. */
  msgId: string;
  /** Offset message id from the broker (batches: comma-separated). */
  offsetMsgId: string;
  messageQueue: MessageQueue;
  queueOffset: number;
  transactionId?: string;
  regionId: string;
  traceOn: boolean;
  /** Broker address the message went to. */
  brokerAddr: string;
  /** How many attempts this send took (1 = first try). */
  attempts: number;
  /** The request and response of the successful attempt (for "see the wire"). */
  request: RemotingCommand;
  response: RemotingCommand;
}

export type LocalTransactionState = 'COMMIT_MESSAGE' | 'ROLLBACK_MESSAGE' | 'UNKNOW';

export interface TransactionListener {
  executeLocalTransaction(msg: Message, arg: unknown): LocalTransactionState | Promise<LocalTransactionState>;
  checkLocalTransaction(msg: MessageExt): LocalTransactionState | Promise<LocalTransactionState>;
}

export interface TransactionSendResult extends SendResult {
  localTransactionState: LocalTransactionState;
}

export type MessageQueueSelector = (queues: readonly MessageQueue[], msg: Message, arg: unknown) => MessageQueue;

/**
 * Selector by hash of `arg` (Java `SelectMessageQueueByHash`: |arg.hashCode() % n|, with Java's
 * String.hashCode). The route dry-run predicts with the same function (dry-run.ts `shardingIndex`).
 */
export const selectByHash: MessageQueueSelector = (queues, _msg, arg) => queues[Math.abs(javaStringHash(String(arg)) % queues.length)];
