package org.argus.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.argus.gen.CaptureGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate --out FILE}: writes the project's own synthetic capture (demo and benchmarks). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write a synthetic Ethernet pcap (office LAN traffic plus one port scan) for demos and benchmarks.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output .pcap file.")
    Path out;

    @Option(names = "--sessions", defaultValue = "2000", description = "Sessions to write (about 10 packets each). Default ${DEFAULT-VALUE}.")
    int sessions;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed. Default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--span-seconds", defaultValue = "60", description = "Spread the sessions over about this long. Default ${DEFAULT-VALUE}.")
    int spanSeconds;

    @Option(names = "--start", paramLabel = "ISO-8601", description = "Time of the first packet (default: a minute ago).")
    Instant start;

    @Option(names = "--no-scan", description = "Leave out the port scan: normal traffic only (a training baseline).")
    boolean noScan;

    @Option(names = "--sweep", paramLabel = "PROBES", description = "Instead: a network sweep of PROBES single SYNs to distinct "
            + "targets, one flow each (the memory benchmark's input).")
    Long sweep;

    @Override
    public Integer call() throws Exception {
        long t0 = start != null ? start.getEpochSecond() : Instant.now().getEpochSecond() - 60;
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        long n = sweep != null ? CaptureGenerator.writeSweep(out, sweep, seed, t0, spanSeconds)
                : CaptureGenerator.write(out, sessions, seed, t0, spanSeconds, !noScan);
        System.out.println("{\"file\":\"" + out + "\",\"packets\":" + n + ",\"bytes\":" + Files.size(out) + "}");
        return 0;
    }
}
