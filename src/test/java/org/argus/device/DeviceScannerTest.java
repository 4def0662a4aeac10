package org.argus.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.argus.flow.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scan that would run for minutes ends when the sensor stops (a real process standing in for nmap). */
class DeviceScannerTest {
    @TempDir
    Path dir;

    @Test
    void stoppingEndsARunningScanAtOnceAndRefusesNewOnes() throws Exception {
        Path fake = dir.resolve("slow-nmap");
        Files.writeString(fake, "#!/bin/sh\nexec sleep 120\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        DeviceScanner scanner = new DeviceScanner(new DeviceScanner.Settings(true, Duration.ofHours(24), "top:100", 4,
                Duration.ofSeconds(300), 12, fake.toString()), Clock.systemUTC());
        CompletableFuture<DeviceScanner.Outcome> scan = CompletableFuture.supplyAsync(() -> {
            try {
                return scanner.scan(IpAddress.parse("10.0.0.7"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500); // the process is running
        assertTrue(!scan.isDone(), "the scan runs");
        scanner.stopAll();
        DeviceScanner.Outcome o = scan.get(10, TimeUnit.SECONDS); // not after the fake's 120 s or nmap's 300 s timeout
        assertTrue(o.error().equals("ended: the sensor stopped") || o.error().equals("not started: the sensor is stopping"), o.error());
        assertEquals("not started: the sensor is stopping", scanner.scan(IpAddress.parse("10.0.0.8")).error());
    }
}
