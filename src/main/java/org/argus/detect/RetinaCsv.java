package org.argus.detect;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.argus.csv.CsvRotator;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;
import org.argus.flow.TcpFlagCounts;

/**
 * Reads Retina CSV files ({@link CsvRotator#HEADER}) back into per-window flow records for training and for the
 * polling mode. Addresses in those files are pseudonyms ({@code ip_} + 12 hex digits); each becomes a stand-in
 * address in the IPv6 documentation prefix {@code 2001:db8::/32} ({@link #standIn}) so the same detector code runs on
 * them, and {@link #pseudonym} turns it back into text for decisions. Rows carry no TCP flags, sizes or gaps
 * ({@link org.argus.flow.PacketShape#UNKNOWN}).
 */
public final class RetinaCsv {
    private static final long STAND_IN_HI = 0x20010db800000000L;

    /** One window's rows of one file. */
    public record Window(long startNanos, double seconds, List<FlowRecord> flows) {
    }

    private RetinaCsv() {
    }

    /** The stand-in address of a pseudonym. */
    public static IpAddress standIn(String pseudonym) {
        if (!pseudonym.matches("ip_[0-9a-f]{12}")) {
            throw new IllegalArgumentException("not a pseudonym: \"" + pseudonym + "\"");
        }
        return IpAddress.v6(STAND_IN_HI, Long.parseLong(pseudonym.substring(3), 16));
    }

    /** The pseudonym a stand-in address was made from. */
    public static String pseudonym(IpAddress standIn) {
        return String.format("ip_%012x", standIn.lo());
    }

    /**
     * Reads a whole file ({@code .csv}, or {@code .csv.gz} from the archive), grouping rows by {@code window_start}, in file order.
     *
     * @throws IOException when the file cannot be read, its header is not Retina's, or a row is malformed (the message
     *                     names the file and line)
     */
    public static List<Window> read(Path file) throws IOException {
        List<Window> out = new ArrayList<>();
        Map<Long, Window> byStart = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(org.argus.csv.CsvFiles.open(file), StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null || !header.strip().equals(CsvRotator.HEADER)) {
                throw new IOException(file + ": not a Retina CSV (header differs from \"" + CsvRotator.HEADER + "\")");
            }
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String[] c = line.split(",", -1);
                try {
                    if (c.length != 18) {
                        throw new IllegalArgumentException(c.length + " columns, expected 18");
                    }
                    long start = nanos(Instant.parse(c[1]));
                    double seconds = Double.parseDouble(c[3]);
                    long ts = nanos(Instant.parse(c[0]));
                    FlowRecord f = new FlowRecord(protocol(c[11]), standIn(c[9]), Integer.parseInt(c[12]), standIn(c[10]),
                            Integer.parseInt(c[13]), Long.parseLong(c[14]), Long.parseLong(c[15]), Long.parseLong(c[16]),
                            Long.parseLong(c[17]), ts, ts, TcpFlagCounts.NONE);
                    Window w = byStart.get(start);
                    if (w == null) {
                        w = new Window(start, seconds, new ArrayList<>());
                        byStart.put(start, w);
                        out.add(w);
                    }
                    w.flows().add(f);
                } catch (IllegalArgumentException | DateTimeParseException e) {
                    throw new IOException(file + " line " + n + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static int protocol(String p) {
        return switch (p) {
            case "TCP" -> 6;
            case "UDP" -> 17;
            case "ICMP" -> 1;
            case "ICMPv6" -> 58;
            default -> Integer.parseInt(p);
        };
    }
}
