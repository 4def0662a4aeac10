package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.argus.csv.CsvRotator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code argus archive list|verify|prune} as an operator runs them, on archives laid out as the sensor writes them. */
class ArchiveCliIT {
    @TempDir
    Path dir;

    private static void gz(Path f, String text) throws Exception {
        Files.createDirectories(f.getParent());
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void listVerifyAndPrune() throws Exception {
        Path archive = dir.resolve("archive");
        String row = "2026-09-01T00:00:00Z,2026-09-01T00:00:00Z,2026-09-01T00:00:05Z,5.0,10,600,2,2.0,960.0,ip_000000000001,ip_000000000002,TCP,1,2,5,300,5,300\n";
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        LocalDate old = today.minusDays(200);
        gz(archive.resolve(String.format("%04d/%02d/%02d/zeus_%s_100000.csv.gz", old.getYear(), old.getMonthValue(), old.getDayOfMonth(),
                old.toString().replace("-", ""))), CsvRotator.HEADER + "\n" + row);
        gz(archive.resolve(String.format("%04d/%02d/%02d/hera_%s_100000.csv.gz", today.getYear(), today.getMonthValue(), today.getDayOfMonth(),
                today.toString().replace("-", ""))), CsvRotator.HEADER + "\n" + row + row + "2026-09-01T00:00:00Z,torn");
        Path conf = dir.resolve("c.json");
        Files.writeString(conf, new JsonObject().put("archive", new JsonObject().put("dir", archive.toString()).put("retention_days", 90)).encode());
        Map<String, String> env = Map.of("ARGUS_IP_SALT", "s");
        SensorProcess.Result list = SensorProcess.run(env, "archive", "list", "-conf", conf.toString());
        assertEquals(0, list.code(), list.output());
        assertTrue(list.output().contains("2 files"), list.output());
        assertTrue(list.output().contains(old + "  "), list.output());
        SensorProcess.Result verify = SensorProcess.run(env, "archive", "verify", "-conf", conf.toString());
        assertEquals(1, verify.code(), verify.output());
        assertTrue(verify.output().contains("line 4 has 2 columns, expected 18"), verify.output());
        assertTrue(verify.output().contains("2 files, 3 rows, 1 bad"), verify.output());
        SensorProcess.Result prune = SensorProcess.run(env, "archive", "prune", "-conf", conf.toString());
        assertEquals(0, prune.code(), prune.output());
        assertTrue(prune.output().contains("1 deleted; 1 files"), prune.output());
        assertFalse(Files.exists(archive.resolve(String.format("%04d", old.getYear())).resolve(String.format("%02d", old.getMonthValue()))));
    }
}
