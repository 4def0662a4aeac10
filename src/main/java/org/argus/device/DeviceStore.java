package org.argus.device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.argus.flow.IpAddress;

/**
 * The device inventory in SQLite (sqlite-jdbc, WAL, {@code synchronous=NORMAL}: losing the last window's sightings
 * to a power cut costs nothing that the next window does not bring back, unlike a ban). Plain JDBC, blocking: used
 * from one worker thread only.
 *
 * <p>Tables: {@code devices} (one row per device: identity, MAC facts, vendor, DHCP names, first/last seen ms),
 * {@code device_addresses} (per device and address: first/last seen ms; the {@code max_addresses} most recent
 * kept), {@code device_days} (per device and UTC day: wire bytes and flow-windows), {@code device_scans} and
 * {@code device_findings} (every vulnerability scan and its open ports, kept), {@code device_events} (evidence
 * against the trust score: decisions and banned contacts, with reasons), {@code device_bands} (the trust band last
 * announced), {@code device_peers} (per device, UTC day and peer: wire bytes and flows of each window's top peers,
 * {@value #PEER_DAYS} days kept). A device is new when its key is
 * not in {@code devices}: it is announced once, in the transaction that inserts it, so never again after a restart.
 */
public final class DeviceStore implements AutoCloseable {
    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS devices (key TEXT PRIMARY KEY, mac TEXT, randomized INTEGER NOT NULL, vendor TEXT, "
                    + "host_name TEXT, vendor_class TEXT, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS device_addresses (key TEXT NOT NULL, address TEXT NOT NULL, first_seen INTEGER NOT NULL, "
                    + "last_seen INTEGER NOT NULL, PRIMARY KEY (key, address))",
            "CREATE TABLE IF NOT EXISTS device_days (key TEXT NOT NULL, day TEXT NOT NULL, bytes INTEGER NOT NULL, "
                    + "flows INTEGER NOT NULL, PRIMARY KEY (key, day))",
            "CREATE TABLE IF NOT EXISTS device_scans (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, address TEXT NOT NULL, "
                    + "started_at INTEGER NOT NULL, finished_at INTEGER NOT NULL, error TEXT)",
            "CREATE INDEX IF NOT EXISTS device_scans_key ON device_scans (key, finished_at)",
            "CREATE TABLE IF NOT EXISTS device_findings (scan_id INTEGER NOT NULL, port INTEGER NOT NULL, protocol TEXT, "
                    + "service TEXT, risk TEXT NOT NULL, why TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS device_events (key TEXT NOT NULL, at INTEGER NOT NULL, part TEXT NOT NULL, "
                    + "penalty REAL NOT NULL, reason TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS device_events_key ON device_events (key, at)",
            "CREATE TABLE IF NOT EXISTS device_bands (key TEXT PRIMARY KEY, band TEXT NOT NULL, since INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS device_peers (key TEXT NOT NULL, day TEXT NOT NULL, peer TEXT NOT NULL, bytes INTEGER NOT NULL, "
                    + "flows INTEGER NOT NULL, PRIMARY KEY (key, day, peer))");
    /** Days of per-peer totals kept. */
    static final int PEER_DAYS = 7;

    private final Path file;
    private final Connection db;
    private volatile Oui oui;
    private final int maxDevices;
    private final int maxAddresses;
    private final Set<String> known = new HashSet<>();
    private long refused;
    private TrustScore.Weights weights = TrustScore.Weights.seed();
    private java.time.Duration recovery = java.time.Duration.ofHours(24);
    private java.time.Clock clock = java.time.Clock.systemUTC();

    private DeviceStore(Path file, Connection db, Oui oui, int maxDevices, int maxAddresses) {
        this.file = file;
        this.db = db;
        this.oui = oui;
        this.maxDevices = maxDevices;
        this.maxAddresses = maxAddresses;
    }

    /** Replaces the vendor registry (loaded after the store opens; devices inserted before keep no vendor). */
    public void vendors(Oui oui) {
        this.oui = oui;
    }

    /** Sets how trust scores are made (weights, recovery) and the clock they are made at; returns this. */
    public DeviceStore trust(TrustScore.Weights weights, java.time.Duration recovery, java.time.Clock clock) {
        this.weights = weights;
        this.recovery = recovery;
        this.clock = clock;
        return this;
    }

    /** Keeps one piece of evidence against a device's trust. */
    public void addEvent(String key, TrustScore.Event e) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO device_events (key, at, part, penalty, reason) VALUES (?, ?, ?, ?, ?)")) {
            p.setString(1, key);
            p.setLong(2, e.at().toEpochMilli());
            p.setString(3, e.part().name());
            p.setDouble(4, e.penalty());
            p.setString(5, e.reason());
            p.executeUpdate();
        }
    }

    private List<TrustScore.Event> events(String key, Instant now) throws SQLException {
        List<TrustScore.Event> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT at, part, penalty, reason FROM device_events WHERE key = ? AND at > ? ORDER BY at")) {
            p.setString(1, key);
            p.setLong(2, now.minus(recovery).toEpochMilli());
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new TrustScore.Event(Instant.ofEpochMilli(r.getLong(1)), TrustScore.Part.valueOf(r.getString(2)), r.getDouble(3),
                            r.getString(4)));
                }
            }
        }
        return out;
    }

    /**
     * Records the band a device's score is in now.
     *
     * @return the band recorded before (null when none was: a device's first band)
     */
    public TrustScore.Band updateBand(String key, TrustScore.Band band) throws SQLException {
        TrustScore.Band before = null;
        try (PreparedStatement p = db.prepareStatement("SELECT band FROM device_bands WHERE key = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                    before = TrustScore.Band.valueOf(r.getString(1));
                }
            }
        }
        if (before != band) {
            try (PreparedStatement p = db.prepareStatement("INSERT INTO device_bands (key, band, since) VALUES (?, ?, ?) "
                    + "ON CONFLICT (key) DO UPDATE SET band = excluded.band, since = excluded.since")) {
                p.setString(1, key);
                p.setString(2, band.name());
                p.setLong(3, clock.millis());
                p.executeUpdate();
            }
        }
        return before;
    }

    /** Devices whose recorded band is not normal (their scores recover with time). */
    public List<String> notNormal() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT key FROM device_bands WHERE band <> 'NORMAL'")) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    /**
     * Opens (creating when missing) the database and its schema, and checks its integrity.
     *
     * @throws SQLException with a message naming the file when it cannot be opened or is corrupt
     */
    public static DeviceStore open(Path file, Oui oui, int maxDevices, int maxAddresses) throws SQLException {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
                org.argus.blacklist.SqliteNative.prepare(dir);
            }
        } catch (java.io.IOException e) {
            throw new SQLException(file + ": cannot create its folder: " + e.getMessage(), e);
        }
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath() + "?journal_mode=WAL&synchronous=NORMAL&busy_timeout=5000");
        try {
            try (Statement s = c.createStatement()) {
                try (ResultSet r = s.executeQuery("PRAGMA quick_check")) {
                    String verdict = r.next() ? r.getString(1) : "no answer";
                    if (!"ok".equals(verdict)) {
                        throw new SQLException(file + ": the device database is corrupt (" + verdict + ")");
                    }
                }
                for (String sql : SCHEMA) {
                    s.execute(sql);
                }
            }
            DeviceStore store = new DeviceStore(file, c, oui, maxDevices, maxAddresses);
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT key FROM devices")) {
                while (r.next()) {
                    store.known.add(r.getString(1));
                }
            }
            return store;
        } catch (SQLException e) {
            c.close();
            throw e.getMessage() != null && e.getMessage().startsWith(file.toString()) ? e
                    : new SQLException(file + ": cannot open the device database: " + e.getMessage(), e);
        }
    }

    /**
     * Records one window's sightings in one transaction.
     *
     * @return the devices seen for the first time ever, in sighting order
     * @throws SQLException when the database refuses (the transaction is rolled back)
     */
    public List<Device> record(List<DeviceInventory.Sighting> sightings) throws SQLException {
        List<String> fresh = new ArrayList<>();
        inTransaction(() -> {
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO devices (key, mac, randomized, vendor, host_name, vendor_class, "
                    + "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement update = db.prepareStatement("UPDATE devices SET last_seen = max(last_seen, ?), "
                         + "host_name = coalesce(?, host_name), vendor_class = coalesce(?, vendor_class) WHERE key = ?");
                 PreparedStatement names = db.prepareStatement("UPDATE devices SET host_name = coalesce(?, host_name), "
                         + "vendor_class = coalesce(?, vendor_class) WHERE key = ?");
                 PreparedStatement address = db.prepareStatement("INSERT INTO device_addresses (key, address, first_seen, last_seen) "
                         + "VALUES (?, ?, ?, ?) ON CONFLICT (key, address) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)");
                 PreparedStatement day = db.prepareStatement("INSERT INTO device_days (key, day, bytes, flows) VALUES (?, ?, ?, ?) "
                         + "ON CONFLICT (key, day) DO UPDATE SET bytes = bytes + excluded.bytes, flows = flows + excluded.flows");
                 PreparedStatement peer = db.prepareStatement("INSERT INTO device_peers (key, day, peer, bytes, flows) VALUES (?, ?, ?, ?, ?) "
                     + "ON CONFLICT (key, day, peer) DO UPDATE SET bytes = bytes + excluded.bytes, flows = flows + excluded.flows");
             PreparedStatement trim = db.prepareStatement("DELETE FROM device_addresses WHERE key = ? AND address NOT IN "
                         + "(SELECT address FROM device_addresses WHERE key = ? ORDER BY last_seen DESC, address LIMIT ?)")) {
                for (DeviceInventory.Sighting s : sightings) {
                    long first = millis(s.firstSeenNanos()), last = millis(s.lastSeenNanos());
                    if (s.namesOnly()) {
                        if (known.contains(s.key())) {
                            names.setString(1, s.hostName());
                            names.setString(2, s.vendorClass());
                            names.setString(3, s.key());
                            names.executeUpdate();
                        }
                        continue;
                    }
                    if (!known.contains(s.key()) && !fresh.contains(s.key())) {
                        if (known.size() + fresh.size() >= maxDevices) {
                            refused++;
                            continue;
                        }
                        insert.setString(1, s.key());
                        insert.setString(2, s.mac() == 0 ? null : Mac.text(s.mac()));
                        insert.setInt(3, s.mac() != 0 && Mac.locallyAdministered(s.mac()) ? 1 : 0);
                        insert.setString(4, s.mac() == 0 ? null : oui.vendor(s.mac()));
                        insert.setString(5, s.hostName());
                        insert.setString(6, s.vendorClass());
                        insert.setLong(7, first);
                        insert.setLong(8, last);
                        insert.executeUpdate();
                        fresh.add(s.key());
                    } else {
                        update.setLong(1, last);
                        update.setString(2, s.hostName());
                        update.setString(3, s.vendorClass());
                        update.setString(4, s.key());
                        update.executeUpdate();
                    }
                    for (Map.Entry<IpAddress, Long> a : s.addresses().entrySet()) {
                        address.setString(1, s.key());
                        address.setString(2, a.getKey().toString());
                        address.setLong(3, first);
                        address.setLong(4, millis(a.getValue()));
                        address.executeUpdate();
                    }
                    if (s.addresses().size() > 0) {
                        trim.setString(1, s.key());
                        trim.setString(2, s.key());
                        trim.setInt(3, maxAddresses);
                        trim.executeUpdate();
                    }
                    for (DeviceInventory.Peer p : s.topPeers()) {
                        peer.setString(1, s.key());
                        peer.setString(2, LocalDate.ofInstant(Instant.ofEpochMilli(last), ZoneOffset.UTC).toString());
                        peer.setString(3, p.address().toString());
                        peer.setLong(4, p.bytes());
                        peer.setLong(5, p.flows());
                        peer.executeUpdate();
                    }
                    if (s.bytes() > 0 || s.flows() > 0) {
                        day.setString(1, s.key());
                        day.setString(2, LocalDate.ofInstant(Instant.ofEpochMilli(last), ZoneOffset.UTC).toString());
                        day.setLong(3, s.bytes());
                        day.setLong(4, s.flows());
                        day.executeUpdate();
                    }
                }
            }
            return null;
        });
        known.addAll(fresh);
        long latest = Long.MIN_VALUE;
        for (DeviceInventory.Sighting s : sightings) {
            latest = Math.max(latest, s.lastSeenNanos());
        }
        if (latest != Long.MIN_VALUE) {
            prunePeers(LocalDate.ofInstant(Instant.ofEpochMilli(millis(latest)), ZoneOffset.UTC));
        }
        return devices(fresh);
    }

    /** The devices of these keys, in their order (a key forgotten meanwhile is left out). */
    private List<Device> devices(List<String> keys) throws SQLException {
        List<Device> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            find(k).ifPresent(out::add);
        }
        return out;
    }

    private String prunedOn = "";

    /** Once per day of packet time: per-peer totals more than {@value #PEER_DAYS} days older go. */
    private void prunePeers(LocalDate today) throws SQLException {
        if (today.toString().compareTo(prunedOn) <= 0) {
            return;
        }
        try (PreparedStatement p = db.prepareStatement("DELETE FROM device_peers WHERE day < ?")) {
            p.setString(1, today.minusDays(PEER_DAYS).toString());
            p.executeUpdate();
        }
        prunedOn = today.toString();
    }

    /** A device's biggest peers by wire bytes over its latest {@code days} UTC days (ending on the day of {@code last}). */
    public List<DeviceInventory.Peer> topPeers(String key, Instant last, int days, int limit) throws SQLException {
        List<DeviceInventory.Peer> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT peer, sum(bytes), sum(flows) FROM device_peers WHERE key = ? AND day > ? "
                + "GROUP BY peer ORDER BY sum(bytes) DESC, peer LIMIT ?")) {
            p.setString(1, key);
            p.setString(2, LocalDate.ofInstant(last, ZoneOffset.UTC).minusDays(days).toString());
            p.setInt(3, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new DeviceInventory.Peer(org.argus.flow.IpAddress.parse(r.getString(1)), r.getLong(2), r.getLong(3)));
                }
            }
        }
        return out;
    }

    /** Work in one transaction: committed when it returns, rolled back when it throws. */
    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        db.setAutoCommit(false);
        try {
            T t = work.run();
            db.commit();
            return t;
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
    }

    private static long millis(long nanos) {
        return Math.floorDiv(nanos, 1_000_000L);
    }

    /** Every device, most recently seen first. */
    public List<Device> list() throws SQLException {
        return list(Integer.MAX_VALUE);
    }

    /** The {@code limit} most recently seen devices, most recent first. */
    public List<Device> list(int limit) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT key FROM devices ORDER BY last_seen DESC, key LIMIT " + limit)) {
            while (r.next()) {
                keys.add(r.getString(1));
            }
        }
        return devices(keys);
    }

    /**
     * One device by its key, MAC (any case, ':' or '-') or one of its addresses.
     */
    public Optional<Device> find(String keyMacOrAddress) throws SQLException {
        String key = keyMacOrAddress;
        try {
            key = Mac.text(Mac.parse(keyMacOrAddress));
        } catch (IllegalArgumentException notAMac) {
            try (PreparedStatement p = db.prepareStatement("SELECT key FROM device_addresses WHERE address = ? ORDER BY last_seen DESC LIMIT 1")) {
                p.setString(1, keyMacOrAddress);
                try (ResultSet r = p.executeQuery()) {
                    if (r.next()) {
                        key = r.getString(1);
                    }
                }
            }
        }
        try (PreparedStatement p = db.prepareStatement("SELECT key, mac, randomized, vendor, host_name, vendor_class, first_seen, last_seen "
                + "FROM devices WHERE key = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                String k = r.getString(1);
                Instant last = Instant.ofEpochMilli(r.getLong(8));
                long[] today = today(k, last);
                DeviceScanner.Outcome scan = lastScan(k);
                Instant now = clock.instant();
                return Optional.of(new Device(k, r.getString(2), r.getInt(3) != 0, r.getString(4), r.getString(5), r.getString(6),
                        addresses(k), Instant.ofEpochMilli(r.getLong(7)), last, today[0], today[1], scan,
                        TrustScore.of(events(k, now), scan, now, weights, recovery)));
            }
        }
    }

    private List<Device.Address> addresses(String key) throws SQLException {
        List<Device.Address> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT address, first_seen, last_seen FROM device_addresses WHERE key = ? "
                + "ORDER BY last_seen DESC, address")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new Device.Address(r.getString(1), Instant.ofEpochMilli(r.getLong(2)), Instant.ofEpochMilli(r.getLong(3))));
                }
            }
        }
        return out;
    }

    private long[] today(String key, Instant last) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("SELECT bytes, flows FROM device_days WHERE key = ? AND day = ?")) {
            p.setString(1, key);
            p.setString(2, LocalDate.ofInstant(last, ZoneOffset.UTC).toString());
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? new long[] {r.getLong(1), r.getLong(2)} : new long[2];
            }
        }
    }

    /**
     * The scan a device's score and open ports come from: its latest scan that ran to its end; when none did, its
     * latest failed one (so a timed-out re-scan does not hide what the scan before found). Null when never scanned.
     */
    private DeviceScanner.Outcome lastScan(String key) throws SQLException {
        List<DeviceScanner.Outcome> s = scans(key, "ORDER BY (error IS NULL) DESC, finished_at DESC, id DESC LIMIT 1", Long.MAX_VALUE);
        return s.isEmpty() ? null : s.get(0);
    }

    /** A device's scans finished at or before {@code untilMillis}, in the order and limit {@code tail} gives. */
    private List<DeviceScanner.Outcome> scans(String key, String tail, long untilMillis) throws SQLException {
        List<DeviceScanner.Outcome> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT id, address, started_at, finished_at, error FROM device_scans "
                + "WHERE key = ? AND finished_at <= ? " + tail);
             PreparedStatement f = db.prepareStatement("SELECT port, protocol, service, risk, why FROM device_findings "
                     + "WHERE scan_id = ? ORDER BY port")) {
            p.setString(1, key);
            p.setLong(2, untilMillis);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    List<DeviceScanner.Finding> findings = new ArrayList<>();
                    f.setLong(1, r.getLong(1));
                    try (ResultSet fr = f.executeQuery()) {
                        while (fr.next()) {
                            findings.add(new DeviceScanner.Finding(fr.getInt(1), fr.getString(2), fr.getString(3), fr.getString(4), fr.getString(5)));
                        }
                    }
                    out.add(new DeviceScanner.Outcome(r.getString(2), Instant.ofEpochMilli(r.getLong(3)), Instant.ofEpochMilli(r.getLong(4)),
                            r.getString(5), List.copyOf(findings)));
                }
            }
        }
        return out;
    }

    /** One point of a device's trust-score history: the score (0–100) at {@code at}. */
    public record ScorePoint(Instant at, double score) {
    }

    /** Evidence kept about a device, newest first, at most {@code limit} (its decisions and banned contacts). */
    public List<TrustScore.Event> evidence(String key, int limit) throws SQLException {
        List<TrustScore.Event> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT at, part, penalty, reason FROM device_events WHERE key = ? "
                + "ORDER BY at DESC LIMIT ?")) {
            p.setString(1, key);
            p.setInt(2, limit);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new TrustScore.Event(Instant.ofEpochMilli(r.getLong(1)), TrustScore.Part.valueOf(r.getString(2)), r.getDouble(3),
                            r.getString(4)));
                }
            }
        }
        return out;
    }

    /**
     * A device's trust score over {@code [from, to]}, recomputed from the evidence and scans kept exactly as the score
     * now is ({@link TrustScore#of}): {@code samples} (≥ 2) evenly spaced points, plus the moment just before and at
     * each piece of evidence and each finished scan inside the span, so a drop shows as a step. Oldest first.
     */
    public List<ScorePoint> history(String key, Instant from, Instant to, int samples) throws SQLException {
        List<TrustScore.Event> events = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT at, part, penalty, reason FROM device_events WHERE key = ? AND at > ? "
                + "AND at <= ? ORDER BY at")) {
            p.setString(1, key);
            p.setLong(2, from.minus(recovery).toEpochMilli());
            p.setLong(3, to.toEpochMilli());
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    events.add(new TrustScore.Event(Instant.ofEpochMilli(r.getLong(1)), TrustScore.Part.valueOf(r.getString(2)), r.getDouble(3), ""));
                }
            }
        }
        List<DeviceScanner.Outcome> done = scans(key, "AND error IS NULL ORDER BY finished_at, id", to.toEpochMilli());
        java.util.TreeSet<Instant> at = new java.util.TreeSet<>();
        long span = Math.max(0, to.toEpochMilli() - from.toEpochMilli());
        int n = Math.max(2, samples);
        for (int i = 0; i < n; i++) {
            at.add(from.plusMillis(span * i / (n - 1)));
        }
        List<Instant> steps = new ArrayList<>();
        events.forEach(e -> steps.add(e.at()));
        done.forEach(s -> steps.add(s.finished()));
        for (Instant s : steps) {
            if (!s.isBefore(from) && !s.isAfter(to)) {
                at.add(s.minusMillis(1));
                at.add(s);
            }
        }
        List<ScorePoint> out = new ArrayList<>();
        for (Instant t : at) {
            List<TrustScore.Event> before = events.stream().filter(e -> !e.at().isAfter(t)).toList();
            DeviceScanner.Outcome scan = null;
            for (DeviceScanner.Outcome s : done) {
                if (!s.finished().isAfter(t)) {
                    scan = s;
                }
            }
            out.add(new ScorePoint(t, TrustScore.of(before, scan, t, weights, recovery).total()));
        }
        return out;
    }

    /** Keeps one scan of a device and its findings. */
    public void recordScan(String key, DeviceScanner.Outcome o) throws SQLException {
        inTransaction(() -> {
            try (PreparedStatement scan = db.prepareStatement("INSERT INTO device_scans (key, address, started_at, finished_at, error) "
                    + "VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS);
                 PreparedStatement finding = db.prepareStatement("INSERT INTO device_findings (scan_id, port, protocol, service, risk, why) "
                         + "VALUES (?, ?, ?, ?, ?, ?)")) {
                scan.setString(1, key);
                scan.setString(2, o.address());
                scan.setLong(3, o.started().toEpochMilli());
                scan.setLong(4, o.finished().toEpochMilli());
                scan.setString(5, o.error());
                scan.executeUpdate();
                long id;
                try (ResultSet g = scan.getGeneratedKeys()) {
                    g.next();
                    id = g.getLong(1);
                }
                for (DeviceScanner.Finding f : o.findings()) {
                    finding.setLong(1, id);
                    finding.setInt(2, f.port());
                    finding.setString(3, f.protocol());
                    finding.setString(4, f.service());
                    finding.setString(5, f.risk());
                    finding.setString(6, f.why());
                    finding.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * Devices due a re-scan: seen after their latest scan started and that scan at least {@code interval} ago (or
     * never scanned), oldest scan first.
     */
    public List<Device> dueForScan(java.time.Duration interval, Instant now) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT d.key, (SELECT max(s.started_at) FROM device_scans s WHERE s.key = d.key) AS last "
                + "FROM devices d WHERE last IS NULL OR (last <= ? AND d.last_seen > last) ORDER BY last")) {
            p.setLong(1, now.minus(interval).toEpochMilli());
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    keys.add(r.getString(1));
                }
            }
        }
        return devices(keys);
    }

    /**
     * Forgets a device and everything kept about it (it is new again when next seen).
     *
     * @return false when there was no such device
     */
    public boolean forget(String key) throws SQLException {
        int n = inTransaction(() -> {
            for (String table : List.of("device_addresses", "device_days", "device_events", "device_bands", "device_peers")) {
                try (PreparedStatement p = db.prepareStatement("DELETE FROM " + table + " WHERE key = ?")) {
                    p.setString(1, key);
                    p.executeUpdate();
                }
            }
            try (PreparedStatement p = db.prepareStatement("DELETE FROM device_findings WHERE scan_id IN (SELECT id FROM device_scans WHERE key = ?)")) {
                p.setString(1, key);
                p.executeUpdate();
            }
            try (PreparedStatement p = db.prepareStatement("DELETE FROM device_scans WHERE key = ?")) {
                p.setString(1, key);
                p.executeUpdate();
            }
            try (PreparedStatement p = db.prepareStatement("DELETE FROM devices WHERE key = ?")) {
                p.setString(1, key);
                return p.executeUpdate();
            }
        });
        known.remove(key);
        return n > 0;
    }

    /** Devices per recorded trust band (lower-case band → count); devices without a band yet are normal. */
    public Map<String, Integer> bands() throws SQLException {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (TrustScore.Band b : TrustScore.Band.values()) {
            out.put(b.text(), 0);
        }
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT band, count(*) FROM device_bands GROUP BY band")) {
            while (r.next()) {
                out.put(TrustScore.Band.valueOf(r.getString(1)).text(), r.getInt(2));
            }
        }
        int banded = out.values().stream().mapToInt(Integer::intValue).sum();
        out.merge("normal", Math.max(0, known.size() - banded), Integer::sum);
        return out;
    }

    /** Devices known. */
    public int size() {
        return known.size();
    }

    /** Sightings of new devices not stored because {@code max_devices} were already known. */
    public long refused() {
        return refused;
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
