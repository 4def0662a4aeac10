package org.argus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.argus.TestData;
import org.argus.anon.Anonymizer;
import org.argus.csv.CsvSettings;
import org.argus.detect.Baseline;
import org.argus.detect.FeatureSet;
import org.argus.flow.FlowSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baseline store: a false positive's flows found in the CSV files the sensor wrote (by the address's pseudonym
 * and the decision's window), kept as {@code fp-<id>.csv}, and every one of them in the next {@code train}.
 */
class BaselineTest {
    static final String SALT = "baseline-test-salt";

    @TempDir
    Path dir;

    @Test
    void aFalsePositivesFlowsAreKeptAndTheNextTrainingUsesThemAll() throws Exception {
        Path csv = dir.resolve("csv"), baseline = dir.resolve("models/baseline");
        Replay.run(List.of(TestData.shared().resolve("pcaps/synscan.pcapng")), FlowSettings.defaults(),
                new CsvSettings(csv, 500, Duration.ofHours(1), 0, false), SALT, 512, null, m -> { }, null);
        // part of the CSVs moved on, as staging and the archive move them
        Path staged = dir.resolve("staging");
        Files.createDirectories(staged);
        try (Stream<Path> s = Files.list(csv)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".csv")).sorted().limit(1).toList()) {
                Files.move(f, staged.resolve(f.getFileName()));
            }
        }
        String scanner = new Anonymizer(SALT).anonymize("172.16.0.8");
        Instant window = Instant.parse("2010-07-04T20:24:15Z");
        int rows = Baseline.addFalsePositive(baseline, List.of(csv, staged, dir.resolve("no-such-folder")), "d-00000000000000aa", window, scanner);
        // the port_scan decision of that window: "100% of its 973 flows"; each flow is one CSV row of the window
        assertEquals(973, rows);
        Path fp = baseline.resolve("fp-d-00000000000000aa.csv");
        List<String> lines = Files.readAllLines(fp);
        assertEquals(974, lines.size());
        assertTrue(lines.stream().skip(1).allMatch(l -> l.split(",")[1].equals("2010-07-04T20:24:15Z") && l.contains(scanner)));
        assertEquals(0, Baseline.addFalsePositive(baseline, List.of(csv, staged), "d-00000000000000bb", window,
                new Anonymizer(SALT).anonymize("192.0.2.1")), "an address with no flows in the window");
        assertFalse(Files.exists(baseline.resolve("fp-d-00000000000000bb.csv")));
        List<double[]> features = new ArrayList<>();
        FeatureSet set = FeatureSet.of(List.of("packets_out", "bytes_out", "dst_port", "src_distinct_dst_ports"));
        assertEquals(1, Baseline.rows(baseline, set, features::add, e -> { }));
        assertEquals(973, features.size());

        // the next training: a small sample of other traffic plus every false-positive row
        Path models = dir.resolve("out");
        String[] args = {"train", "--from", TestData.shared().resolve("pcaps/KakaoTalk_talk.pcap").toString(), "--out", models.toString(),
                "--max-rows", "100", "--baseline", baseline.toString()};
        assertEquals(0, Main.commandLine(args).execute(args));
        JsonObject card;
        try (Stream<Path> s = Files.list(models)) {
            card = new JsonObject(Files.readString(s.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow()));
        }
        assertTrue(card.getInteger("training_rows") >= 973 + 2, card.encode());
        assertTrue(card.getJsonArray("sources").encode().contains("1 false positives, 973 rows"), card.encode());
        String[] without = {"train", "--from", TestData.shared().resolve("pcaps/KakaoTalk_talk.pcap").toString(), "--out",
                dir.resolve("out2").toString(), "--max-rows", "100", "--baseline", baseline.toString(), "--no-baseline"};
        assertEquals(0, Main.commandLine(without).execute(without));
        try (Stream<Path> s = Files.list(dir.resolve("out2"))) {
            card = new JsonObject(Files.readString(s.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow()));
        }
        assertTrue(card.getInteger("training_rows") <= 100, card.encode());
    }
}
