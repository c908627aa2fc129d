package rmqtest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * Real Java push consumers (RocketMQ's own DefaultMQPushConsumer, clustering mode) for the consumer-group
 * tests. One JVM can host several consumers: each gets its own instance name, so each is a client of its
 * own to the brokers (its own client id, connections and rebalance), as separate processes would be. A
 * test that needs a client to vanish without unlocking its queues runs it in a JVM of its own and kills
 * that JVM.
 *
 *   java ... rmqtest.ConsumerHost &lt;namesrvAddr&gt;
 *
 * Commands, one per line, fields separated by TAB; one answer line each, "OK &lt;json&gt;" or "ERR &lt;text&gt;":
 *   start  id group topic expression mode behaviour maxReconsumeTimes
 *          mode: concurrent | orderly; behaviour: ok (consume) | fail (RECONSUME_LATER / SUSPEND, so
 *          messages go to the retry topic and, after maxReconsumeTimes, to the dead-letter topic).
 *          Starts from the first offset of a new group. Answers {"clientId": "..."}.
 *   received id       messages this consumer's listener got: {"count": n, "messages": [...]}
 *   clear    id       forgets the received messages
 *   stop     id       shutdown() (graceful: offsets persisted, queue locks released)
 * Exits at stdin EOF (consumers shut down).
 */
public final class ConsumerHost {
    private static final class Received {
        final String topic, brokerName, tags, msgId, keys;
        final int queueId, reconsumeTimes;
        final long queueOffset;
        final String thread;

        Received(MessageExt m) {
            topic = m.getTopic();
            brokerName = m.getBrokerName();
            tags = m.getTags();
            keys = m.getKeys();
            msgId = m.getMsgId();
            queueId = m.getQueueId();
            queueOffset = m.getQueueOffset();
            reconsumeTimes = m.getReconsumeTimes();
            thread = Thread.currentThread().getName();
        }

        String json() {
            return "{\"topic\":" + Json.q(topic) + ",\"brokerName\":" + Json.q(brokerName) + ",\"queueId\":" + queueId
                + ",\"queueOffset\":" + queueOffset + ",\"tags\":" + Json.q(tags) + ",\"keys\":" + Json.q(keys)
                + ",\"msgId\":" + Json.q(msgId) + ",\"reconsumeTimes\":" + reconsumeTimes + "}";
        }
    }

    private static final class Hosted {
        final DefaultMQPushConsumer consumer;
        final List<Received> received = new ArrayList<>();
        int count;

        Hosted(DefaultMQPushConsumer c) {
            consumer = c;
        }

        synchronized void add(List<MessageExt> msgs) {
            for (MessageExt m : msgs) {
                count++;
                received.add(new Received(m));
                if (received.size() > 5000) received.remove(0);
            }
        }
    }

    private static final Map<String, Hosted> consumers = new TreeMap<>();

    public static void main(String[] args) throws Exception {
        if (System.getProperty("rocketmq.remoting.version") == null) {
            System.setProperty("rocketmq.remoting.version", Integer.toString(MQVersion.CURRENT_VERSION));
        }
        String namesrv = args[0];
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        out.println("READY " + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        try {
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) continue;
                String[] f = line.split("\t", -1);
                try {
                    switch (f[0]) {
                        case "start":
                            out.println("OK " + start(namesrv, f[1], f[2], f[3], f[4], f[5], f[6], Integer.parseInt(f[7])));
                            break;
                        case "received": out.println("OK " + received(get(f[1]))); break;
                        case "clear": synchronized (get(f[1])) { get(f[1]).received.clear(); get(f[1]).count = 0; } out.println("OK {}"); break;
                        case "stop": {
                            Hosted h = consumers.remove(f[1]);
                            if (h != null) h.consumer.shutdown();
                            out.println("OK {}");
                            break;
                        }
                        default: out.println("ERR unknown command " + f[0]);
                    }
                } catch (Throwable t) {
                    out.println("ERR " + String.valueOf(t).replace('\n', ' ').replace('\r', ' '));
                }
            }
        } finally {
            for (Hosted h : consumers.values()) {
                try {
                    h.consumer.shutdown();
                } catch (Throwable ignored) {
                    // exiting anyway
                }
            }
            System.exit(0);
        }
    }

    private static Hosted get(String id) {
        Hosted h = consumers.get(id);
        if (h == null) throw new IllegalArgumentException("no consumer " + id);
        return h;
    }

    private static String start(String namesrv, String id, String group, String topic, String expression, String mode,
        String behaviour, int maxReconsumeTimes) throws Exception {
        if (consumers.containsKey(id)) throw new IllegalStateException("consumer " + id + " already started");
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
        c.setNamesrvAddr(namesrv);
        c.setInstanceName("rmqtest-" + id + "-" + ProcessHandle.current().pid());
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setMaxReconsumeTimes(maxReconsumeTimes);
        c.setConsumeThreadMin(2);
        c.setConsumeThreadMax(2);
        c.setClientCallbackExecutorThreads(2);
        // Offsets reach the broker within a second (default 5 s), so the tests need not wait long for them.
        c.setPersistConsumerOffsetInterval(1000);
        c.setVipChannelEnabled(false);
        c.subscribe(topic, expression);
        Hosted h = new Hosted(c);
        boolean fail = "fail".equals(behaviour);
        if ("orderly".equals(mode)) {
            c.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
                h.add(msgs);
                return fail ? ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT : ConsumeOrderlyStatus.SUCCESS;
            });
        } else if ("concurrent".equals(mode)) {
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                h.add(msgs);
                return fail ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
        } else {
            throw new IllegalArgumentException("mode must be concurrent or orderly, not " + mode);
        }
        c.start();
        consumers.put(id, h);
        // The started client instance's own id: what the broker lists and what GET_CONSUMER_RUNNING_INFO takes.
        return "{\"clientId\":" + Json.q(c.getDefaultMQPushConsumerImpl().getmQClientFactory().getClientId()) + "}";
    }

    private static String received(Hosted h) {
        synchronized (h) {
            StringBuilder b = new StringBuilder("{\"count\":").append(h.count).append(",\"messages\":[");
            for (int i = 0; i < h.received.size(); i++) {
                if (i > 0) b.append(',');
                b.append(h.received.get(i).json());
            }
            return b.append("]}").toString();
        }
    }

    private ConsumerHost() {
    }
}
