package org.argus.enforce;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs firewall tools as argument lists (never through a shell), optionally inside a network namespace (a prefix
 * such as {@code ip netns exec NS}, for tests), with stdin for batch input ({@code ipset restore},
 * {@code nft -f -}), a time limit, and the exit code checked. Blocking: call from the enforcement worker.
 */
public final class Commands {
    /** What a command did. */
    public record Result(int exit, String out, String err) {
    }

    private final List<String> prefix;
    private final long timeoutMillis;

    /**
     * @param prefix        words put before every command (empty in production)
     * @param timeoutMillis a command running longer is killed and reported as failed
     */
    public Commands(List<String> prefix, long timeoutMillis) {
        this.prefix = List.copyOf(prefix);
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Runs a command and requires exit 0.
     *
     * @throws EnforcementException naming the command, its exit code and its stderr
     */
    public Result must(String stdin, String... argv) throws EnforcementException {
        Result r = run(stdin, argv);
        if (r.exit() != 0) {
            throw new EnforcementException(String.join(" ", argv) + " exited " + r.exit() + ": " + r.err().strip());
        }
        return r;
    }

    /**
     * Runs a command; any exit code is returned.
     *
     * @throws EnforcementException when it cannot be started or times out
     */
    public Result run(String stdin, String... argv) throws EnforcementException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(argv));
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new EnforcementException("cannot run " + argv[0] + ": " + e.getMessage(), e);
        }
        // Each pipe drained by its own (virtual) thread: a tool that fills one pipe while we read the other cannot
        // stall, and the JVM's shared pool (one thread on a 2-core Pi) is not borrowed for blocking reads.
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the tool may exit before reading everything; its exit code tells
        }
        try {
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new EnforcementException(String.join(" ", argv) + " did not finish within " + timeoutMillis + " ms");
            }
            return new Result(p.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new EnforcementException("interrupted while running " + argv[0], e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new EnforcementException("cannot read the output of " + argv[0], e);
        }
    }

    private static CompletableFuture<String> drain(java.io.InputStream s) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().name("argus-cmd-pipe").start(() -> f.complete(read(s)));
        return f;
    }

    private static String read(java.io.InputStream s) {
        try {
            return new String(s.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
