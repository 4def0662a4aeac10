package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    static final FeatureSet SET = FeatureSet.of(List.of("packets_out", "bytes_out", "dst_port", "src_distinct_dst_ports"));
    static final ModelStore.TrainOptions OPTIONS = new ModelStore.TrainOptions(50, 128, 99.5, 7);
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path dir;

    static double[][] normal(int n, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new double[] {5 + r.nextInt(20), 400 + r.nextInt(20_000), 1 + r.nextInt(2), 1 + r.nextInt(3)};
        }
        return rows;
    }

    static DetectionSettings.Models models(Path dir, Duration minAge) {
        return new DetectionSettings.Models(dir, minAge, Duration.ofDays(30), true, Duration.ofSeconds(60), Duration.ZERO, 1000, OPTIONS);
    }

    @Test
    void trainSaveLoadGivesIdenticalScoresAndAnomaliesScoreHigher() throws Exception {
        double[][] rows = normal(2000, 1);
        ModelCard card = ModelStore.train(SET, rows, OPTIONS, List.of("test"), dir, T0);
        assertEquals(2000, card.trainingRows());
        assertEquals(SET.keys(), card.features());
        assertTrue(card.scoreMedian() < card.scoreThreshold() && card.scoreThreshold() <= card.scoreMax());
        ModelStore.Loaded a = ModelStore.load(dir.resolve("argus-model-" + card.version() + ".json"), SET,
                T0.plusSeconds(7200), Duration.ofHours(1), Duration.ofDays(30));
        ModelStore.Loaded b = ModelStore.load(a.cardFile(), SET, T0.plusSeconds(7200), Duration.ZERO, Duration.ofDays(30));
        double[][] probe = normal(200, 2);
        assertArrayEquals(a.model().rawScores(probe), b.model().rawScores(probe), "same file, same scores");
        // Refit with the same rows and seed: the same forest.
        Path again = Files.createDirectory(dir.resolve("again"));
        ModelCard card2 = ModelStore.train(SET, rows, OPTIONS, List.of("test"), again, T0);
        ModelStore.Loaded c = ModelStore.load(again.resolve("argus-model-" + card2.version() + ".json"), SET,
                T0.plusSeconds(7200), Duration.ZERO, Duration.ofDays(30));
        assertArrayEquals(a.model().rawScores(probe), c.model().rawScores(probe), "deterministic training");
        double scan = a.card().calibrate(a.model().rawScore(new double[] {1, 60, 1, 900}));
        double ordinary = a.card().calibrate(a.model().rawScore(new double[] {12, 9000, 1, 2}));
        assertTrue(scan > 0.5 && ordinary < 0.5, "scan-like row " + scan + " above threshold, ordinary " + ordinary + " below");
        assertTrue(Files.readString(a.cardFile()).contains("\"library\" : \"smile-core 4.4.2\""));
    }

    @Test
    void anAutoencoderIsTrainedSavedLoadedAndChosenByPredictionAlgorithm() throws Exception {
        double[][] rows = normal(3000, 1);
        ModelStore.TrainOptions ae = OPTIONS.withAlgorithm(AnomalyModel.AUTOENCODER);
        ModelCard card = ModelStore.train(SET, rows, ae, List.of("test"), dir, T0);
        assertEquals(AnomalyModel.AUTOENCODER, card.algorithm());
        assertTrue(Files.readString(dir.resolve("argus-model-" + card.version() + ".json")).contains("\"model_type\" : \"autoencoder\""));
        ModelStore.Loaded a = ModelStore.load(dir.resolve("argus-model-" + card.version() + ".json"), SET, T0, Duration.ZERO, Duration.ofDays(30));
        assertEquals(AnomalyModel.AUTOENCODER, a.model().algorithm());
        assertArrayEquals(new int[] {4, 4, 2, 4, 4}, a.model().autoencoder().layers());
        // the training median maps to 0.5 of the raw score, the card calibrates it like the forest's
        assertEquals(0.5, card.scoreMedian(), 0.02);
        double[][] probe = normal(500, 2);
        double[] raw = a.model().rawScores(probe);
        long above = java.util.Arrays.stream(raw).filter(r -> a.card().calibrate(r) > 0.5).count();
        assertTrue(above < 25, "ordinary rows of the same distribution stay below the threshold: " + above + " of 500");
        double scan = a.card().calibrate(a.model().rawScore(new double[] {1, 60, 1, 900}));
        double ordinary = a.card().calibrate(a.model().rawScore(new double[] {12, 9000, 1, 2}));
        assertTrue(scan > 0.7 && ordinary < 0.5, "scan-like row " + scan + " beyond training, ordinary " + ordinary + " below");
        ModelCard again = ModelStore.train(SET, rows, ae, List.of("test"), Files.createDirectory(dir.resolve("again")), T0);
        assertEquals(card.scoreThreshold(), again.scoreThreshold(), "deterministic training");

        // the newest usable model of the wanted kind: a forest beside it is used only when prediction.algorithm allows
        ModelCard forest = ModelStore.train(SET, rows, OPTIONS, List.of("test"), dir, T0.plusSeconds(1));
        Clock clock = Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC);
        ModelManager auto = new ModelManager(models(dir, Duration.ZERO), SET, clock);
        auto.refresh();
        assertEquals(forest.version(), auto.current().card().version(), "auto: the newest");
        ModelManager pinned = new ModelManager(new DetectionSettings.Models(dir, Duration.ZERO, Duration.ofDays(30), true,
                Duration.ofSeconds(60), Duration.ZERO, 1000, ae), SET, clock);
        pinned.refresh();
        assertEquals(card.version(), pinned.current().card().version(), "autoencoder asked for: the older autoencoder");
        assertThrows(IllegalArgumentException.class, () -> OPTIONS.withAlgorithm("svm"));
    }

    @Test
    void corruptMismatchedAgedAndForeignModelsAreRefusedWithAReason() throws Exception {
        ModelCard card = ModelStore.train(SET, normal(500, 1), OPTIONS, List.of("test"), dir, T0);
        Path cardFile = dir.resolve("argus-model-" + card.version() + ".json");
        Instant now = T0.plusSeconds(7200);
        ModelException mismatch = assertThrows(ModelException.class, () -> ModelStore.load(cardFile,
                FeatureSet.of(List.of("packets_out", "bytes_out")), now, Duration.ZERO, Duration.ofDays(30)));
        assertTrue(mismatch.getMessage().contains("do not match prediction.feature_columns"), mismatch.getMessage());
        ModelException young = assertThrows(ModelException.class, () -> ModelStore.load(cardFile, SET, now,
                Duration.ofHours(3), Duration.ofDays(30)));
        assertTrue(young.getMessage().contains("min_model_age_hours"), young.getMessage());
        ModelException old = assertThrows(ModelException.class, () -> ModelStore.load(cardFile, SET,
                T0.plus(Duration.ofDays(40)), Duration.ZERO, Duration.ofDays(30)));
        assertTrue(old.getMessage().contains("max_model_age_days"), old.getMessage());
        Path bin = dir.resolve(card.modelFile());
        byte[] bytes = Files.readAllBytes(bin);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(bin, bytes);
        ModelException corrupt = assertThrows(ModelException.class, () -> ModelStore.load(cardFile, SET, now,
                Duration.ZERO, Duration.ofDays(30)));
        assertTrue(corrupt.getMessage().contains("corrupt"), corrupt.getMessage());
        Files.writeString(cardFile, "{\"format\":\"something-else\"}");
        ModelException foreign = assertThrows(ModelException.class, () -> ModelStore.load(cardFile, SET, now,
                Duration.ZERO, Duration.ofDays(30)));
        assertTrue(foreign.getMessage().contains("format"), foreign.getMessage());
    }

    @Test
    void managerSkipsABadNewestModelKeepsTheOlderOneAndSwapsToANewGoodOne() throws Exception {
        Clock clock = Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC);
        ModelManager mm = new ModelManager(models(dir, Duration.ZERO), SET, clock);
        assertTrue(!mm.refresh() && mm.current() == null);
        assertTrue(mm.problem().startsWith("no model in"), mm.problem());

        ModelCard older = ModelStore.train(SET, normal(300, 1), OPTIONS, List.of("a"), dir, T0);
        ModelCard newer = ModelStore.train(SET, normal(300, 2), OPTIONS, List.of("b"), dir, T0.plusSeconds(60));
        Files.write(dir.resolve(newer.modelFile()), new byte[] {1, 2, 3}); // truncated download, say
        assertTrue(mm.refresh());
        assertEquals(older.version(), mm.current().card().version(), "the corrupt newest is skipped");
        assertTrue(!mm.refresh(), "nothing changes on the next check");

        ModelCard newest = ModelStore.train(SET, normal(300, 3), OPTIONS, List.of("c"), dir, T0.plusSeconds(120));
        ModelStore.Loaded before = mm.current();
        assertTrue(mm.refresh());
        assertEquals(newest.version(), mm.current().card().version(), "hot swap to the new model");
        assertNotNull(before.model().rawScore(new double[] {1, 1, 1, 1}), "the previous model object stays usable");

        ModelManager mismatched = new ModelManager(models(dir, Duration.ZERO), FeatureSet.of(List.of("packets_in")),
                clock);
        mismatched.refresh();
        assertNull(mismatched.current());
        assertTrue(mismatched.problem().contains("do not match"), mismatched.problem());
    }
}
