package org.argus.staging;

import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.argus.detect.ModelCard;
import org.argus.detect.ModelStore;

/**
 * Fetches the newest model from Cloud Storage into the local models folder, where the model manager finds it
 * (the Aegis seed's "loads latest models from Firebase Storage with local caching"). Objects:
 * {@code <firebase.model_output_path>/argus-model-<version>.json} (the card) and the model file it names, beside it;
 * the same for the payload classifier ({@code argus-payload-<version>.json}, whose card names its {@code file}).
 *
 * <p>Order of work, so the folder never holds a model the manager could pick up half-written or unverified: the
 * card is read first; the model file is downloaded to {@code <name>.part}, its SHA-256 compared with the card's,
 * then renamed; the card is written last (the manager only looks at cards). A model that fails the digest is
 * remembered by object generation and not downloaded again (the refusal is repeated while it stays the newest). The local folder is the cache: a version already
 * there is not fetched, and with the network gone the manager keeps using what it has. Blocking: call from a worker.
 */
public final class ModelDownloader {
    private final Storage storage;
    private final String bucket;
    private final String prefix;
    private final Map<String, String> refused = new HashMap<>();

    /**
     * @param prefix {@code firebase.model_output_path} (no trailing slash needed)
     */
    public ModelDownloader(Storage storage, String bucket, String prefix) {
        this.storage = storage;
        this.bucket = bucket;
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /** What a card says: its version, the model file's plain name and SHA-256. */
    private record CardFacts(String version, String modelFile, String sha256) {
    }

    /** Reads a card's bytes; throws IllegalArgumentException (or a JSON exception) for a card it refuses. */
    private interface CardReader {
        CardFacts read(byte[] card);
    }

    private static final CardReader FLOW_CARD = bytes -> {
        ModelCard card = ModelCard.fromJson(new JsonObject(new String(bytes, StandardCharsets.UTF_8)));
        return new CardFacts(card.version(), card.modelFile(), card.sha256());
    };

    private static final CardReader PAYLOAD_CARD = bytes -> {
        JsonObject c = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
        if (!"argus-payload-model".equals(c.getString("format")) || c.getString("sha256") == null) {
            throw new IllegalArgumentException("not a payload model card (format argus-payload-model with a sha256)");
        }
        return new CardFacts(c.getString("version"), c.getString("file"), c.getString("sha256"));
    };

    /** One kind of model: its card's file name and how its card is read. */
    private record Kind(java.util.regex.Pattern card, CardReader reader) {
    }

    private static final List<Kind> KINDS = List.of(new Kind(ModelStore.CARD, FLOW_CARD),
            new Kind(org.argus.payload.PayloadModel.CARD, PAYLOAD_CARD));

    /**
     * Downloads the newest flow model and the newest payload model (by card version) unless they are already in
     * {@code dir}. Both are tried; a failure of one does not keep the other from being fetched.
     *
     * @return the versions downloaded (flow model first, joined by a space), or null when there was nothing new
     * @throws IOException when Storage cannot be reached or a model fails verification (the message says which; the
     *                     first failure, after both were tried: a model fetched beside it is on disk all the same)
     */
    public String syncInto(Path dir) throws IOException {
        List<String> got = new java.util.ArrayList<>();
        IOException failure = null;
        for (Kind kind : KINDS) {
            try {
                String v = sync(dir, kind.card(), kind.reader());
                if (v != null) {
                    got.add(v);
                }
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return got.isEmpty() ? null : String.join(" ", got);
    }

    private String sync(Path dir, java.util.regex.Pattern cardPattern, CardReader reader) throws IOException {
        Blob newest = null;
        try {
            for (Blob b : storage.list(bucket, Storage.BlobListOption.prefix(prefix.isEmpty() ? "" : prefix + "/")).iterateAll()) {
                String name = leaf(b.getName());
                if (cardPattern.matcher(name).matches() && (newest == null || name.compareTo(leaf(newest.getName())) > 0)) {
                    newest = b;
                }
            }
        } catch (StorageException e) {
            throw new IOException("cannot list gs://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
        }
        if (newest == null) {
            return null;
        }
        String cardName = leaf(newest.getName());
        String key = newest.getName() + "#" + newest.getGeneration();
        if (Files.exists(dir.resolve(cardName))) {
            return null;
        }
        if (refused.containsKey(key)) {
            throw new IOException(refused.get(key)); // still the newest: keep saying so, without downloading it again
        }
        String where = "gs://" + bucket + "/" + newest.getName();
        CardFacts card;
        byte[] cardBytes;
        try {
            cardBytes = storage.readAllBytes(newest.getBlobId());
            card = reader.read(cardBytes);
        } catch (StorageException e) {
            throw new IOException("cannot read " + where + ": " + e.getMessage(), e);
        } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
            throw refuse(key, "model card " + where + " refused: " + e.getMessage());
        }
        String modelFile = card.modelFile();
        if (modelFile == null || modelFile.isBlank() || !modelFile.equals(leaf(modelFile)) || modelFile.startsWith(".")) {
            throw refuse(key, "model card " + where + " refused: model_file must be a plain file name, not " + modelFile);
        }
        Files.createDirectories(dir);
        String object = newest.getName().substring(0, newest.getName().length() - cardName.length()) + modelFile;
        Path part = dir.resolve(modelFile + ".part");
        try (ReadChannel in = storage.reader(BlobId.of(bucket, object))) {
            Files.copy(Channels.newInputStream(in), part, StandardCopyOption.REPLACE_EXISTING);
        } catch (StorageException e) {
            Files.deleteIfExists(part);
            throw new IOException("cannot download gs://" + bucket + "/" + object + ": " + e.getMessage(), e);
        }
        String digest = ModelStore.sha256(part);
        if (!digest.equalsIgnoreCase(card.sha256())) {
            Files.deleteIfExists(part);
            throw refuse(key, "model " + card.version() + " from gs://" + bucket + "/" + object + " refused: SHA-256 "
                    + digest + ", its card says " + card.sha256());
        }
        Files.move(part, dir.resolve(modelFile), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path cardPart = dir.resolve(cardName + ".part");
        Files.write(cardPart, cardBytes);
        Files.move(cardPart, dir.resolve(cardName), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return card.version();
    }

    private IOException refuse(String key, String why) {
        refused.put(key, why);
        return new IOException(why);
    }

    private static String leaf(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }
}
