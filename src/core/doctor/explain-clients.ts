/**
 * The doctor's words for transactional producers and consumer groups (explain.ts has the rest).
 * Broker facts behind them (4.9 and 5.x): a half message is checked back once it is older than
 * transactionTimeOut (6 s) — or its CHECK_IMMUNITY_TIME_IN_SECONDS property — every
 * transactionCheckInterval (60 s; 5.x: 30 s), at most transactionCheckMax (15) times, then discarded;
 * the broker sends CHECK_TRANSACTION_STATE to one connection of the producer group named by the half
 * message's PGROUP property, among the clients whose heartbeats register that group.
 */
import type { Explanation } from './explain';

export function explainUnfinishedTransaction(): Explanation {
  return {
    rule: 'transaction-unfinished',
    title: 'Half messages never committed or rolled back',
    cause: 'The broker stored these half (prepared) messages, but no END_TRANSACTION with COMMIT or ROLLBACK came for them: the local transaction did not finish, returned UNKNOW, threw, or the producer stopped before ending it. Consumers do not see a half message until it is committed; the broker checks back with the producer group after transactionTimeOut (6 s), every transactionCheckInterval, up to transactionCheckMax (15) times, and then discards it.',
    fix: 'Make executeLocalTransaction return COMMIT_MESSAGE or ROLLBACK_MESSAGE, and give the producer a checkLocalTransaction that can decide from your database; keep the producer (same group) running so check-backs reach it.',
  };
}

export function explainCheckUnanswered(): Explanation {
  return {
    rule: 'transaction-check-unanswered',
    title: 'Transaction check-backs not answered',
    cause: 'The broker asked the producer (CHECK_TRANSACTION_STATE) for the state of a half message and got no END_TRANSACTION back: the producer has no TransactionListener or TransactionCheckListener, its check threw, or its check executor is full. The broker asks again at the next check interval.',
    fix: 'Register a TransactionListener whose checkLocalTransaction returns COMMIT_MESSAGE or ROLLBACK_MESSAGE (not UNKNOW, not an exception), and look at the producer\'s log for check errors.',
  };
}

export function explainUnknownRepeated(): Explanation {
  return {
    rule: 'transaction-unknown-repeated',
    title: 'Transactions answered UNKNOW again and again',
    cause: 'The producer answers UNKNOW (commitOrRollback 0) to the check-backs of the same transaction: each answer leaves the half message pending, and the broker checks again at every transactionCheckInterval until transactionCheckMax (15) checks, then discards the message (it is never delivered).',
    fix: 'Let checkLocalTransaction look the transaction up (by the message\'s transactionId or a key you stored) and return COMMIT_MESSAGE or ROLLBACK_MESSAGE; return UNKNOW only while the local transaction is really still running.',
  };
}

export function explainGroupMismatch(): Explanation {
  return {
    rule: 'transaction-group-mismatch',
    title: 'Producer group of the transaction does not match',
    cause: 'The broker sends a check-back only to a client whose heartbeat registers the half message\'s producer group (its PGROUP property), and an END_TRANSACTION must name that same group. Here the group of the half message is not among the groups the producer\'s heartbeats register on that broker, or the END_TRANSACTION names another group: check-backs never reach the producer ("check-back never called").',
    fix: 'Send the transactional messages from a TransactionMQProducer whose producerGroup is the one the checking producer runs with (one group per transaction listener), keep it started, and do not share a group name between a transactional and a plain producer of another application.',
  };
}

export function explainSubscriptionMismatch(group: string): Explanation {
  return {
    rule: 'subscription-mismatch',
    title: `Consumer group ${group}: clients subscribe differently`,
    cause: `The clients of ${group} send different subscriptions in their heartbeats. The broker keeps one subscription table per group and replaces it with each heartbeat, and every client of a group is given a share of every subscribed topic's queues: messages that a client's own subscription does not match are skipped on its queues, so some messages are never consumed, and the table flips with every heartbeat.`,
    fix: 'Give every client of a consumer group the same subscriptions (same topics, same tag or SQL expressions); use another consumer group for a different subscription.',
  };
}

/** `why`: the broker said no message matched (filter), the offset is outside the queue, or neither. */
export function explainPullEmpty(why: 'filter' | 'offset' | 'other', subscription: string): Explanation {
  const title = 'Pulls return nothing while the queue holds messages';
  switch (why) {
    case 'filter':
      return {
        rule: 'pull-empty', title,
        cause: `The broker read the queue's messages for these pulls but none matched the consumer's subscription${subscription ? ` ("${subscription}")` : ''}: it answered PULL_RETRY_IMMEDIATELY (NO_MATCHED_MSG) and moved the offset on. The messages carry other tags (or the SQL expression rejects them).`,
        fix: 'Compare the subscription expression with the tags the producers set (tags are case-sensitive; "TagA || TagB" subscribes to both); for SQL92 filters enablePropertyFilter must be on in the broker.',
      };
    case 'offset':
      return {
        rule: 'pull-empty', title,
        cause: 'The consumer asks for an offset outside the queue (PULL_OFFSET_MOVED): the offset it stored is ahead of the queue\'s max offset (the broker lost data or the topic was recreated) or behind its min offset (old messages were deleted).',
        fix: 'Reset the consumer group\'s offset (mqadmin resetOffsetByTime -g <group> -t <topic> -s now, or -s -1 to start over) and check why the stored offset and the queue disagree.',
      };
    default:
      return {
        rule: 'pull-empty', title,
        cause: 'The broker answered the pulls with no message although the queue holds messages past the offset asked for: the messages may be still being dispatched, removed, or the broker is a slave that has not caught up.',
        fix: 'Look at the broker (dispatch behind, a slave answering with suggestWhichBrokerId), and compare the consumer offset with the queue\'s offsets (mqadmin consumerProgress).',
      };
  }
}
