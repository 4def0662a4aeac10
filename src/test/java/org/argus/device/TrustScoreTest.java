package org.argus.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trust score's arithmetic, recovery and bands (the seed's weights and band edges). */
class TrustScoreTest {
    private static final Instant T = Instant.parse("2026-12-01T12:00:00Z");
    private static final Duration DAY = Duration.ofHours(24);

    @Test
    void aCleanDeviceIsFullyTrusted() {
        TrustScore.Score s = TrustScore.of(List.of(), null, T, TrustScore.Weights.seed(), DAY);
        assertEquals(100.0, s.total());
        assertEquals(TrustScore.Band.NORMAL, s.band());
        assertEquals(List.of(), s.reasons());
    }

    @Test
    void partsAreWeightedAsTheSeedSays() {
        // behaviour: a high decision now (−40) → 60; vulnerability: Telnet (−30) and HTTP (−10) → 60; reputation 100
        DeviceScanner.Outcome scan = new DeviceScanner.Outcome("10.0.0.7", T, T, null, List.of(
                new DeviceScanner.Finding(23, "tcp", "telnet", "high", "Telnet"),
                new DeviceScanner.Finding(80, "tcp", "http", "medium", "HTTP")));
        TrustScore.Score s = TrustScore.of(List.of(new TrustScore.Event(T, TrustScore.Part.BEHAVIOUR, 40, "port_scan high")), scan, T,
                TrustScore.Weights.seed(), DAY);
        assertEquals(60.0, s.behaviour());
        assertEquals(60.0, s.vulnerability());
        assertEquals(100.0, s.reputation());
        assertEquals(60 * 0.5 + 60 * 0.3 + 100 * 0.2, s.total(), 1e-9);
        assertEquals(TrustScore.Band.WARNING, s.band());
        assertEquals(3, s.reasons().size(), s.reasons().toString());
        assertTrue(s.reasons().get(0).startsWith("behaviour −40.0: port_scan high"), s.reasons().get(0));
        // a failed scan says nothing about vulnerability
        DeviceScanner.Outcome failed = new DeviceScanner.Outcome("10.0.0.7", T, T, "nmap exited 1", scan.findings());
        assertEquals(100.0, TrustScore.of(List.of(), failed, T, TrustScore.Weights.seed(), DAY).vulnerability());
    }

    @Test
    void penaltiesRecoverLinearlyOverTheRecoveryTime() {
        List<TrustScore.Event> e = List.of(new TrustScore.Event(T, TrustScore.Part.BEHAVIOUR, 40, "x"));
        assertEquals(60.0, TrustScore.of(e, null, T, TrustScore.Weights.seed(), DAY).behaviour(), 1e-9);
        assertEquals(80.0, TrustScore.of(e, null, T.plus(Duration.ofHours(12)), TrustScore.Weights.seed(), DAY).behaviour(), 1e-9);
        assertEquals(100.0, TrustScore.of(e, null, T.plus(DAY), TrustScore.Weights.seed(), DAY).behaviour(), 1e-9);
        assertEquals(100.0, TrustScore.of(e, null, T.plus(Duration.ofDays(9)), TrustScore.Weights.seed(), DAY).behaviour());
        assertEquals(40.0, TrustScore.recovered(40, Duration.ofMinutes(-5), DAY), "an event from the future counts whole");
    }

    @Test
    void partsFloorAtZeroAndBandsFollowTheSeedsEdges() {
        List<TrustScore.Event> many = List.of(
                new TrustScore.Event(T, TrustScore.Part.BEHAVIOUR, 40, "a"), new TrustScore.Event(T, TrustScore.Part.BEHAVIOUR, 40, "b"),
                new TrustScore.Event(T, TrustScore.Part.BEHAVIOUR, 40, "c"),
                new TrustScore.Event(T, TrustScore.Part.REPUTATION, TrustScore.BANNED_CONTACT_PENALTY, "contacted banned 203.0.113.9"));
        TrustScore.Score s = TrustScore.of(many, null, T, TrustScore.Weights.seed(), DAY);
        assertEquals(0.0, s.behaviour());
        assertEquals(75.0, s.reputation());
        assertEquals(0 * 0.5 + 100 * 0.3 + 75 * 0.2, s.total(), 1e-9);
        assertEquals(TrustScore.Band.ALERT, s.band());
        assertEquals(TrustScore.Band.NORMAL, TrustScore.Band.of(75));
        assertEquals(TrustScore.Band.WARNING, TrustScore.Band.of(74.9));
        assertEquals(TrustScore.Band.WARNING, TrustScore.Band.of(50));
        assertEquals(TrustScore.Band.ALERT, TrustScore.Band.of(49.9));
        assertEquals(TrustScore.Band.ALERT, TrustScore.Band.of(20));
        assertEquals(TrustScore.Band.CRITICAL, TrustScore.Band.of(19.9));
        // behaviour alone weighted: three highs make it critical
        assertEquals(TrustScore.Band.CRITICAL, TrustScore.of(many, null, T, new TrustScore.Weights(1, 0, 0), DAY).band());
        assertThrows(IllegalArgumentException.class, () -> new TrustScore.Weights(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TrustScore.Weights(-1, 1, 1));
    }
}
