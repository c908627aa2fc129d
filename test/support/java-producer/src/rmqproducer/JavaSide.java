package rmqproducer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The Java reference side of the producer tests and benchmark, one long-lived JVM per cluster.
 *
 *   java ... rmqproducer.JavaSide <namesrvAddr>
 *
 * Commands on stdin, one per line, TAB-separated; exactly one answer line each: "OK <json>" or "ERR <text>".
 *   pull   topic                      every retained message of the topic, read with DefaultMQPullConsumer
 *   view   topic offsetMsgId          DefaultMQAdminExt.viewMessage (what mqadmin queryMsgById uses)
 *   send   topic n body tags          DefaultMQProducer sync sends; answers the SendResults
 *   sendBatch topic n body            one DefaultMQProducer batch send of n messages; answers the SendResult
 *   sendCompressed topic type n size  n sync sends of size-byte bodies from a producer made with
 *                                     -Drocketmq.message.compressType=type (LZ4, ZSTD, ZLIB; read by the
 *                                     4.9 and 5.x producer constructors); answers [{msgId, body base64}]
 *   bench  topic sync|async size count warmup inflight   throughput and latency of DefaultMQProducer
 *   quit
 */
public final class JavaSide {
    private static final int SEND_TIMEOUT_MS = 15_000;
    private static DefaultMQProducer producer;
    private static DefaultMQPullConsumer consumer;
    private static DefaultMQAdminExt admin;
    private static String namesrvAddr;
    private static String instanceName;

    public static void main(String[] args) throws Exception {
        if (System.getProperty("rocketmq.remoting.version") == null) {
            System.setProperty("rocketmq.remoting.version", Integer.toString(MQVersion.CURRENT_VERSION));
        }
        String namesrv = args[0];
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        String inst = "javaside-" + ProcessHandle.current().pid();
        namesrvAddr = namesrv;
        instanceName = inst;
        producer = new DefaultMQProducer("java_side_producer");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName(inst);
        producer.setVipChannelEnabled(false);
        // The reference producer's timing is not under test: Java's 3 s default lost the first send
        // (route fetch, connect, JIT) on a machine loaded by other work (fresh-machine run, 4.9.7).
        producer.setSendMsgTimeout(SEND_TIMEOUT_MS);
        producer.start();
        consumer = new DefaultMQPullConsumer("java_side_reader");
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(inst);
        consumer.setVipChannelEnabled(false);
        consumer.start();
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
            consumer.shutdown();
            admin.shutdown();
        }
        System.exit(0);
    }

    private static String handle(String[] f) throws Exception {
        switch (f[0]) {
            case "pull": return pull(f[1]);
            case "view": return msgJson(admin.viewMessage(f[1], f[2]));
            case "send": return send(f[1], Integer.parseInt(f[2]), f[3], f[4]);
            case "sendBatch": return sendBatch(f[1], Integer.parseInt(f[2]), f[3]);
            case "sendOrderly": return sendOrderly(f[1], f[2], f[3]);
            case "sendCompressed": return sendCompressed(f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]));
            case "bench": return bench(f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]));
            default: throw new IllegalArgumentException("unknown command " + f[0]);
        }
    }

    private static String pull(String topic) throws Exception {
        Set<MessageQueue> mqs = consumer.fetchSubscribeMessageQueues(topic);
        StringBuilder sb = new StringBuilder("[");
        boolean first = true;
        for (MessageQueue mq : mqs) {
            long off = consumer.minOffset(mq);
            long max = consumer.maxOffset(mq);
            while (off < max) {
                PullResult r = consumer.pull(mq, "*", off, 32);
                if (r.getPullStatus() != PullStatus.FOUND) break;
                for (MessageExt m : r.getMsgFoundList()) {
                    if (!first) sb.append(',');
                    first = false;
                    sb.append(msgJson(m, mq.getBrokerName()));
                }
                if (r.getNextBeginOffset() <= off) break;
                off = r.getNextBeginOffset();
            }
        }
        return sb.append(']').toString();
    }

    private static String send(String topic, int n, String body, String tags) throws Exception {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            Message m = new Message(topic, tags, (body + "-" + i).getBytes(StandardCharsets.UTF_8));
            SendResult r = producer.send(m);
            if (i > 0) sb.append(',');
            sb.append("{\"msgId\":").append(q(r.getMsgId())).append(",\"offsetMsgId\":").append(q(r.getOffsetMsgId()))
              .append(",\"status\":").append(q(r.getSendStatus().name()))
              .append(",\"brokerName\":").append(q(r.getMessageQueue().getBrokerName()))
              .append(",\"queueId\":").append(r.getMessageQueue().getQueueId())
              .append(",\"queueOffset\":").append(r.getQueueOffset()).append('}');
        }
        return sb.append(']').toString();
    }

    /** One send through Java's own SelectMessageQueueByHash with the sharding key as the selector argument. */
    private static String sendOrderly(String topic, String key, String body) throws Exception {
        Message m = new Message(topic, "orderly", body.getBytes(StandardCharsets.UTF_8));
        SendResult r = producer.send(m, new org.apache.rocketmq.client.producer.selector.SelectMessageQueueByHash(), key);
        return "{\"status\":" + q(r.getSendStatus().name()) + ",\"brokerName\":" + q(r.getMessageQueue().getBrokerName())
            + ",\"queueId\":" + r.getMessageQueue().getQueueId() + "}";
    }

    private static String sendBatch(String topic, int n, String body) throws Exception {
        List<Message> msgs = new ArrayList<>();
        for (int i = 0; i < n; i++) msgs.add(new Message(topic, (body + "-" + i).getBytes(StandardCharsets.UTF_8)));
        SendResult r = producer.send(msgs);
        return "{\"msgId\":" + q(r.getMsgId()) + ",\"offsetMsgId\":" + q(r.getOffsetMsgId()) + ",\"status\":" + q(r.getSendStatus().name()) + "}";
    }

    private static String sendCompressed(String topic, String type, int n, int size) throws Exception {
        String key = "rocketmq.message.compressType";
        String before = System.getProperty(key);
        System.setProperty(key, type);
        DefaultMQProducer p;
        try {
            p = new DefaultMQProducer("java_side_" + type.toLowerCase());
        } finally {
            if (before == null) System.clearProperty(key); else System.setProperty(key, before);
        }
        p.setNamesrvAddr(namesrvAddr);
        p.setInstanceName(instanceName + "-" + type.toLowerCase());
        p.setVipChannelEnabled(false);
        p.setSendMsgTimeout(SEND_TIMEOUT_MS);
        p.start();
        try {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < n; i++) {
                StringBuilder text = new StringBuilder();
                while (text.length() < size) text.append(type).append(" body ").append(i).append(" line ").append(text.length()).append('\n');
                byte[] body = text.substring(0, size).getBytes(StandardCharsets.UTF_8);
                SendResult r = p.send(new Message(topic, "compressed", body));
                if (i > 0) sb.append(',');
                sb.append("{\"msgId\":").append(q(r.getMsgId())).append(",\"status\":").append(q(r.getSendStatus().name()))
                  .append(",\"body\":").append(q(Base64.getEncoder().encodeToString(body))).append('}');
            }
            return sb.append(']').toString();
        } finally {
            p.shutdown();
        }
    }

    private static String bench(String topic, String mode, int size, int count, int warmup, int inflight) throws Exception {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        // warm up in the mode measured, so that the JIT has compiled that path (async: callbacks, executor)
        run(topic, mode, body, warmup, inflight, new long[warmup], new AtomicLong());
        long[] lat = new long[count];
        AtomicLong errors = new AtomicLong();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        run(topic, mode, body, count, inflight, lat, errors);
        long elapsed = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        long[] sorted = lat.clone();
        Arrays.sort(sorted);
        double secs = elapsed / 1e9;
        return "{\"count\":" + count + ",\"errors\":" + errors.get() + ",\"seconds\":" + secs + ",\"msgsPerSec\":" + (count / secs)
            + ",\"p50Ms\":" + (sorted[(int) (count * 0.50)] / 1e6) + ",\"p99Ms\":" + (sorted[Math.min(count - 1, (int) (count * 0.99))] / 1e6)
            + ",\"cpuUsPerMsg\":" + (cpu / 1e3 / count) + "}";
    }

    private static void run(String topic, String mode, byte[] body, int count, int inflight, long[] lat, AtomicLong errors) throws Exception {
        if (mode.equals("sync")) {
            for (int i = 0; i < count; i++) {
                long s = System.nanoTime();
                try { producer.send(new Message(topic, body)); } catch (Exception e) { errors.incrementAndGet(); }
                lat[i] = System.nanoTime() - s;
            }
            return;
        }
        Semaphore sem = new Semaphore(inflight);
        CountDownLatch done = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            sem.acquire();
            final int idx = i;
            final long s = System.nanoTime();
            producer.send(new Message(topic, body), new SendCallback() {
                public void onSuccess(SendResult r) { lat[idx] = System.nanoTime() - s; sem.release(); done.countDown(); }
                public void onException(Throwable e) { lat[idx] = System.nanoTime() - s; errors.incrementAndGet(); sem.release(); done.countDown(); }
            });
        }
        done.await();
    }

    private static String msgJson(MessageExt m) { return msgJson(m, null); }

    private static String msgJson(MessageExt m, String brokerName) {
        StringBuilder sb = new StringBuilder("{");
        sb.append("\"topic\":").append(q(m.getTopic()));
        if (brokerName != null) sb.append(",\"brokerName\":").append(q(brokerName));
        sb.append(",\"flag\":").append(m.getFlag());
        sb.append(",\"queueId\":").append(m.getQueueId());
        sb.append(",\"queueOffset\":").append(m.getQueueOffset());
        sb.append(",\"commitLogOffset\":").append(m.getCommitLogOffset());
        sb.append(",\"sysFlag\":").append(m.getSysFlag());
        sb.append(",\"bornTimestamp\":").append(m.getBornTimestamp());
        sb.append(",\"storeTimestamp\":").append(m.getStoreTimestamp());
        sb.append(",\"bornHost\":").append(q(String.valueOf(m.getBornHost())));
        sb.append(",\"storeHost\":").append(q(String.valueOf(m.getStoreHost())));
        sb.append(",\"reconsumeTimes\":").append(m.getReconsumeTimes());
        sb.append(",\"preparedTransactionOffset\":").append(m.getPreparedTransactionOffset());
        sb.append(",\"bodyCRC\":").append(m.getBodyCRC());
        sb.append(",\"storeSize\":").append(m.getStoreSize());
        sb.append(",\"msgId\":").append(q(m.getMsgId()));
        sb.append(",\"offsetMsgId\":").append(q(offsetMsgIdOf(m)));
        sb.append(",\"tags\":").append(q(m.getTags()));
        sb.append(",\"keys\":").append(q(m.getKeys()));
        sb.append(",\"body\":").append(q(Base64.getEncoder().encodeToString(m.getBody() == null ? new byte[0] : m.getBody())));
        sb.append(",\"properties\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(m.getProperties()).entrySet()) {
            if (!first) sb.append(',');
            first = false;
            sb.append(q(e.getKey())).append(':').append(q(e.getValue()));
        }
        return sb.append("}}").toString();
    }

    private static String offsetMsgIdOf(MessageExt m) {
        try {
            return (String) m.getClass().getMethod("getOffsetMsgId").invoke(m);
        } catch (Exception e) {
            return null;
        }
    }

    private static String q(String s) {
        if (s == null) return "null";
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }
}
