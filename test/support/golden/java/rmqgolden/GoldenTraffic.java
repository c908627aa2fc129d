package rmqgolden;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The real Java traffic of the golden captures (test/fixtures/captures/java-*.pcapng), one run:
 *
 *   java ... rmqgolden.GoldenTraffic <namesrvAddr> <topic>
 *
 * A DefaultMQProducer and a DefaultMQPullConsumer sharing one client instance (so one heartbeat carries
 * producer and consumer data) send plain, tagged + keyed (with a user property), delayed, compressed
 * (> 4 KiB, the client's default ZLIB), batch and oneway messages; a TransactionMQProducer sends three
 * half messages (commit, rollback, unknown — the broker then asks CHECK_TRANSACTION_STATE, answered
 * commit); the consumer pulls every queue; DefaultMQAdminExt asks cluster info, the topic list, a route
 * of a missing topic (TOPIC_NOT_EXIST), views a message by offsetMsgId and queries one by key.
 * Prints one "STEP ..." line per step on stdout and "DONE" at the end; exits.
 */
public final class GoldenTraffic {
    private static void step(String s) { System.out.println("STEP " + s); System.out.flush(); }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("rocketmq.remoting.version") == null) {
            System.setProperty("rocketmq.remoting.version", Integer.toString(MQVersion.CURRENT_VERSION));
        }
        String namesrv = args[0];
        String topic = args[1];
        String inst = "golden";

        DefaultMQProducer producer = new DefaultMQProducer("golden_producer");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName(inst);
        producer.setVipChannelEnabled(false);
        DefaultMQPullConsumer consumer = new DefaultMQPullConsumer("golden_reader");
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName(inst);
        consumer.setVipChannelEnabled(false);
        producer.start();
        consumer.start();
        step("started " + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION));

        List<SendResult> sent = new ArrayList<>();
        for (int i = 0; i < 2; i++) sent.add(producer.send(new Message(topic, ("plain body " + i).getBytes(StandardCharsets.UTF_8))));
        step("plain " + sent.get(0).getOffsetMsgId());
        for (int i = 0; i < 2; i++) {
            Message m = new Message(topic, "TagA", "order-" + i + " customer-7", ("{\"orderId\":" + i + ",\"amount\":9.5}").getBytes(StandardCharsets.UTF_8));
            m.putUserProperty("source", "golden");
            sent.add(producer.send(m));
        }
        step("keyed");
        Message delayed = new Message(topic, "TagD", "delayed-0", "delayed body".getBytes(StandardCharsets.UTF_8));
        delayed.setDelayTimeLevel(1);
        producer.send(delayed);
        step("delayed");
        StringBuilder big = new StringBuilder();
        while (big.length() < 6000) big.append("compressed body line ").append(big.length()).append('\n');
        producer.send(new Message(topic, "TagZ", "big-0", big.substring(0, 6000).getBytes(StandardCharsets.UTF_8)));
        step("compressed");
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) batch.add(new Message(topic, "TagB", "batch-" + i, ("batch body " + i).getBytes(StandardCharsets.UTF_8)));
        producer.send(batch);
        step("batch");
        producer.sendOneway(new Message(topic, "TagO", "oneway body".getBytes(StandardCharsets.UTF_8)));
        step("oneway");

        final CountDownLatch checked = new CountDownLatch(1);
        TransactionMQProducer tx = new TransactionMQProducer("golden_tx");
        tx.setNamesrvAddr(namesrv);
        tx.setInstanceName(inst + "-tx");
        tx.setVipChannelEnabled(false);
        tx.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                String b = new String(msg.getBody(), StandardCharsets.UTF_8);
                if (b.startsWith("commit")) return LocalTransactionState.COMMIT_MESSAGE;
                if (b.startsWith("rollback")) return LocalTransactionState.ROLLBACK_MESSAGE;
                return LocalTransactionState.UNKNOW;
            }
            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                checked.countDown();
                return LocalTransactionState.COMMIT_MESSAGE;
            }
        });
        tx.start();
        for (String b : new String[] {"commit tx", "rollback tx", "unknown tx"}) {
            Message m = new Message(topic, "TagT", "tx-" + b.split(" ")[0], b.getBytes(StandardCharsets.UTF_8));
            tx.sendMessageInTransaction(m, null);
        }
        step("transactions sent");
        boolean wasChecked = checked.await(40, TimeUnit.SECONDS);
        step("transaction checked " + wasChecked);
        Thread.sleep(500); // the END_TRANSACTION answering the check goes out after checkLocalTransaction returns

        Set<MessageQueue> mqs = consumer.fetchSubscribeMessageQueues(topic);
        int pulled = 0;
        for (MessageQueue mq : mqs) {
            long min = consumer.minOffset(mq);
            long max = consumer.maxOffset(mq);
            if (min >= max) continue;
            PullResult r = consumer.pull(mq, "*", min, 32);
            if (r.getMsgFoundList() != null) pulled += r.getMsgFoundList().size();
        }
        step("pulled " + pulled);

        DefaultMQAdminExt admin = new DefaultMQAdminExt(10_000L);
        admin.setNamesrvAddr(namesrv);
        admin.setInstanceName(inst + "-admin");
        admin.setVipChannelEnabled(false);
        admin.start();
        admin.examineBrokerClusterInfo();
        admin.fetchAllTopicList();
        try {
            admin.examineTopicRouteInfo("GoldenNoSuchTopic");
        } catch (Exception e) {
            step("missing route: " + e.getClass().getSimpleName());
        }
        MessageExt viewed = admin.viewMessage(topic, sent.get(0).getOffsetMsgId());
        step("viewed " + viewed.getMsgId());
        QueryResult q = null;
        for (int i = 0; i < 20; i++) {
            try {
                q = admin.queryMessage(topic, "order-0", 32, 0, Long.MAX_VALUE);
                if (!q.getMessageList().isEmpty()) break;
            } catch (Exception e) {
                // the index is built asynchronously: retry
            }
            Thread.sleep(250);
        }
        step("queried " + (q == null ? 0 : q.getMessageList().size()));

        admin.shutdown();
        tx.shutdown();
        consumer.shutdown();
        producer.shutdown();
        System.out.println("DONE");
        System.out.flush();
        System.exit(0);
    }
}
