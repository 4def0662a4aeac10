package org.argus.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowWindow;
import org.argus.flow.WindowAssembler;
import org.argus.flow.FlowStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory benchmark's input: a sweep is one SYN per distinct (address, port) target, read back by our own reader. */
class CaptureGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void aSweepHasOneDistinctTargetPerProbe() throws Exception {
        Path f = dir.resolve("sweep.pcap");
        assertEquals(5000, CaptureGenerator.writeSweep(f, 5000, 3, 1_795_867_200L, 10));
        List<FlowWindow> windows = new ArrayList<>();
        WindowAssembler.readFile(f, FlowSettings.defaults(), 512, new FlowStats(), windows::add);
        Set<String> targets = new HashSet<>();
        windows.forEach(w -> w.flows().forEach(r -> targets.add(r.responder() + ":" + r.responderPort())));
        assertEquals(5000, targets.size());
    }
}
