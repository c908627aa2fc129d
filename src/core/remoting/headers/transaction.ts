/**
 * Transaction headers (docs/protocol.md §5.5).
 *
 * END_TRANSACTION (37), client → master of the storing broker, oneway. EndTransactionRequestHeader:
 *
 *   key                    type     required  meaning
 *   topic                  string             the half message's topic (5.x)
 *   producerGroup          string   yes       must equal the half message's PGROUP property
 *   tranStateTableOffset   long     yes       the send response's queueOffset
 *   commitLogOffset        long     yes       commit-log offset inside the send response's offsetMsgId
 *   commitOrRollback       int      yes       8 commit, 12 rollback, 0 unknown (wait for a check)
 *   fromTransactionCheck   bool               false after the send, true when answering a check
 *   msgId                  string   yes       the UNIQ_KEY
 *   transactionId          string             the send response's transactionId
 *   bname                  string             broker name, when the client announces >= 413
 *
 * CHECK_TRANSACTION_STATE (39), broker → producer on the producer's own connection, oneway, body =
 * the half message as one stored record. CheckTransactionStateRequestHeader:
 *
 *   topic, tranStateTableOffset (long, required), commitLogOffset (long, required), msgId,
 *   transactionId, offsetMsgId, bname
 */
import { RequestCode } from '../codes';
import type { HeaderSpec } from './header-spec';

export const END_TRANSACTION_HEADER: HeaderSpec = {
  javaClass: 'EndTransactionRequestHeader',
  fields: [
    { key: 'topic', type: 'string' },
    { key: 'producerGroup', type: 'string', required: true },
    { key: 'tranStateTableOffset', type: 'long', required: true },
    { key: 'commitLogOffset', type: 'long', required: true },
    { key: 'commitOrRollback', type: 'int', required: true },
    { key: 'fromTransactionCheck', type: 'bool' },
    { key: 'msgId', type: 'string', required: true },
    { key: 'transactionId', type: 'string' },
    { key: 'bname', type: 'string', name: 'brokerName' },
  ],
};

export const CHECK_TRANSACTION_STATE_HEADER: HeaderSpec = {
  javaClass: 'CheckTransactionStateRequestHeader',
  fields: [
    { key: 'topic', type: 'string' },
    { key: 'tranStateTableOffset', type: 'long', required: true },
    { key: 'commitLogOffset', type: 'long', required: true },
    { key: 'msgId', type: 'string' },
    { key: 'transactionId', type: 'string' },
    { key: 'offsetMsgId', type: 'string' },
    { key: 'bname', type: 'string', name: 'brokerName' },
  ],
};

export const TRANSACTION_REQUEST_HEADERS: ReadonlyMap<number, HeaderSpec> = new Map([
  [RequestCode.END_TRANSACTION, END_TRANSACTION_HEADER],
  [RequestCode.CHECK_TRANSACTION_STATE, CHECK_TRANSACTION_STATE_HEADER],
]);
