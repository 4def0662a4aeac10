package org.argus.capture;

/**
 * Why a frame could not be decoded into a flow. Every such frame still counts in its window's packet and byte
 * totals; the reason is counted in {@code /status} ({@code malformed.<name>}) and in the replay summary.
 */
public enum Malformed {
    /** Shorter than its link-layer header (Ethernet, VLAN tag, SLL/SLL2, NULL). */
    TRUNCATED_LINK("truncated_link"),
    /** Shorter than the IPv4 (20 B) or IPv6 (40 B) fixed header. */
    TRUNCATED_IP("truncated_ip"),
    /** IP version nibble does not match the link's protocol (or is neither 4 nor 6 on a raw-IP link). */
    BAD_IP_VERSION("bad_ip_version"),
    /** IPv4 IHL below 5 (header shorter than 20 B). */
    BAD_IP_HEADER_LENGTH("bad_ip_header_length"),
    /** IPv6 extension-header chain cut short, or longer than the decoder follows. */
    BAD_IPV6_EXTENSION("bad_ipv6_extension"),
    /** TCP or UDP header cut before the two ports (first fragment or snaplen). */
    TRUNCATED_TRANSPORT("truncated_transport"),
    /** The capture's link type is not one the decoder reads. */
    UNSUPPORTED_LINKTYPE("unsupported_linktype"),
    /** A capture file that ends in the middle of a record (the complete records before it are kept). */
    TRUNCATED_FILE("truncated_file"),
    /**
     * A capture-file record skipped for an impossible value while its framing is sound: a wire length above 262,144
     * bytes or below its captured length, an undescribed pcapng interface, a time before 1970 or after 2262. Such a
     * record is in no window's totals.
     */
    BAD_RECORD("bad_record"),
    /** A capture file whose read stopped at a record with impossible framing (the records before it are kept). */
    CORRUPT_FILE("corrupt_file");

    private static final Malformed[] VALUES = values();

    private final String label;

    Malformed(String label) {
        this.label = label;
    }

    /** The snake_case name used in JSON and metrics. */
    public String label() {
        return label;
    }

    /** The reason with the given ordinal. */
    public static Malformed ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /** Number of reasons (size of per-reason counter arrays). */
    public static int count() {
        return VALUES.length;
    }
}
