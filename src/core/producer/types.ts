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

/** Selector by hash of `arg` (Java `SelectMessageQueueByHash`). */
export const selectByHash: MessageQueueSelector = (queues, _msg, arg) => {
  let h = 0;
  const s = String(arg);
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return queues[Math.abs(h % queues.length)];
};
