package rmqtest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.TopicFilterType;
import org.apache.rocketmq.common.compression.CompressionType;
import org.apache.rocketmq.common.compression.CompressorFactory;

/**
 * Reference bodies made by RocketMQ's own classes (same source for 4.9.7 and 5.3.3).
 *
 *   java ... rmqtest.BodyRef compress   stdin lines "TYPE LEVEL HEX" (TYPE = LZ4|ZSTD|ZLIB); answers one line
 *        each: the hex of CompressorFactory.getCompressor(TYPE).compress(bytes, LEVEL), what the producer sends.
 *   java ... rmqtest.BodyRef register   one JSON line {"compressedHex","jsonHex"}: a RegisterBrokerBody with the
 *        topics below, encode(true) (broker compressedRegister=true) and encode(false). The class lives in
 *        common.protocol.body (4.9) or remoting.protocol.body (5.x): found by reflection.
 */
public final class BodyRef {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        if (args[0].equals("compress")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) continue;
                String[] f = line.split(" ", -1);
                byte[] raw = unhex(f[2]);
                out.println(hex(CompressorFactory.getCompressor(CompressionType.valueOf(f[0])).compress(raw, Integer.parseInt(f[1]))));
            }
        } else if (args[0].equals("register")) {
            Object body = registerBody();
            byte[] compressed = (byte[]) body.getClass().getMethod("encode", boolean.class).invoke(body, true);
            byte[] json = (byte[]) body.getClass().getMethod("encode", boolean.class).invoke(body, false);
            out.println("{\"compressedHex\":\"" + hex(compressed) + "\",\"jsonHex\":\"" + hex(json) + "\"}");
        } else {
            throw new IllegalArgumentException("unknown command " + args[0]);
        }
        System.exit(0);
    }

    @SuppressWarnings("unchecked")
    static Object registerBody() throws Exception {
        Class<?> cls;
        try {
            cls = Class.forName("org.apache.rocketmq.remoting.protocol.body.RegisterBrokerBody");
        } catch (ClassNotFoundException e) {
            cls = Class.forName("org.apache.rocketmq.common.protocol.body.RegisterBrokerBody");
        }
        Object body = cls.getConstructor().newInstance();
        Object wrapper = cls.getMethod("getTopicConfigSerializeWrapper").invoke(body);
        Object dv = wrapper.getClass().getMethod("getDataVersion").invoke(wrapper);
        dv.getClass().getMethod("setTimestamp", long.class).invoke(dv, 1700000000123L);
        dv.getClass().getMethod("setCounter", AtomicLong.class).invoke(dv, new AtomicLong(42));
        ConcurrentMap<String, TopicConfig> table = (ConcurrentMap<String, TopicConfig>) wrapper.getClass().getMethod("getTopicConfigTable").invoke(wrapper);
        TopicConfig a = new TopicConfig("OrderTopic", 8, 8, 6);
        TopicConfig b = new TopicConfig("%RETRY%group_1", 1, 1, 6);
        TopicConfig c = new TopicConfig("ReadOnly-Tagged", 4, 2, 4);
        c.setTopicFilterType(TopicFilterType.MULTI_TAG);
        TopicConfig d = new TopicConfig("TBW102", 8, 8, 7);
        for (TopicConfig t : new TopicConfig[] {a, b, c, d}) table.put(t.getTopicName(), t);
        try { // 5.x topic attributes
            Map<String, String> attrs = new HashMap<>();
            attrs.put("+message.type", "FIFO");
            TopicConfig.class.getMethod("setAttributes", Map.class).invoke(a, attrs);
        } catch (NoSuchMethodException e) {
            // 4.9: no attributes
        }
        List<String> filters = (List<String>) cls.getMethod("getFilterServerList").invoke(body);
        filters.add("127.0.0.1:30001");
        return body;
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) sb.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
        return sb.toString();
    }

    static byte[] unhex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }
}
