package rmqtest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.remoting.protocol.LanguageCode;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.SerializeType;

/**
 * Reference encoder/decoder: RocketMQ's own RemotingCommand, as its Netty pipeline uses it.
 *
 *   java ... rmqtest.CodecRef encode   one JSON line per built-in case:
 *        {"name","input":{fields},"frameHex","encodeHex","decoded":{fields Java reads back from frameHex}}
 *        frameHex is what NettyEncoder writes (fastEncodeHeader + body); encodeHex is RemotingCommand.encode().
 *   java ... rmqtest.CodecRef decode   reads whole frames (with the 4-byte length) as hex, one per line,
 *        answers one JSON line each: {"ok":true,fields} or {"ok":false,"error":"..."}; decoding is
 *        RemotingCommand.decode(ByteBuf) on the frame after the length field, as NettyDecoder does.
 *   Fields: code, language (LanguageCode byte or null), languageName, version, opaque, flag, remark,
 *        extFields (object or null), serializeType ("JSON"|"ROCKETMQ"), bodyHex (or null).
 */
public final class CodecRef {
    static final class Case {
        String name;
        SerializeType type;
        int code;
        LanguageCode language = LanguageCode.JAVA;
        int version;
        int opaque;
        int flag;
        String remark;
        HashMap<String, String> ext;
        /** keys of ext in insertion order (matters for HashMap iteration order when keys share a bucket) */
        List<String> extOrder = new ArrayList<>();
        byte[] body;
    }

    static final List<Case> CASES = new ArrayList<>();

    static Case add(String name, SerializeType type, int code, int opaque, int flag) {
        Case c = new Case();
        c.name = name + "-" + type.name().toLowerCase();
        c.type = type;
        c.code = code;
        c.opaque = opaque;
        c.flag = flag;
        c.version = MQVersion.CURRENT_VERSION;
        CASES.add(c);
        return c;
    }

    static HashMap<String, String> map(String... kv) {
        HashMap<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        CASES.get(CASES.size() - 1).extOrder = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) CASES.get(CASES.size() - 1).extOrder.add(kv[i]);
        return m;
    }

    static void buildCases() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) all[i] = (byte) i;
        for (SerializeType t : new SerializeType[] {SerializeType.JSON, SerializeType.ROCKETMQ}) {
            add("minimal", t, 105, 0, 0);
            Case c = add("route-request", t, 105, 2034, 0);
            c.version = 412;
            c.ext = map("topic", "TopicTest");
            c = add("unicode", t, 10, 7, 0);
            c.remark = "主题/é";
            c.ext = map("topic", "主题/é");
            c.body = "hello 主题/é".getBytes(StandardCharsets.UTF_8);
            c = add("emoji", t, 10, 8, 0);
            c.remark = "smile \uD83D\uDE00 ok";
            c.ext = map("k\uD83D\uDE00", "v\uD83D\uDE00");
            c = add("control-chars", t, 310, 9, 0);
            c.remark = "a\u0001b\u0002c\td\ne\u0007f\u001fg\u007fh\rk\bl\fm\u0000n";
            c.ext = map("properties", "KEYS\u0001k1\u0002TAGS\u0001tagA\u0002\t\n\u0007\u001f\u007f");
            c = add("c1-controls", t, 310, 19, 0);
            c.remark = "x\u0080\u0085\u009f\u00a0\u00a1\u00ff\u2028\u2029\ufeff\uffffy";
            c.ext = map("k", "\u00a0\u0085\u2028");
            c = add("quotes-backslashes", t, 1, 10, 1);
            c.remark = "say \"hi\" \\ back\\\\slash / <tag> & '";
            c.ext = map("q\"k\\", "\"\\\"\\\\/");
            c = add("empty-remark", t, 1, 11, 1);
            c.remark = "";
            c = add("empty-extfields", t, 34, 12, 0);
            c.ext = new HashMap<>();
            c = add("empty-ext-value", t, 34, 13, 0);
            c.ext = map("a", "");
            c = add("large-opaque", t, 0, Integer.MAX_VALUE, 1);
            c.remark = "max";
            c = add("min-opaque", t, 0, Integer.MIN_VALUE, 1);
            c = add("negative-code", t, t == SerializeType.JSON ? -1 : -2, -1, 3);
            c.remark = "negative";
            c = add("oneway-go", t, 34, 99, 2);
            c.language = LanguageCode.GO;
            c.version = 317;
            c.ext = map("consumerGroup", "g1");
            c = add("flag3-rust", t, 17, 100, 3);
            c.language = LanguageCode.RUST;
            c.version = 0;
            c = add("other-language", t, 26, 101, 0);
            c.language = LanguageCode.OTHER;
            c.version = 32767;
            c = add("multi-ext", t, 310, 102, 0);
            c.ext = map("producerGroup", "pg", "topic", "T1", "defaultTopic", "TBW102", "defaultTopicQueueNums", "4",
                "queueId", "0", "sysFlag", "0", "bornTimestamp", "1700000000000", "flag", "0", "reconsumeTimes", "0",
                "unitMode", "false", "batch", "false");
            c.body = "payload".getBytes(StandardCharsets.UTF_8);
            c = add("many-ext", t, 320, 106, 0);
            String[] kv = new String[2 * 20];
            for (int i = 0; i < 20; i++) {
                kv[2 * i] = "key" + (i * 7 % 20) + (i % 3 == 0 ? "Aa" : "BB"); // "Aa"/"BB" share a hashCode
                kv[2 * i + 1] = "v" + i;
            }
            c.ext = map(kv);
            c = add("lone-surrogate", t, 10, 107, 0);
            c.remark = "a\uD800b\uDC00c";
            c = add("binary-body", t, 11, 103, 1);
            c.body = all;
            c = add("large-code", t, 200050, 104, 0);
            c.ext = map("topic", "T");
            c = add("big-body", t, 11, 105, 1);
            c.body = new byte[70000];
            Arrays.fill(c.body, (byte) 0x5a);
            c.remark = "big";
        }
    }

    static RemotingCommand toCommand(Case c) {
        RemotingCommand cmd = RemotingCommand.createRequestCommand(c.code, null);
        cmd.setCode(c.code);
        cmd.setLanguage(c.language);
        cmd.setVersion(c.version);
        cmd.setOpaque(c.opaque);
        cmd.setFlag(c.flag);
        cmd.setRemark(c.remark);
        if (c.ext != null) cmd.setExtFields(c.ext);
        cmd.setBody(c.body);
        cmd.setSerializeTypeCurrentRPC(c.type);
        return cmd;
    }

    static byte[] wireFrame(RemotingCommand cmd) {
        ByteBuf out = Unpooled.buffer();
        cmd.fastEncodeHeader(out); // what NettyEncoder does
        if (cmd.getBody() != null) out.writeBytes(cmd.getBody());
        byte[] b = new byte[out.readableBytes()];
        out.readBytes(b);
        return b;
    }

    static byte[] encodeFrame(RemotingCommand cmd) {
        ByteBuffer bb = cmd.encode();
        byte[] b = new byte[bb.remaining()];
        bb.get(b);
        return b;
    }

    static String fields(String code, String language, String languageName, int version, int opaque, int flag,
                         String remark, Map<String, String> ext, String type, byte[] body) {
        StringBuilder b = new StringBuilder();
        b.append("\"code\":").append(code)
            .append(",\"language\":").append(language)
            .append(",\"languageName\":").append(Json.q(languageName))
            .append(",\"version\":").append(version)
            .append(",\"opaque\":").append(opaque)
            .append(",\"flag\":").append(flag)
            .append(",\"remark\":").append(Json.q(remark))
            .append(",\"extFields\":");
        if (ext == null) {
            b.append("null");
        } else {
            b.append('{');
            int i = 0;
            for (Map.Entry<String, String> e : new TreeMap<>(ext).entrySet()) {
                if (i++ > 0) b.append(',');
                b.append(Json.q(e.getKey())).append(':').append(Json.q(e.getValue()));
            }
            b.append('}');
        }
        b.append(",\"serializeType\":").append(Json.q(type));
        b.append(",\"bodyHex\":").append(body == null ? "null" : Json.q(Json.hex(body, 0, body.length)));
        return b.toString();
    }

    static String fieldsOf(RemotingCommand cmd) {
        LanguageCode lc = cmd.getLanguage();
        Map<String, String> ext = cmd.getExtFields();
        // ROCKETMQ headers decode zero-length values as null: those show up as JSON null
        return fields(String.valueOf(cmd.getCode()), lc == null ? "null" : String.valueOf(lc.getCode()), lc == null ? null : lc.name(),
            cmd.getVersion(), cmd.getOpaque(), cmd.getFlag(), cmd.getRemark(), ext,
            cmd.getSerializeTypeCurrentRPC() == null ? null : cmd.getSerializeTypeCurrentRPC().name(), cmd.getBody());
    }

    static RemotingCommand decodeWire(byte[] frame) throws Exception {
        if (frame.length < 8) throw new IllegalArgumentException("frame shorter than 8 bytes");
        int length = ByteBuffer.wrap(frame, 0, 4).getInt();
        if (length != frame.length - 4) throw new IllegalArgumentException("length field " + length + " but " + (frame.length - 4) + " bytes follow");
        // NettyDecoder (LengthFieldBasedFrameDecoder(.., 0, 4, 0, 4)) strips the length, then RemotingCommand.decode
        return RemotingCommand.decode(Unpooled.wrappedBuffer(frame, 4, frame.length - 4));
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        String mode = args.length > 0 ? args[0] : "encode";
        if ("encode".equals(mode)) {
            buildCases();
            for (Case c : CASES) {
                RemotingCommand cmd = toCommand(c);
                byte[] wire = wireFrame(cmd);
                byte[] enc = encodeFrame(toCommand(c));
                RemotingCommand back = decodeWire(wire);
                StringBuilder b = new StringBuilder();
                b.append("{\"name\":").append(Json.q(c.name))
                    .append(",\"rocketmqVersion\":").append(Json.q(MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION)))
                    .append(",\"input\":{")
                    .append(fields(String.valueOf(c.code), String.valueOf(c.language.getCode()), c.language.name(), c.version, c.opaque, c.flag,
                        c.remark, c.ext, c.type.name(), c.body))
                    .append("},\"extOrder\":[").append(String.join(",", c.extOrder.stream().map(Json::q).toArray(String[]::new))).append(']')
                    .append(",\"frameHex\":").append(Json.q(Json.hex(wire, 0, wire.length)))
                    .append(",\"encodeHex\":").append(Json.q(Json.hex(enc, 0, enc.length)))
                    .append(",\"decoded\":{").append(fieldsOf(back)).append("}}");
                out.println(b);
            }
        } else if ("decode".equals(mode)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.trim().isEmpty()) continue;
                try {
                    RemotingCommand cmd = decodeWire(Json.unhex(line));
                    out.println("{\"ok\":true," + fieldsOf(cmd) + "}");
                } catch (Throwable t) {
                    out.println("{\"ok\":false,\"error\":" + Json.q(String.valueOf(t)) + "}");
                }
            }
        } else {
            System.err.println("usage: CodecRef encode|decode");
            System.exit(2);
        }
    }

    private CodecRef() {
    }
}
