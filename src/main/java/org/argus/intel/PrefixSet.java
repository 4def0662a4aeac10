package org.argus.intel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.argus.blacklist.BanTarget;
import org.argus.flow.IpAddress;

/**
 * Longest-prefix match over IPv4 and IPv6 blocks, immutable, built once per feed load. Each block carries an int
 * value (the caller's index of what it stands for); a lookup returns the value of the most specific block holding
 * the address, or -1.
 *
 * <p>Layout: at build time the (possibly nested) blocks are flattened into sorted, disjoint address ranges, each with
 * the value of the most specific block covering it (n blocks give at most 2n + 1 ranges). IPv4 ranges sit in three
 * int arrays (start and end with the sign bit flipped, so signed comparison orders them as unsigned; value) and a
 * 65 537-entry index from the top 16 address bits to the first range that can hold an address of that /16, so a
 * lookup binary-searches only the ranges of one /16 (usually none or a handful). IPv6 ranges sit in long arrays
 * (start and end as two halves each) and are binary-searched whole. About 12 bytes per IPv4 range and 36 per IPv6
 * range, no object per entry. Thread-safe (immutable).
 */
public final class PrefixSet {
    private static final int FLIP = 0x8000_0000;

    private final int[] v4Start;
    private final int[] v4End;
    private final int[] v4Value;
    private final int[] v4Bucket;
    private final long[] v6StartHi;
    private final long[] v6StartLo;
    private final long[] v6EndHi;
    private final long[] v6EndLo;
    private final int[] v6Value;

    private PrefixSet(int[] v4Start, int[] v4End, int[] v4Value, long[] v6StartHi, long[] v6StartLo, long[] v6EndHi,
                      long[] v6EndLo, int[] v6Value) {
        this.v4Start = v4Start;
        this.v4End = v4End;
        this.v4Value = v4Value;
        this.v6StartHi = v6StartHi;
        this.v6StartLo = v6StartLo;
        this.v6EndHi = v6EndHi;
        this.v6EndLo = v6EndLo;
        this.v6Value = v6Value;
        v4Bucket = new int[65_537];
        int r = 0;
        for (int b = 0; b <= 65_536; b++) {
            // first range whose end is at or after the bucket's first address
            int first = (b << 16) ^ FLIP;
            while (b < 65_536 && r < v4End.length && v4End[r] < first) {
                r++;
            }
            v4Bucket[b] = b == 65_536 ? v4End.length : r;
        }
    }

    /** A set with nothing in it. */
    public static PrefixSet empty() {
        return build(List.of(), new int[0]);
    }

    /**
     * Builds the set.
     *
     * @param blocks the blocks (host bits already clear, as {@link BanTarget} keeps them); no block may appear twice
     * @param values the value of each block, same order
     * @throws IllegalArgumentException when a block appears twice or the lengths differ
     */
    public static PrefixSet build(List<BanTarget> blocks, int[] values) {
        if (blocks.size() != values.length) {
            throw new IllegalArgumentException(blocks.size() + " blocks but " + values.length + " values");
        }
        List<Integer> v4 = new ArrayList<>(), v6 = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            (blocks.get(i).v6() ? v6 : v4).add(i);
        }
        Ranges r4 = flatten(blocks, values, v4, false);
        Ranges r6 = flatten(blocks, values, v6, true);
        int[] s4 = new int[r4.size], e4 = new int[r4.size];
        for (int i = 0; i < r4.size; i++) {
            s4[i] = (int) r4.startLo[i] ^ FLIP;
            e4[i] = (int) r4.endLo[i] ^ FLIP;
        }
        return new PrefixSet(s4, e4, Arrays.copyOf(r4.value, r4.size), Arrays.copyOf(r6.startHi, r6.size),
                Arrays.copyOf(r6.startLo, r6.size), Arrays.copyOf(r6.endHi, r6.size), Arrays.copyOf(r6.endLo, r6.size),
                Arrays.copyOf(r6.value, r6.size));
    }

    /** The value of the most specific block holding {@code a}, or -1. */
    public int lookup(IpAddress a) {
        return a.v6() ? lookupV6(a.hi(), a.lo()) : lookupV4((int) a.lo());
    }

    /** {@link #lookup} for an IPv4 address given as its 32-bit value. */
    public int lookupV4(int address) {
        int b = address >>> 16;
        int lo = v4Bucket[b], hi = Math.min(v4Bucket[b + 1], v4Start.length - 1);
        int key = address ^ FLIP;
        int found = -1;
        while (lo <= hi) { // the last range starting at or before the address
            int mid = (lo + hi) >>> 1;
            if (v4Start[mid] <= key) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && v4End[found] >= key ? v4Value[found] : -1;
    }

    /** {@link #lookup} for an IPv6 address given as its two halves. */
    public int lookupV6(long hi, long lo) {
        int a = 0, b = v6StartHi.length - 1, found = -1;
        while (a <= b) {
            int mid = (a + b) >>> 1;
            if (compare(v6StartHi[mid], v6StartLo[mid], hi, lo) <= 0) {
                found = mid;
                a = mid + 1;
            } else {
                b = mid - 1;
            }
        }
        return found >= 0 && compare(v6EndHi[found], v6EndLo[found], hi, lo) >= 0 ? v6Value[found] : -1;
    }

    /** Disjoint ranges in the set: IPv4 and IPv6 (for the status and the memory estimate). */
    public int[] ranges() {
        return new int[] {v4Start.length, v6StartHi.length};
    }

    /** Heap bytes of the arrays (an estimate: 16-byte array headers). */
    public long bytes() {
        return 16L * 9 + 12L * v4Start.length + 4L * v4Bucket.length + 36L * v6StartHi.length;
    }

    private static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }

    /** Growable parallel arrays of ranges (128-bit bounds; IPv4 in the low half). */
    private static final class Ranges {
        long[] startHi = new long[16], startLo = new long[16], endHi = new long[16], endLo = new long[16];
        int[] value = new int[16];
        int size;

        void add(long sHi, long sLo, long eHi, long eLo, int v) {
            if (compare(sHi, sLo, eHi, eLo) > 0) {
                return; // empty: a nested block began right where the outer one's remainder would
            }
            if (size == value.length) {
                int n = size * 2;
                startHi = Arrays.copyOf(startHi, n);
                startLo = Arrays.copyOf(startLo, n);
                endHi = Arrays.copyOf(endHi, n);
                endLo = Arrays.copyOf(endLo, n);
                value = Arrays.copyOf(value, n);
            }
            startHi[size] = sHi;
            startLo[size] = sLo;
            endHi[size] = eHi;
            endLo[size] = eLo;
            value[size++] = v;
        }
    }

    /**
     * Sweeps the blocks of one family, sorted by start and then widest first (CIDR blocks nest or are disjoint), with
     * a stack of the blocks open at the sweep position: each stretch goes to the innermost open block.
     */
    private static Ranges flatten(List<BanTarget> blocks, int[] values, List<Integer> family, boolean v6) {
        int n = family.size();
        long[] sHi = new long[n], sLo = new long[n], eHi = new long[n], eLo = new long[n];
        int[] prefix = new int[n], value = new int[n];
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            BanTarget t = blocks.get(family.get(k));
            sHi[k] = t.network().hi();
            sLo[k] = t.network().lo();
            prefix[k] = t.prefix();
            value[k] = values[family.get(k)];
            if (!v6) {
                eHi[k] = 0;
                eLo[k] = sLo[k] | (t.prefix() == 0 ? 0xffff_ffffL : (0xffff_ffffL >>> t.prefix()));
            } else {
                int p = t.prefix();
                eHi[k] = p >= 64 ? sHi[k] : sHi[k] | (p == 0 ? -1L : -1L >>> p);
                eLo[k] = p >= 128 ? sLo[k] : sLo[k] | (p <= 64 ? -1L : -1L >>> (p - 64));
            }
            order[k] = k;
        }
        Arrays.sort(order, (x, y) -> {
            int c = compare(sHi[x], sLo[x], sHi[y], sLo[y]);
            return c != 0 ? c : Integer.compare(prefix[x], prefix[y]);
        });
        Ranges out = new Ranges();
        int[] stack = new int[130];
        int depth = 0;
        long curHi = 0, curLo = 0;
        boolean exhausted = false;
        for (int q = 0; q <= n; q++) {
            int k = q < n ? order[q] : -1;
            if (k >= 0 && q > 0 && sHi[k] == sHi[order[q - 1]] && sLo[k] == sLo[order[q - 1]] && prefix[k] == prefix[order[q - 1]]) {
                throw new IllegalArgumentException("a block appears twice");
            }
            // close the open blocks that end before this block starts (all of them at the end)
            while (depth > 0 && (k < 0 || compare(eHi[stack[depth - 1]], eLo[stack[depth - 1]], sHi[k], sLo[k]) < 0)) {
                int top = stack[--depth];
                if (!exhausted) {
                    out.add(curHi, curLo, eHi[top], eLo[top], value[top]);
                }
                // continue just past its end; a block ending at the top of the IPv6 space leaves nothing after it
                // (IPv4 bounds live in the low 32 bits of a long: no wrap there)
                exhausted |= eHi[top] == -1L && eLo[top] == -1L;
                curLo = eLo[top] + 1;
                curHi = eHi[top] + (curLo == 0 ? 1 : 0);
            }
            if (k < 0) {
                break;
            }
            if (depth > 0) { // the enclosing block's stretch before this one
                long endLo = sLo[k] - 1, endHi = sHi[k] - (sLo[k] == 0 ? 1 : 0);
                if (compare(curHi, curLo, sHi[k], sLo[k]) < 0) {
                    out.add(curHi, curLo, endHi, endLo, value[stack[depth - 1]]);
                }
            }
            curHi = sHi[k];
            curLo = sLo[k];
            stack[depth++] = k;
        }
        return out;
    }
}
