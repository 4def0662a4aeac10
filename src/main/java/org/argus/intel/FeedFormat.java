package org.argus.intel;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.argus.blacklist.BanTarget;

/**
 * The threat-feed file formats Argus reads, each line by line and strictly: a line is an indicator, a comment or
 * blank, an indicator of a type that is not an address (skipped, counted), or bad (counted, the first
 * {@value #BAD_SAMPLES} quoted with their line numbers; never fatal). Addresses and CIDRs in {@link BanTarget}'s strict
 * form (host bits of a CIDR are cleared).
 */
public enum FeedFormat {
    /**
     * One address or CIDR a line; {@code #} and {@code ;} start a comment (whole line or after the entry): FireHOL
     * {@code .netset}/{@code .ipset}, Emerging Threats' block and compromised lists, most plain lists.
     */
    PLAIN,
    /** Spamhaus DROP/EDROP text: {@code CIDR ; SBLnnn}, comments start with {@code ;}. The SBL id is the entry's note. */
    SPAMHAUS,
    /**
     * abuse.ch Feodo Tracker CSV: {@code #} comments; a header naming the address column ({@code dst_ip}, or
     * {@code DstIP} in a comment line); rows of quoted or bare fields, as many as the header has. The last field (the
     * malware family) is the note.
     */
    FEODO,
    /**
     * Zeek intel framework TSV: a {@code #fields} line naming the columns ({@code indicator}, {@code indicator_type},
     * optional {@code meta.source}, {@code meta.desc}), then rows with exactly that many tab-separated fields;
     * {@code Intel::ADDR} and {@code Intel::SUBNET} rows are read, other {@code Intel::} types (domains, URLs,
     * hashes…) skipped.
     */
    ZEEK,
    /**
     * Suricata IP reputation CSV ({@code iprep}): {@code address,category,score} with category 1–255 and score
     * 1–127; the note says both.
     */
    SURICATA;

    /** Bad lines quoted in a parse result. */
    public static final int BAD_SAMPLES = 5;

    /** One indicator of a feed: the block and what the feed said about it (or null). */
    public record Indicator(BanTarget block, String note) {
    }

    /**
     * A parsed feed.
     *
     * @param indicators the address indicators, in file order
     * @param badLines   lines that were neither an indicator, a comment nor blank
     * @param badSamples the first {@value #BAD_SAMPLES} of them, {@code line N: text} (cut at 120 characters)
     * @param otherTypes Zeek rows of indicator types that are not addresses
     */
    public record Parsed(List<Indicator> indicators, int badLines, List<String> badSamples, int otherTypes) {
    }

    /** The format's name in the config ({@code plain}, {@code spamhaus}, {@code feodo}, {@code zeek}, {@code suricata}). */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named {@code text}; IllegalArgumentException listing the names otherwise. */
    public static FeedFormat parse(String text) {
        for (FeedFormat f : values()) {
            if (f.text().equals(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown feed format \"" + text + "\" (plain, spamhaus, feodo, zeek, suricata)");
    }

    /** Reads a whole feed. */
    public Parsed parse(BufferedReader in) throws IOException {
        List<Indicator> out = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        int bad = 0, other = 0, number = 0;
        // FEODO: {address column, fields a row has (0: any)}; ZEEK: {indicator, type, source, desc, fields a row has}
        int[] columns = this == ZEEK ? null : new int[] {this == FEODO ? 1 : 0, 0};
        String line;
        while ((line = in.readLine()) != null) {
            number++;
            Line r;
            try {
                r = switch (this) {
                    case PLAIN -> plain(line);
                    case SPAMHAUS -> spamhaus(line);
                    case FEODO -> {
                        int[] header = feodoHeader(line);
                        if (header != null) {
                            columns = header;
                            yield Line.SKIP;
                        }
                        yield feodo(line, columns[0], columns[1]);
                    }
                    case ZEEK -> {
                        if (line.startsWith("#fields")) {
                            columns = zeekHeader(line);
                            yield Line.SKIP;
                        }
                        yield zeek(line, columns);
                    }
                    case SURICATA -> suricata(line);
                };
            } catch (IllegalArgumentException e) {
                r = Line.BAD;
            }
            if (r == Line.BAD) {
                bad++;
                if (samples.size() < BAD_SAMPLES) {
                    samples.add("line " + number + ": " + (line.length() > 120 ? line.substring(0, 120) + "…" : line));
                }
            } else if (r == Line.OTHER) {
                other++;
            } else if (r != Line.SKIP) {
                out.add(r.indicator);
            }
        }
        return new Parsed(out, bad, List.copyOf(samples), other);
    }

    /** What one line is. */
    private record Line(Indicator indicator) {
        static final Line SKIP = new Line(null);
        static final Line BAD = new Line(null);
        static final Line OTHER = new Line(null);
    }

    private static Line of(String block, String note) {
        return new Line(new Indicator(BanTarget.parseCidr(block), note));
    }

    private static Line plain(String line) {
        int cut = line.length();
        for (char c : new char[] {'#', ';'}) {
            int at = line.indexOf(c);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        String entry = line.substring(0, cut).strip();
        if (entry.isEmpty()) {
            return Line.SKIP;
        }
        return of(entry, null);
    }

    private static Line spamhaus(String line) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith(";") || s.startsWith("#")) {
            return Line.SKIP;
        }
        int semi = s.indexOf(';');
        String block = (semi < 0 ? s : s.substring(0, semi)).strip();
        String note = semi < 0 ? null : s.substring(semi + 1).strip();
        if (note != null && !note.matches("SBL[0-9]+")) {
            return Line.BAD;
        }
        return of(block, note);
    }

    /** Feodo's header: the column of the address and (last column) the malware; null when the line is no header. */
    private static int[] feodoHeader(String line) {
        String s = line.startsWith("#") ? line.substring(1).strip() : line.strip();
        List<String> fields = csv(s);
        for (int i = 0; i < fields.size(); i++) {
            String f = fields.get(i).toLowerCase(Locale.ROOT);
            if (f.equals("dst_ip") || f.equals("dstip") || f.equals("ip_address")) {
                return new int[] {i, fields.size()};
            }
        }
        return null;
    }

    private static Line feodo(String line, int column, int width) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return Line.SKIP;
        }
        List<String> fields = csv(s);
        if (column >= fields.size() || (width > 0 && fields.size() != width)) {
            return Line.BAD;
        }
        String malware = fields.size() > column + 1 ? fields.get(fields.size() - 1) : null;
        return of(fields.get(column), malware == null || malware.isEmpty() ? null : malware);
    }

    /** Comma-separated fields, each optionally in double quotes (a doubled quote inside is one quote). */
    static List<String> csv(String s) {
        List<String> out = new ArrayList<>();
        int i = 0, n = s.length();
        while (i <= n) {
            StringBuilder f = new StringBuilder();
            if (i < n && s.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("unterminated quote");
                    }
                    char c = s.charAt(i++);
                    if (c == '"') {
                        if (i < n && s.charAt(i) == '"') {
                            f.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        f.append(c);
                    }
                }
                if (i < n && s.charAt(i) != ',') {
                    throw new IllegalArgumentException("text after a closing quote");
                }
            } else {
                while (i < n && s.charAt(i) != ',') {
                    f.append(s.charAt(i++));
                }
            }
            out.add(f.toString().strip());
            i++; // past the comma (or the end)
        }
        return out;
    }

    /** Zeek's {@code #fields} line: columns of indicator, indicator_type, meta.source, meta.desc. */
    private static int[] zeekHeader(String line) {
        String[] f = line.split("\t", -1);
        int[] c = {-1, -1, -1, -1, f.length - 1};
        for (int i = 1; i < f.length; i++) {
            switch (f[i].strip()) {
                case "indicator" -> c[0] = i - 1;
                case "indicator_type" -> c[1] = i - 1;
                case "meta.source" -> c[2] = i - 1;
                case "meta.desc" -> c[3] = i - 1;
                default -> { }
            }
        }
        if (c[0] < 0 || c[1] < 0) {
            throw new IllegalArgumentException("#fields without indicator and indicator_type");
        }
        return c;
    }

    private static Line zeek(String line, int[] c) {
        if (line.isBlank() || line.startsWith("#")) {
            return Line.SKIP;
        }
        if (c == null) {
            return Line.BAD; // a row before any #fields line
        }
        String[] f = line.split("\t", -1);
        if (f.length != c[4]) { // every row has every column ('-' for none)
            return Line.BAD;
        }
        String type = f[c[1]].strip();
        if (!type.equals("Intel::ADDR") && !type.equals("Intel::SUBNET")) {
            return type.startsWith("Intel::") ? Line.OTHER : Line.BAD;
        }
        String source = c[2] >= 0 && c[2] < f.length && !f[c[2]].equals("-") ? f[c[2]].strip() : null;
        String desc = c[3] >= 0 && c[3] < f.length && !f[c[3]].equals("-") ? f[c[3]].strip() : null;
        String note = source == null ? desc : desc == null ? source : source + ": " + desc;
        return of(f[c[0]].strip(), note);
    }

    private static Line suricata(String line) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return Line.SKIP;
        }
        String[] f = s.split(",", -1);
        if (f.length != 3 || !f[1].strip().matches("[0-9]{1,3}") || !f[2].strip().matches("[0-9]{1,3}")) {
            return Line.BAD;
        }
        int category = Integer.parseInt(f[1].strip()), score = Integer.parseInt(f[2].strip());
        if (category < 1 || category > 255 || score < 1 || score > 127) {
            return Line.BAD;
        }
        return of(f[0].strip(), "category " + category + ", reputation " + score);
    }
}
