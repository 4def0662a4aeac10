package org.argus.it;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Runs commands (ip, hping3, nmap, ipset, curl) for the integration tests, stdout and stderr combined. */
final class Shell {
    private Shell() {
    }

    record Result(int code, String out) {
    }

    static Result sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), out);
    }

    static Result must(String... cmd) throws IOException, InterruptedException {
        Result r = sh(cmd);
        if (r.code() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + r.out());
        }
        return r;
    }

    static boolean have(String tool) throws IOException, InterruptedException {
        return sh("sh", "-c", "command -v " + tool).code() == 0;
    }

    /** Two namespaces joined by a veth pair: {@code a} (10.NET.0.1, {@code va}) and {@code b} (10.NET.0.2, {@code vb}). */
    static void vethPair(String a, String b, int net) throws IOException, InterruptedException {
        must("ip", "netns", "add", a);
        must("ip", "netns", "add", b);
        must("ip", "-n", a, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", b);
        must("ip", "-n", a, "addr", "add", "10." + net + ".0.1/24", "dev", "va");
        must("ip", "-n", b, "addr", "add", "10." + net + ".0.2/24", "dev", "vb");
        for (String[] c : new String[][] {{a, "va"}, {a, "lo"}, {b, "vb"}, {b, "lo"}}) {
            must("ip", "-n", c[0], "link", "set", c[1], "up");
        }
    }
}
