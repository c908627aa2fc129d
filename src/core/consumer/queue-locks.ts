/**
 * Who holds an orderly group's queue locks (docs/protocol.md §5.7). Orderly consumers lock each queue they
 * consume on its broker (LOCK_BATCH_MQ, renewed every 20 s); the broker lets a lock go 60 s after its last
 * renewal (rocketmq.broker.rebalance.lockMaxLiveTime). A client that is killed does not unlock: until its
 * locks expire, the client the rebalance gives those queues to cannot lock them and does not consume them.
 *
 * No request reads a lock's holder. So the probe asks the broker to lock the queues no online client holds
 * under a client id of its own: the broker grants free (or expired) queues and refuses queues someone else
 * holds. It releases what it was granted at once (UNLOCK_BATCH_MQ, same id). A refused queue is locked by
 * a client that holds no such queue in its running info: a client that is gone (or one that was rebalanced
 * away and has not unlocked yet, which Java clients do within 20 s).
 *
 * The probe's side effect: a free queue is locked by the probe for one round trip. A client that tries to
 * lock that queue in that moment fails and retries at its next rebalance (within 20 s).
 */
import { MessageQueueRef, compareQueues } from '../remoting/bodies/message-queue';
import { MQClient } from '../producer/client';
import { BrokerTarget, lockBatch, unlockBatch } from './group-admin';

export interface LockProbeResult {
  /** The probe's client id (in the brokers' logs). */
  probeClientId: string;
  /** Locked by some client the probe could not displace: not online (or still releasing). */
  lockedByOther: MessageQueueRef[];
  /** Nobody held them: the probe got them and released them. */
  free: MessageQueueRef[];
  /** Brokers the probe could not ask (the queues there stay unknown). */
  failures: { brokerName: string; addr: string; error: unknown }[];
  /** Free queues the probe got but could not release (they expire within 60 s). */
  unlockFailures: { brokerName: string; addr: string; error: unknown }[];
}

let probeSeq = 0;

export async function probeQueueLocks(client: MQClient, group: string, queues: MessageQueueRef[], masters: BrokerTarget[]): Promise<LockProbeResult> {
  const probeClientId = `rocketmq-debugger-lock-probe@${process.pid}-${Date.now()}-${++probeSeq}`;
  const res: LockProbeResult = { probeClientId, lockedByOther: [], free: [], failures: [], unlockFailures: [] };
  const byBroker = new Map<string, MessageQueueRef[]>();
  for (const q of queues) byBroker.set(q.brokerName, [...(byBroker.get(q.brokerName) ?? []), q]);
  await Promise.all([...byBroker].map(async ([brokerName, qs]) => {
    const b = masters.find((m) => m.brokerName === brokerName);
    if (!b) return;
    let granted: MessageQueueRef[];
    try {
      granted = await lockBatch(client, b, { consumerGroup: group, clientId: probeClientId, queues: qs, onlyThisBroker: true });
    } catch (error) {
      res.failures.push({ ...b, error });
      return;
    }
    const got = new Set(granted.map((q) => `${q.topic}@${q.queueId}`));
    for (const q of qs) (got.has(`${q.topic}@${q.queueId}`) ? res.free : res.lockedByOther).push(q);
    if (granted.length) {
      try {
        await unlockBatch(client, b, { consumerGroup: group, clientId: probeClientId, queues: granted, onlyThisBroker: true });
      } catch (error) {
        res.unlockFailures.push({ ...b, error });
      }
    }
  }));
  res.lockedByOther.sort(compareQueues);
  res.free.sort(compareQueues);
  return res;
}
