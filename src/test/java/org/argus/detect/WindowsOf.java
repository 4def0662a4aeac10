package org.argus.detect;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowWindow;
import org.argus.flow.WindowAssembler;
import org.argus.flow.FlowStats;

/** Test helper: a capture's windows through the real reader and window assembler (default settings). */
final class WindowsOf {
    private WindowsOf() {
    }

    static List<FlowWindow> read(Path capture) throws Exception {
        List<FlowWindow> out = new ArrayList<>();
        WindowAssembler.readFile(capture, FlowSettings.defaults(), 512, new FlowStats(), out::add);
        return out;
    }
}
