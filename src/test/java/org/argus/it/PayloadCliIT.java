package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code argus train-payload} and {@code argus payload classify} through the jar, on the shared corpus and captures. */
class PayloadCliIT {
    @TempDir
    Path dir;

    @Test
    void trainThenClassifyOneJsonLinePerInput() throws Exception {
        Path models = dir.resolve("models");
        SensorProcess.Result train = SensorProcess.run(Map.of(), "train-payload", "--attacks", "../shared/payloads/attacks",
                "--benign", "../shared/pcaps/1kxun.pcap", "../shared/pcaps/http_ip4and6.pcapng", "../shared/pcaps/netflix.pcap",
                "--out", models.toString());
        assertEquals(0, train.code(), train.output());
        assertTrue(train.output().contains("malicious"), train.output());
        Path input = dir.resolve("lines.txt");
        Files.write(input, List.of("GET /search?q=garden+chairs&page=2 HTTP/1.1\\x0d\\x0aHost: shop.example.com\\x0d\\x0a\\x0d\\x0a",
                "' UNION SELECT username, password FROM users--",
                "<script>alert(document.cookie)</script>",
                "../../../../etc/passwd"));
        SensorProcess.Result out = SensorProcess.run(Map.of(), "payload", "classify", "--models", models.toString(), input.toString());
        assertEquals(0, out.code(), out.output());
        List<JsonObject> verdicts = out.output().lines().filter(l -> l.startsWith("{")).map(JsonObject::new).toList();
        assertEquals(4, verdicts.size(), out.output());
        assertFalse(verdicts.get(0).getBoolean("malicious"), verdicts.get(0).encode());
        for (JsonObject v : verdicts.subList(1, 4)) {
            assertTrue(v.getBoolean("malicious"), v.encode());
            assertTrue(v.getDouble("probability") > 0.5, v.encode());
        }
        assertEquals("xss", verdicts.get(2).getString("class"), verdicts.get(2).encode());
        SensorProcess.Result none = SensorProcess.run(Map.of(), "payload", "classify", "--models", dir.resolve("empty").toString(), input.toString());
        assertEquals(1, none.code());
        assertTrue(none.output().contains("no payload model"), none.output());
    }
}
