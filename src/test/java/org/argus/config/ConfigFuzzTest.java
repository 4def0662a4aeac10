package org.argus.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing (Jazzer) of configuration checking: documents made of real keys (and some unknown ones)
 * holding values of every JSON type, huge numbers and control characters, merged and mapped the way {@code -conf}
 * and {@code validate} do. The only way out is a valid configuration or a {@link ConfigException} naming keys; a
 * check that accepts a value must leave it in range (ports, sizes).
 */
class ConfigFuzzTest {
    private static final List<String> KEYS = ConfigLoader.keyPaths();

    @FuzzTest(maxDuration = "8s")
    void document(FuzzedDataProvider in) {
        JsonObject user = new JsonObject();
        int n = in.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            String key = in.consumeBoolean() ? in.pickValue(KEYS) : "capture." + in.consumeString(8);
            put(user, key, value(in));
        }
        List<String> problems = new ArrayList<>();
        JsonObject doc = ConfigLoader.merge(user, Map.of(ConfigLoader.SALT_ENV, "fuzz-salt"), problems);
        try {
            ArgusConfig c = ArgusConfig.from(doc, problems);
            assertTrue(problems.isEmpty());
            assertTrue(c.http().port() >= 0 && c.http().port() <= 65_535);
            assertTrue(c.capture().bufferSizeBytes() > 0, "buffer size overflowed: " + c.capture().bufferSizeBytes());
            assertTrue(c.capture().snaplen() >= 64);
        } catch (ConfigException e) {
            assertFalse(e.problems().isEmpty());
            for (String p : e.problems()) {
                assertTrue(p.contains(":"), "a problem names its key: " + p);
                assertFalse(p.chars().anyMatch(ch -> ch < 0x20), "a problem is one printable line: " + p);
            }
        }
    }

    private static Object value(FuzzedDataProvider in) {
        return switch (in.consumeInt(0, 8)) {
            case 0 -> in.consumeInt();
            case 1 -> in.consumeLong();
            case 2 -> new java.math.BigInteger(1, in.consumeBytes(12));
            case 3 -> in.consumeDouble();
            case 4 -> in.consumeBoolean();
            case 5 -> null;
            case 6 -> new JsonArray().add(in.consumeString(20)).add(in.consumeInt());
            case 7 -> new JsonObject().put(in.consumeString(6), in.consumeInt());
            default -> in.consumeString(40);
        };
    }

    private static void put(JsonObject root, String path, Object v) {
        String[] parts = path.split("\\.", -1);
        JsonObject o = root;
        for (int i = 0; i < parts.length - 1; i++) {
            Object next = o.getValue(parts[i]);
            if (!(next instanceof JsonObject)) {
                next = new JsonObject();
                o.put(parts[i], next);
            }
            o = (JsonObject) next;
        }
        o.put(parts[parts.length - 1], v);
    }
}
