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
 * kept), {@code device_days} (per device and UTC day: wire bytes and flow-windows). A device is new when its key is
 * not in {@code devices}: it is announced once, in the transaction that inserts it, so never again after a restart.
 */
public final class DeviceStore implements AutoCloseable {
    private static final List<String> SCHEMA = List.of(
            "CREATE TABLE IF NOT EXISTS devices (key TEXT PRIMARY KEY, mac TEXT, randomized INTEGER NOT NULL, vendor TEXT, "
                    + "host_name TEXT, vendor_class TEXT, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL)",
            "CREATE TABLE IF NOT EXISTS device_addresses (key TEXT NOT NULL, address TEXT NOT NULL, first_seen INTEGER NOT NULL, "
                    + "last_seen INTEGER NOT NULL, PRIMARY KEY (key, address))",
            "CREATE TABLE IF NOT EXISTS device_days (key TEXT NOT NULL, day TEXT NOT NULL, bytes INTEGER NOT NULL, "
                    + "flows INTEGER NOT NULL, PRIMARY KEY (key, day))");

    private final Path file;
    private final Connection db;
    private final Oui oui;
    private final int maxDevices;
    private final int maxAddresses;
    private final Set<String> known = new HashSet<>();
    private long refused;

    private DeviceStore(Path file, Connection db, Oui oui, int maxDevices, int maxAddresses) {
        this.file = file;
        this.db = db;
        this.oui = oui;
        this.maxDevices = maxDevices;
        this.maxAddresses = maxAddresses;
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
        db.setAutoCommit(false);
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
                if (s.bytes() > 0 || s.flows() > 0) {
                    day.setString(1, s.key());
                    day.setString(2, LocalDate.ofInstant(Instant.ofEpochMilli(last), ZoneOffset.UTC).toString());
                    day.setLong(3, s.bytes());
                    day.setLong(4, s.flows());
                    day.executeUpdate();
                }
            }
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
        known.addAll(fresh);
        List<Device> out = new ArrayList<>(fresh.size());
        for (String k : fresh) {
            find(k).ifPresent(out::add);
        }
        return out;
    }

    private static long millis(long nanos) {
        return Math.floorDiv(nanos, 1_000_000L);
    }

    /** Every device, most recently seen first. */
    public List<Device> list() throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT key FROM devices ORDER BY last_seen DESC, key")) {
            while (r.next()) {
                keys.add(r.getString(1));
            }
        }
        List<Device> out = new ArrayList<>(keys.size());
        for (String k : keys) {
            find(k).ifPresent(out::add);
        }
        return out;
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
                return Optional.of(new Device(k, r.getString(2), r.getInt(3) != 0, r.getString(4), r.getString(5), r.getString(6),
                        addresses(k), Instant.ofEpochMilli(r.getLong(7)), last, today[0], today[1]));
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
