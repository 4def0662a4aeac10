package org.argus.anon;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.argus.flow.IpAddress;

/**
 * Keyed pseudonyms for IP addresses, as written to CSV files and anything else that leaves the sensor.
 *
 * <p>Format: {@code "ip_"} + the first 12 hex characters (lower case, i.e. the first 6 bytes) of
 * HMAC-SHA256(key = UTF-8 bytes of the salt, message = UTF-8 bytes of the address's canonical text: IPv4 dotted
 * quad, IPv6 RFC 5952 form as {@link IpAddress#toString()} gives). Example: salt {@code "argus"}, address
 * {@code 192.0.2.1} → {@code ip_} + hex(HMAC-SHA256("argus", "192.0.2.1"))[0..12]. The same salt gives the same
 * pseudonym on every sensor and run, so rows join; without the salt the mapping cannot be inverted short of
 * guessing the salt.
 *
 * <p>Keeps a bounded cache of recent addresses. Not thread-safe: one instance per owner thread.
 */
public final class Anonymizer {
    private static final int CACHE_SIZE = 65_536;
    private static final HexFormat HEX = HexFormat.of();

    private final Mac mac;
    private final Map<IpAddress, String> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<IpAddress, String> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /**
     * @param salt the HMAC key (its UTF-8 bytes); must not be empty
     * @throws IllegalArgumentException for an empty salt
     */
    public Anonymizer(String salt) {
        if (salt == null || salt.isEmpty()) {
            throw new IllegalArgumentException("anonymization salt must not be empty");
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** A fresh random salt: 32 random bytes as 64 hex characters. */
    public static String randomSalt() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HEX.formatHex(b);
    }

    /** The pseudonym of an address, {@code ip_} + 12 lower-case hex characters. */
    public String anonymize(IpAddress address) {
        String s = cache.get(address);
        if (s == null) {
            s = anonymize(address.toString());
            cache.put(address, s);
        }
        return s;
    }

    /** The pseudonym of an address given as canonical text (no parsing or normalization is done). */
    public String anonymize(String canonicalText) {
        byte[] h = mac.doFinal(canonicalText.getBytes(StandardCharsets.UTF_8));
        return "ip_" + HEX.formatHex(h, 0, 6);
    }
}
