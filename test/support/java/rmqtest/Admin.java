package rmqtest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Long-lived admin helper built on RocketMQ's own admin API (rocketmq-tools DefaultMQAdminExt, what
 * mqadmin uses). One JVM per test cluster, so that polling and topic creation do not pay a JVM start.
 *
 *   java ... rmqtest.Admin &lt;namesrvAddr&gt; &lt;clusterName&gt;
 *
 * Reads commands, one per line, fields separated by TAB; answers exactly one line each:
 * "OK &lt;json&gt;" or "ERR &lt;message&gt;".
 *   cluster                                  brokers registered at the NameServer
 *   createTopic  topic queues perm timeoutMs [attributes]
 *                                            UPDATE_AND_CREATE_TOPIC on every master of the cluster,
 *                                            then waits until the NameServer route lists all of them;
 *                                            attributes (5.x) as mqadmin's -a: "+message.type=FIFO,+k=v"
 *   createGroup  group retryMaxTimes orderly  UPDATE_AND_CREATE_SUBSCRIPTIONGROUP on every master
 *   route        topic                       the NameServer's route for a topic
 *   runtime      brokerAddr                  GET_BROKER_RUNTIME_INFO of one broker (its KV table)
 *   consumeStats group                       examineConsumeStats: per queue broker/consumer offset, last time, totalDiff
 *   consumerConnection group                 examineConsumerConnectionInfo: clients, the broker's subscriptions, types
 *   runningInfo  group clientId              getConsumerRunningInfo: the client's own subscriptions and queues
 *   allocation   group                       queue -> client id, as `mqadmin consumerProgress` finds it
 *   topicConsumers topic                     queryTopicConsumeByWho: the groups consuming a topic
 *   resetOffset  group topic timestamp       resetOffsetByTimestamp(force): the brokers' answer, queue -> offset
 *   subscriptionGroups brokerAddr            getAllSubscriptionGroup: group names the broker has configs for
 *   quit
 * Exits at stdin EOF.
 */
public final class Admin {
    public static void main(String[] args) throws Exception {
        if (System.getProperty("rocketmq.remoting.version") == null) {
            System.setProperty("rocketmq.remoting.version", Integer.toString(MQVersion.CURRENT_VERSION));
        }
        String namesrv = args[0];
        String clusterName = args[1];
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        // An ACL-enabled cluster (StartOptions.acl): admin requests are signed like any client's.
        String ak = System.getProperty("rmqtest.acl.accessKey");
        DefaultMQAdminExt admin = ak == null
            ? new DefaultMQAdminExt(10_000L)
            : new DefaultMQAdminExt(new AclClientRPCHook(new SessionCredentials(ak, System.getProperty("rmqtest.acl.secretKey"))), 10_000L);
        admin.setNamesrvAddr(namesrv);
        admin.setInstanceName("rmqtest-admin-" + ProcessHandle.current().pid());
        admin.setVipChannelEnabled(false);
        admin.start();
        out.println("READY " + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        try {
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) continue;
                String[] f = line.split("\t", -1);
                try {
                    switch (f[0]) {
                        case "cluster": out.println("OK " + clusterJson(admin)); break;
                        case "createGroup":
                            createGroup(admin, clusterName, f[1], Integer.parseInt(f[2]), Boolean.parseBoolean(f[3]));
                            out.println("OK {}");
                            break;
                        case "createTopic":
                            out.println("OK " + createTopic(admin, clusterName, f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4]), f.length > 5 ? f[5] : ""));
                            break;
                        case "route": out.println("OK " + routeJson(admin, f[1])); break;
                        case "runtime": out.println("OK " + runtimeJson(admin, f[1])); break;
                        case "consumeStats": out.println("OK " + ConsumerAdmin.consumeStats(admin, f[1])); break;
                        case "consumerConnection": out.println("OK " + ConsumerAdmin.consumerConnection(admin, f[1])); break;
                        case "runningInfo": out.println("OK " + ConsumerAdmin.runningInfo(admin, f[1], f[2])); break;
                        case "allocation": out.println("OK " + ConsumerAdmin.allocation(admin, f[1])); break;
                        case "topicConsumers": out.println("OK " + ConsumerAdmin.topicConsumers(admin, f[1])); break;
                        case "resetOffset": out.println("OK " + ConsumerAdmin.resetOffset(admin, f[1], f[2], Long.parseLong(f[3]))); break;
                        case "subscriptionGroups": out.println("OK " + ConsumerAdmin.subscriptionGroups(admin, f[1])); break;
                        case "quit": return;
                        default: out.println("ERR unknown command " + f[0]);
                    }
                } catch (Throwable t) {
                    out.println("ERR " + String.valueOf(t).replace('\n', ' ').replace('\r', ' '));
                }
            }
        } finally {
            admin.shutdown();
            System.exit(0);
        }
    }

    /** {"clusters":{"DefaultCluster":["broker-a",...]},"brokers":{"broker-a":{"cluster":"..","addrs":{"0":"127.0.0.1:p"}}}} */
    static String clusterJson(DefaultMQAdminExt admin) throws Exception {
        var info = admin.examineBrokerClusterInfo();
        StringBuilder b = new StringBuilder("{\"clusters\":{");
        var clusters = new TreeMap<String, java.util.Set<String>>(info.getClusterAddrTable() == null ? Map.of() : info.getClusterAddrTable());
        int i = 0;
        for (var e : clusters.entrySet()) {
            if (i++ > 0) b.append(',');
            b.append(Json.q(e.getKey())).append(":[");
            int j = 0;
            for (String n : new java.util.TreeSet<>(e.getValue())) {
                if (j++ > 0) b.append(',');
                b.append(Json.q(n));
            }
            b.append(']');
        }
        b.append("},\"brokers\":{");
        i = 0;
        var table = info.getBrokerAddrTable();
        if (table != null) {
            for (var e : new TreeMap<>(table).entrySet()) {
                if (i++ > 0) b.append(',');
                var bd = e.getValue();
                b.append(Json.q(e.getKey())).append(":{\"cluster\":").append(Json.q(bd.getCluster())).append(",\"addrs\":{");
                int j = 0;
                for (var a : new TreeMap<>(bd.getBrokerAddrs()).entrySet()) {
                    if (j++ > 0) b.append(',');
                    b.append(Json.q(String.valueOf(a.getKey()))).append(':').append(Json.q(a.getValue()));
                }
                b.append("}}");
            }
        }
        return b.append("}}").toString();
    }

    static String runtimeJson(DefaultMQAdminExt admin, String brokerAddr) throws Exception {
        var table = admin.fetchBrokerRuntimeStats(brokerAddr).getTable();
        StringBuilder b = new StringBuilder("{");
        int i = 0;
        for (var e : new TreeMap<>(table).entrySet()) {
            if (i++ > 0) b.append(',');
            b.append(Json.q(e.getKey())).append(':').append(Json.q(e.getValue()));
        }
        return b.append('}').toString();
    }

    static String routeJson(DefaultMQAdminExt admin, String topic) throws Exception {
        var route = admin.examineTopicRouteInfo(topic);
        StringBuilder b = new StringBuilder("{\"queueDatas\":[");
        int i = 0;
        for (var q : route.getQueueDatas()) {
            if (i++ > 0) b.append(',');
            b.append("{\"brokerName\":").append(Json.q(q.getBrokerName()))
                .append(",\"readQueueNums\":").append(q.getReadQueueNums())
                .append(",\"writeQueueNums\":").append(q.getWriteQueueNums())
                .append(",\"perm\":").append(q.getPerm()).append('}');
        }
        b.append("],\"brokerDatas\":[");
        i = 0;
        for (var bd : route.getBrokerDatas()) {
            if (i++ > 0) b.append(',');
            b.append("{\"brokerName\":").append(Json.q(bd.getBrokerName())).append(",\"addrs\":{");
            int j = 0;
            for (var a : new TreeMap<>(bd.getBrokerAddrs()).entrySet()) {
                if (j++ > 0) b.append(',');
                b.append(Json.q(String.valueOf(a.getKey()))).append(':').append(Json.q(a.getValue()));
            }
            b.append("}}");
        }
        return b.append("]}").toString();
    }

    /** 5.x topic attributes (TopicConfig.setAttributes does not exist in 4.9: reflection keeps one source). */
    static void setAttributes(TopicConfig tc, String attributes) throws Exception {
        if (attributes.isEmpty()) return;
        Map<String, String> m = new TreeMap<>();
        for (String kv : attributes.split(",")) {
            int i = kv.indexOf('=');
            m.put(kv.substring(0, i), kv.substring(i + 1));
        }
        TopicConfig.class.getMethod("setAttributes", Map.class).invoke(tc, m);
    }

    /**
     * A subscription group on every master. SubscriptionGroupConfig moved packages between 4.9
     * (common.subscription) and 5.x (remoting.protocol.subscription): reflection keeps one source.
     */
    static void createGroup(DefaultMQAdminExt admin, String clusterName, String group, int retryMaxTimes, boolean orderly) throws Exception {
        Class<?> cls;
        try {
            cls = Class.forName("org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig");
        } catch (ClassNotFoundException e) {
            cls = Class.forName("org.apache.rocketmq.common.subscription.SubscriptionGroupConfig");
        }
        Object cfg = cls.getConstructor().newInstance();
        cls.getMethod("setGroupName", String.class).invoke(cfg, group);
        cls.getMethod("setRetryMaxTimes", int.class).invoke(cfg, retryMaxTimes);
        cls.getMethod("setConsumeMessageOrderly", boolean.class).invoke(cfg, orderly);
        var info = admin.examineBrokerClusterInfo();
        var names = info.getClusterAddrTable().get(clusterName);
        if (names == null || names.isEmpty()) throw new IllegalStateException("cluster " + clusterName + " has no brokers");
        java.lang.reflect.Method create = DefaultMQAdminExt.class.getMethod("createAndUpdateSubscriptionGroupConfig", String.class, cls);
        for (String name : new java.util.TreeSet<>(names)) {
            String master = info.getBrokerAddrTable().get(name).getBrokerAddrs().get(0L);
            create.invoke(admin, master, cfg);
        }
    }

    static String createTopic(DefaultMQAdminExt admin, String clusterName, String topic, int queues, int perm, long timeoutMs, String attributes) throws Exception {
        var info = admin.examineBrokerClusterInfo();
        var names = info.getClusterAddrTable().get(clusterName);
        if (names == null || names.isEmpty()) throw new IllegalStateException("cluster " + clusterName + " has no brokers");
        List<String> brokerNames = new ArrayList<>(new java.util.TreeSet<>(names));
        for (String name : brokerNames) {
            var bd = info.getBrokerAddrTable().get(name);
            String master = bd == null ? null : bd.getBrokerAddrs().get(0L);
            if (master == null) throw new IllegalStateException("broker " + name + " has no master address");
            TopicConfig tc = new TopicConfig(topic, queues, queues, perm);
            setAttributes(tc, attributes);
            admin.createAndUpdateTopicConfig(master, tc);
        }
        // The broker re-registers with the NameServer right after UPDATE_AND_CREATE_TOPIC; wait for it.
        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "no route yet";
        while (true) {
            try {
                var route = admin.examineTopicRouteInfo(topic);
                int ok = 0;
                for (String name : brokerNames) {
                    for (var q : route.getQueueDatas()) {
                        if (name.equals(q.getBrokerName()) && q.getWriteQueueNums() == queues && q.getReadQueueNums() == queues && q.getPerm() == perm) ok++;
                    }
                }
                if (ok == brokerNames.size()) return routeJson(admin, topic);
                last = routeJson(admin, topic);
            } catch (Exception e) {
                last = String.valueOf(e);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("route for " + topic + " not complete after " + timeoutMs + " ms: " + last);
            }
            Thread.sleep(100);
        }
    }

    private Admin() {
    }
}
