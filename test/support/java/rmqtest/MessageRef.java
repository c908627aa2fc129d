package rmqtest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.trace.TraceContext;
import org.apache.rocketmq.client.trace.TraceBean;
import org.apache.rocketmq.client.trace.TraceDataEncoder;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The Java reference for the message lookup tests: Java's producer, push consumer (with and without
 * message trace) and admin tools of the pinned RocketMQ version, one long-lived JVM per cluster.
 *
 *   java ... rmqtest.MessageRef <namesrvAddr>
 *
 * Commands on stdin, TAB-separated; one answer line each, "OK <json>" or "ERR <text>":
 *   send      topic tags keys props(k=v;k=v) bodyBase64 kind   kind: plain | delay:N | transaction; answers the SendResult
 *   batch     topic n bodyPrefix keyPrefix                       one batch of n; answers [{msgId, offsetMsgId}] split from Java's joined ids
 *   view      topic id                                           DefaultMQAdminExt.viewMessage(topic, id): mqadmin queryMsgById / queryMsgByUniqueKey
 *   queryKey  topic key begin end                                DefaultMQAdminExt.queryMessage: mqadmin queryMsgByKey
 *   consume   topic group n                                      a push consumer (no trace) consumes n messages from the first offset, then shuts down (offsets persisted)
 *   traced    topic group body                                   a trace-enabled producer sends, a trace-enabled push consumer consumes it; both shut down (trace flushed); answers the SendResult
 *   trace     msgId traceTopic                                   what mqadmin queryMsgTraceById reads: queryMessage(traceTopic, msgId) decoded by TraceDataEncoder
 *   offsets   group                                              DefaultMQAdminExt.examineConsumeStats: {"broker:queue": consumerOffset}
 */
public final class MessageRef {
    private static String namesrv;
    private static DefaultMQProducer producer;
    private static TransactionMQProducer txProducer;
    private static DefaultMQAdminExt admin;
    private static String inst;

    public static void main(String[] args) throws Exception {
        namesrv = args[0];
        inst = "msgref-" + ProcessHandle.current().pid();
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        producer = new DefaultMQProducer("msgref_producer");
        setup(producer, inst);
        producer.start();
        txProducer = new TransactionMQProducer("msgref_tx_producer");
        setup(txProducer, inst + "-tx");
        txProducer.setTransactionListener(new TransactionListener() {
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) { return LocalTransactionState.COMMIT_MESSAGE; }
            public LocalTransactionState checkLocalTransaction(MessageExt msg) { return LocalTransactionState.COMMIT_MESSAGE; }
        });
        txProducer.start();
        admin = new DefaultMQAdminExt(10_000L);
        admin.setNamesrvAddr(namesrv);
        admin.setInstanceName(inst + "-admin");
        admin.setVipChannelEnabled(false);
        admin.start();
        out.println("READY " + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        try {
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) continue;
                String[] f = line.split("\t", -1);
                if (f[0].equals("quit")) break;
                try {
                    out.println("OK " + handle(f));
                } catch (Throwable t) {
                    String m = String.valueOf(t);
                    if (t.getCause() != null) m += " / cause: " + t.getCause();
                    out.println("ERR " + m.replace('\n', ' ').replace('\r', ' '));
                }
            }
        } finally {
            producer.shutdown();
            txProducer.shutdown();
            admin.shutdown();
        }
        System.exit(0);
    }

    private static void setup(org.apache.rocketmq.client.ClientConfig c, String instance) {
        c.setNamesrvAddr(namesrv);
        c.setInstanceName(instance);
        c.setVipChannelEnabled(false);
    }

    private static String handle(String[] f) throws Exception {
        switch (f[0]) {
            case "send": return send(f[1], f[2], f[3], f[4], Base64.getDecoder().decode(f[5]), f[6]);
            case "batch": return batch(f[1], Integer.parseInt(f[2]), f[3], f[4]);
            case "view": return msgJson(admin.viewMessage(f[1], f[2]));
            case "queryKey": {
                QueryResult r = admin.queryMessage(f[1], f[2], 32, Long.parseLong(f[3]), Long.parseLong(f[4]));
                StringBuilder sb = new StringBuilder("[");
                for (MessageExt m : r.getMessageList()) { if (sb.length() > 1) sb.append(','); sb.append(msgJson(m)); }
                return sb.append(']').toString();
            }
            case "consume": return consume(f[1], f[2], Integer.parseInt(f[3]));
            case "traced": return traced(f[1], f[2], f[3]);
            case "trace": return trace(f[1], f[2]);
            case "offsets": return offsets(f[1]);
            default: throw new IllegalArgumentException("unknown command " + f[0]);
        }
    }

    private static String send(String topic, String tags, String keys, String props, byte[] body, String kind) throws Exception {
        Message m = new Message(topic, tags.isEmpty() ? null : tags, keys.isEmpty() ? null : keys, body);
        if (!props.isEmpty()) for (String kv : props.split(";")) { int eq = kv.indexOf('='); m.putUserProperty(kv.substring(0, eq), kv.substring(eq + 1)); }
        SendResult r;
        if (kind.startsWith("delay:")) { m.setDelayTimeLevel(Integer.parseInt(kind.substring(6))); r = producer.send(m); }
        else if (kind.equals("transaction")) r = txProducer.sendMessageInTransaction(m, null);
        else r = producer.send(m);
        return sendJson(r);
    }

    private static String batch(String topic, int n, String body, String keyPrefix) throws Exception {
        List<Message> msgs = new ArrayList<>();
        for (int i = 0; i < n; i++) msgs.add(new Message(topic, "batch", keyPrefix + i, (body + "-" + i).getBytes(StandardCharsets.UTF_8)));
        SendResult r = producer.send(msgs);
        String[] ids = r.getMsgId().split(","), offs = r.getOffsetMsgId().split(",");
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) sb.append(',');
            sb.append("{\"msgId\":").append(Json.q(ids[i])).append(",\"offsetMsgId\":").append(Json.q(i < offs.length ? offs[i] : null)).append('}');
        }
        return sb.append(']').toString();
    }

    private static String consume(String topic, String group, int n) throws Exception {
        CountDownLatch latch = new CountDownLatch(n);
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
        setup(c, inst + "-" + group);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> { for (int i = 0; i < msgs.size(); i++) latch.countDown(); return ConsumeConcurrentlyStatus.CONSUME_SUCCESS; });
        c.start();
        boolean done = latch.await(60, TimeUnit.SECONDS);
        c.shutdown();
        return "{\"consumed\":" + (n - latch.getCount()) + ",\"complete\":" + done + "}";
    }

    private static String traced(String topic, String group, String body) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer("msgref_traced_producer", (RPCHook) null, true, null);
        setup(p, inst + "-traced-p");
        p.start();
        ConcurrentHashMap<String, Boolean> seen = new ConcurrentHashMap<>();
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group, (RPCHook) null, new AllocateMessageQueueAveragely(), true, null);
        setup(c, inst + "-traced-c");
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> { for (MessageExt m : msgs) seen.put(m.getMsgId(), true); return ConsumeConcurrentlyStatus.CONSUME_SUCCESS; });
        c.start();
        SendResult r;
        try {
            r = p.send(new Message(topic, "traced", "traced-key", body.getBytes(StandardCharsets.UTF_8)));
            long deadline = System.currentTimeMillis() + 60_000;
            while (!seen.containsKey(r.getMsgId()) && System.currentTimeMillis() < deadline) Thread.sleep(50);
            if (!seen.containsKey(r.getMsgId())) throw new IllegalStateException("the traced consumer did not receive " + r.getMsgId() + " within 60 s");
        } finally {
            c.shutdown();
            p.shutdown();
        }
        return sendJson(r);
    }

    private static String trace(String msgId, String traceTopic) throws Exception {
        QueryResult r = admin.queryMessage(traceTopic, msgId, 64, 0, System.currentTimeMillis() + 60_000);
        StringBuilder sb = new StringBuilder("[");
        for (MessageExt m : r.getMessageList()) {
            for (TraceContext ctx : TraceDataEncoder.decoderFromTraceDataString(new String(m.getBody(), StandardCharsets.UTF_8))) {
                TraceBean b = ctx.getTraceBeans().get(0);
                if (!msgId.equals(b.getMsgId())) continue;
                if (sb.length() > 1) sb.append(',');
                sb.append("{\"type\":").append(Json.q(ctx.getTraceType().name()))
                  .append(",\"timestamp\":").append(ctx.getTimeStamp())
                  .append(",\"groupName\":").append(Json.q(ctx.getGroupName()))
                  .append(",\"requestId\":").append(Json.q(ctx.getRequestId()))
                  .append(",\"costTime\":").append(ctx.getCostTime())
                  .append(",\"success\":").append(ctx.isSuccess())
                  .append(",\"msgId\":").append(Json.q(b.getMsgId()))
                  .append(",\"topic\":").append(Json.q(b.getTopic()))
                  .append(",\"tags\":").append(Json.q(b.getTags()))
                  .append(",\"keys\":").append(Json.q(b.getKeys()))
                  .append(",\"storeHost\":").append(Json.q(b.getStoreHost()))
                  .append(",\"clientHost\":").append(Json.q(b.getClientHost()))
                  .append(",\"offsetMsgId\":").append(Json.q(b.getOffsetMsgId()))
                  .append(",\"bodyLength\":").append(b.getBodyLength())
                  .append(",\"retryTimes\":").append(b.getRetryTimes())
                  .append('}');
            }
        }
        return sb.append(']').toString();
    }

    private static String offsets(String group) throws Exception {
        // ConsumeStats moved package in 5.x (common.admin → remoting.protocol.admin): named through var only
        var s = admin.examineConsumeStats(group);
        StringBuilder sb = new StringBuilder("{");
        for (var e : new TreeMap<>(s.getOffsetTable()).entrySet()) {
            if (sb.length() > 1) sb.append(',');
            sb.append(Json.q(e.getKey().getTopic() + "@" + e.getKey().getBrokerName() + ":" + e.getKey().getQueueId())).append(':').append(e.getValue().getConsumerOffset());
        }
        return sb.append('}').toString();
    }

    private static String sendJson(SendResult r) {
        return "{\"msgId\":" + Json.q(r.getMsgId()) + ",\"offsetMsgId\":" + Json.q(r.getOffsetMsgId()) + ",\"status\":" + Json.q(r.getSendStatus().name())
            + ",\"brokerName\":" + Json.q(r.getMessageQueue().getBrokerName()) + ",\"queueId\":" + r.getMessageQueue().getQueueId() + ",\"queueOffset\":" + r.getQueueOffset() + "}";
    }

    private static String msgJson(MessageExt m) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"topic\":").append(Json.q(m.getTopic()));
        sb.append(",\"flag\":").append(m.getFlag());
        sb.append(",\"queueId\":").append(m.getQueueId());
        sb.append(",\"queueOffset\":").append(m.getQueueOffset());
        sb.append(",\"commitLogOffset\":").append(m.getCommitLogOffset());
        sb.append(",\"sysFlag\":").append(m.getSysFlag());
        sb.append(",\"bornTimestamp\":").append(m.getBornTimestamp());
        sb.append(",\"storeTimestamp\":").append(m.getStoreTimestamp());
        sb.append(",\"bornHost\":").append(Json.q(String.valueOf(m.getBornHost())));
        sb.append(",\"storeHost\":").append(Json.q(String.valueOf(m.getStoreHost())));
        sb.append(",\"reconsumeTimes\":").append(m.getReconsumeTimes());
        sb.append(",\"preparedTransactionOffset\":").append(m.getPreparedTransactionOffset());
        sb.append(",\"bodyCRC\":").append(m.getBodyCRC());
        sb.append(",\"storeSize\":").append(m.getStoreSize());
        sb.append(",\"msgId\":").append(Json.q(m.getMsgId()));
        sb.append(",\"tags\":").append(Json.q(m.getTags()));
        sb.append(",\"keys\":").append(Json.q(m.getKeys()));
        sb.append(",\"body\":").append(Json.q(Base64.getEncoder().encodeToString(m.getBody() == null ? new byte[0] : m.getBody())));
        sb.append(",\"properties\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(m.getProperties()).entrySet()) {
            if (!first) sb.append(',');
            first = false;
            sb.append(Json.q(e.getKey())).append(':').append(Json.q(e.getValue()));
        }
        return sb.append("}}").toString();
    }
}
