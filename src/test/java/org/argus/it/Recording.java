package org.argus.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Traffic recorded with tcpdump inside a namespace, then replayed with the real jar: the ITs' record-and-replay. */
final class Recording {
    private Recording() {
    }

    /**
     * Runs a shell script while tcpdump records interface {@code dev} of namespace {@code ns} into {@code cap}
     * (its output beside it, {@code <cap>.log}).
     *
     * @return the script's exit code
     */
    static int record(String ns, String dev, Path cap, String script) throws Exception {
        Files.deleteIfExists(cap);
        Process dump = new ProcessBuilder("ip", "netns", "exec", ns, "tcpdump", "-i", dev, "-n", "-B", "32768",
                "--immediate-mode", "-U", "-w", cap.toString()).redirectErrorStream(true).start();
        assertTrue(SensorProcess.eventually(Duration.ofSeconds(10), () -> Files.exists(cap)), "tcpdump started");
        Thread.sleep(500);
        Process run = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true)
                .redirectOutput(cap.resolveSibling(cap.getFileName() + ".log").toFile()).start();
        assertTrue(run.waitFor(5, TimeUnit.MINUTES), "scenario finished: " + script);
        int code = run.exitValue();
        Thread.sleep(1000); // the last answers reach the capture
        dump.destroy();
        assertTrue(dump.waitFor(10, TimeUnit.SECONDS));
        return code;
    }

    /** Replays a capture with the jar into {@code out}: its decisions, one JSON object each. */
    static List<JsonObject> replay(Path cap, Path out, String salt) throws Exception {
        return replay(cap, out, Map.of("ARGUS_IP_SALT", salt));
    }

    /** Replays a capture with the jar, configured by {@code env} (ARGUS_* variables), into {@code out}: its decisions. */
    static List<JsonObject> replay(Path cap, Path out, Map<String, String> env) throws Exception {
        SensorProcess.Result replay = SensorProcess.run(env, "replay", cap.toString(), "--out", out.toString());
        assertEquals(0, replay.code(), replay.output());
        List<JsonObject> decisions = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("decisions-")).toList()) {
                Files.readAllLines(f).forEach(l -> decisions.add(new JsonObject(l)));
            }
        }
        return decisions;
    }
}
