package org.argus.intel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading feeds: a file that changes is swapped in while lookups run (none misses), and a URL feed is fetched from a
 * real HTTP server on loopback (JDK {@code HttpServer}) with conditional requests, cached, and used from the cache
 * after a restart without network.
 */
class IntelLoaderTest {
    @TempDir
    Path dir;

    private IntelLoader loader(ThreatIntel.Feed feed) {
        return new IntelLoader(new IntelSettings(List.of(feed), dir.resolve("cache"), true, 100_000),
                new ThreatIntel.Sanitizer(true, null), Clock.systemUTC());
    }

    @Test
    void aChangedFileIsSwappedInWithoutLosingALookup() throws Exception {
        Path file = dir.resolve("list.txt");
        StringBuilder text = new StringBuilder("198.51.100.7\n");
        Files.writeString(file, text);
        IntelLoader loader = loader(new ThreatIntel.Feed("local", file.toString(), FeedFormat.PLAIN, "malicious", 80, 60));
        AtomicReference<ThreatIntel> current = new AtomicReference<>(loader.refresh(true));
        assertEquals(1, current.get().size());
        assertNull(loader.refresh(false), "nothing due, file unchanged: no new snapshot");
        IpAddress listed = IpAddress.parse("198.51.100.7");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong lookups = new AtomicLong(), misses = new AtomicLong();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                if (!current.get().listed(listed)) {
                    misses.incrementAndGet();
                }
                lookups.incrementAndGet();
            }
        });
        reader.start();
        for (int round = 0; round < 20; round++) {
            for (int k = 0; k < 500; k++) {
                text.append("203.0.").append(round).append('.').append(k % 250).append('/').append(32 - k / 250).append('\n');
            }
            Files.writeString(file, text);
            ThreatIntel fresh = loader.refresh(false);
            assertNotNull(fresh, "the file grew: reloaded at once, round " + round);
            current.set(fresh);
        }
        stop.set(true);
        reader.join();
        assertEquals(0, misses.get(), "no lookup of a listed address missed during " + lookups.get() + " lookups and 20 swaps");
        assertTrue(lookups.get() > 1000, lookups.get() + " lookups");
        // per round 250 /32s and 250 /31s, which clear their host bit into 125 distinct blocks
        assertEquals(1 + 20 * (250 + 125), current.get().size());
        assertTrue(current.get().listed(IpAddress.parse("203.0.19.7")));
        Files.delete(file);
        assertNull(loader.refresh(false), "a file gone keeps what was loaded");
        assertEquals(1 + 20 * (250 + 125), loader.current().size());
        assertTrue(loader.status().get(0).error().contains("list.txt"), loader.status().toString());
    }

    /** Runs the JDK's keytool; fails the test when it fails. */
    private void keytool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    @Test
    void anHttpsFeedIsVerifiedAgainstTheConfiguredAuthority() throws Exception {
        // a feed server with its own certificate (keytool, EC P-256, for 127.0.0.1), served by the JDK's HttpsServer
        Path ks = dir.resolve("server.p12"), ca = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "feed", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", ks.toString(), "-storepass", "changeit",
                "-storetype", "PKCS12");
        keytool("-exportcert", "-rfc", "-alias", "feed", "-keystore", ks.toString(), "-storepass", "changeit", "-file", ca.toString());
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        com.sun.net.httpserver.HttpsServer server = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        server.createContext("/drop.txt", ex -> {
            byte[] b = "; DROP\n198.51.100.0/24 ; SBL1\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try {
            ThreatIntel.Feed feed = new ThreatIntel.Feed("drop", "https://127.0.0.1:" + server.getAddress().getPort() + "/drop.txt",
                    FeedFormat.SPAMHAUS, "hijacked", 90, 60);
            IntelLoader untrusted = loader(feed);
            assertNull(untrusted.refresh(true), "the server's certificate is not trusted by the JDK's authorities alone");
            String why = String.valueOf(untrusted.status().get(0).error()).toLowerCase(java.util.Locale.ROOT);
            assertTrue(why.contains("pkix") || why.contains("certif") || why.contains("ssl") || why.contains("handshake"),
                    "a TLS verification failure: " + why);
            IntelLoader trusted = new IntelLoader(new IntelSettings(List.of(feed), dir.resolve("cache2"), true, 1000, false, ca),
                    new ThreatIntel.Sanitizer(true, null), Clock.systemUTC());
            ThreatIntel loaded = trusted.refresh(true);
            assertNotNull(loaded, "fetched over TLS: " + trusted.status());
            assertEquals("SBL1", loaded.match(IpAddress.parse("198.51.100.9")).orElseThrow().note());
            assertEquals("download", trusted.status().get(0).origin());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aUrlFeedIsFetchedConditionallyCachedAndUsedOfflineAfterARestart() throws Exception {
        List<String> conditional = new CopyOnWriteArrayList<>();
        AtomicLong requests = new AtomicLong();
        String body = "# feodo-like test list\n198.51.100.23\n198.51.100.24\n10.1.2.3\n";
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/list.txt", ex -> {
            requests.incrementAndGet();
            String inm = ex.getRequestHeaders().getFirst("If-None-Match");
            if ("\"v1\"".equals(inm)) {
                conditional.add(inm);
                ex.sendResponseHeaders(304, -1);
            } else {
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("ETag", "\"v1\"");
                ex.getResponseHeaders().add("Last-Modified", "Mon, 30 Nov 2026 15:02:10 GMT");
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
            ex.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/list.txt";
        ThreatIntel.Feed feed = new ThreatIntel.Feed("c2", url, FeedFormat.PLAIN, "botnet_cc", 90, 60);
        try {
            IntelLoader first = loader(feed);
            ThreatIntel loaded = first.refresh(true);
            assertEquals(2, loaded.size(), "10.1.2.3 is private: refused");
            assertEquals("download", first.status().get(0).origin());
            assertEquals(1, first.status().get(0).refused().get("private (RFC 1918)"));
            assertTrue(Files.readString(dir.resolve("cache/c2.feed")).contains("198.51.100.24"), "cached");
            assertNull(first.refresh(true), "304: nothing new");
            assertEquals(List.of("\"v1\""), conditional, "If-None-Match sent once entries were loaded");
            assertEquals("not modified", first.status().get(0).origin());
            assertEquals(2, first.current().size());
        } finally {
            server.stop(0);
        }
        long asked = requests.get();
        // a restart without network: the cached copy at once, then the fetch fails and the entries stay
        IntelLoader restarted = loader(feed);
        ThreatIntel fromCache = restarted.refresh(true);
        assertEquals(2, fromCache.size());
        assertEquals("cache", restarted.status().get(0).origin());
        assertEquals(asked, requests.get(), "the start did not wait on the network");
        assertNull(restarted.refresh(true), "the fetch fails: nothing new");
        assertNotNull(restarted.status().get(0).error(), "the failure is shown");
        assertEquals(2, restarted.current().size(), "the cached entries stay in use");
        assertTrue(restarted.current().listed(IpAddress.parse("198.51.100.23")));
        // no cache and no network: a clear error, nothing listed
        Files.delete(dir.resolve("cache/c2.feed"));
        IntelLoader bare = loader(feed);
        assertNull(bare.refresh(true, false), "a start does not wait on the network");
        assertNull(bare.status().get(0).error(), "not even tried: " + bare.status());
        assertNull(bare.refresh(true));
        assertNotNull(bare.status().get(0).error());
        assertEquals(0, bare.current().size());
    }
}
