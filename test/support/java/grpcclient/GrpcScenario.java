package grpcclient;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.apis.ClientConfiguration;
import org.apache.rocketmq.client.apis.ClientServiceProvider;
import org.apache.rocketmq.client.apis.consumer.ConsumeResult;
import org.apache.rocketmq.client.apis.consumer.FilterExpression;
import org.apache.rocketmq.client.apis.consumer.FilterExpressionType;
import org.apache.rocketmq.client.apis.consumer.PushConsumer;
import org.apache.rocketmq.client.apis.consumer.SimpleConsumer;
import org.apache.rocketmq.client.apis.message.Message;
import org.apache.rocketmq.client.apis.message.MessageBuilder;
import org.apache.rocketmq.client.apis.message.MessageView;
import org.apache.rocketmq.client.apis.producer.Producer;
import org.apache.rocketmq.client.apis.producer.SendReceipt;
import org.apache.rocketmq.client.apis.producer.Transaction;
import org.apache.rocketmq.client.apis.producer.TransactionResolution;

/**
 * A real RocketMQ 5 gRPC client session (rocketmq-client-java) against the 5.x Proxy, for the tests
 * that capture and decode gRPC traffic. Every call it makes is printed as one JSON line on stdout
 * ("EVENT {...}"), with what was sent and what came back, so a test can compare the decoded capture
 * with what the client itself saw.
 *
 *   java ... grpcclient.GrpcScenario endpoint=127.0.0.1:8081 normal=T fifo=T delay=T tx=T
 *            simpleGroup=G pushGroup=G [ssl=true] [only=send]
 *
 * The producer sends normal messages (tag, keys, a user property, text and binary bodies), FIFO
 * messages with a message group, a delay message, and a transactional message that is committed and
 * one that is rolled back. A simple consumer receives the normal messages, changes the invisible
 * duration of the first one and acks every one. A push consumer (another group) consumes them too.
 * Closing each client sends NotifyClientTermination. "only=send" stops after the producer (the TLS
 * capture needs no more). With dlqGroup=G (an orderly group with retryMaxTimes 0, so one delivery
 * attempt) a push consumer of the FIFO topic fails every message: the client forwards each one to the
 * dead-letter queue (ForwardMessageToDeadLetterQueue). It prints "EVENT dlq-waiting" once the listener
 * has failed every FIFO message and keeps consuming until a line "stop" arrives on stdin (the test
 * polls the %DLQ% topic meanwhile). Exits 0 when everything was seen, 1 otherwise (reason on stderr).
 */
public final class GrpcScenario {
    private static PrintStream out;

    static String q(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String hex(ByteBuffer buf) {
        ByteBuffer b = buf.duplicate();
        StringBuilder s = new StringBuilder();
        while (b.hasRemaining()) s.append(String.format("%02x", b.get() & 0xff));
        return s.toString();
    }

    static String keysJson(Collection<String> keys) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) parts.add(q(k));
        return "[" + String.join(",", parts) + "]";
    }

    static synchronized void event(String kind, Map<String, String> fields) {
        StringBuilder b = new StringBuilder("EVENT {\"event\":").append(q(kind));
        for (Map.Entry<String, String> e : fields.entrySet()) b.append(',').append(q(e.getKey())).append(':').append(e.getValue());
        out.println(b.append('}'));
    }

    static Map<String, String> viewFields(MessageView v) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("messageId", q(v.getMessageId().toString()));
        f.put("topic", q(v.getTopic()));
        f.put("tag", q(v.getTag().orElse(null)));
        f.put("keys", keysJson(v.getKeys()));
        f.put("messageGroup", q(v.getMessageGroup().orElse(null)));
        f.put("bodyHex", q(hex(v.getBody())));
        f.put("deliveryAttempt", Integer.toString(v.getDeliveryAttempt()));
        return f;
    }

    public static void main(String[] args) throws Exception {
        out = new PrintStream(System.out, true, "UTF-8");
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int i = s.indexOf('=');
            a.put(s.substring(0, i), s.substring(i + 1));
        }
        String endpoint = a.get("endpoint");
        boolean ssl = "true".equals(a.get("ssl"));
        boolean onlySend = "send".equals(a.get("only"));
        ClientServiceProvider provider = ClientServiceProvider.loadService();
        ClientConfiguration cfg = ClientConfiguration.newBuilder()
            .setEndpoints(endpoint)
            .enableSsl(ssl)
            .setRequestTimeout(Duration.ofSeconds(10))
            .build();

        String normal = a.get("normal");
        String fifo = a.get("fifo");
        String delay = a.get("delay");
        String tx = a.get("tx");
        List<String> topics = new ArrayList<>();
        for (String t : new String[] {normal, fifo, delay, tx}) if (t != null) topics.add(t);

        Set<String> sentNormal = ConcurrentHashMap.newKeySet();
        // The transaction checker answers COMMIT for anything the broker asks about (nothing should be asked).
        Producer producer = provider.newProducerBuilder()
            .setClientConfiguration(cfg)
            .setTopics(topics.toArray(new String[0]))
            .setTransactionChecker(v -> TransactionResolution.COMMIT)
            .build();
        try {
            byte[][] bodies = {
                "hello gRPC ✓".getBytes(StandardCharsets.UTF_8),
                "{\"order\":42,\"items\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8),
                new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff, 3, 4},
            };
            for (int i = 0; i < bodies.length; i++) {
                Message m = provider.newMessageBuilder().setTopic(normal).setTag("TagA").setKeys("key-" + i, "k2")
                    .addProperty("color", i == 0 ? "red" : "blue").setBody(bodies[i]).build();
                SendReceipt r = producer.send(m);
                sentNormal.add(r.getMessageId().toString());
                Map<String, String> f = new LinkedHashMap<>();
                f.put("kind", q("normal"));
                f.put("messageId", q(r.getMessageId().toString()));
                f.put("topic", q(normal));
                f.put("tag", q("TagA"));
                f.put("keys", keysJson(List.of("key-" + i, "k2")));
                f.put("bodyHex", q(hex(ByteBuffer.wrap(bodies[i]))));
                event("send", f);
            }
            if (fifo != null) {
                for (int i = 0; i < 2; i++) {
                    byte[] body = ("fifo " + i).getBytes(StandardCharsets.UTF_8);
                    Message m = provider.newMessageBuilder().setTopic(fifo).setTag("TagF").setMessageGroup("group-1").setBody(body).build();
                    SendReceipt r = producer.send(m);
                    Map<String, String> f = new LinkedHashMap<>();
                    f.put("kind", q("fifo"));
                    f.put("messageId", q(r.getMessageId().toString()));
                    f.put("topic", q(fifo));
                    f.put("messageGroup", q("group-1"));
                    f.put("bodyHex", q(hex(ByteBuffer.wrap(body))));
                    event("send", f);
                }
            }
            if (delay != null) {
                byte[] body = "delayed".getBytes(StandardCharsets.UTF_8);
                long at = System.currentTimeMillis() + 2000;
                Message m = provider.newMessageBuilder().setTopic(delay).setTag("TagD").setDeliveryTimestamp(at).setBody(body).build();
                SendReceipt r = producer.send(m);
                Map<String, String> f = new LinkedHashMap<>();
                f.put("kind", q("delay"));
                f.put("messageId", q(r.getMessageId().toString()));
                f.put("topic", q(delay));
                f.put("deliveryTimestamp", Long.toString(at));
                f.put("bodyHex", q(hex(ByteBuffer.wrap(body))));
                event("send", f);
            }
            if (tx != null) {
                for (String outcome : new String[] {"commit", "rollback"}) {
                    byte[] body = ("tx " + outcome).getBytes(StandardCharsets.UTF_8);
                    Transaction t = producer.beginTransaction();
                    Message m = provider.newMessageBuilder().setTopic(tx).setTag("TagT").setKeys("tx-" + outcome).setBody(body).build();
                    SendReceipt r = producer.send(m, t);
                    if (outcome.equals("commit")) t.commit();
                    else t.rollback();
                    Map<String, String> f = new LinkedHashMap<>();
                    f.put("kind", q("transaction"));
                    f.put("outcome", q(outcome));
                    f.put("messageId", q(r.getMessageId().toString()));
                    f.put("topic", q(tx));
                    f.put("bodyHex", q(hex(ByteBuffer.wrap(body))));
                    event("send", f);
                }
            }
        } finally {
            producer.close();
            event("closed", Map.of("client", q("producer")));
        }
        if (onlySend) return;

        // Simple consumer: receive, change the invisible duration of the first message, ack all.
        Map<String, FilterExpression> sub = Collections.singletonMap(normal, new FilterExpression("*", FilterExpressionType.TAG));
        SimpleConsumer simple = provider.newSimpleConsumerBuilder()
            .setClientConfiguration(cfg)
            .setConsumerGroup(a.get("simpleGroup"))
            .setAwaitDuration(Duration.ofSeconds(5))
            .setSubscriptionExpressions(sub)
            .build();
        Set<String> acked = new java.util.HashSet<>();
        boolean changed = false;
        long deadline = System.currentTimeMillis() + 60_000;
        try {
            while (acked.size() < sentNormal.size() && System.currentTimeMillis() < deadline) {
                List<MessageView> got = simple.receive(16, Duration.ofSeconds(30));
                for (MessageView v : got) {
                    Map<String, String> f = viewFields(v);
                    event("receive", f);
                    if (!changed) {
                        simple.changeInvisibleDuration(v, Duration.ofSeconds(20));
                        changed = true;
                        event("changeInvisibleDuration", Map.of("messageId", q(v.getMessageId().toString()), "seconds", "20"));
                    }
                    simple.ack(v);
                    acked.add(v.getMessageId().toString());
                    event("ack", Map.of("messageId", q(v.getMessageId().toString())));
                }
            }
        } finally {
            simple.close();
            event("closed", Map.of("client", q("simple")));
        }
        if (!acked.containsAll(sentNormal)) {
            System.err.println("simple consumer did not receive every normal message: acked " + acked + ", sent " + sentNormal);
            System.exit(1);
        }

        // Push consumer (its own group): the client polls with ReceiveMessage and acks what the listener consumed.
        Set<String> pushed = ConcurrentHashMap.newKeySet();
        CountDownLatch all = new CountDownLatch(1);
        PushConsumer push = provider.newPushConsumerBuilder()
            .setClientConfiguration(cfg)
            .setConsumerGroup(a.get("pushGroup"))
            .setSubscriptionExpressions(sub)
            .setConsumptionThreadCount(2)
            .setMessageListener(v -> {
                event("push", viewFields(v));
                pushed.add(v.getMessageId().toString());
                if (pushed.containsAll(sentNormal)) all.countDown();
                return ConsumeResult.SUCCESS;
            })
            .build();
        boolean ok;
        try {
            ok = all.await(60, TimeUnit.SECONDS);
        } finally {
            push.close();
            event("closed", Map.of("client", q("push")));
        }
        if (!ok) {
            System.err.println("push consumer did not consume every normal message: " + pushed + ", sent " + sentNormal);
            System.exit(1);
        }
        String dlqGroup = a.get("dlqGroup");
        if (dlqGroup != null && fifo != null) {
            Set<String> failed = ConcurrentHashMap.newKeySet();
            CountDownLatch allFailed = new CountDownLatch(1);
            PushConsumer dlq = provider.newPushConsumerBuilder()
                .setClientConfiguration(cfg)
                .setConsumerGroup(dlqGroup)
                .setSubscriptionExpressions(Collections.singletonMap(fifo, new FilterExpression("*", FilterExpressionType.TAG)))
                .setConsumptionThreadCount(1)
                .setMessageListener(v -> {
                    Map<String, String> f = viewFields(v);
                    event("fail", f);
                    failed.add(v.getMessageId().toString());
                    if (failed.size() >= 2) allFailed.countDown();
                    return ConsumeResult.FAILURE;
                })
                .build();
            try {
                if (!allFailed.await(60, TimeUnit.SECONDS)) {
                    System.err.println("the dead-letter push consumer saw only " + failed);
                    System.exit(1);
                }
                event("dlq-waiting", Map.of());
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null && !line.equals("stop")) {
                    // wait for the test
                }
            } finally {
                dlq.close();
                event("closed", Map.of("client", q("dlq")));
            }
        }
        event("done", Map.of());
        System.exit(0);
    }

    private GrpcScenario() {
    }
}
