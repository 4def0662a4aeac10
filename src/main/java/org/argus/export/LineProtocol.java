package org.argus.export;

/**
 * Writes InfluxDB line protocol ({@code measurement,tag=v field=1i,other="text" 1700000000000000000\n}), escaped as
 * InfluxDB documents it (docs.influxdata.com, "Line protocol", special characters): measurement names escape comma
 * and space; tag keys, tag values and field keys escape comma, equals sign and space; string field values escape
 * double quote and backslash. Line feeds and carriage returns, which no element may hold, become spaces. Integers get
 * the {@code i} suffix; non-finite doubles are left out (InfluxDB refuses them); empty tag values are left out (InfluxDB
 * refuses them too). Timestamps are nanoseconds since the epoch. Not thread-safe: one per batch.
 */
public final class LineProtocol {
    private final StringBuilder out = new StringBuilder(4096);
    private int lines;
    private boolean inPoint;
    private boolean hasField;

    /** Starts a point. */
    public LineProtocol measurement(String name) {
        if (inPoint) {
            throw new IllegalStateException("the previous point was not ended");
        }
        inPoint = true;
        hasField = false;
        escape(name, false);
        return this;
    }

    /** Adds a tag (tags must come before fields); an empty or null value is left out. */
    public LineProtocol tag(String key, String value) {
        if (hasField) {
            throw new IllegalStateException("tags must come before fields");
        }
        if (value != null && !value.isEmpty()) {
            out.append(',');
            escape(key, true);
            out.append('=');
            escape(value, true);
        }
        return this;
    }

    /** Adds an integer field ({@code 12i}). */
    public LineProtocol field(String key, long value) {
        fieldKey(key);
        out.append(value).append('i');
        return this;
    }

    /** Adds a float field; NaN and infinities are left out. */
    public LineProtocol field(String key, double value) {
        if (Double.isFinite(value)) {
            fieldKey(key);
            out.append(value);
        }
        return this;
    }

    /** Adds a boolean field. */
    public LineProtocol field(String key, boolean value) {
        fieldKey(key);
        out.append(value);
        return this;
    }

    /** Adds a string field ({@code "…"}, quote and backslash escaped); null is left out. */
    public LineProtocol field(String key, String value) {
        if (value != null) {
            fieldKey(key);
            out.append('"');
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                if (ch == '"' || ch == '\\') {
                    out.append('\\').append(ch);
                } else {
                    out.append(ch == '\n' || ch == '\r' ? ' ' : ch);
                }
            }
            out.append('"');
        }
        return this;
    }

    /**
     * Ends the point at {@code nanos} (ns since the epoch).
     *
     * @throws IllegalStateException when the point has no field (InfluxDB refuses such a line)
     */
    public LineProtocol end(long nanos) {
        if (!hasField) {
            throw new IllegalStateException("a point needs at least one field");
        }
        out.append(' ').append(nanos).append('\n');
        inPoint = false;
        lines++;
        return this;
    }

    /** Points ended so far. */
    public int lines() {
        return lines;
    }

    /** The text so far (complete lines only once every point is ended). */
    @Override
    public String toString() {
        return out.toString();
    }

    /** UTF-8 bytes of the text so far. */
    public byte[] bytes() {
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Forgets everything written. */
    public void clear() {
        out.setLength(0);
        lines = 0;
        inPoint = false;
    }

    private void fieldKey(String key) {
        if (!inPoint) {
            throw new IllegalStateException("no measurement started");
        }
        out.append(hasField ? ',' : ' ');
        hasField = true;
        escape(key, true);
        out.append('=');
    }

    private void escape(String s, boolean equalsSign) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == ',' || ch == ' ' || (equalsSign && ch == '=')) {
                out.append('\\').append(ch);
            } else if (ch == '\n' || ch == '\r') {
                out.append("\\ ");
            } else {
                out.append(ch);
            }
        }
    }
}
