package rmqtest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.AclUtils;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * Reference ACL 1.0 signer: RocketMQ's own AclClientRPCHook (the client) and AclUtils (what the broker
 * verifies), for the signature check's cross-check. Same source for 4.9.7 (rocketmq-acl) and 5.3.3
 * (the classes live in rocketmq-client there).
 *
 * stdin, one case per line, every text as hex (UTF-8) so that any byte survives:
 *   name TAB accessKeyHex TAB secretKeyHex TAB securityTokenHex|- TAB bodyHex|- TAB key=valueHex,key=valueHex,...
 * stdout, one line per case:
 *   name TAB extFields after signing (key=valueHex,... sorted) TAB client Signature TAB
 *   broker canonical content hex (AclUtils.combineRequestContent over the sorted extFields without Signature)
 *   TAB AclUtils.calSignature of that content
 */
public final class AclSignRef {
    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) sb.append(String.format("%02x", x & 0xff));
        return sb.toString();
    }

    private static byte[] unhex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(s.substring(i * 2, i * 2 + 2), 16);
        return out;
    }

    private static String text(String h) {
        return new String(unhex(h), StandardCharsets.UTF_8);
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) continue;
            String[] p = line.split("\t", -1);
            String name = p[0];
            String ak = text(p[1]);
            String sk = text(p[2]);
            String token = "-".equals(p[3]) ? null : text(p[3]);
            byte[] body = "-".equals(p[4]) ? null : unhex(p[4]);
            RemotingCommand request = RemotingCommand.createRequestCommand(310, null);
            if (!p[5].isEmpty()) {
                for (String kv : p[5].split(",")) {
                    int eq = kv.indexOf('=');
                    request.addExtField(kv.substring(0, eq), text(kv.substring(eq + 1)));
                }
            }
            request.setBody(body);
            SessionCredentials cred = token == null ? new SessionCredentials(ak, sk) : new SessionCredentials(ak, sk, token);
            new AclClientRPCHook(cred).doBeforeRequest("127.0.0.1:10911", request);

            SortedMap<String, String> sorted = new TreeMap<>(request.getExtFields());
            StringBuilder fields = new StringBuilder();
            for (Map.Entry<String, String> e : sorted.entrySet()) {
                if (fields.length() > 0) fields.append(',');
                fields.append(e.getKey()).append('=').append(hex(e.getValue().getBytes(StandardCharsets.UTF_8)));
            }
            SortedMap<String, String> verified = new TreeMap<>();
            for (Map.Entry<String, String> e : sorted.entrySet()) {
                if (!SessionCredentials.SIGNATURE.equals(e.getKey())) verified.put(e.getKey(), e.getValue());
            }
            byte[] content = AclUtils.combineRequestContent(request, verified);
            System.out.println(name + "\t" + fields + "\t" + request.getExtFields().get(SessionCredentials.SIGNATURE) + "\t" + hex(content) + "\t" + AclUtils.calSignature(content, sk));
        }
        System.out.flush();
    }
}
