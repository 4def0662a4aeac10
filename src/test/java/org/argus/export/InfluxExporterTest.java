package org.argus.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.argus.flow.TcpFlagCounts;
import org.argus.flow.WindowTotals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exporter against a real HTTP server on loopback that records what it is sent (the v2 request format). */
class InfluxExporterTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    private HttpServer server;
    private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger status = new AtomicInteger(204);
    private final MutableClock clock = new MutableClock();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] raw = ex.getRequestBody().readAllBytes();
            requests.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " | " + ex.getRequestHeaders().getFirst("Authorization")
                    + " | " + ex.getRequestHeaders().getFirst("Content-Encoding"));
            int code = status.get();
            if (code == 204) {
                bodies.add(new String(new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes(), StandardCharsets.UTF_8));
            }
            byte[] answer = code == 204 ? new byte[0] : "{\"code\":\"invalid\",\"message\":\"no\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(code, code == 204 ? -1 : answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private InfluxSettings v2(Path queue, long maxBytes, int batch) {
        return new InfluxSettings(true, "http://127.0.0.1:" + server.getAddress().getPort(), InfluxSettings.Api.V2, "", "", "", "",
                "home lab", "argus/raw", "s3cr3t", Duration.ofSeconds(10), false, batch, Duration.ofSeconds(10), maxBytes, queue,
                Duration.ofSeconds(2), 2);
    }

    private static FlowRecord flow(String src, String dst, int dport, long op, long ob, long rp, long rb) {
        return new FlowRecord(6, IpAddress.parse(src), 40000, IpAddress.parse(dst), dport, op, ob, rp, rb, T0, T0, TcpFlagCounts.NONE);
    }

    private static FlowWindow window(long start, FlowRecord... flows) {
        long packets = 0, bytes = 0;
        for (FlowRecord f : flows) {
            packets += f.packets();
            bytes += f.bytes();
        }
        return new FlowWindow(start, start + 5_000_000_000L, new WindowTotals(packets, bytes, packets, packets, 0, 0, 1, 0, 0, 0, 0, 0),
                List.of(flows));
    }

    @Test
    void writesV2RequestsWithWindowsAndAggregatedFlows(@TempDir Path dir) throws Exception {
        InfluxStats stats = new InfluxStats();
        InfluxWriter writer = new InfluxWriter(v2(dir, 1 << 20, 1000));
        InfluxExporter ex = new InfluxExporter(v2(dir, 1 << 20, 1000), "pi 1", "salt", writer::send, stats, clock);
        // two windows in the first 10-s interval, one in the next; three keys in the first: the third goes to "other"
        ex.onWindow(window(T0, flow("10.0.0.1", "10.0.0.2", 80, 3, 300, 2, 2000), flow("10.0.0.3", "10.0.0.2", 443, 1, 60, 0, 0)));
        ex.onWindow(window(T0 + 5_000_000_000L, flow("10.0.0.1", "10.0.0.2", 80, 1, 100, 1, 1000), flow("10.0.0.9", "10.0.0.2", 22, 5, 500, 0, 0)));
        ex.onWindow(window(T0 + 10_000_000_000L, flow("10.0.0.1", "10.0.0.2", 80, 1, 1, 1, 1)));
        ex.close();
        assertEquals(1, requests.size(), requests.toString());
        assertEquals("POST /api/v2/write?org=home+lab&bucket=argus%2Fraw&precision=ns | Token s3cr3t | gzip", requests.get(0));
        String body = bodies.get(0);
        assertTrue(body.contains("argus_window,sensor=pi\\ 1 packets=6i,bytes=2360i,flows=2i,"), body);
        assertTrue(body.contains("argus_flows,sensor=pi\\ 1,src=10.0.0.1,dst=10.0.0.2,protocol=TCP,dst_port=80 orig_packets=4i,orig_bytes=400i,"
                + "resp_packets=3i,resp_bytes=3000i,flows=2i " + T0 + "\n"), body);
        assertTrue(body.contains("argus_flows,sensor=pi\\ 1,src=other,dst=other,protocol=other,dst_port=other orig_packets=5i,orig_bytes=500i,"
                + "resp_packets=0i,resp_bytes=0i,flows=1i " + T0 + "\n"), body);
        assertTrue(body.contains("dst_port=80 orig_packets=1i,orig_bytes=1i,resp_packets=1i,resp_bytes=1i,flows=1i " + (T0 + 10_000_000_000L)), body);
        assertEquals(body.lines().count(), stats.pointsSent.sum());
        assertEquals(0, stats.queuedBatches.get());
    }

    @Test
    void keepsBatchesOnDiskWhileTheServerIsOutAndSendsThemInOrder(@TempDir Path dir) throws Exception {
        InfluxStats stats = new InfluxStats();
        InfluxSettings s = v2(dir, 1 << 20, 1); // one point per batch: every window is a request
        InfluxExporter ex = new InfluxExporter(s, "pi", "salt", new InfluxWriter(s)::send, stats, clock);
        status.set(503);
        for (int i = 0; i < 5; i++) {
            ex.onWindow(window(T0 + i * 5_000_000_000L));
            clock.advance(Duration.ofMillis(100));
        }
        assertEquals(1, requests.size(), "one try, then backoff: the rest wait in the queue without being sent");
        assertEquals(5, stats.queuedBatches.get());
        assertTrue(stats.lastError.get().startsWith("HTTP 503"), stats.lastError.get());
        // a restart of the sensor finds the queue
        InfluxStats again = new InfluxStats();
        InfluxExporter ex2 = new InfluxExporter(s, "pi", "salt", new InfluxWriter(s)::send, again, clock);
        assertEquals(5, again.queuedPoints.get());
        status.set(204);
        ex2.tick(Map::of);
        assertEquals(5, again.pointsSent.sum());
        assertEquals(0, again.queuedBatches.get());
        List<Long> times = new ArrayList<>();
        for (String b : bodies) {
            times.add(Long.parseLong(b.strip().substring(b.strip().lastIndexOf(' ') + 1)));
        }
        assertEquals(List.of(T0, T0 + 5_000_000_000L, T0 + 10_000_000_000L, T0 + 15_000_000_000L, T0 + 20_000_000_000L), times, "in order");
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "sent batches are deleted");
        }
    }

    @Test
    void dropsAndCountsBeyondTheBoundAndDropsRefusedContent(@TempDir Path dir) throws Exception {
        InfluxStats stats = new InfluxStats();
        InfluxSettings s = v2(dir, 200, 1); // room for very few gzip batches
        InfluxExporter ex = new InfluxExporter(s, "pi", "salt", new InfluxWriter(s)::send, stats, clock);
        status.set(500);
        for (int i = 0; i < 20; i++) {
            ex.onWindow(window(T0 + i * 5_000_000_000L));
        }
        assertTrue(stats.pointsDropped.sum() > 0, "beyond the bound new points are dropped");
        assertTrue(stats.queuedBytes.get() <= 200);
        assertEquals(20, stats.pointsDropped.sum() + stats.queuedPoints.get(), "every point is queued or counted as dropped");
        status.set(400);
        clock.advance(Duration.ofMinutes(5));
        ex.tick(Map::of);
        assertEquals(stats.queuedPoints.get(), 0);
        assertTrue(stats.pointsRejected.sum() > 0, "content the server refuses is dropped, counted, and does not block the queue");
        assertFalse(stats.lastError.get().isEmpty());
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
