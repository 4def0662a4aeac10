package org.argus.intel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.argus.blacklist.Allowlist;
import org.argus.blacklist.BanTarget;
import org.argus.flow.IpAddress;

/**
 * Every configured feed's indicators in one immutable snapshot: a {@link PrefixSet} over the union of the feeds'
 * blocks, each block with the feeds that list it (a 64-bit mask: at most {@value #MAX_FEEDS} feeds) and the first note
 * a feed gave it. Replaced whole on each load, so a lookup sees one load or the next, never a mix. Thread-safe
 * (immutable).
 *
 * <p>Memory: about 12 bytes per IPv4 range of the prefix set (at most two per block) plus 25 bytes per block (two longs
 * of network, a prefix byte, the feed mask, a note reference; notes are shared between blocks with the same text).
 */
public final class ThreatIntel {
    /** Feeds one snapshot can hold. */
    public static final int MAX_FEEDS = 64;

    /**
     * A configured feed.
     *
     * @param name           unique name, used in reasons, metrics and the status
     * @param category       what its entries are ({@code botnet_cc}, {@code malware}, {@code scanner}, {@code spam}…)
     * @param score          how bad a listed address is, 0–100 (risk = score / 100 against the detection thresholds)
     * @param refreshMinutes how often the file is re-read or the URL fetched again
     */
    public record Feed(String name, String source, FeedFormat format, String category, int score, int refreshMinutes) {
    }

    /**
     * What one load of one feed gave.
     *
     * @param entries        indicators kept
     * @param badLines       lines that did not parse
     * @param badSamples     the first few of them
     * @param otherTypes     indicators of other types (Zeek domains, URLs…), skipped
     * @param refused        indicators refused by the sanitizer, by reason
     * @param refusedSamples the first few refusals, {@code block: reason}
     * @param loadedAt       when the text was read (null when it never was)
     * @param origin         {@code file}, {@code download}, {@code not modified}, {@code cache (offline: …)}, or the error
     * @param error          why the latest attempt failed, or null (the previous entries stay in use)
     */
    public record FeedStatus(String name, int entries, int badLines, List<String> badSamples, int otherTypes,
                             Map<String, Integer> refused, List<String> refusedSamples, Instant loadedAt, String origin,
                             String error) {
    }

    /**
     * A listed address.
     *
     * @param address the address looked up
     * @param block   the most specific listed block holding it
     * @param feeds   the feeds listing that block, worst (highest score) first
     * @param note    what the first feed to give one said about it, or null
     */
    public record Match(IpAddress address, BanTarget block, List<Feed> feeds, String note) {
        /** The worst feed's score, 0–100. */
        public int score() {
            return feeds.get(0).score();
        }

        /** The worst feed's category. */
        public String category() {
            return feeds.get(0).category();
        }

        /** {@code feodo (botnet_cc, score 90), et_compromised (compromised, score 60) list 203.0.113.0/24: "Dridex"}. */
        public String describe() {
            StringBuilder s = new StringBuilder();
            for (Feed f : feeds) {
                s.append(s.isEmpty() ? "" : ", ").append(f.name()).append(" (").append(f.category()).append(", score ").append(f.score())
                        .append(')');
            }
            s.append(feeds.size() == 1 ? " lists " : " list ").append(block);
            if (note != null) {
                s.append(": \"").append(org.argus.log.LogText.escape(note)).append('"');
            }
            return s.toString();
        }
    }

    private final List<Feed> feeds;
    private final List<FeedStatus> status;
    private final PrefixSet set;
    private final long[] hi;
    private final long[] lo;
    private final byte[] prefix;
    private final java.util.BitSet v6;
    private final long[] feedMask;
    private final String[] notes;
    private final Instant builtAt;

    private ThreatIntel(List<Feed> feeds, List<FeedStatus> status, PrefixSet set, long[] hi, long[] lo, byte[] prefix,
                        java.util.BitSet v6, long[] feedMask, String[] notes, Instant builtAt) {
        this.feeds = List.copyOf(feeds);
        this.status = List.copyOf(status);
        this.set = set;
        this.hi = hi;
        this.lo = lo;
        this.prefix = prefix;
        this.v6 = v6;
        this.feedMask = feedMask;
        this.notes = notes;
        this.builtAt = builtAt;
    }

    /** No feeds. */
    public static ThreatIntel empty() {
        return new ThreatIntel(List.of(), List.of(), PrefixSet.empty(), new long[0], new long[0], new byte[0], new java.util.BitSet(), new long[0],
                new String[0], null);
    }

    /** The feeds, in configuration order. */
    public List<Feed> feeds() {
        return feeds;
    }

    /** Each feed's latest load, in configuration order. */
    public List<FeedStatus> status() {
        return status;
    }

    /** Distinct blocks listed (a block several feeds list counts once). */
    public int size() {
        return hi.length;
    }

    /** When this snapshot was built, or null for the empty one. */
    public Instant builtAt() {
        return builtAt;
    }

    /** The prefix set (for its range counts and memory estimate). */
    public PrefixSet prefixSet() {
        return set;
    }

    /** The indicators the feed at {@code feedIndex} contributed (to keep them when its next load fails). */
    public List<FeedFormat.Indicator> indicatorsOf(int feedIndex) {
        List<FeedFormat.Indicator> out = new ArrayList<>();
        for (int i = 0; i < hi.length; i++) {
            if ((feedMask[i] & (1L << feedIndex)) != 0) {
                out.add(new FeedFormat.Indicator(block(i), notes[i]));
            }
        }
        return out;
    }

    /** Every distinct block (for the kernel's feed sets). */
    public List<BanTarget> blocks() {
        List<BanTarget> out = new ArrayList<>(hi.length);
        for (int i = 0; i < hi.length; i++) {
            out.add(block(i));
        }
        return out;
    }

    /** Whether an address is listed (cheaper than {@link #match}: no objects). */
    public boolean listed(IpAddress a) {
        return hi.length > 0 && set.lookup(a) >= 0;
    }

    /** The match for an address, or empty when no feed lists it. */
    public Optional<Match> match(IpAddress a) {
        if (hi.length == 0) {
            return Optional.empty();
        }
        int i = set.lookup(a);
        if (i < 0) {
            return Optional.empty();
        }
        List<Feed> by = new ArrayList<>();
        for (int f = 0; f < feeds.size(); f++) {
            if ((feedMask[i] & (1L << f)) != 0) {
                by.add(feeds.get(f));
            }
        }
        by.sort((x, y) -> Integer.compare(y.score(), x.score()));
        return Optional.of(new Match(a, block(i), List.copyOf(by), notes[i]));
    }

    private BanTarget block(int i) {
        return new BanTarget(new IpAddress(hi[i], lo[i], v6.get(i)), prefix[i] & 0xff);
    }

    /**
     * Why a block must not be used, or null: it overlaps an address that must never be blocked or reported as
     * listed (a list carrying bogons, the sensor's own network or its gateway has caused outages elsewhere).
     */
    public static final class Sanitizer {
        private final Map<BanTarget, String> never = new LinkedHashMap<>();
        private final Allowlist allowlist;

        /**
         * @param refusePrivate also refuse RFC 1918, RFC 6598 shared (100.64.0.0/10) and ULA (fc00::/7) blocks
         * @param allowlist     the enforcement allowlist (the sensor's addresses, gateways, DNS servers, configured
         *                      entries), or null
         */
        public Sanitizer(boolean refusePrivate, Allowlist allowlist) {
            this.allowlist = allowlist;
            add("0.0.0.0/8", "this network (0.0.0.0/8)");
            add("127.0.0.0/8", "loopback");
            add("169.254.0.0/16", "link-local");
            add("224.0.0.0/4", "multicast");
            add("240.0.0.0/4", "reserved or broadcast (240.0.0.0/4)");
            add("::/128", "the unspecified address");
            add("::1/128", "loopback");
            add("fe80::/10", "link-local");
            add("ff00::/8", "multicast");
            if (refusePrivate) {
                add("10.0.0.0/8", "private (RFC 1918)");
                add("172.16.0.0/12", "private (RFC 1918)");
                add("192.168.0.0/16", "private (RFC 1918)");
                add("100.64.0.0/10", "shared address space (RFC 6598)");
                add("fc00::/7", "unique local (RFC 4193)");
            }
        }

        private void add(String cidr, String why) {
            never.put(BanTarget.parseCidr(cidr), why);
        }

        /** Why the block is refused, or null when it may be used. */
        public String refusal(BanTarget block) {
            for (Map.Entry<BanTarget, String> e : never.entrySet()) {
                if (e.getKey().overlaps(block)) {
                    return e.getValue();
                }
            }
            if (allowlist != null) {
                Optional<String> why = allowlist.refusal(block);
                if (why.isPresent()) {
                    return "allowlisted: " + why.get();
                }
            }
            return null;
        }
    }

    /**
     * Builds a snapshot from each feed's parsed indicators (already sanitized), in configuration order.
     *
     * @param loaded per feed (same order as {@code feeds}): its indicators, or null to keep none
     * @throws IllegalArgumentException with more than {@value #MAX_FEEDS} feeds
     */
    public static ThreatIntel build(List<Feed> feeds, List<List<FeedFormat.Indicator>> loaded, List<FeedStatus> status, Instant at) {
        if (feeds.size() > MAX_FEEDS) {
            throw new IllegalArgumentException("at most " + MAX_FEEDS + " feeds, not " + feeds.size());
        }
        Map<BanTarget, Integer> index = new HashMap<>();
        List<BanTarget> blocks = new ArrayList<>();
        List<Long> masks = new ArrayList<>();
        List<String> noteList = new ArrayList<>();
        Map<String, String> interned = new HashMap<>();
        for (int f = 0; f < feeds.size(); f++) {
            List<FeedFormat.Indicator> list = loaded.get(f);
            if (list == null) {
                continue;
            }
            for (FeedFormat.Indicator ind : list) {
                Integer i = index.get(ind.block());
                if (i == null) {
                    i = blocks.size();
                    index.put(ind.block(), i);
                    blocks.add(ind.block());
                    masks.add(0L);
                    noteList.add(null);
                }
                masks.set(i, masks.get(i) | (1L << f));
                if (noteList.get(i) == null && ind.note() != null) {
                    noteList.set(i, interned.computeIfAbsent(ind.note(), n -> n));
                }
            }
        }
        int n = blocks.size();
        long[] hi = new long[n], lo = new long[n], mask = new long[n];
        byte[] prefix = new byte[n];
        java.util.BitSet v6 = new java.util.BitSet(n);
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            BanTarget b = blocks.get(i);
            hi[i] = b.network().hi();
            lo[i] = b.network().lo();
            prefix[i] = (byte) b.prefix();
            v6.set(i, b.v6());
            mask[i] = masks.get(i);
            values[i] = i;
        }
        return new ThreatIntel(feeds, status, PrefixSet.build(blocks, values), hi, lo, prefix, v6, mask, noteList.toArray(new String[0]), at);
    }
}
