package org.argus.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.argus.TestClock;
import org.junit.jupiter.api.Test;

/** What a sensor accepts from the cluster: only messages signed with the shared secret, fresh, and seen once. */
class ClusterSignerTest {
    static final String SECRET = "0123456789abcdef0123456789abcdef";
    static final Instant T0 = Instant.parse("2026-11-22T12:00:00Z");

    final TestClock clock = new TestClock(T0);
    final ClusterSigner signer = new ClusterSigner(SECRET, clock, Duration.ofSeconds(30));

    JsonObject ban() {
        return new JsonObject().put("kind", "ban").put("sensor", "a").put("address", "203.0.113.10")
                .put("entries", new JsonArray().add(new JsonObject().put("z", 1).put("a", 2)));
    }

    @Test
    void aSignedMessageIsAcceptedOnceWhateverTheKeyOrderAfterTransport() {
        JsonObject signed = signer.sign(ban());
        // Same content, keys in another order (as another JSON library might send them).
        JsonObject reordered = new JsonObject();
        signed.fieldNames().stream().sorted(java.util.Comparator.reverseOrder()).forEach(k -> reordered.put(k, signed.getValue(k)));
        JsonObject fromWire = new JsonObject(reordered.encode());
        assertEquals(ClusterSigner.Verdict.OK, new ClusterSigner(SECRET, clock, Duration.ofSeconds(30)).check(fromWire));
        assertEquals(ClusterSigner.Verdict.OK, signer.check(signed));
        assertEquals(ClusterSigner.Verdict.REPLAYED, signer.check(signed.copy()), "the same message twice is a replay");
    }

    @Test
    void unsignedForgedTamperedAndStaleMessagesAreRefused() {
        assertEquals(ClusterSigner.Verdict.UNSIGNED, signer.check(ban()));
        assertEquals(ClusterSigner.Verdict.UNSIGNED, signer.check("ban 203.0.113.10"));
        JsonObject forged = new ClusterSigner("another-secret-another-secret-00", clock, Duration.ofSeconds(30)).sign(ban());
        assertEquals(ClusterSigner.Verdict.BAD_SIGNATURE, signer.check(forged));
        JsonObject tampered = signer.sign(ban()).put("address", "192.168.1.1");
        assertEquals(ClusterSigner.Verdict.BAD_SIGNATURE, signer.check(tampered));
        JsonObject junkSig = signer.sign(ban()).put("sig", "not hex");
        assertEquals(ClusterSigner.Verdict.BAD_SIGNATURE, signer.check(junkSig));
        JsonObject old = signer.sign(ban());
        clock.set(T0.plusSeconds(31));
        assertEquals(ClusterSigner.Verdict.STALE, signer.check(old), "recorded and played back later");
        clock.set(T0.minusSeconds(31));
        assertEquals(ClusterSigner.Verdict.STALE, signer.check(old.copy()), "from a clock far ahead");
    }

    @Test
    void theHazelcastClusterNameDependsOnTheSecret() {
        String name = ClusterSigner.clusterName(SECRET);
        assertTrue(name.matches("argus-[0-9a-f]{16}"), name);
        assertEquals(name, ClusterSigner.clusterName(SECRET));
        assertNotEquals(name, ClusterSigner.clusterName(SECRET + "x"));
    }
}
