package org.argus.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.argus.anon.Anonymizer;
import org.argus.blacklist.Allowlist;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanRequest;
import org.argus.blacklist.BanTarget;
import org.argus.blacklist.BlacklistExport;
import org.argus.blacklist.BlacklistSnapshot;
import org.argus.blacklist.BlacklistVerticle;
import org.argus.bus.Addresses;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigLoader;
import org.argus.detect.ModelCard;
import org.argus.detect.ModelStore;
import org.argus.detect.PredictionVerticle;
import org.argus.blacklist.BanPolicy;
import org.argus.blacklist.BlacklistSettings;
import org.argus.status.SensorHealth;
import org.argus.stats.SensorStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model and blacklist sync through Google's in-memory Cloud Storage, with the real verticles on real Vert.x instances
 * and real SQLite blacklists: a published model is downloaded, verified and hot-swapped (a tampered one is refused);
 * one sensor's bans reach a peer that opted in, through the peer's allowlist, and are withdrawn when the first
 * sensor lifts them.
 */
class FirebaseSyncTest {
    static final String BUCKET = "argus-test.appspot.com";

    @TempDir
    Path dir;
    final Storage memory = LocalStorageHelper.customOptions(false).getService();

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** Whether the node holds a ban on {@code address} comes to be {@code wanted} within 15 s (asked over its bus). */
    static boolean eventuallyBanned(Node n, String address, boolean wanted) throws Exception {
        return await(org.argus.VertxWait.untilAsync(n.vertx(), Duration.ofSeconds(15),
                () -> n.vertx().eventBus().<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null)
                        .map(m -> m.body().bans().stream().anyMatch(b -> b.target().toString().equals(address)) == wanted),
                () -> address).transform(ar -> Future.succeededFuture(ar.succeeded())));
    }

    /** Whether {@code c} comes to hold within 15 s, checked on {@code vertx}'s timers (the test thread only waits). */
    static boolean eventually(Vertx vertx, BooleanSupplier c) throws Exception {
        return await(org.argus.VertxWait.until(vertx, Duration.ofSeconds(15), c, () -> "").transform(ar -> Future.succeededFuture(ar.succeeded())));
    }

    StagingSettings staging(Path out, StagingSettings.Firebase fb) {
        return new StagingSettings(out, out.resolve("staging"), out.resolve("uploaded"), Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofDays(7), 0, 0, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofHours(1), fb);
    }

    static StagingSettings.Firebase firebase(String sensor, Duration models, Duration lists, List<String> importFrom) {
        return new StagingSettings.Firebase("p", BUCKET, "", "", "retina-data", sensor, "models", models, "argus-blacklist",
                lists, importFrom);
    }

    /** Trains a model at {@code at} and puts card and file in the bucket under models/; {@code tamper} flips a byte of the file. */
    ModelCard publishModel(ArgusConfig c, Instant at, boolean tamper) throws Exception {
        Random r = new Random(at.toEpochMilli());
        double[][] rows = new double[600][c.detection().features().size()];
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 1 + r.nextInt(50);
            }
        }
        Path pub = dir.resolve("publisher");
        ModelCard card = ModelStore.train(c.detection().features(), rows, new ModelStore.TrainOptions(20, 64, 99.5, 1), List.of("test"), pub, at);
        byte[] bin = Files.readAllBytes(pub.resolve(card.modelFile()));
        if (tamper) {
            bin[bin.length / 2] ^= 0x5a;
        }
        memory.create(BlobInfo.newBuilder(BlobId.of(BUCKET, "models/" + card.modelFile())).build(), bin);
        memory.create(BlobInfo.newBuilder(BlobId.of(BUCKET, "models/argus-model-" + card.version() + ".json")).build(),
                Files.readAllBytes(pub.resolve("argus-model-" + card.version() + ".json")));
        return card;
    }

    @Test
    void theNewestModelIsDownloadedVerifiedCachedAndHotSwappedAndATamperedOneIsRefused() throws Exception {
        Path models = dir.resolve("models");
        ArgusConfig c = ArgusConfig.from(ConfigLoader.merge(new JsonObject()
                .put("anonymization", new JsonObject().put("generate_salt", true))
                .put("model", new JsonObject().put("model_local_path", models.toString()).put("min_model_age_hours", 0)), Map.of()));
        Instant now = Instant.now();
        ModelCard first = publishModel(c, now.minus(Duration.ofHours(2)), false);
        Vertx vertx = Vertx.vertx();
        SensorStats stats = new SensorStats();
        SensorHealth health = new SensorHealth(Clock.systemUTC());
        try {
            await(vertx.deployVerticle(new PredictionVerticle(c.detection(), dir.resolve("out"), false, stats.detection, health)));
            assertNull(stats.detection.modelVersion.get(), "no model before the download");
            StagingSettings s = staging(dir.resolve("csv"), firebase("pi-1", Duration.ofMillis(300), Duration.ZERO, List.of()));
            await(vertx.deployVerticle(new StagingVerticle(s, () -> memory, stats.staging, health, Clock.systemUTC(),
                    new StagingVerticle.Sync(false, models, null))));
            assertTrue(eventually(vertx, () -> first.version().equals(stats.detection.modelVersion.get())), "hot-swapped: " + health.snapshot());
            assertEquals(1, stats.staging.modelDownloads.sum());
            assertTrue(Files.exists(models.resolve(first.modelFile())));

            ModelCard tampered = publishModel(c, now.minus(Duration.ofHours(1)), true);
            assertTrue(eventually(vertx, () -> stats.staging.modelSyncLastError.get() != null), "the tampered model is refused");
            assertTrue(stats.staging.modelSyncLastError.get().contains("refused: SHA-256"), stats.staging.modelSyncLastError.get());
            await(vertx.timer(1000)); // a few more sync rounds
            assertTrue(stats.staging.modelSyncLastError.get().contains(tampered.version()), "still reported while it is the newest");
            try (Stream<Path> files = Files.list(models)) {
                assertEquals(List.of("argus-model-" + first.version() + ".bin", "argus-model-" + first.version() + ".json"),
                        files.map(p -> p.getFileName().toString()).sorted().toList(), "nothing of the tampered model is kept");
            }
            assertEquals(first.version(), stats.detection.modelVersion.get(), "the verified model stays in use");

            ModelCard newest = publishModel(c, now.minus(Duration.ofMinutes(30)), false);
            assertTrue(eventually(vertx, () -> newest.version().equals(stats.detection.modelVersion.get())), "swapped to the next good one");
            assertEquals(2, stats.staging.modelDownloads.sum(), "each good model downloaded once, the cached one never again");
            assertNull(stats.staging.modelSyncLastError.get());
        } finally {
            await(vertx.close());
        }
    }

    /** A two-class payload model (benign and {@code label}) with its card, published under {@code models/}. */
    private void publishPayloadModel(String version, String label, boolean tamper) throws Exception {
        Path pub = Files.createDirectories(dir.resolve("publish-payload"));
        double[][] w = new double[2][org.argus.payload.PayloadFeatures.SIZE + 1];
        w[1][0] = 1;
        Path bin = pub.resolve("argus-payload-" + version + ".bin");
        new org.argus.payload.PayloadModel(List.of(org.argus.payload.PayloadModel.BENIGN, label), w).save(bin);
        JsonObject card = new JsonObject().put("format", "argus-payload-model").put("version", version)
                .put("file", bin.getFileName().toString()).put("sha256", org.argus.detect.ModelStore.sha256(bin));
        byte[] bytes = Files.readAllBytes(bin);
        if (tamper) {
            bytes[bytes.length - 3] ^= 0x5a;
        }
        memory.create(BlobInfo.newBuilder(BlobId.of(BUCKET, "models/" + bin.getFileName())).build(), bytes);
        memory.create(BlobInfo.newBuilder(BlobId.of(BUCKET, "models/argus-payload-" + version + ".json")).build(),
                card.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aNewerPayloadModelIsDownloadedVerifiedAndSwappedInATamperedOneRefused() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        ArgusConfig c = ArgusConfig.from(ConfigLoader.merge(new JsonObject()
                .put("anonymization", new JsonObject().put("generate_salt", true))
                .put("model", new JsonObject().put("model_local_path", models.toString()).put("reload_interval_seconds", 1)), Map.of()));
        double[][] w = new double[2][org.argus.payload.PayloadFeatures.SIZE + 1];
        org.argus.detect.PayloadInspector inspector = new org.argus.detect.PayloadInspector(c.payload(),
                new org.argus.payload.PayloadModel(List.of(org.argus.payload.PayloadModel.BENIGN, "first"), w));
        Vertx vertx = Vertx.vertx();
        SensorStats stats = new SensorStats();
        SensorHealth health = new SensorHealth(Clock.systemUTC());
        try {
            await(vertx.deployVerticle(new PredictionVerticle(c.detection(), dir.resolve("out"), false, stats.detection, health,
                    d -> d.payloadInspector(inspector))));
            publishPayloadModel("20261201T100000Z", "second", false);
            StagingSettings s = staging(dir.resolve("csv"), firebase("pi-1", Duration.ofMillis(300), Duration.ZERO, List.of()));
            await(vertx.deployVerticle(new StagingVerticle(s, () -> memory, stats.staging, health, Clock.systemUTC(),
                    new StagingVerticle.Sync(false, models, null))));
            assertTrue(eventually(vertx, () -> inspector.model().classes().contains("second")), "swapped to the downloaded model");
            publishPayloadModel("20261201T110000Z", "tampered", true);
            assertTrue(eventually(vertx, () -> stats.staging.modelSyncLastError.get() != null
                    && stats.staging.modelSyncLastError.get().contains("refused: SHA-256")), "the tampered payload model is refused");
            assertTrue(Files.notExists(models.resolve("argus-payload-20261201T110000Z.bin")), "nothing of it is kept");
            await(vertx.timer(1500)); // a reload round
            assertTrue(inspector.model().classes().contains("second"), "the verified model stays in use");
        } finally {
            await(vertx.close());
        }
    }

    /** One sensor: its own Vert.x, SQLite blacklist and staging verticle (sync only). */
    record Node(Vertx vertx, SensorStats stats) {
        List<Ban> bans() throws Exception {
            return await(vertx.eventBus().<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null)).body().bans();
        }

        Ban ban(String address) throws Exception {
            return bans().stream().filter(b -> b.target().toString().equals(address)).findFirst().orElse(null);
        }
    }

    Node node(String id, List<String> importFrom, JsonArray allowlist, Anonymizer anon) throws Exception {
        Path d = Files.createDirectories(dir.resolve(id));
        BlacklistSettings es = ArgusConfig.from(ConfigLoader.merge(new JsonObject()
                .put("anonymization", new JsonObject().put("generate_salt", true))
                .put("enforcement", new JsonObject().put("backend", "none").put("allowlist", allowlist)
                        .put("blacklist_db_path", d.resolve("b.db").toString()).put("emergency_stop_file", d.resolve("stop").toString())),
                Map.of())).blacklist();
        Vertx vertx = Vertx.vertx();
        SensorStats stats = new SensorStats();
        SensorHealth health = new SensorHealth(Clock.systemUTC());
        Allowlist allow = Allowlist.discover(es.allowlist(), d.resolve("no-proc"), d.resolve("no-resolv"));
        await(vertx.deployVerticle(new BlacklistVerticle(es, new BanPolicy(es, allow), stats.blacklist, health, Clock.systemUTC())));
        await(vertx.deployVerticle(new StagingVerticle(staging(d.resolve("csv"), firebase(id, Duration.ZERO, Duration.ofMillis(400), importFrom)),
                () -> memory, stats.staging, health, Clock.systemUTC(), new StagingVerticle.Sync(false, null, anon))));
        return new Node(vertx, stats);
    }

    @Test
    void bansReachAPeerThatOptedInThroughItsAllowlistAndAreWithdrawnWithTheOriginal() throws Exception {
        Node a = node("pi-a", List.of(), new JsonArray(), null);
        Node b = node("pi-b", List.of("pi-a"), new JsonArray().add("198.51.100.0/24"), null);
        try {
            Ban scan = await(a.vertx().eventBus().<Ban>request(Addresses.BLACKLIST_ADD,
                    new BanRequest("203.0.113.7", "port scan", "high", Duration.ofHours(2), org.argus.blacklist.BanSource.OPERATOR))).body();
            await(a.vertx().eventBus().request(Addresses.BLACKLIST_ADD,
                    new BanRequest("198.51.100.9", "scanner in b's office", "high", Duration.ofHours(2), org.argus.blacklist.BanSource.OPERATOR)));
            assertTrue(eventuallyBanned(b, "203.0.113.7", true), "the peer's ban arrives");
            Ban copy = b.ban("203.0.113.7");
            assertEquals("firebase:pi-a", copy.source().text());
            assertEquals("from pi-a: port scan", copy.reason());
            assertTrue(Math.abs(Duration.between(scan.expiresAt(), copy.expiresAt()).toSeconds()) <= 1,
                    "same end as the original: " + scan.expiresAt() + " vs " + copy.expiresAt());
            assertTrue(eventually(b.vertx(), () -> b.stats().staging.blacklistImportRefused.sum() >= 1), "allowlisted here: refused");
            assertNull(b.ban("198.51.100.9"), "a peer cannot make this sensor block what its allowlist protects");

            BlacklistExport.Document bList = BlacklistExport.parse(new JsonObject(new String(
                    memory.readAllBytes(BlobId.of(BUCKET, "argus-blacklist/pi-b/blacklist.json")), StandardCharsets.UTF_8)));
            assertEquals("pi-b", bList.sensorId());
            assertTrue(bList.entries().isEmpty(), "imported bans are not exported again: " + bList.entries());
            BlacklistExport.Document aList = BlacklistExport.parse(new JsonObject(new String(
                    memory.readAllBytes(BlobId.of(BUCKET, "argus-blacklist/pi-a/blacklist.json")), StandardCharsets.UTF_8)));
            assertFalse(aList.anonymized());
            assertEquals(2, aList.entries().size());

            assertTrue(await(a.vertx().eventBus().<Boolean>request(Addresses.BLACKLIST_REMOVE, "203.0.113.7")).body());
            assertTrue(eventuallyBanned(b, "203.0.113.7", false), "withdrawn when the original is lifted");
            assertTrue(b.stats().staging.blacklistImportRemoved.sum() >= 1);
        } finally {
            await(a.vertx().close());
            await(b.vertx().close());
        }
    }

    @Test
    void anAnonymizedListIsReportedNotApplied() throws Exception {
        Node a = node("pi-a", List.of(), new JsonArray(), new Anonymizer("shared-salt"));
        Node b = node("pi-b", List.of("pi-a"), new JsonArray(), null);
        try {
            await(a.vertx().eventBus().request(Addresses.BLACKLIST_ADD,
                    new BanRequest("203.0.113.7", "port scan", "high", Duration.ofHours(2), org.argus.blacklist.BanSource.OPERATOR)));
            assertTrue(eventually(b.vertx(), () -> b.stats().staging.blacklistSyncLastError.get() != null
                    && b.stats().staging.blacklistSyncLastError.get().contains("anonymized")), String.valueOf(b.stats().staging.blacklistSyncLastError.get()));
            assertTrue(b.bans().isEmpty());
            String doc = new String(memory.readAllBytes(BlobId.of(BUCKET, "argus-blacklist/pi-a/blacklist.json")), StandardCharsets.UTF_8);
            assertFalse(doc.contains("203.0.113.7"), "the exported list holds pseudonyms only");
            assertTrue(doc.contains(new Anonymizer("shared-salt").anonymize(BanTarget.parse("203.0.113.7").network())), doc);
        } finally {
            await(a.vertx().close());
            await(b.vertx().close());
        }
    }
}
