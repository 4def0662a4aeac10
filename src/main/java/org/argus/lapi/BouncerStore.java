package org.argus.lapi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Bouncer API keys ({@code argus bouncers add|list|delete}; {@code X-Api-Key} on {@code /v1/decisions*}) in SQLite
 * ({@code lapi.bouncers_db}, table {@code bouncers(name, key_sha256, created_at, last_pull, last_address)}). A key is
 * 32 random bytes in URL-safe Base64, shown once when made; only its SHA-256 is stored (a random 256-bit key needs
 * no slow hash). The sensor and the CLI may open the file at once (WAL, busy timeout). Blocking: call from a worker
 * or the CLI. Thread-safe (one connection, synchronized).
 */
public final class BouncerStore implements AutoCloseable {
    /** Bouncer names: letters, digits, {@code . _ -}, 1 to 64 characters. */
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** One bouncer as listed: name, when its key was made, its last pull and from where (null: never). */
    public record Bouncer(String name, Instant createdAt, Instant lastPull, String lastAddress) {
    }

    private final Connection c;
    private final SecureRandom random = new SecureRandom();

    private BouncerStore(Connection c) {
        this.c = c;
    }

    /**
     * Opens (creating when missing) the database.
     *
     * @throws SQLException naming the file when it cannot be opened or is not this database
     */
    public static BouncerStore open(Path file) throws SQLException {
        Path dir = file.toAbsolutePath().getParent();
        try {
            if (dir != null) {
                Files.createDirectories(dir);
                org.argus.blacklist.SqliteNative.prepare(dir);
            }
        } catch (java.io.IOException e) {
            throw new SQLException(file + ": cannot create its folder: " + e.getMessage(), e);
        }
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath() + "?journal_mode=WAL&synchronous=FULL&busy_timeout=5000");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bouncers (name TEXT PRIMARY KEY, key_sha256 TEXT NOT NULL UNIQUE, "
                    + "created_at TEXT NOT NULL, last_pull TEXT, last_address TEXT)");
        } catch (SQLException e) {
            c.close();
            throw new SQLException(file + ": not a bouncer database: " + e.getMessage(), e);
        }
        return new BouncerStore(c);
    }

    /**
     * Makes a key for a new bouncer.
     *
     * @return the key (shown once; only its digest is kept)
     * @throws IllegalArgumentException when the name is not allowed or already taken
     * @throws SQLException when the database cannot be written
     */
    public synchronized String add(String name, Instant now) throws SQLException {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bouncer name \"" + name + "\": letters, digits, . _ - only, 1 to 64 characters");
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO bouncers (name, key_sha256, created_at) VALUES (?, ?, ?)")) {
            p.setString(1, name);
            p.setString(2, digest(key));
            p.setString(3, now.toString());
            p.executeUpdate();
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
                throw new IllegalArgumentException("a bouncer named \"" + name + "\" exists; delete it first to make a new key");
            }
            throw e;
        }
        return key;
    }

    /** Deletes a bouncer and its key; false when there was none by that name. */
    public synchronized boolean delete(String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM bouncers WHERE name = ?")) {
            p.setString(1, name);
            return p.executeUpdate() > 0;
        }
    }

    /** Every bouncer, by name. */
    public synchronized List<Bouncer> list() throws SQLException {
        List<Bouncer> out = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT name, created_at, last_pull, last_address FROM bouncers ORDER BY name")) {
            while (r.next()) {
                String last = r.getString(3);
                out.add(new Bouncer(r.getString(1), Instant.parse(r.getString(2)), last == null ? null : Instant.parse(last), r.getString(4)));
            }
        }
        return out;
    }

    /** The bouncer a key belongs to, or null (no such key; a null or empty key). */
    public synchronized String owner(String key) throws SQLException {
        if (key == null || key.isEmpty()) {
            return null;
        }
        try (PreparedStatement p = c.prepareStatement("SELECT name FROM bouncers WHERE key_sha256 = ?")) {
            p.setString(1, digest(key));
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /** Records a bouncer's pull: when and from which address. */
    public synchronized void pulled(String name, Instant when, String address) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE bouncers SET last_pull = ?, last_address = ? WHERE name = ?")) {
            p.setString(1, when.toString());
            p.setString(2, address);
            p.setString(3, name);
            p.executeUpdate();
        }
    }

    /** SHA-256 of a key's UTF-8 bytes, hex. */
    static String digest(String key) {
        return HexFormat.of().formatHex(org.argus.detect.ModelStore.sha256(key));
    }

    @Override
    public synchronized void close() throws SQLException {
        c.close();
    }
}
