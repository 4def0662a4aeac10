package org.argus.device;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.argus.blacklist.BanTarget;
import org.argus.bus.Addresses;
import org.argus.bus.LocalCodec;
import org.argus.flow.FlowWindow;
import org.argus.log.LogText;
import org.argus.status.SensorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device inventory ({@code devices.*}): each closed window's sightings ({@link DeviceInventory}) go into the
 * SQLite store ({@link DeviceStore}) on the shared worker executor {@code argus-devices} (1 thread, ordered). A
 * device seen for the first time ever is logged ({@code event=new_device}), published on
 * {@link Addresses#DEVICE_NEW}, and as a {@code new_device} notice on {@link Addresses#NOTICE} (the alert webhook). Answers {@link Addresses#DEVICE_LIST} (JSON of every device) and
 * {@link Addresses#DEVICE_GET} (one device's detail by MAC, key or address, with its top peers, its 20 newest pieces
 * of evidence and its trust score over the last 7 days as 48+ points; fails 404 when unknown).
 *
 * <p>Vulnerability scans ({@link DeviceScanner}, nmap) run one at a time on the shared worker executor
 * {@code argus-scan}: a new device when {@code devices.scan.enabled}, every device again after
 * {@code interval_hours} (checked each minute), and on request ({@link Addresses#DEVICE_SCAN}); at most
 * {@code max_scans_per_hour} start in any hour, the rest wait their turn. Results go into the store().
 *
 * <p>Live, at most {@value #MAX_PENDING} windows wait for the worker; a window beyond that is skipped and counted
 * ({@link Stats#windowsSkipped}): devices reappear in the next windows, memory does not grow under a flood. From a
 * capture file no window is skipped. The device table ({@link Addresses#DEVICE_SUMMARY}) and the band counts are
 * remade after a window only when no other waits behind it.
 */
public final class DeviceVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceVerticle.class);
    static final int MAX_PENDING = 2;
    /** How far back a device's detail plots its trust score (from its first sighting when that is later). */
    static final java.time.Duration HISTORY = java.time.Duration.ofDays(7);
    /** Devices in the dashboard's table. */
    static final int SUMMARY_DEVICES = 50;

    /** Counters for {@code /status} and {@code /metrics}. Thread-safe. */
    public static final class Stats {
        public final LongAdder windowsSeen = new LongAdder();
        public final LongAdder windowsSkipped = new LongAdder();
        public final LongAdder newDevices = new LongAdder();
        public final LongAdder refused = new LongAdder();
        public final LongAdder writeFailures = new LongAdder();
        public final LongAdder scansRun = new LongAdder();
        public final LongAdder scansFailed = new LongAdder();
        public final LongAdder bandChanges = new LongAdder();
        /** Bans asked for by auto-quarantine and accepted by the blacklist. */
        public final LongAdder quarantined = new LongAdder();
        /** Scans waiting (queued, not yet started). */
        public final AtomicInteger scansWaiting = new AtomicInteger();
        /** Devices known (−1 before the store opens). */
        public final AtomicInteger known = new AtomicInteger(-1);
        /** Devices per trust band (lower-case band → count), refreshed after each window. */
        public final java.util.concurrent.atomic.AtomicReference<java.util.Map<String, Integer>> bands =
                new java.util.concurrent.atomic.AtomicReference<>(java.util.Map.of());
        /** Vendor prefixes loaded (0: no manuf file). */
        public final AtomicInteger vendorPrefixes = new AtomicInteger();

        /** As JSON for {@code /status}. */
        public JsonObject toJson() {
            return new JsonObject().put("known", known.get()).put("new_devices", newDevices.sum())
                    .put("windows_seen", windowsSeen.sum()).put("windows_skipped", windowsSkipped.sum())
                    .put("refused_beyond_max_devices", refused.sum()).put("write_failures", writeFailures.sum())
                    .put("vendor_prefixes", vendorPrefixes.get()).put("scans_run", scansRun.sum())
                    .put("scans_failed", scansFailed.sum()).put("scans_waiting", scansWaiting.get())
                    .put("trust_band_changes", bandChanges.sum()).put("quarantine_bans", quarantined.sum()).put("bands", new JsonObject(new java.util.LinkedHashMap<>(bands.get())));
        }
    }

    private final DeviceSettings settings;
    private final boolean live;
    private final List<BanTarget> localNetworks;
    private final Stats stats;
    private final SensorHealth health;
    private final AtomicInteger pending = new AtomicInteger();
    private WorkerExecutor worker;
    private WorkerExecutor scanWorker;
    private DeviceInventory inventory;
    private volatile DeviceStore store;
    private DeviceScanner scanner;
    private volatile boolean nmapAvailable;
    /** Scans to run, oldest first: {key, address}; event-loop confined like the fields below. */
    private final java.util.ArrayDeque<String[]> scanQueue = new java.util.ArrayDeque<>();
    private final java.util.Set<String> scanQueued = new java.util.HashSet<>();
    private final java.util.ArrayDeque<Long> scanStarts = new java.util.ArrayDeque<>();
    private boolean scanning;
    private long scanTimer = -1;
    private long dueTimer = -1;
    private long bandTimer = -1;
    /** (address, detector, window) of the decisions already counted; event-loop confined, the latest 4096. */
    private final java.util.Set<String> decided = java.util.Collections.newSetFromMap(new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
            return size() > 4096;
        }
    });
    /** Active bans (CIDRs included), from the blacklist's list at start and its changes since. */
    private final java.util.Set<BanTarget> bannedTargets = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param localNetworks the networks resolved at start (configured, the interface's subnets, or the private
     *                      ranges: see {@link DeviceSettings#localNetworks()})
     * @param live          live capture: windows beyond {@value #MAX_PENDING} waiting are skipped; from a file every
     *                      window is looked at (the file waits for no one, so none may be lost)
     */
    public DeviceVerticle(DeviceSettings settings, List<BanTarget> localNetworks, boolean live, Stats stats, SensorHealth health) {
        this.settings = settings;
        this.live = live;
        this.localNetworks = List.copyOf(localNetworks);
        this.stats = stats;
        this.health = health;
    }

    @Override
    public Future<?> start() {
        LocalCodec.registerFor(vertx.eventBus(), FlowWindow.class);
        LocalCodec.registerFor(vertx.eventBus(), Device.class);
        worker = vertx.createSharedWorkerExecutor("argus-devices", 1);
        // nmap runs for minutes: on its own thread, so sightings and queries never wait behind a scan
        scanWorker = vertx.createSharedWorkerExecutor("argus-scan", 1, 2, java.util.concurrent.TimeUnit.HOURS);
        scanner = new DeviceScanner(settings.scan(), java.time.Clock.systemUTC());
        inventory = new DeviceInventory(localNetworks);
        inventory.bannedBy(this::banned);
        // Opened on the ordered worker without holding up the deployment: every later task queues behind it. A
        // database that cannot be opened leaves the inventory off (degraded, named in /health), not the sensor.
        worker.executeBlocking(() -> {
            DeviceStore opened = DeviceStore.open(settings.dbPath(), Oui.empty(), settings.maxDevices(), settings.maxAddresses())
                    .trust(settings.trustWeights(), settings.recovery(), java.time.Clock.systemUTC());
            store = opened;
            stats.known.set(opened.size());
            health.set(SensorHealth.DEVICES, true, "running", opened.size() + " devices in " + settings.dbPath());
            return null;
        }).onFailure(e -> {
            health.set(SensorHealth.DEVICES, true, "degraded", "device inventory off: " + e.getMessage());
            LOG.error("event=devices_db_failed db={} reason=\"{}\"", settings.dbPath(), LogText.escape(String.valueOf(e.getMessage())));
        });
        // The database opens before the deployment completes; the OUI file (2 MB) and the nmap check follow on the
        // same ordered worker, so start-up does not wait for them and no window is looked at before them.
        worker.executeBlocking(() -> {
            if (store == null) {
                return null; // the database did not open: the deployment fails with its reason
            }
            Oui oui = Oui.empty();
            String note = "";
            if (Files.isReadable(settings.manufPath())) {
                try {
                    oui = Oui.load(settings.manufPath());
                } catch (IOException e) {
                    note = "; no vendors: " + settings.manufPath() + " unreadable (" + e.getMessage() + ")";
                }
            } else {
                note = "; no vendors: " + settings.manufPath() + " not found (Debian: apt-get install libwireshark-data)";
            }
            store.vendors(oui);
            stats.vendorPrefixes.set(oui.entries());
            if (settings.scan().enabled()) {
                nmapAvailable = scanner.available();
                if (!nmapAvailable) {
                    note += "; scans off: " + settings.scan().nmap() + " not found (Debian: apt-get install nmap)";
                }
            }
            String detail = store().size() + " devices in " + settings.dbPath() + ", local networks " + localNetworks + note;
            health.set(SensorHealth.DEVICES, true, note.isEmpty() ? "running" : "degraded", detail);
            LOG.info("event=devices_started known={} db={} local_networks=\"{}\" vendor_prefixes={}", store().size(),
                    settings.dbPath(), localNetworks, oui.entries());
            if (!note.isEmpty()) {
                LOG.warn("event=devices_degraded reason=\"{}\"", LogText.escape(note.substring(2)));
            }
            return null;
        });
        return Future.<Void>succeededFuture().compose(v -> {
            MessageConsumer<FlowWindow> windows = vertx.eventBus().localConsumer(Addresses.WINDOW_CLOSED, m -> observe(m.body()));
            MessageConsumer<Object> list = vertx.eventBus().localConsumer(Addresses.DEVICE_LIST, m -> worker.executeBlocking(() -> {
                JsonArray out = new JsonArray();
                store().list().forEach(d -> out.add(d.toJson()));
                return new JsonObject().put("devices", out);
            }).onComplete(r -> {
                if (r.succeeded()) {
                    m.reply(r.result());
                } else {
                    m.fail(503, "device database: " + r.cause().getMessage());
                }
            }));
            MessageConsumer<String> get = vertx.eventBus().localConsumer(Addresses.DEVICE_GET, m -> worker.executeBlocking(() -> {
                java.util.Optional<Device> d = store().find(m.body());
                if (d.isEmpty()) {
                    return null;
                }
                JsonArray peers = new JsonArray();
                store().topPeers(d.get().key(), d.get().lastSeen(), 1, 5).forEach(p -> peers.add(new JsonObject()
                        .put("address", p.address().toString()).put("bytes", p.bytes()).put("flows", p.flows())));
                JsonArray evidence = new JsonArray();
                store().evidence(d.get().key(), 20).forEach(e -> evidence.add(new JsonObject().put("at", e.at().toString())
                        .put("part", e.part().name().toLowerCase(java.util.Locale.ROOT)).put("penalty", e.penalty()).put("reason", e.reason())));
                java.time.Instant now = java.time.Instant.now();
                java.time.Instant from = d.get().firstSeen().isAfter(now.minus(HISTORY)) ? d.get().firstSeen() : now.minus(HISTORY);
                JsonArray history = new JsonArray();
                store().history(d.get().key(), from, now, 48).forEach(p -> history.add(new JsonObject().put("at", p.at().toString())
                        .put("score", p.score())));
                return d.get().toDetailJson().put("top_peers", peers).put("evidence", evidence).put("score_history", history);
            }).onComplete(r -> {
                if (r.failed()) {
                    m.fail(503, "device database: " + r.cause().getMessage());
                } else if (r.result() == null) {
                    m.fail(404, "no device " + m.body());
                } else {
                    m.reply(r.result());
                }
            }));
            MessageConsumer<String> forget = vertx.eventBus().localConsumer(Addresses.DEVICE_FORGET, m -> worker.executeBlocking(() -> {
                java.util.Optional<Device> d = store().find(m.body());
                if (d.isEmpty() || !store().forget(d.get().key())) {
                    return null;
                }
                stats.known.set(store().size());
                stats.bands.set(store().bands());
                return d.get().key();
            }).onComplete(r -> {
                if (r.failed()) {
                    m.fail(503, "device database: " + r.cause().getMessage());
                } else if (r.result() == null) {
                    m.fail(404, "no device " + m.body());
                } else {
                    LOG.info("event=device_forgotten key={}", r.result());
                    m.reply(new JsonObject().put("forgotten", true).put("key", r.result()));
                }
            }));
            MessageConsumer<String> scan = vertx.eventBus().localConsumer(Addresses.DEVICE_SCAN, m -> worker.executeBlocking(() -> {
                if (!nmapAvailable) {
                    nmapAvailable = scanner.available(); // asked for the first time, or installed since
                }
                return nmapAvailable ? store().find(m.body()) : null;
            }).onComplete(r -> {
                    if (r.succeeded() && r.result() == null) {
                        m.fail(503, "nmap is not installed (" + settings.scan().nmap() + "; Debian: apt-get install nmap)");
                    } else if (r.failed()) {
                        m.fail(503, "device database: " + r.cause().getMessage());
                    } else if (r.result().isEmpty()) {
                        m.fail(404, "no device " + m.body());
                    } else {
                        String address = scanAddress(r.result().get());
                        if (address == null) {
                            m.fail(409, "device " + r.result().get().key() + " has no address inside devices.local_networks to scan");
                        } else {
                            int position = enqueueScan(r.result().get().key(), address);
                            m.reply(new JsonObject().put("queued", true).put("key", r.result().get().key()).put("address", address)
                                    .put("position", position));
                        }
                    }
                }));
            if (settings.scan().enabled()) {
                dueTimer = vertx.setPeriodic(5_000, 60_000, id -> {
                    if (nmapAvailable) {
                        queueDue();
                    }
                });
            }
            MessageConsumer<org.argus.detect.Decision> decisions = vertx.eventBus().localConsumer(Addresses.DECISION, m -> decided(m.body()));
            MessageConsumer<org.argus.blacklist.BanChange> bans = vertx.eventBus().localConsumer(Addresses.BAN_CHANGED, m -> {
                org.argus.blacklist.BanChange c = m.body();
                switch (c.kind()) {
                    case ADDED, RENEWED -> bannedTargets.add(c.ban().target());
                    case REMOVED, EXPIRED -> bannedTargets.remove(c.ban().target());
                    default -> { }
                }
            });
            vertx.eventBus().<org.argus.blacklist.BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null)
                    .onSuccess(m -> m.body().bans().forEach(b -> bannedTargets.add(b.target())));
            bandTimer = vertx.setPeriodic(60_000, id -> worker.executeBlocking(() -> {
                List<BandChange> changes = new java.util.ArrayList<>();
                for (String key : store().notNormal()) {
                    bandCheck(key).ifPresent(changes::add);
                }
                return changes;
            }).onSuccess(changes -> changes.forEach(this::announce)));
            return Future.all(List.of(windows.completion(), list.completion(), get.completion(), scan.completion(),
                    decisions.completion(), bans.completion(), forget.completion()));
        });
    }

    /**
     * The address to scan: the most recently seen IPv4 address inside the local networks, else such an IPv6 one
     * that is not link-local (nmap needs a scope for those); null when none.
     */
    private String scanAddress(Device d) {
        String v6 = null;
        for (Device.Address a : d.addresses()) {
            org.argus.flow.IpAddress ip;
            try {
                ip = org.argus.flow.IpAddress.parse(a.address());
            } catch (RuntimeException e) {
                continue;
            }
            if (!inventory.isLocal(ip)) {
                continue;
            }
            if (!ip.v6()) {
                return a.address();
            }
            if (v6 == null && (ip.hi() >>> 54) != 0x3fa) { // not fe80::/10
                v6 = a.address();
            }
        }
        return v6;
    }

    /** Queues a scan unless one is queued for the device; returns its place in the queue (0 = next). */
    private int enqueueScan(String key, String address) {
        if (scanQueued.add(key)) {
            scanQueue.addLast(new String[] {key, address});
            stats.scansWaiting.set(scanQueue.size());
        }
        int position = 0;
        for (String[] job : scanQueue) {
            if (job[0].equals(key)) {
                break;
            }
            position++;
        }
        pumpScans();
        return position;
    }

    private void queueDue() {
        worker.executeBlocking(() -> store().dueForScan(settings.scan().interval(), java.time.Instant.now())).onSuccess(due -> {
            for (Device d : due) {
                String address = scanAddress(d);
                if (address != null && scanQueue.size() < 64) {
                    enqueueScan(d.key(), address);
                }
            }
        });
    }

    /** Starts the next scan when none runs and the hourly budget allows; else waits for the budget. */
    private void pumpScans() {
        if (scanning || scanQueue.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        while (!scanStarts.isEmpty() && scanStarts.peekFirst() <= now - 3_600_000L) {
            scanStarts.removeFirst();
        }
        if (scanStarts.size() >= settings.scan().maxPerHour()) {
            if (scanTimer < 0) {
                scanTimer = vertx.setTimer(Math.max(1, scanStarts.peekFirst() + 3_600_000L - now), id -> {
                    scanTimer = -1;
                    pumpScans();
                });
            }
            return;
        }
        String[] job = scanQueue.removeFirst();
        stats.scansWaiting.set(scanQueue.size());
        scanning = true;
        scanStarts.addLast(now);
        scanWorker.executeBlocking(() -> scanner.scan(org.argus.flow.IpAddress.parse(job[1])))
                .compose(outcome -> worker.executeBlocking(() -> {
                    store().recordScan(job[0], outcome);
                    return new ScanDone(outcome, bandCheck(job[0]));
                })).onComplete(r -> {
                    scanning = false;
                    scanQueued.remove(job[0]);
                    stats.scansRun.increment();
                    if (r.failed() || !r.result().outcome().ok()) {
                        stats.scansFailed.increment();
                        String why = r.failed() ? String.valueOf(r.cause().getMessage()) : r.result().outcome().error();
                        LOG.warn("event=device_scan_failed key={} address={} reason=\"{}\"", job[0], job[1], LogText.escape(why));
                    } else {
                        LOG.info("event=device_scanned key={} address={} open_ports=\"{}\"", job[0], job[1],
                                r.result().outcome().findings().stream().map(f -> f.port() + "/" + f.risk()).toList());
                        r.result().change().ifPresent(this::announce);
                    }
                    pumpScans();
                });
    }

    /** The dashboard's device table: the {@value #SUMMARY_DEVICES} most recently seen devices (worker thread). */
    private JsonArray table() throws java.sql.SQLException {
        JsonArray list = new JsonArray();
        store().list(SUMMARY_DEVICES).forEach(d -> list.add(d.toJson()));
        return list;
    }

    /** What one window did: new devices, band changes, and the device table (null when another window waits). */
    private record Observed(List<Device> fresh, List<BandChange> changes, JsonArray summary) {
    }

    private record ScanDone(DeviceScanner.Outcome outcome, java.util.Optional<BandChange> change) {
    }

    /** The open store, on the worker; fails the task (503 to a request) when the database did not open. */
    private DeviceStore store() {
        DeviceStore s = store;
        if (s == null) {
            throw new IllegalStateException("the device database is not open (see the devices component in /health)");
        }
        return s;
    }

    /** A band change of a device's trust score. */
    private record BandChange(Device device, TrustScore.Band before, TrustScore.Band now) {
    }

    private boolean banned(org.argus.flow.IpAddress a) {
        for (BanTarget t : bannedTargets) {
            if (t.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Worker: the device's band now against the one recorded; a change (or a first band that is not normal). */
    private java.util.Optional<BandChange> bandCheck(String key) throws java.sql.SQLException {
        java.util.Optional<Device> d = store().find(key);
        if (d.isEmpty()) {
            return java.util.Optional.empty();
        }
        TrustScore.Band now = d.get().trust().band();
        TrustScore.Band before = store().updateBand(key, now);
        if (before == now || (before == null && now == TrustScore.Band.NORMAL)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new BandChange(d.get(), before, now));
    }

    private void announce(BandChange c) {
        Device d = c.device();
        stats.bandChanges.increment();
        String why = d.trust().reasons().isEmpty() ? "recovered" : d.trust().reasons().get(0);
        String message = "device " + d.key() + (d.vendor() == null ? "" : " (" + d.vendor() + ")") + " trust " + d.trust().total()
                + ": " + (c.before() == null ? "normal" : c.before().text()) + " -> " + c.now().text() + " (" + why + ")";
        LOG.warn("event=device_trust key={} score={} from={} to={} reason=\"{}\"", d.key(), d.trust().total(),
                c.before() == null ? "normal" : c.before().text(), c.now().text(), LogText.escape(why));
        vertx.eventBus().publish(Addresses.NOTICE, new JsonObject().put("alert", "device_trust")
                .put("severity", switch (c.now()) {
                    case CRITICAL -> "critical";
                    case ALERT -> "warning";
                    default -> "info";
                }).put("message", message).put("from", c.before() == null ? "normal" : c.before().text()).put("to", c.now().text())
                .put("device", d.toJson()));
        if (settings.quarantineOnCritical()) {
            for (org.argus.blacklist.BanRequest req : Quarantine.bans(d, c.before(), c.now(), inventory::isLocal)) {
                vertx.eventBus().<Object>request(Addresses.BLACKLIST_ADD, req).onSuccess(r -> {
                    stats.quarantined.increment();
                    LOG.warn("event=device_quarantined key={} address={}", d.key(), req.address());
                }).onFailure(e -> LOG.warn("event=device_quarantine_refused key={} address={} reason=\"{}\"", d.key(), req.address(),
                        LogText.escape(String.valueOf(e.getMessage()))));
            }
        }
    }

    /**
     * An attacker decision about a local device's address costs its behaviour part; a compromised one (it contacted
     * an address a threat feed lists) its reputation part, like a contact with a banned address.
     */
    private void decided(org.argus.detect.Decision d) {
        boolean compromised = d.role() == org.argus.detect.Role.COMPROMISED;
        if ((d.role() != org.argus.detect.Role.ATTACKER && !compromised) || TrustScore.decisionPenalty(d.risk().text()) <= 0
                || inventory == null || !inventory.isLocal(d.address())) {
            return;
        }
        // an early decision and its window's own are one piece of evidence
        if (!decided.add(d.address() + " " + d.detector() + " " + d.windowStartNanos())) {
            return;
        }
        String reason = d.detector() + " " + d.risk().text() + (d.early() ? " (early)" : "") + (d.reasons().isEmpty() ? "" : ": " + d.reasons().get(0));
        worker.executeBlocking(() -> {
            java.util.Optional<Device> dev = store().find(d.address().toString());
            if (dev.isEmpty()) {
                return java.util.Optional.<BandChange>empty();
            }
            store().addEvent(dev.get().key(), compromised
                    ? new TrustScore.Event(java.time.Instant.now(), TrustScore.Part.REPUTATION, TrustScore.BANNED_CONTACT_PENALTY, reason)
                    : new TrustScore.Event(java.time.Instant.now(), TrustScore.Part.BEHAVIOUR, TrustScore.decisionPenalty(d.risk().text()), reason));
            java.util.Optional<BandChange> change = bandCheck(dev.get().key());
            if (pending.get() == 0) { // the table shows the new score now, not after the next window
                vertx.eventBus().publish(Addresses.DEVICE_SUMMARY, table());
            }
            return change;
        }).onSuccess(c -> c.ifPresent(this::announce))
                .onFailure(e -> LOG.warn("event=device_trust_failed reason=\"{}\"", LogText.escape(String.valueOf(e.getMessage()))));
    }

    private void observe(FlowWindow w) {
        stats.windowsSeen.increment();
        if (pending.incrementAndGet() > MAX_PENDING && live) {
            pending.decrementAndGet();
            stats.windowsSkipped.increment();
            return;
        }
        worker.executeBlocking(() -> {
            try {
                long refusedBefore = store().refused();
                List<DeviceInventory.Sighting> sightings = inventory.observe(w);
                List<Device> fresh = store().record(sightings);
                stats.refused.add(store().refused() - refusedBefore);
                stats.known.set(store().size());
                List<BandChange> changes = new java.util.ArrayList<>();
                java.time.Instant at = java.time.Instant.ofEpochMilli(Math.floorDiv(w.startNanos(), 1_000_000L));
                for (DeviceInventory.Sighting s : sightings) {
                    if (!s.bannedContacts().isEmpty() && store().find(s.key()).isPresent()) {
                        for (org.argus.flow.IpAddress peer : s.bannedContacts()) {
                            store().addEvent(s.key(), new TrustScore.Event(at, TrustScore.Part.REPUTATION, TrustScore.BANNED_CONTACT_PENALTY,
                                    "contacted banned " + peer));
                        }
                        bandCheck(s.key()).ifPresent(changes::add);
                    }
                }
                // the table and band counts (50 devices' scores: the costly part) only when no window waits behind
                JsonArray summary = null;
                if (pending.get() == 1) {
                    stats.bands.set(store().bands());
                    summary = table();
                }
                return new Observed(fresh, changes, summary);
            } finally {
                pending.decrementAndGet();
            }
        }).onSuccess(observed -> {
            if (observed.summary() != null) {
                vertx.eventBus().publish(Addresses.DEVICE_SUMMARY, observed.summary());
            }
            observed.changes().forEach(this::announce);
            for (Device d : observed.fresh()) {
                stats.newDevices.increment();
                if (settings.scan().enabled() && nmapAvailable) {
                    String address = scanAddress(d);
                    if (address != null) {
                        enqueueScan(d.key(), address);
                    }
                }
                LOG.info("event=new_device key={} mac={} vendor=\"{}\" randomized_mac={} addresses=\"{}\" hostname=\"{}\"", d.key(),
                        d.mac(), LogText.escape(String.valueOf(d.vendor())), d.randomizedMac(),
                        d.addresses().stream().map(Device.Address::address).toList(), LogText.escape(String.valueOf(d.hostName())));
                vertx.eventBus().publish(Addresses.DEVICE_NEW, d);
                vertx.eventBus().publish(Addresses.NOTICE, new JsonObject().put("alert", "new_device").put("severity", "info")
                        .put("message", "new device " + d.key() + (d.vendor() == null ? "" : " (" + d.vendor() + ")")
                                + (d.hostName() == null ? "" : " named " + d.hostName()) + " at "
                                + d.addresses().stream().map(Device.Address::address).toList())
                        .put("device", d.toJson()));
            }
        }).onFailure(e -> {
            stats.writeFailures.increment();
            health.set(SensorHealth.DEVICES, true, "degraded", "device database: " + e.getMessage());
            LOG.error("event=devices_write_failed window_start_ns={} reason=\"{}\"", w.startNanos(), LogText.escape(String.valueOf(e.getMessage())));
        });
    }

    @Override
    public Future<?> stop() {
        if (dueTimer >= 0) {
            vertx.cancelTimer(dueTimer);
        }
        if (scanTimer >= 0) {
            vertx.cancelTimer(scanTimer);
        }
        if (bandTimer >= 0) {
            vertx.cancelTimer(bandTimer);
        }
        if (scanner != null) {
            scanner.stopAll(); // a scan runs for minutes: it ends with the sensor
        }
        if (scanWorker != null) {
            scanWorker.close();
        }
        if (worker == null) {
            return Future.succeededFuture();
        }
        return worker.executeBlocking(() -> {
            if (store != null) {
                store.close();
            }
            return null;
        }).eventually(() -> worker.close());
    }
}
