package org.argus.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real fat jar as a separate JVM (optionally inside a network namespace) for integration tests. */
final class SensorProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private SensorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("argus.jar", "target/argus-fat.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("build the fat jar first (mvn verify does): " + jar);
        }
        return jar;
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Command line for the jar, prefixed with {@code prefix} (e.g. ip netns exec NS). */
    static List<String> command(List<String> prefix, String... args) {
        return command(prefix, jar(), args);
    }

    /** Command line for a given copy of the jar (a test running the sensor as another user passes a readable copy). */
    static List<String> command(List<String> prefix, Path jar, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(java());
        cmd.add("-Xmx256m");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    static SensorProcess start(List<String> prefix, Map<String, String> env, Path log, String... args) throws IOException {
        return start(prefix, jar(), env, log, args);
    }

    /** As above with a given copy of the jar. */
    static SensorProcess start(List<String> prefix, Path jar, Map<String, String> env, Path log, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(prefix, jar, args)).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return new SensorProcess(pb.start(), log);
    }

    /** Runs the jar to completion; returns exit code and combined output. */
    static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(List.of(), env, args);
    }

    /** Runs the jar to completion with a command prefix (e.g. ip netns exec NS). */
    static Result run(List<String> prefix, Map<String, String> env, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(prefix, args)).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + String.join(" ", args));
        }
        return new Result(p.exitValue(), out);
    }

    record Result(int code, String output) {
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** The process id (with an exec-ing prefix such as unshare, the JVM's own). */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM and wait: the sensor's clean stop. Returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("sensor did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL: a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    /** GET on localhost from this JVM: status code and body, or -1 when nothing answers. */
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    static HttpAnswer get(int port, String path) {
        try {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return new HttpAnswer(r.statusCode(), r.body());
        } catch (IOException | InterruptedException e) {
            return new HttpAnswer(-1, e.toString());
        }
    }

    /** Any method, with {@code Authorization: Bearer token} (null: none) and a JSON body (null: none). */
    static HttpAnswer http(String method, int port, String path, String token, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new HttpAnswer(r.statusCode(), r.body());
        } catch (IOException | InterruptedException e) {
            return new HttpAnswer(-1, e.toString());
        }
    }

    record HttpAnswer(int status, String body) {
    }

    /**
     * A port free now, below Linux's ephemeral range (32768-60999 by default): a port the kernel handed out with
     * {@code bind(0)} may be given to an outgoing connection of any process before the sensor binds it, one from
     * 20000-32767 never is. Random, so parallel builds seldom pick the same one; checked by binding it.
     */
    static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 200; i++) {
            int port = r.nextInt(20_000, 32_768);
            try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-32767 after 200 tries");
    }

    /** Polls until the condition holds or the time is up. */
    static boolean eventually(Duration limit, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
