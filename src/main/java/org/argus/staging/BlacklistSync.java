package org.argus.staging;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanRequest;
import org.argus.blacklist.BanSource;
import org.argus.blacklist.BanTarget;
import org.argus.blacklist.BlacklistExport;

/**
 * Blacklist sharing through Cloud Storage for sensors that are not clustered (the Aegis seed's "blacklist entries are
 * periodically synchronized to Firebase"). Each sensor writes its own list to
 * {@code <firebase.blacklist_prefix>/<sensor-id>/blacklist.json} ({@link BlacklistExport}, anonymized when
 * {@code enforcement.export_anonymized}); a sensor reads the lists of the peers named in
 * {@code firebase.blacklist_import_from}, and only those (import is an explicit opt-in).
 *
 * <p>What is exported: bans this sensor decided (detectors, operators), never bans it imported, so two sensors that
 * import each other do not keep each other's bans alive forever. What an import means: {@link #plan} turns a peer's
 * document into ban requests (source {@code peer:<id>}, TTL = the time the peer's ban has left) and removals (bans
 * from that peer it no longer lists). The requests go through the blacklist verticle like any other, so the
 * allowlist and dry-run apply: a peer can never make this sensor block its gateway. An anonymized document cannot
 * be applied (pseudonyms are not addresses): it is counted and reported, nothing is banned.
 *
 * <p>Storage calls are blocking: call {@link #publish} and {@link #fetch} from a worker.
 */
public final class BlacklistSync {
    private final Storage storage;
    private final String bucket;
    private final String prefix;

    /** What to do about one peer's list. */
    public record Plan(List<BanRequest> bans, List<String> removals, String refused) {
    }

    public BlacklistSync(Storage storage, String bucket, String prefix) {
        this.storage = storage;
        this.bucket = bucket;
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /** The object name of a sensor's list. */
    public String objectName(String sensorId) {
        return (prefix.isEmpty() ? "" : prefix + "/") + sensorId + "/blacklist.json";
    }

    /**
     * Writes this sensor's list (replacing the previous one).
     *
     * @throws IOException when Storage refuses or cannot be reached
     */
    public void publish(String sensorId, JsonObject document) throws IOException {
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, objectName(sensorId))).setContentType("application/json").build();
        try {
            storage.create(info, document.encodePrettily().getBytes(StandardCharsets.UTF_8));
        } catch (StorageException e) {
            throw new IOException("cannot write gs://" + bucket + "/" + info.getName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a peer's list.
     *
     * @return the document, or null when that peer has not published one
     * @throws IOException when Storage cannot be reached or the document is malformed
     */
    public BlacklistExport.Document fetch(String peerId) throws IOException {
        String name = objectName(peerId);
        try {
            if (storage.get(BlobId.of(bucket, name)) == null) {
                return null;
            }
            byte[] bytes = storage.readAllBytes(BlobId.of(bucket, name));
            return BlacklistExport.parse(new JsonObject(new String(bytes, StandardCharsets.UTF_8)));
        } catch (StorageException e) {
            throw new IOException("cannot read gs://" + bucket + "/" + name + ": " + e.getMessage(), e);
        } catch (DecodeException | IllegalArgumentException e) {
            throw new IOException("gs://" + bucket + "/" + name + ": " + e.getMessage(), e);
        }
    }

    /** The bans to export: this sensor's own ({@link BanSource#exportedToFirebase()}). */
    public static List<Ban> exported(List<Ban> active) {
        return active.stream().filter(b -> b.source().exportedToFirebase() && b.action() == org.argus.blacklist.Action.BAN).toList();
    }

    /**
     * What applying a peer's list means here.
     *
     * @param peerId the peer
     * @param doc    its document
     * @param active this sensor's active bans
     * @param now    current time (entries already expired are skipped)
     */
    public static Plan plan(String peerId, BlacklistExport.Document doc, List<Ban> active, Instant now) {
        BanSource source = new BanSource.Peer(peerId, BanSource.Via.FIREBASE);
        if (doc.anonymized()) {
            return new Plan(List.of(), List.of(), "its export is anonymized (enforcement.export_anonymized on " + peerId
                    + "): pseudonyms cannot be blocked");
        }
        List<BanRequest> bans = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (BlacklistExport.Entry e : doc.entries()) {
            if (!e.expiresAt().isAfter(now) || !ownEntry(e.source())) {
                continue;
            }
            String address;
            try {
                address = BanTarget.parse(e.address()).toString();
            } catch (IllegalArgumentException bad) {
                continue; // counted by the caller as the difference between entries and requests
            }
            listed.add(address);
            bans.add(new BanRequest(address, "from " + peerId + ": " + e.reason(), e.risk(),
                    java.time.Duration.between(now, e.expiresAt()), source));
        }
        List<String> removals = active.stream().filter(b -> b.source().equals(source))
                .map(b -> b.target().toString()).filter(a -> !listed.contains(a)).toList();
        return new Plan(bans, removals, null);
    }

    /** True when a peer's list entry is the peer's own decision (older lists may carry others: skipped). */
    private static boolean ownEntry(String source) {
        try {
            return BanSource.parse(source).exportedToFirebase();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
