package org.argus.device;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.argus.flow.IpAddress;

/**
 * Vulnerability scans of local devices with nmap (Debian package {@code nmap}): a TCP connect scan
 * ({@code -sT}: no raw sockets needed) run as an argument list, never through a shell, with its XML on stdout
 * ({@code -oX -}) parsed by {@link NmapXml}; a wall-clock timeout (the process is killed) and the exit code are
 * checked. Each open port becomes a finding rated by {@link ServiceRisk}. Blocking: call it from a thread of its own.
 */
public final class DeviceScanner {
    /**
     * {@code devices.scan.*}.
     *
     * @param enabled    scan new devices, and re-scan each every {@code interval} ({@code enabled}); on-demand scans
     *                   ({@code POST /devices/<id>/scan}) work either way
     * @param interval   re-scan a device seen since its last scan this long ago ({@code interval_hours})
     * @param ports      {@code top:N} (nmap's N most common ports) or an nmap port list such as {@code 21-23,80,443}
     *                   ({@code ports})
     * @param timing     nmap's timing template 0–5 ({@code -T}, {@code timing})
     * @param timeout    the longest one scan may take; then nmap is killed and the scan fails ({@code timeout_seconds})
     * @param maxPerHour at most this many scans start in any hour ({@code max_scans_per_hour})
     * @param nmap       the nmap program ({@code nmap_path})
     */
    public record Settings(boolean enabled, Duration interval, String ports, int timing, Duration timeout, int maxPerHour,
                           String nmap) {
    }

    /** One open port and what it weighs. */
    public record Finding(int port, String protocol, String service, String risk, String why) {
    }

    /**
     * One scan.
     *
     * @param address  the address scanned
     * @param started  when nmap started
     * @param finished when it ended (or was killed)
     * @param error    why the scan failed (nmap missing, timed out, non-zero exit, unreadable output), or null
     * @param findings the open ports (empty when it failed)
     */
    public record Outcome(String address, Instant started, Instant finished, String error, List<Finding> findings) {
        /** The scan ran to its end. */
        public boolean ok() {
            return error == null;
        }
    }

    private final Settings settings;
    private final Clock clock;
    /** nmap processes running now (at most one in the sensor), so a stop can end them. */
    private final java.util.Set<Process> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    public DeviceScanner(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The command line for one address (IPv6 adds {@code -6}). */
    public List<String> command(IpAddress address) {
        List<String> cmd = new ArrayList<>(List.of(settings.nmap(), "-n", "-Pn", "-sT", "-T" + settings.timing(),
                "--max-retries", "1", "--host-timeout", settings.timeout().toSeconds() + "s"));
        if (address.v6()) {
            cmd.add("-6");
        }
        if (settings.ports().startsWith("top:")) {
            cmd.addAll(List.of("--top-ports", settings.ports().substring(4)));
        } else {
            cmd.addAll(List.of("-p", settings.ports()));
        }
        cmd.addAll(List.of("-oX", "-", address.toString()));
        return cmd;
    }

    /** Whether nmap runs at all ({@code nmap --version} exits 0 within 10 s). */
    public boolean available() {
        try {
            Process p = new ProcessBuilder(settings.nmap(), "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Ends every running scan at once (the sensor is stopping: a scan must not outlive it by minutes) and refuses new
     * ones; the scans ended return an outcome saying so. Any thread.
     */
    public void stopAll() {
        stopped = true;
        running.forEach(Process::destroyForcibly);
    }

    /** Scans one address; never throws for nmap's trouble (the outcome says it). */
    public Outcome scan(IpAddress address) throws InterruptedException {
        Instant started = clock.instant();
        if (stopped) {
            return new Outcome(address.toString(), started, started, "not started: the sensor is stopping", List.of());
        }
        Process p;
        try {
            p = new ProcessBuilder(command(address)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return new Outcome(address.toString(), started, clock.instant(), "nmap did not start (" + settings.nmap()
                    + "; Debian: apt-get install nmap): " + e.getMessage(), List.of());
        }
        running.add(p);
        try {
            if (stopped) { // stopAll ran between the check and the start
                p.destroyForcibly();
            }
            return await(p, address, started);
        } finally {
            running.remove(p);
        }
    }

    private Outcome await(Process p, IpAddress address, Instant started) throws InterruptedException {
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        }, r -> Thread.ofPlatform().daemon().name("argus-nmap-out").start(r));
        // nmap's own --host-timeout ends the run; ours covers a hung process
        if (!p.waitFor(settings.timeout().toSeconds() + 30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return new Outcome(address.toString(), started, clock.instant(), "nmap timed out after "
                    + (settings.timeout().toSeconds() + 30) + " s", List.of());
        }
        byte[] xml = out.join();
        if (stopped) {
            return new Outcome(address.toString(), started, clock.instant(), "ended: the sensor stopped", List.of());
        }
        if (p.exitValue() != 0) {
            return new Outcome(address.toString(), started, clock.instant(), "nmap exited " + p.exitValue(), List.of());
        }
        NmapXml.Result r;
        try {
            r = NmapXml.parse(xml);
        } catch (IllegalArgumentException e) {
            return new Outcome(address.toString(), started, clock.instant(), e.getMessage(), List.of());
        }
        if (!r.finished()) {
            return new Outcome(address.toString(), started, clock.instant(), "nmap's output ended early", List.of());
        }
        List<Finding> findings = new ArrayList<>();
        for (NmapXml.OpenPort o : r.openPorts()) {
            ServiceRisk.Rating rating = ServiceRisk.of(o.port());
            findings.add(new Finding(o.port(), o.protocol(), o.service(), rating.risk(), rating.why()));
        }
        return new Outcome(address.toString(), started, clock.instant(), null, List.copyOf(findings));
    }
}
