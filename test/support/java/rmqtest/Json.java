package rmqtest;

/** Minimal JSON string quoting, so the helper programs do not depend on the fastjson version on the classpath. */
final class Json {
    static String q(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f || (c >= 0xd800 && c <= 0xdfff)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    static String hex(byte[] bytes, int off, int len) {
        StringBuilder b = new StringBuilder(len * 2);
        for (int i = off; i < off + len; i++) b.append(String.format("%02x", bytes[i] & 0xff));
        return b.toString();
    }

    static byte[] unhex(String s) {
        s = s.trim();
        if (s.length() % 2 != 0) throw new IllegalArgumentException("odd hex length");
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return out;
    }

    private Json() {
    }
}
