package org.argus.detect;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.argus.config.ArgusConfig;
import org.argus.config.ConfigException;
import org.argus.config.ConfigLoader;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;
import org.argus.flow.PacketShape;
import org.argus.flow.TcpFlagCounts;
import org.junit.jupiter.api.Test;

/** Trusted devices on the fast path: by MAC (an address change keeps them trusted) or by address. */
class FastPathTest {
    static ArgusConfig config(JsonArray trusted) throws ConfigException {
        return ArgusConfig.from(ConfigLoader.merge(new JsonObject().put("anonymization", new JsonObject().put("generate_salt", true))
                .put("routing", new JsonObject().put("trusted_devices", trusted).put("allowlist_fast_path", false)), Map.of()));
    }

    static FlowRecord from(String address, long mac) {
        return new FlowRecord(6, IpAddress.parse(address), 40000, IpAddress.parse("10.0.0.1"), 443, 3, 300, 3, 900, 0, 1,
                TcpFlagCounts.NONE, PacketShape.UNKNOWN, mac, 0);
    }

    @Test
    void aTrustedDeviceIsRecognisedByItsMacOrItsAddress() throws Exception {
        FastPath p = config(new JsonArray().add("B8:27:EB:00:00:01").add("10.0.0.9").add("fd00::/64")).fastPath();
        long pi = 0xb827eb000001L;
        assertTrue(p.test(from("10.0.0.50", pi)), "by MAC, whatever address the Pi has today");
        assertTrue(p.test(from("10.0.0.9", 0)), "by address");
        assertTrue(p.test(from("fd00::5", 0)), "by network");
        assertFalse(p.test(from("10.0.0.50", 0xb827eb000002L)), "another device");
        assertFalse(p.test(from("10.0.0.51", 0)), "no MAC seen, not listed");
        ConfigException e = assertThrows(ConfigException.class, () -> config(new JsonArray().add("b8:27:eb:00:00").add("10.0.0.300")));
        assertTrue(e.getMessage().contains("routing.trusted_devices: \"b8:27:eb:00:00\"") && e.getMessage().contains("10.0.0.300"),
                e.getMessage());
    }
}
