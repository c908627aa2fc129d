package rmqtest;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The consumer-group questions of the admin JVM (Admin.java), answered by rocketmq-tools the way mqadmin's
 * consumerProgress / consumerConnection / consumerStatus commands answer them. The tests compare our own
 * answers with these. Classes whose package moved between 4.9 and 5.x (ConsumeStats, OffsetWrapper,
 * ConsumerConnection, SubscriptionData, ConsumerRunningInfo) are only used through `var`, so this file
 * compiles against both releases.
 */
final class ConsumerAdmin {
    static String mq(MessageQueue q) {
        return "{\"topic\":" + Json.q(q.getTopic()) + ",\"brokerName\":" + Json.q(q.getBrokerName()) + ",\"queueId\":" + q.getQueueId() + "}";
    }

    /** examineConsumeStats(group): every queue of every topic the group has offsets for, on the brokers of its retry topic. */
    static String consumeStats(DefaultMQAdminExt admin, String group) throws Exception {
        var cs = admin.examineConsumeStats(group);
        StringBuilder b = new StringBuilder("{\"totalDiff\":").append(cs.computeTotalDiff()).append(",\"consumeTps\":").append(cs.getConsumeTps()).append(",\"queues\":[");
        int i = 0;
        for (var e : cs.getOffsetTable().entrySet()) {
            if (i++ > 0) b.append(',');
            var w = e.getValue();
            b.append("{\"mq\":").append(mq(e.getKey()))
                .append(",\"brokerOffset\":").append(w.getBrokerOffset())
                .append(",\"consumerOffset\":").append(w.getConsumerOffset())
                .append(",\"lastTimestamp\":").append(w.getLastTimestamp()).append('}');
        }
        return b.append("]}").toString();
    }

    static String subscriptionJson(Object topicKey, String topic, String subString, String expressionType, java.util.Set<String> tags) {
        StringBuilder b = new StringBuilder("{\"topic\":").append(Json.q(topic)).append(",\"subString\":").append(Json.q(subString))
            .append(",\"expressionType\":").append(Json.q(expressionType)).append(",\"tags\":[");
        int j = 0;
        for (String t : new TreeSet<>(tags)) {
            if (j++ > 0) b.append(',');
            b.append(Json.q(t));
        }
        return b.append("]}").toString();
    }

    /** examineConsumerConnectionInfo(group): the clients and the one subscription per topic the broker keeps. */
    static String consumerConnection(DefaultMQAdminExt admin, String group) throws Exception {
        var cc = admin.examineConsumerConnectionInfo(group);
        StringBuilder b = new StringBuilder("{\"consumeType\":").append(Json.q(String.valueOf(cc.getConsumeType())))
            .append(",\"messageModel\":").append(Json.q(String.valueOf(cc.getMessageModel())))
            .append(",\"consumeFromWhere\":").append(Json.q(String.valueOf(cc.getConsumeFromWhere())))
            .append(",\"connections\":[");
        var conns = new TreeMap<String, String>();
        for (var c : cc.getConnectionSet()) {
            conns.put(c.getClientId(), "{\"clientId\":" + Json.q(c.getClientId()) + ",\"clientAddr\":" + Json.q(c.getClientAddr())
                + ",\"language\":" + Json.q(String.valueOf(c.getLanguage())) + ",\"version\":" + c.getVersion() + "}");
        }
        b.append(String.join(",", conns.values())).append("],\"subscriptions\":[");
        List<String> subs = new ArrayList<>();
        for (var e : new TreeMap<>(cc.getSubscriptionTable()).entrySet()) {
            var sd = e.getValue();
            subs.add(subscriptionJson(e.getKey(), sd.getTopic(), sd.getSubString(), sd.getExpressionType(), sd.getTagsSet()));
        }
        return b.append(String.join(",", subs)).append("]}").toString();
    }

    /** getConsumerRunningInfo(group, clientId): asked of the client through a broker. */
    static String runningInfo(DefaultMQAdminExt admin, String group, String clientId) throws Exception {
        var ri = admin.getConsumerRunningInfo(group, clientId, false);
        StringBuilder b = new StringBuilder("{\"consumeOrderly\":").append(Json.q(ri.getProperties().getProperty("PROP_CONSUMEORDERLY")))
            .append(",\"consumeType\":").append(Json.q(String.valueOf(ri.getProperties().get("PROP_CONSUME_TYPE"))))
            .append(",\"subscriptions\":[");
        List<String> subs = new ArrayList<>();
        for (var sd : ri.getSubscriptionSet()) subs.add(subscriptionJson(null, sd.getTopic(), sd.getSubString(), sd.getExpressionType(), sd.getTagsSet()));
        b.append(String.join(",", subs)).append("],\"queues\":[");
        List<String> qs = new ArrayList<>();
        for (var e : ri.getMqTable().entrySet()) {
            var pq = e.getValue();
            qs.add("{\"mq\":" + mq(e.getKey()) + ",\"locked\":" + pq.isLocked() + ",\"droped\":" + pq.isDroped()
                + ",\"commitOffset\":" + pq.getCommitOffset() + "}");
        }
        return b.append(String.join(",", qs)).append("]}").toString();
    }

    /** What `mqadmin consumerProgress -s` does to name the client of each queue (getMessageQueueAllocationResult). */
    static String allocation(DefaultMQAdminExt admin, String group) throws Exception {
        var cc = admin.examineConsumerConnectionInfo(group);
        var out = new TreeMap<String, String>();
        for (var c : cc.getConnectionSet()) {
            var ri = admin.getConsumerRunningInfo(group, c.getClientId(), false);
            for (MessageQueue q : ri.getMqTable().keySet()) {
                out.put(q.getTopic() + "@" + q.getBrokerName() + "@" + q.getQueueId(), c.getClientId());
            }
        }
        StringBuilder b = new StringBuilder("{");
        int i = 0;
        for (var e : out.entrySet()) {
            if (i++ > 0) b.append(',');
            b.append(Json.q(e.getKey())).append(':').append(Json.q(e.getValue()));
        }
        return b.append('}').toString();
    }

    static String topicConsumers(DefaultMQAdminExt admin, String topic) throws Exception {
        var groups = new TreeSet<>(admin.queryTopicConsumeByWho(topic).getGroupList());
        List<String> q = new ArrayList<>();
        for (String g : groups) q.add(Json.q(g));
        return "[" + String.join(",", q) + "]";
    }

    /** resetOffsetByTimestamp(topic, group, timestamp, force): mqadmin resetOffsetByTime's first step. */
    static String resetOffset(DefaultMQAdminExt admin, String group, String topic, long timestamp) throws Exception {
        var table = admin.resetOffsetByTimestamp(topic, group, timestamp, true);
        StringBuilder b = new StringBuilder("{");
        int i = 0;
        for (var e : new TreeMap<>(table).entrySet()) {
            if (i++ > 0) b.append(',');
            b.append(Json.q(e.getKey().getTopic() + "@" + e.getKey().getBrokerName() + "@" + e.getKey().getQueueId())).append(':').append(e.getValue());
        }
        return b.append('}').toString();
    }

    static String subscriptionGroups(DefaultMQAdminExt admin, String brokerAddr) throws Exception {
        var groups = new TreeSet<>(admin.getAllSubscriptionGroup(brokerAddr, 10_000L).getSubscriptionGroupTable().keySet());
        List<String> q = new ArrayList<>();
        for (String g : groups) q.add(Json.q(g));
        return "[" + String.join(",", q) + "]";
    }

    private ConsumerAdmin() {
    }
}
