package org.argus.intel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.List;

/**
 * Coverage-guided fuzzing (Jazzer) of the threat-feed parsers: any text in any format parses without an exception;
 * every line is counted once (an indicator, a bad line, another type, or a comment/blank); bad-line samples are at
 * most {@value FeedFormat#BAD_SAMPLES}; indicators are well-formed blocks; the prefix set built from them agrees with
 * trying every block on each block's network address.
 */
class FeedFuzzTest {
    @FuzzTest(maxDuration = "8s")
    void anyFeed(FuzzedDataProvider in) throws Exception {
        FeedFormat format = in.pickValue(FeedFormat.values());
        String text = in.consumeRemainingAsString();
        FeedFormat.Parsed p = format.parse(new BufferedReader(new StringReader(text)));
        long lines = text.isEmpty() ? 0 : new BufferedReader(new StringReader(text)).lines().count();
        assertTrue(p.indicators().size() + p.badLines() + p.otherTypes() <= lines, format + ": more results than lines");
        assertTrue(p.badSamples().size() <= FeedFormat.BAD_SAMPLES && p.badSamples().size() <= p.badLines());
        for (FeedFormat.Indicator i : p.indicators()) {
            assertTrue(i.block().prefix() >= 0 && i.block().prefix() <= (i.block().v6() ? 128 : 32), i.toString());
        }
        List<org.argus.blacklist.BanTarget> blocks = p.indicators().stream().map(FeedFormat.Indicator::block).distinct().toList();
        int[] values = new int[blocks.size()];
        for (int k = 0; k < values.length; k++) {
            values[k] = k;
        }
        PrefixSet set = PrefixSet.build(blocks, values);
        for (org.argus.blacklist.BanTarget b : blocks) {
            int best = -1, bestPrefix = -1;
            for (int k = 0; k < blocks.size(); k++) {
                if (blocks.get(k).contains(b.network()) && blocks.get(k).prefix() > bestPrefix) {
                    best = k;
                    bestPrefix = blocks.get(k).prefix();
                }
            }
            assertEquals(best, set.lookup(b.network()), b.toString());
        }
    }
}
