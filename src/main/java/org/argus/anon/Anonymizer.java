package org.argus.anon;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * <p>Keeps a bounded cache of recent addresses. HMAC is computed as RFC 2104 defines it, H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖
 * m)), from SHA-256 states that have already absorbed the two padded-key blocks (cloned per address), so a pseudonym
 * costs two SHA-256 compressions instead of the four {@code Mac.doFinal} spends: under a spoofed flood every source
 * is new and misses the cache. Not thread-safe: one instance per owner thread.
 */
public final class Anonymizer {
    private static final int CACHE_SIZE = 65_536;
    private static final HexFormat HEX = HexFormat.of();
    /** SHA-256 block size, bytes (RFC 2104's B). */
    private static final int BLOCK = 64;

    /** SHA-256 after the (K ⊕ ipad) block, and after the (K ⊕ opad) block. */
    private final MessageDigest inner, outer;
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
            byte[] key = salt.getBytes(StandardCharsets.UTF_8);
            if (key.length > BLOCK) {
                key = MessageDigest.getInstance("SHA-256").digest(key);
            }
            byte[] ipad = new byte[BLOCK], opad = new byte[BLOCK];
            for (int i = 0; i < BLOCK; i++) {
                byte k = i < key.length ? key[i] : 0;
                ipad[i] = (byte) (k ^ 0x36);
                opad[i] = (byte) (k ^ 0x5c);
            }
            inner = MessageDigest.getInstance("SHA-256");
            inner.update(ipad);
            outer = MessageDigest.getInstance("SHA-256");
            outer.update(opad);
            inner.clone(); // fails here, not per address, if the provider's digest cannot be cloned
        } catch (GeneralSecurityException | CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 (cloneable) is not available in this JVM", e);
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
        try {
            MessageDigest in = (MessageDigest) inner.clone();
            byte[] innerHash = in.digest(canonicalText.getBytes(StandardCharsets.UTF_8));
            MessageDigest out = (MessageDigest) outer.clone();
            byte[] h = out.digest(innerHash);
            return "ip_" + HEX.formatHex(h, 0, 6);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e); // checked at construction
        }
    }
}
