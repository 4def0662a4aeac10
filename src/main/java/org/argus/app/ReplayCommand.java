package org.argus.app;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.argus.config.ArgusConfig;
import org.argus.csv.CsvSettings;
import org.argus.detect.Detector;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code replay FILE... --out DIR}: reads captures as fast as possible, writes the CSVs into DIR (all of them: no
 * retention), prints one JSON summary line on stdout. Exit 0, 1 for a bad configuration, 2 when a file is
 * unreadable (the others are still replayed; each failure is named on stderr). Each window is also scored: decisions
 * go to {@code decisions-*.jsonl} in DIR and the summary counts them by risk.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay capture files (.pcap/.pcapng) through windows and flows into CSV files; print a JSON summary.")
final class ReplayCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Capture files, read in order.")
    List<Path> files;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the CSV files (created if missing).")
    Path out;

    @Option(names = {"-conf", "--conf"}, paramLabel = "FILE", description = "Configuration (aggregation.* and the salt are used).")
    Path conf;

    @Option(names = "--windows", paramLabel = "FILE", description = "Also write one JSON line per window (totals) to FILE.")
    Path windows;

    @Option(names = "--eve", paramLabel = "FILE", description = "Also write Suricata EVE JSON (flow and alert events) to FILE "
            + "(eve.anonymize: pseudonyms instead of addresses).")
    Path eve;

    @Option(names = "--evidence", paramLabel = "DIR", description = "Also write an evidence capture (<decision-id>.pcap: the "
            + "packets to or from the address, evidence.before_seconds before its window to evidence.after_seconds after) for "
            + "each high decision into DIR.")
    Path evidence;

    @Option(names = "--models", paramLabel = "DIR", description = "Models folder (default: model.model_local_path). "
            + "Without a usable model, decisions come from the heuristics alone.")
    Path models;

    @Override
    public Integer call() throws Exception {
        ArgusConfig c = Main.loadOfflineOrExplain(conf);
        if (c == null) {
            return 1;
        }
        String salt = Main.saltFor(c, LoggerFactory.getLogger(ReplayCommand.class));
        CsvSettings csv = new CsvSettings(out, c.csv().maxRowsPerFile(), c.csv().maxFileAge(), 0, false,
                c.csv().minFreeBytes());
        Detector detector = Detection.detector(c.detection(), models, msg -> System.err.println("argus replay: " + msg));
        org.argus.enrich.GeoIp geo;
        try {
            geo = Detection.geoIp(c.enrichment(), msg -> { });
        } catch (java.io.IOException e) {
            System.err.println("argus replay: " + e.getMessage());
            return 1;
        }
        Detection.extras(detector, Detection.threatIntel(c, msg -> System.err.println("argus replay: " + msg)), geo, c.enrichment());
        org.argus.payload.PayloadModel payloadModel = Detection.payloadModel(c, models, msg -> System.err.println("argus replay: " + msg));
        Detection.routing(detector, c, payloadModel);
        Replay.Summary s = Replay.run(files, Detection.flow(c, payloadModel), csv, salt, c.capture().batchPackets(), windows,
                msg -> System.err.println("argus replay: " + msg), detector,
                geo != null && c.enrichment().extraColumns() ? geo::lookup : null,
                eve == null ? null : new org.argus.eve.EveSettings(true, eve, c.eve().anonymize(), Long.MAX_VALUE, 0,
                        c.eve().statsInterval(), c.eve().maxFlows()),
                evidence == null ? null : new org.argus.evidence.EvidenceSettings(true, evidence, c.evidence().ringBytes(),
                        c.evidence().before(), c.evidence().after(), Integer.MAX_VALUE, Long.MAX_VALUE, c.evidence().maxFileBytes(),
                        c.evidence().maxSpan()));
        s.warnings().forEach(w -> System.err.println("argus replay: warning: " + w));
        System.out.println(s.toJson().encode());
        return s.failures().isEmpty() ? 0 : 2;
    }
}
