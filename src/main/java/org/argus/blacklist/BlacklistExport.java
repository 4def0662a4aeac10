package org.argus.blacklist;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.argus.anon.Anonymizer;

/**
 * The {@code argus-blacklist/1} JSON document: what {@code blacklist export} prints and what blacklist sync puts in
 * Cloud Storage for sensors that are not clustered.
 *
 * <pre>{"format": "argus-blacklist/1", "exported_at": ISO-8601, "sensor_id": text, "address_anonymized": bool,
 *  "count": n, "entries": [{"address", "reason", "risk_level", "source", "created_at", "expires_at", "seconds_left",
 *  "hit_count", "offences"}]}</pre>
 *
 * With {@code address_anonymized} the addresses are the CSVs' HMAC pseudonyms ({@link Anonymizer}, plus
 * {@code /prefix} for a network): readable against the CSVs by whoever holds the salt, but nothing a peer can block.
 */
public final class BlacklistExport {
    /** Format tag. */
    public static final String FORMAT = "argus-blacklist/1";

    /** One entry read back from a document: what a peer needs to apply it. */
    public record Entry(String address, String reason, String risk, String source, Instant expiresAt) {
    }

    /** A parsed document. */
    public record Document(String sensorId, boolean anonymized, Instant exportedAt, List<Entry> entries) {
        public Document {
            entries = List.copyOf(entries);
        }
    }

    private BlacklistExport() {
    }

    /**
     * @param anonymizer null for plain addresses
     * @param sensorId   who exports (may be empty)
     */
    public static JsonObject document(List<Ban> bans, Anonymizer anonymizer, String sensorId, Instant now) {
        JsonArray entries = new JsonArray();
        for (Ban b : bans) {
            String address = anonymizer == null ? b.target().toString()
                    : anonymizer.anonymize(b.target().network()) + (b.target().single() ? "" : "/" + b.target().prefix());
            entries.add(b.toJson(address, now));
        }
        return new JsonObject().put("format", FORMAT).put("exported_at", now.toString()).put("sensor_id", sensorId)
                .put("address_anonymized", anonymizer != null).put("count", entries.size()).put("entries", entries);
    }

    /**
     * Reads a document.
     *
     * @throws IllegalArgumentException naming what is wrong (format, a field, an entry)
     */
    public static Document parse(JsonObject doc) {
        if (!FORMAT.equals(doc.getValue("format"))) {
            throw new IllegalArgumentException("format is " + doc.getValue("format") + ", expected " + FORMAT);
        }
        try {
            List<Entry> entries = new ArrayList<>();
            JsonArray list = doc.getJsonArray("entries", new JsonArray());
            for (int i = 0; i < list.size(); i++) {
                JsonObject e = list.getJsonObject(i);
                String address = e.getString("address");
                if (address == null || address.isBlank()) {
                    throw new IllegalArgumentException("entries[" + i + "]: no address");
                }
                entries.add(new Entry(address, e.getString("reason", ""), e.getString("risk_level", "high"),
                        e.getString("source", ""), Instant.parse(e.getString("expires_at"))));
            }
            return new Document(doc.getString("sensor_id", ""), doc.getBoolean("address_anonymized", false),
                    Instant.parse(doc.getString("exported_at")), entries);
        } catch (ClassCastException | NullPointerException | DateTimeParseException e) {
            throw new IllegalArgumentException("malformed " + FORMAT + " document: " + e.getMessage(), e);
        }
    }
}
