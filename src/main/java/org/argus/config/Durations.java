package org.argus.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them in the configuration and in control requests. Pure. */
public final class Durations {
    private static final Pattern TEXT = Pattern.compile("(\\d{1,9})([smhdw])");

    private Durations() {
    }

    /**
     * A whole number and a unit: {@code s}, {@code m}, {@code h}, {@code d} or {@code w} ({@code 30s}, {@code 5m},
     * {@code 1h}, {@code 7d}, {@code 2w}); surrounding blanks are ignored.
     *
     * @throws IllegalArgumentException when the text is not one
     */
    public static Duration parse(String text) {
        String v = text.strip();
        Matcher m = TEXT.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + org.argus.log.LogText.escape(v) + "\" is not a duration like 30s, 5m, 1h, 1d or 1w");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }
}
