package org.argus.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks cluster messages: HMAC-SHA256 (RFC 2104) over the message's canonical JSON (keys sorted at every
 * level, no {@code sig}), keyed with a key derived from {@code cluster.secret}. Every message carries {@code ts}
 * (epoch ms) and a random {@code nonce}; a message is accepted once, only while {@code |now − ts|} is within the
 * allowed clock skew. Thread-safe for {@link #sign}; {@link #check} is meant for one event-loop thread.
 */
public final class ClusterSigner {
    /** Why a message was refused (or that it was not). */
    public enum Verdict { OK, UNSIGNED, BAD_SIGNATURE, STALE, REPLAYED }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] key;
    private final Clock clock;
    private final Duration maxSkew;
    private final Map<String, Long> seen = new LinkedHashMap<>();

    /**
     * @param secret  {@code cluster.secret}
     * @param maxSkew {@code cluster.max_clock_skew_seconds}
     */
    public ClusterSigner(String secret, Clock clock, Duration maxSkew) {
        this.key = hmac(secret.getBytes(StandardCharsets.UTF_8), "argus cluster message key v1");
        this.clock = clock;
        this.maxSkew = maxSkew;
    }

    /**
     * The Hazelcast cluster name for a secret: {@code argus-} + 16 hex digits of an HMAC of the secret, so a member
     * configured without the secret asks to join a different cluster and is turned away. It is sent in clear during
     * the join, so this keeps honest mistakes out, not an attacker who can watch the link (TLS and signatures do).
     */
    public static String clusterName(String secret) {
        return "argus-" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), "argus hazelcast cluster name v1"), 0, 8);
    }

    /** A copy of {@code body} with {@code ts}, {@code nonce} and {@code sig} set. */
    public JsonObject sign(JsonObject body) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        JsonObject m = body.copy().put("ts", clock.millis()).put("nonce", HexFormat.of().formatHex(nonce));
        m.remove("sig");
        return m.put("sig", HexFormat.of().formatHex(mac(canonical(m))));
    }

    /** Checks a received message; an accepted nonce is remembered so the same message is refused the second time. */
    public Verdict check(Object body) {
        if (!(body instanceof JsonObject m) || !(m.getValue("sig") instanceof String sig) || !(m.getValue("ts") instanceof Number ts)
                || !(m.getValue("nonce") instanceof String nonce)) {
            return Verdict.UNSIGNED;
        }
        JsonObject unsigned = m.copy();
        unsigned.remove("sig");
        byte[] given;
        try {
            given = HexFormat.of().parseHex(sig);
        } catch (IllegalArgumentException e) {
            return Verdict.BAD_SIGNATURE;
        }
        if (!MessageDigest.isEqual(given, mac(canonical(unsigned)))) {
            return Verdict.BAD_SIGNATURE;
        }
        long now = clock.millis();
        if (Math.abs(now - ts.longValue()) > maxSkew.toMillis()) {
            return Verdict.STALE;
        }
        for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() < now - 2 * maxSkew.toMillis()) {
                it.remove();
            } else {
                break;
            }
        }
        if (seen.putIfAbsent(nonce, now) != null) {
            return Verdict.REPLAYED;
        }
        return Verdict.OK;
    }

    /** Current time (the signer's clock). */
    public Instant now() {
        return clock.instant();
    }

    /** Keys sorted at every level, so sender and receiver hash the same bytes whatever order the JSON arrived in. */
    static String canonical(Object v) {
        if (v instanceof JsonObject o) {
            JsonObject sorted = new JsonObject();
            for (String k : new TreeSet<>(o.fieldNames())) {
                sorted.put(k, canonicalValue(o.getValue(k)));
            }
            return sorted.encode();
        }
        return String.valueOf(v);
    }

    private static Object canonicalValue(Object v) {
        if (v instanceof JsonObject o) {
            JsonObject sorted = new JsonObject();
            for (String k : new TreeSet<>(o.fieldNames())) {
                sorted.put(k, canonicalValue(o.getValue(k)));
            }
            return sorted;
        }
        if (v instanceof JsonArray a) {
            JsonArray out = new JsonArray();
            a.forEach(x -> out.add(canonicalValue(x)));
            return out;
        }
        return v;
    }

    private byte[] mac(String text) {
        return hmac(key, text);
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
