package org.argus.export;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPOutputStream;
import org.argus.anon.Anonymizer;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanChange;
import org.argus.detect.Decision;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.argus.flow.WindowTotals;
import org.argus.log.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns windows, decisions, ban changes, device summaries and health counters into InfluxDB points and sends them in
 * gzip batches; what the server does not take waits in an {@link InfluxQueue} on disk and goes in order when it is
 * back (retries after 1 s doubling to 60 s, times a random 0.5–1). Blocking and single-threaded: every method is
 * called from the export's one thread. Measurements (tags; fields; time):
 * <ul>
 *   <li>{@code argus_window} (sensor; packets, bytes, flows, ip/tcp/udp/icmp packets, tcp_syn, fragments, non_ip,
 *   malformed, late_packets, flows_dropped as integers, packets_per_second and bits_per_second as floats; the window's
 *   start). Packets and bytes are the window's totals as in the CSV's window columns (wire bytes).</li>
 *   <li>{@code argus_flows} (sensor, src, dst, protocol, dst_port; orig_packets, orig_bytes, resp_packets,
 *   resp_bytes, flows; the interval's start): one point per originator, responder, protocol and responder port per
 *   {@code aggregation_interval}, at most {@code max_flow_keys} an interval, the rest summed under {@code src=other}.</li>
 *   <li>{@code argus_decision} (sensor, address, role, risk, detector, country, asn; score, early, reasons; the
 *   window's start).</li>
 *   <li>{@code argus_ban} (sensor, change added|renewed|removed|expired, action, risk, source; target, reason, hits,
 *   ttl_seconds; added at the ban's creation, the others at the change).</li>
 *   <li>{@code argus_device} (sensor, device, band, vendor; trust_score, bytes_today, flows_today; the summary's time).</li>
 *   <li>{@code argus_health} (sensor; the counters the sensor hands in; every aggregation interval, wall clock).</li>
 * </ul>
 * Addresses, device keys and ban targets are HMAC pseudonyms as in the CSVs when {@code anonymize} is on.
 */
public final class InfluxExporter {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxExporter.class);
    private static final long RETRY_INITIAL_MS = 1_000, RETRY_MAX_MS = 60_000;

    /** Sends a batch; {@link InfluxWriter#send} in the sensor, a stand-in in tests. */
    public interface Sender {
        InfluxWriter.Result send(byte[] gzipBody) throws InterruptedException;
    }

    /** An {@code argus_flows} key: originator, responder, protocol, responder port. */
    public record FlowKey(IpAddress src, IpAddress dst, int protocol, int dstPort) {
    }

    /**
     * One closed {@code argus_flows} interval: its start (ns), its keys with their sums (orig packets, orig bytes, resp
     * packets, resp bytes, flow rows), and the sums of the keys beyond the bound ({@code flows} 0 when none).
     */
    public record Interval(long startNanos, Map<FlowKey, long[]> keys, long[] other) {
    }

    /** What a window's {@code argus_window} point needs: its start and length (ns), totals and flow count. */
    public record WindowPoint(long startNanos, long lengthNanos, WindowTotals totals, int flows) {
        public static WindowPoint of(FlowWindow w) {
            return new WindowPoint(w.startNanos(), w.endNanos() - w.startNanos(), w.totals(), w.flows().size());
        }
    }

    /**
     * Sums a window's flows into {@code argus_flows} intervals (aligned to the epoch, packet time), at most
     * {@code maxKeys} keys an interval. Cheap and confined to one thread (the sensor runs it on the export verticle's
     * event loop, so no window is held for the export thread); {@link #add} hands back the intervals it closed.
     */
    public static final class Intervals {
        private final long length;
        private final int maxKeys;
        private Map<FlowKey, long[]> keys = new LinkedHashMap<>();
        private long[] other = new long[5];
        private long start = Long.MIN_VALUE;

        public Intervals(java.time.Duration length, int maxKeys) {
            this.length = length.toNanos();
            this.maxKeys = maxKeys;
        }

        /** Adds a window's flows; returns the interval it closed (a window of a later interval), else null. */
        public Interval add(FlowWindow w) {
            long s = Math.floorDiv(w.startNanos(), length) * length;
            Interval closed = null;
            if (s != start) {
                closed = flush();
                start = s;
            }
            for (FlowRecord f : w.flows()) {
                FlowKey k = new FlowKey(f.originator(), f.responder(), f.protocol(), f.responderPort());
                long[] v = keys.get(k);
                if (v == null) {
                    if (keys.size() < maxKeys) {
                        v = new long[5];
                        keys.put(k, v);
                    } else {
                        v = other;
                    }
                }
                v[0] += f.originatorPackets();
                v[1] += f.originatorBytes();
                v[2] += f.responderPackets();
                v[3] += f.responderBytes();
                v[4]++;
            }
            return closed;
        }

        /** The open interval, closed now (a stop); null when there is none. */
        public Interval flush() {
            if (start == Long.MIN_VALUE) {
                return null;
            }
            Interval i = new Interval(start, keys, other);
            keys = new LinkedHashMap<>();
            other = new long[5];
            start = Long.MIN_VALUE;
            return i;
        }
    }

    private final InfluxSettings settings;
    private final String sensor;
    private final Anonymizer anonymizer;
    private final InfluxQueue queue;
    private final Sender sender;
    private final InfluxStats stats;
    private final Clock clock;
    private final LineProtocol buffer = new LineProtocol();
    private long bufferedSinceMillis;
    private final Intervals intervals;
    private int failures;
    private long nextAttemptMillis;
    private long lastHealthMillis;

    /**
     * @param salt the anonymization salt (used only with {@code anonymize})
     * @throws IOException when the queue folder cannot be opened
     */
    public InfluxExporter(InfluxSettings settings, String sensor, String salt, Sender sender, InfluxStats stats, Clock clock)
            throws IOException {
        this.settings = settings;
        this.sensor = sensor;
        this.anonymizer = settings.anonymize() ? new Anonymizer(salt) : null;
        this.queue = new InfluxQueue(settings.queueDir(), settings.maxBufferBytes());
        this.sender = sender;
        this.stats = stats;
        this.clock = clock;
        this.intervals = new Intervals(settings.aggregationInterval(), settings.maxFlowKeys());
        this.lastHealthMillis = clock.millis();
        publishQueue();
        if (queue.size() > 0) {
            LOG.info("event=influx_queue_found batches={} points={} bytes={}", queue.size(), queue.lines(), queue.bytes());
        }
    }

    /**
     * A closed window: its {@code argus_window} point, its flows into this exporter's own intervals (for callers that
     * run everything on one thread; the sensor sums flows on the event loop and calls {@link #onInterval}).
     */
    public void onWindow(FlowWindow w) throws InterruptedException {
        Interval closed = intervals.add(w);
        if (closed != null) {
            onInterval(closed);
        }
        onWindow(WindowPoint.of(w));
    }

    /** One {@code argus_window} point. */
    public void onWindow(WindowPoint w) throws InterruptedException {
        WindowTotals t = w.totals();
        double secs = w.lengthNanos() / 1e9;
        point("argus_window").field("packets", t.packets()).field("bytes", t.bytes()).field("flows", (long) w.flows())
                .field("ip_packets", t.ipPackets()).field("tcp_packets", t.tcpPackets()).field("udp_packets", t.udpPackets())
                .field("icmp_packets", t.icmpPackets()).field("tcp_syn", t.tcpSyn()).field("fragments", t.fragments())
                .field("non_ip", t.nonIp()).field("malformed", t.malformed()).field("late_packets", t.latePackets())
                .field("flows_dropped", t.flowsDropped()).field("packets_per_second", t.packets() / secs)
                .field("bits_per_second", t.bytes() * 8 / secs).end(w.startNanos());
        ended();
    }

    /** A closed interval's {@code argus_flows} points. */
    public void onInterval(Interval interval) throws InterruptedException {
        for (Map.Entry<FlowKey, long[]> e : interval.keys().entrySet()) {
            FlowKey k = e.getKey();
            flowPoint(interval.startNanos(), name(k.src()), name(k.dst()), FlowRecord.protocolName(k.protocol()),
                    Integer.toString(k.dstPort()), e.getValue());
        }
        if (interval.other()[4] > 0) {
            flowPoint(interval.startNanos(), "other", "other", "other", "other", interval.other());
        }
    }

    /** A decision: one {@code argus_decision} point at its window's start. */
    public void onDecision(Decision d) throws InterruptedException {
        String address = d.anonymized() || anonymizer == null ? d.addressText() : anonymizer.anonymize(d.address());
        LineProtocol p = point("argus_decision").tag("address", address).tag("role", d.role().text()).tag("risk", d.risk().text())
                .tag("detector", d.detector());
        if (d.geo() != null) {
            p.tag("country", d.geo().country()).tag("asn", d.geo().asn() == null ? null : d.geo().asn().toString());
        }
        p.field("score", d.score()).field("early", d.early()).field("reasons", String.join("; ", d.reasons())).end(d.windowStartNanos());
        ended();
    }

    /** A ban change: one {@code argus_ban} point. */
    public void onBan(BanChange c) throws InterruptedException {
        Ban b = c.ban();
        String target = anonymizer == null ? b.target().toString()
                : anonymizer.anonymize(b.target().network()) + (b.target().single() ? "" : "/" + b.target().prefix());
        long at = c.kind() == BanChange.Kind.ADDED ? b.createdAt().toEpochMilli() : clock.millis();
        long ttl = Math.max(0, b.expiresAt().getEpochSecond() - b.createdAt().getEpochSecond());
        point("argus_ban").tag("change", c.kind().name().toLowerCase()).tag("action", b.action().name().toLowerCase())
                .tag("risk", b.risk()).tag("source", b.source().text()).field("target", target).field("reason", b.reason())
                .field("hits", b.hits()).field("ttl_seconds", ttl).end(at * 1_000_000L);
        ended();
    }

    /** The device stage's summary (entries as {@code GET /devices}): one {@code argus_device} point per device. */
    public void onDevices(JsonArray devices) throws InterruptedException {
        long now = clock.millis() * 1_000_000L;
        for (Object o : devices) {
            if (o instanceof JsonObject d && d.getString("key") != null) {
                String key = d.getString("key");
                Number score = d.getNumber("trust_score");
                point("argus_device").tag("device", anonymizer == null ? key : anonymizer.anonymize(key))
                        .tag("band", d.getString("trust_band")).tag("vendor", d.getString("vendor"))
                        .field("trust_score", score == null ? Double.NaN : score.doubleValue())
                        .field("bytes_today", d.getLong("bytes_today", 0L)).field("flows_today", d.getLong("flows_today", 0L))
                        .end(now);
                ended();
            }
        }
    }

    /**
     * Once a second or so: an {@code argus_health} point when an aggregation interval passed (wall clock), a flush of
     * a batch older than {@code flush_interval}, and a retry of what waits on disk when its backoff is over.
     *
     * @param health the counters for {@code argus_health} (name → integer or float), asked only when a point is due
     */
    public void tick(java.util.function.Supplier<Map<String, Number>> health) throws InterruptedException {
        long now = clock.millis();
        if (now - lastHealthMillis >= settings.aggregationInterval().toMillis()) {
            lastHealthMillis = now;
            LineProtocol p = point("argus_health");
            health.get().forEach((k, v) -> {
                if (v instanceof Double || v instanceof Float) {
                    p.field(k, v.doubleValue());
                } else {
                    p.field(k, v.longValue());
                }
            });
            p.field("export_queued_bytes", queue.bytes()).end(now * 1_000_000L);
            ended();
        }
        if (buffer.lines() > 0 && now - bufferedSinceMillis >= settings.flushInterval().toMillis()) {
            flush();
        }
        drain(false);
    }

    /**
     * A clean stop: the open interval's flows, then every buffered point and every queued batch go to the server
     * while it takes them; what it does not take stays in the queue folder for the next start.
     */
    public void close() throws InterruptedException {
        Interval open = intervals.flush();
        if (open != null) {
            onInterval(open);
        }
        flush();
        drain(true);
        publishQueue();
    }

    private LineProtocol point(String measurement) {
        if (buffer.lines() == 0) {
            bufferedSinceMillis = clock.millis();
        }
        return buffer.measurement(measurement).tag("sensor", sensor);
    }

    private void ended() throws InterruptedException {
        if (buffer.lines() >= settings.batchSize()) {
            flush();
        }
    }

    private void flowPoint(long start, String src, String dst, String protocol, String port, long[] v) throws InterruptedException {
        point("argus_flows").tag("src", src).tag("dst", dst).tag("protocol", protocol).tag("dst_port", port)
                .field("orig_packets", v[0]).field("orig_bytes", v[1]).field("resp_packets", v[2]).field("resp_bytes", v[3])
                .field("flows", v[4]).end(start);
        ended();
    }

    private String name(IpAddress a) {
        return anonymizer == null ? a.toString() : anonymizer.anonymize(a);
    }

    /** Sends the buffer now (or queues it when the server is out or others wait). */
    void flush() throws InterruptedException {
        if (buffer.lines() == 0) {
            return;
        }
        int lines = buffer.lines();
        byte[] body = gzip(buffer.bytes());
        buffer.clear();
        if (queue.size() == 0 && clock.millis() >= nextAttemptMillis) {
            InfluxWriter.Result r = sender.send(body);
            if (r.outcome() == InfluxWriter.Outcome.SENT) {
                sent(lines, body.length);
                return;
            }
            failed(r, lines);
            if (r.outcome() == InfluxWriter.Outcome.REJECTED) {
                return;
            }
        }
        enqueue(body, lines);
    }

    private void drain(boolean stopping) throws InterruptedException {
        try {
            while (queue.size() > 0 && (stopping || clock.millis() >= nextAttemptMillis)) {
                InfluxQueue.Batch b = queue.oldest();
                InfluxWriter.Result r = sender.send(queue.read(b));
                if (r.outcome() == InfluxWriter.Outcome.RETRY) {
                    failed(r, b.lines());
                    break;
                }
                queue.removeOldest();
                if (r.outcome() == InfluxWriter.Outcome.SENT) {
                    sent(b.lines(), b.bytes());
                } else {
                    failed(r, b.lines());
                }
            }
        } catch (IOException e) {
            stats.lastError.set("queue: " + e.getMessage());
            LOG.warn("event=influx_queue_failed reason=\"{}\"", LogText.escape(e.toString()));
        }
        publishQueue();
    }

    private void sent(int lines, long bytes) {
        failures = 0;
        nextAttemptMillis = 0;
        stats.pointsSent.add(lines);
        stats.batchesSent.increment();
        stats.bytesSent.add(bytes);
        stats.lastSuccessEpochMillis.set(clock.millis());
    }

    private void failed(InfluxWriter.Result r, int lines) {
        stats.errors.increment();
        stats.lastError.set(r.message());
        if (r.outcome() == InfluxWriter.Outcome.REJECTED) {
            stats.pointsRejected.add(lines);
            LOG.warn("event=influx_rejected points={} reason=\"{}\"", lines, LogText.escape(r.message()));
            return;
        }
        failures++;
        long base = RETRY_INITIAL_MS << Math.min(failures - 1, 20);
        long wait = (long) (Math.min(base, RETRY_MAX_MS) * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble()));
        nextAttemptMillis = clock.millis() + wait;
        if (failures == 1 || Long.bitCount(failures) == 1) { // the first failure, then at 2, 4, 8, … in a row
            LOG.warn("event=influx_unreachable failures={} retry_in_ms={} queued_batches={} reason=\"{}\"", failures, wait,
                    queue.size(), LogText.escape(r.message()));
        }
    }

    private void enqueue(byte[] body, int lines) {
        try {
            if (!queue.offer(body, lines)) {
                stats.pointsDropped.add(lines);
                LOG.debug("event=influx_dropped points={} reason=queue_full", lines);
            }
        } catch (IOException e) {
            stats.pointsDropped.add(lines);
            stats.lastError.set("queue: " + e.getMessage());
            LOG.warn("event=influx_queue_failed points={} reason=\"{}\"", lines, LogText.escape(e.toString()));
        }
        publishQueue();
    }

    private void publishQueue() {
        stats.queuedBatches.set(queue.size());
        stats.queuedBytes.set(queue.bytes());
        stats.queuedPoints.set(queue.lines());
    }

    static byte[] gzip(byte[] text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, text.length / 6));
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
            gz.write(text);
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory: cannot happen
        }
        return out.toByteArray();
    }
}
