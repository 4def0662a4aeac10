package org.argus.log;

/**
 * Makes outside text safe inside a {@code key="value"} log line: a reason, a file name or a header a client sent can
 * neither end the line (a forged second line), nor close the quotes (an injected {@code key=value}), nor put control
 * bytes into the journal. Backslash, double quote and every character below 0x20 or in 0x7F-0x9F (and U+2028/2029)
 * are written as escapes ({@code \\}, {@code \"}, {@code \n}, {@code \r}, {@code \t}, else {@code \}{@code uXXXX}); the
 * result is cut to {@value #MAX} characters with a trailing {@code …}.
 */
public final class LogText {
    /** Longest escaped value written to a log line. */
    public static final int MAX = 512;

    private LogText() {
    }

    /** The escaped text; {@code null} stays the word {@code null}. */
    public static String escape(Object value) {
        if (value == null) {
            return "null";
        }
        String s = value.toString();
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '\\' -> "\\\\";
                case '"' -> "\\\"";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029'
                        ? String.format("\\u%04x", (int) c) : null;
            };
            if (rep != null && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (rep != null) {
                    b.append(rep);
                } else {
                    b.append(c);
                }
            }
            if (b != null && b.length() > MAX) {
                break;
            }
        }
        String out = b == null ? s : b.toString();
        return out.length() > MAX ? out.substring(0, MAX) + "…" : out;
    }
}
