package org.argus.intel;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the configured feeds into {@link ThreatIntel} snapshots. Blocking: one worker thread calls it.
 *
 * <ul>
 *   <li>A {@code path} feed is read again when its refresh time is up or the file's size or modification time
 *       changed (checked on every {@link #refresh} call).</li>
 *   <li>A {@code url} feed is fetched (JDK {@link HttpClient}, 30 s timeout, redirects followed within https; TLS
 *       verified against the JDK's authorities and {@code intel.ca_file}'s) when its
 *       refresh time is up, with {@code If-None-Match} and {@code If-Modified-Since} from the last answer: 304 keeps
 *       what is loaded; 200 is parsed, then written to {@code cache_dir/<name>.feed} (with {@code <name>.meta.json}:
 *       ETag, Last-Modified) by an atomic rename. At a start the cached copy is used at once and the fetch follows at
 *       the next look, so start-up never waits on the network. A failure (no network, 5xx, timeout) is retried after 1, 2, 4 …
 *       minutes up to the refresh interval; until then the entries loaded before stay, or — after a restart with no
 *       network — the cached copy is used ({@code origin} says "cache (offline: …)").</li>
 *   <li>Every indicator goes through the {@link ThreatIntel.Sanitizer}; refusals are counted per reason with the
 *       first few quoted. A feed beyond {@code max_entries_per_feed} keeps its first entries.</li>
 * </ul>
 * When any feed changed, a new snapshot is built from every feed's current entries (the unchanged ones taken from
 * the previous snapshot) and returned; the caller swaps it in atomically.
 */
public final class IntelLoader {
    /** Refusals quoted per feed. */
    static final int REFUSAL_SAMPLES = 5;
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final IntelSettings settings;
    private final ThreatIntel.Sanitizer sanitizer;
    private final Clock clock;
    private final HttpClient http;
    private final List<State> states = new ArrayList<>();
    private ThreatIntel current = ThreatIntel.empty();

    /** Per feed: when to look next, what the file looked like, the latest status. */
    private static final class State {
        final ThreatIntel.Feed feed;
        Instant due = Instant.MIN;
        long fileSize = -1;
        long fileModified = -1;
        int failures;
        ThreatIntel.FeedStatus status;

        State(ThreatIntel.Feed feed) {
            this.feed = feed;
            this.status = new ThreatIntel.FeedStatus(feed.name(), 0, 0, List.of(), 0, Map.of(), List.of(), null, "not loaded yet", null);
        }
    }

    public IntelLoader(IntelSettings settings, ThreatIntel.Sanitizer sanitizer, Clock clock) {
        this.settings = settings;
        this.sanitizer = sanitizer;
        this.clock = clock;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL);
        if (settings.caFile() != null) {
            b.sslContext(trusting(settings.caFile()));
        }
        this.http = b.build();
        settings.feeds().forEach(f -> states.add(new State(f)));
    }

    /**
     * A TLS context trusting the JDK's default authorities and the PEM certificates of {@code caFile}.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no certificate
     */
    static javax.net.ssl.SSLContext trusting(Path caFile) {
        try {
            java.security.KeyStore ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            ks.load(null, null);
            javax.net.ssl.TrustManagerFactory defaults = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((java.security.KeyStore) null);
            int n = 0;
            for (javax.net.ssl.TrustManager tm : defaults.getTrustManagers()) {
                if (tm instanceof javax.net.ssl.X509TrustManager x) {
                    for (java.security.cert.X509Certificate c : x.getAcceptedIssuers()) {
                        ks.setCertificateEntry("jdk-" + n++, c);
                    }
                }
            }
            int own = 0;
            try (var in = Files.newInputStream(caFile)) {
                for (java.security.cert.Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    ks.setCertificateEntry("intel-ca-" + own++, c);
                }
            }
            if (own == 0) {
                throw new IllegalArgumentException("intel.ca_file: " + caFile + " holds no PEM certificate");
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("intel.ca_file: " + caFile + ": " + e.getMessage(), e);
        }
    }

    /** The snapshot in use. */
    public ThreatIntel current() {
        return current;
    }

    /**
     * Loads the feeds that are due (all of them with {@code force}, or on the first call).
     *
     * @return the new snapshot when any feed changed, else null
     */
    public ThreatIntel refresh(boolean force) {
        return refresh(force, true);
    }

    /**
     * {@link #refresh(boolean)}, optionally without the network: with {@code fetch} false a URL feed is only read
     * from its cache, and one without a cached copy waits for the next refresh (a sensor starting without network
     * must not wait for connection timeouts before it captures).
     */
    public ThreatIntel refresh(boolean force, boolean fetch) {
        Instant now = clock.instant();
        List<List<FeedFormat.Indicator>> loaded = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < states.size(); i++) {
            State s = states.get(i);
            List<FeedFormat.Indicator> fresh = null;
            boolean offlineWait = !fetch && isUrl(s.feed) && !(s.status.loadedAt() == null && Files.isReadable(cacheFile(s)));
            if (!offlineWait && (force || now.compareTo(s.due) >= 0 || fileChanged(s))) {
                fresh = load(s, now);
            }
            if (fresh != null) {
                changed = true;
                loaded.add(fresh);
            } else {
                loaded.add(null); // filled from the current snapshot below, only when something changed
            }
        }
        if (!changed) {
            return null;
        }
        for (int i = 0; i < loaded.size(); i++) {
            if (loaded.get(i) == null) {
                loaded.set(i, current.indicatorsOf(i));
            }
        }
        List<ThreatIntel.FeedStatus> status = new ArrayList<>();
        states.forEach(s -> status.add(s.status));
        current = ThreatIntel.build(settings.feeds(), loaded, status, now);
        return current;
    }

    /** Each feed's latest status (also while nothing changed: a failed fetch is news). */
    public List<ThreatIntel.FeedStatus> status() {
        List<ThreatIntel.FeedStatus> out = new ArrayList<>();
        states.forEach(s -> out.add(s.status));
        return out;
    }

    private boolean fileChanged(State s) {
        if (isUrl(s.feed)) {
            return false;
        }
        Path p = Path.of(s.feed.source());
        try {
            return Files.size(p) != s.fileSize || Files.getLastModifiedTime(p).toMillis() != s.fileModified;
        } catch (IOException e) {
            return s.fileSize != -1; // it went away: say so once
        }
    }

    private static boolean isUrl(ThreatIntel.Feed f) {
        return f.source().startsWith("https://") || f.source().startsWith("http://");
    }

    /** One feed: its new indicators, or null when nothing changed (not modified, or failed with entries kept). */
    private List<FeedFormat.Indicator> load(State s, Instant now) {
        s.due = now.plus(Duration.ofMinutes(s.feed.refreshMinutes()));
        try {
            if (!isUrl(s.feed)) {
                Path p = Path.of(s.feed.source());
                s.fileSize = Files.size(p);
                s.fileModified = Files.getLastModifiedTime(p).toMillis();
                try (BufferedReader in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                    return accept(s, s.feed.format().parse(in), now, "file");
                }
            }
            if (s.status.loadedAt() == null && Files.isReadable(cacheFile(s))) {
                // a start: the cached copy now (no waiting on the network), the fetch at the next look
                List<FeedFormat.Indicator> cached = fromCache(s, now, null);
                if (cached != null) {
                    s.due = now;
                    return cached;
                }
            }
            return fetch(s, now);
        } catch (IOException | RuntimeException e) {
            s.failures++;
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (isUrl(s.feed)) {
                long minutes = Math.min(s.feed.refreshMinutes(), 1L << Math.min(20, s.failures - 1));
                s.due = now.plus(Duration.ofMinutes(minutes));
                if (s.status.loadedAt() == null) { // nothing loaded since the start: the cached copy, if any
                    List<FeedFormat.Indicator> cached = fromCache(s, now, why);
                    if (cached != null) {
                        return cached;
                    }
                }
            } else {
                s.fileSize = -1;
                s.fileModified = -1;
            }
            s.status = failed(s.status, why);
            return null;
        }
    }

    private static ThreatIntel.FeedStatus failed(ThreatIntel.FeedStatus st, String why) {
        return new ThreatIntel.FeedStatus(st.name(), st.entries(), st.badLines(), st.badSamples(), st.otherTypes(), st.refused(),
                st.refusedSamples(), st.loadedAt(), st.origin(), why);
    }

    private Path cacheFile(State s) {
        return settings.cacheDir().resolve(s.feed.name() + ".feed");
    }

    private Path metaFile(State s) {
        return settings.cacheDir().resolve(s.feed.name() + ".meta.json");
    }

    private List<FeedFormat.Indicator> fetch(State s, Instant now) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(s.feed.source())).timeout(FETCH_TIMEOUT).GET()
                .header("User-Agent", "argus-sensor");
        JsonObject meta = new JsonObject();
        if (Files.isReadable(metaFile(s)) && Files.isReadable(cacheFile(s))) {
            meta = new JsonObject(Files.readString(metaFile(s)));
            if (s.status.loadedAt() != null) { // only when its entries are loaded: a 304 must not leave us with none
                if (meta.getString("etag") != null) {
                    req.header("If-None-Match", meta.getString("etag"));
                }
                if (meta.getString("last_modified") != null) {
                    req.header("If-Modified-Since", meta.getString("last_modified"));
                }
            }
        }
        HttpResponse<String> r;
        try {
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (r.statusCode() == 304) {
            s.failures = 0;
            ThreatIntel.FeedStatus st = s.status;
            s.status = new ThreatIntel.FeedStatus(st.name(), st.entries(), st.badLines(), st.badSamples(), st.otherTypes(), st.refused(),
                    st.refusedSamples(), now, "not modified", null);
            return null;
        }
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " from " + s.feed.source());
        }
        FeedFormat.Parsed parsed = s.feed.format().parse(new BufferedReader(new StringReader(r.body())));
        Files.createDirectories(settings.cacheDir());
        Path tmp = cacheFile(s).resolveSibling(s.feed.name() + ".feed.part");
        Files.writeString(tmp, r.body(), StandardCharsets.UTF_8);
        Files.move(tmp, cacheFile(s), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        JsonObject fresh = new JsonObject().put("url", s.feed.source()).put("fetched_at", now.toString());
        r.headers().firstValue("ETag").ifPresent(v -> fresh.put("etag", v));
        r.headers().firstValue("Last-Modified").ifPresent(v -> fresh.put("last_modified", v));
        Files.writeString(metaFile(s), fresh.encode(), StandardCharsets.UTF_8);
        s.failures = 0;
        return accept(s, parsed, now, "download");
    }

    /** The cached copy of a URL feed, or null when there is none; {@code why} the fetch failed (null: not tried yet). */
    private List<FeedFormat.Indicator> fromCache(State s, Instant now, String why) {
        try (BufferedReader in = Files.newBufferedReader(cacheFile(s), StandardCharsets.UTF_8)) {
            List<FeedFormat.Indicator> out = accept(s, s.feed.format().parse(in), now, why == null ? "cache" : "cache (offline: " + why + ")");
            if (why != null) {
                s.status = failed(s.status, why);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Sanitizes, caps and records the status of a parsed feed; returns what is kept. */
    private List<FeedFormat.Indicator> accept(State s, FeedFormat.Parsed parsed, Instant now, String origin) {
        List<FeedFormat.Indicator> kept = new ArrayList<>();
        Map<String, Integer> refused = new LinkedHashMap<>();
        List<String> samples = new ArrayList<>();
        java.util.Set<org.argus.blacklist.BanTarget> seen = new java.util.HashSet<>();
        for (FeedFormat.Indicator ind : parsed.indicators()) {
            String why = sanitizer.refusal(ind.block());
            if (why == null && kept.size() >= settings.maxEntries()) {
                why = "beyond max_entries_per_feed (" + settings.maxEntries() + ")";
            }
            if (why != null) {
                refused.merge(why, 1, Integer::sum);
                if (samples.size() < REFUSAL_SAMPLES) {
                    samples.add(ind.block() + ": " + why);
                }
                continue;
            }
            if (seen.add(ind.block())) {
                kept.add(ind);
            }
        }
        s.status = new ThreatIntel.FeedStatus(s.feed.name(), kept.size(), parsed.badLines(), parsed.badSamples(), parsed.otherTypes(),
                Map.copyOf(refused), List.copyOf(samples), now, origin, null);
        return kept;
    }
}
