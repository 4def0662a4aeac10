package org.argus.enforce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.argus.TestClock;
import org.argus.blacklist.Allowlist;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanChange;
import org.argus.blacklist.BanSource;
import org.argus.blacklist.BanTarget;
import org.junit.jupiter.api.Test;

/**
 * The enforcement state machine without root, threads or a bus: a recording fake {@link Firewall} and a clock the
 * test moves. The namespace tests ({@code FirewallBackendTest}, {@code EnforcementIT}) stay the end-to-end proof.
 */
class EnforcerTest {
    static final Instant FIRST_START = Instant.parse("2026-11-01T00:00:00Z");

    /** Records every call; members live in a set; optionally blocks inside {@code apply}. */
    static class FakeFirewall implements Firewall {
        final List<String> calls = new ArrayList<>();
        final Set<BanTarget> members = new LinkedHashSet<>();
        volatile CountDownLatch insideApply;
        volatile CountDownLatch releaseApply;

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public synchronized void install() {
            calls.add("install");
        }

        @Override
        public void apply(Collection<BanTarget> add, Collection<BanTarget> remove) throws EnforcementException {
            synchronized (this) {
                calls.add("apply +" + add + " -" + remove);
            }
            if (insideApply != null) {
                insideApply.countDown();
                try {
                    releaseApply.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new EnforcementException("interrupted");
                }
            }
            synchronized (this) {
                members.addAll(add); // what the kernel does when the batch lands, whatever happened meanwhile
                members.removeAll(remove);
            }
        }

        @Override
        public synchronized Set<BanTarget> members() {
            calls.add("members");
            return new LinkedHashSet<>(members);
        }

        @Override
        public synchronized void removeAll() {
            calls.add("removeAll");
            members.clear();
        }

        @Override
        public synchronized void replaceListed(Collection<BanTarget> blocks) {
            calls.add("listed " + blocks);
        }

        synchronized List<String> mutating() {
            return calls.stream().filter(c -> !c.equals("members")).toList();
        }
    }

    final TestClock clock = new TestClock(FIRST_START.plus(Duration.ofDays(1)));
    final FakeFirewall fw = new FakeFirewall();
    final EnforcementStats stats = new EnforcementStats();
    final Allowlist allowlist = Allowlist.of(java.util.Map.of("10.99.0.0/16", "configured allowlist 10.99.0.0/16"));

    Enforcer enforcer(int dryRunDays, boolean enforceAfter) {
        EnforcementSettings s = new EnforcementSettings(EnforcementSettings.Backend.NFTABLES, Duration.ofDays(dryRunDays), enforceAfter,
                "ARGUS", Path.of("stop"), false, Duration.ofSeconds(5), EnforcementSettings.Xdp.DEFAULT);
        return new Enforcer(s, fw, allowlist, clock, stats);
    }

    static BanTarget t(String s) {
        return BanTarget.parse(s);
    }

    static BanChange change(BanChange.Kind kind, String target) {
        Instant now = Instant.parse("2026-11-02T00:00:00Z");
        return new BanChange(kind, new Ban(t(target), "port_scan: 100 ports", "high", new BanSource.Detector("port_scan"), now,
                now.plus(Duration.ofHours(24)), 1, 1));
    }

    static BanChange change(BanChange.Kind kind, String target, org.argus.blacklist.Action action) {
        Instant now = Instant.parse("2026-11-02T00:00:00Z");
        return new BanChange(kind, new Ban(t(target), "why", "medium", BanSource.OPERATOR, now, now.plus(Duration.ofHours(24)), 1, 1, action));
    }

    /** A firewall with every action: target → action, as a kernel with one set per action would hold them. */
    static class ActionFirewall extends FakeFirewall {
        final java.util.Map<BanTarget, org.argus.blacklist.Action> state = new java.util.LinkedHashMap<>();

        @Override
        public Set<org.argus.blacklist.Action> actions() {
            return java.util.EnumSet.allOf(org.argus.blacklist.Action.class);
        }

        @Override
        public synchronized void change(java.util.Map<BanTarget, org.argus.blacklist.Action> put, Collection<BanTarget> remove) {
            calls.add("change " + put + " -" + remove);
            state.putAll(put);
            remove.forEach(state::remove);
        }

        @Override
        public synchronized java.util.Map<BanTarget, org.argus.blacklist.Action> state() {
            return new java.util.LinkedHashMap<>(state);
        }
    }

    @Test
    void actionsMoveBetweenSetsAndAreRefusedWhereTheBackendLacksThem() {
        org.argus.blacklist.Action rl = org.argus.blacklist.Action.RATE_LIMIT, q = org.argus.blacklist.Action.QUARANTINE,
                ban = org.argus.blacklist.Action.BAN;
        ActionFirewall afw = new ActionFirewall();
        EnforcementSettings s = new EnforcementSettings(EnforcementSettings.Backend.NFTABLES, Duration.ZERO, true, "ARGUS", Path.of("stop"),
                false, Duration.ofSeconds(5), EnforcementSettings.Xdp.DEFAULT);
        Enforcer e = new Enforcer(s, afw, allowlist, clock, stats);
        e.start(FIRST_START, java.util.Map.of(t("192.0.2.9"), q), false, "");
        assertEquals(java.util.Map.of(t("192.0.2.9"), q), afw.state, "start reconciles quarantines too");
        e.change(change(BanChange.Kind.ADDED, "198.51.100.7", rl));
        e.flush();
        assertEquals(rl, afw.state.get(t("198.51.100.7")));
        e.change(change(BanChange.Kind.RENEWED, "198.51.100.7", rl));
        assertFalse(e.hasPending(), "a renewal with the same action changes nothing");
        e.change(change(BanChange.Kind.RENEWED, "198.51.100.7", ban));
        e.flush();
        assertEquals(ban, afw.state.get(t("198.51.100.7")), "upgraded in place");
        assertEquals(2, stats.kernelMembers.get(), "a move is not one more member");
        assertEquals(java.util.Map.of("rate_limit", 0L, "quarantine", 1L, "ban", 1L), stats.byAction.get());
        e.change(change(BanChange.Kind.REMOVED, "198.51.100.7", ban));
        e.flush();
        assertEquals(java.util.Map.of(t("192.0.2.9"), q), afw.state);
        assertEquals(1, stats.kernelMembers.get());

        // a backend that only bans: rate limits and quarantines are refused, not turned into bans
        Enforcer plain = enforcer(0, true);
        plain.start(FIRST_START, java.util.Map.of(t("192.0.2.9"), q, t("192.0.2.10"), ban), false, "");
        assertEquals(Set.of(t("192.0.2.10")), fw.members);
        plain.change(change(BanChange.Kind.ADDED, "198.51.100.8", rl));
        assertFalse(plain.hasPending());
        assertEquals(Set.of(t("192.0.2.10")), fw.members);
    }

    @Test
    void dryRunCountsWhatEachActionWouldDo() {
        Enforcer e = enforcer(7, true);
        e.start(FIRST_START, List.of(), false, "");
        fw.calls.clear();
        e.change(change(BanChange.Kind.ADDED, "198.51.100.7", org.argus.blacklist.Action.RATE_LIMIT));
        e.change(change(BanChange.Kind.ADDED, "10.1.2.3", org.argus.blacklist.Action.QUARANTINE));
        assertEquals(2, stats.wouldBlockActions.sum());
        assertEquals(List.of(), fw.mutating(), "nothing reaches the kernel in the dry-run");
        assertEquals(2, e.status().desired());
    }

    @Test
    void feedEntriesFollowTheModesTheAllowlistAndTheEmergencyStop() {
        Enforcer e = enforcer(7, true);
        e.start(FIRST_START, List.of(), false, "");
        fw.calls.clear();
        e.listed(List.of(t("203.0.113.0/24"), t("10.99.1.0/24"), t("2001:db8:bad::/48")));
        assertEquals(List.of(), fw.mutating(), "dry-run: nothing in the kernel");
        assertEquals(2, stats.listedWanted.get(), "the block overlapping the allowlist is left out");
        assertEquals(0, stats.listedInKernel.get());
        clock.set(FIRST_START.plus(Duration.ofDays(7)));
        e.tick(); // enforcing: install, reconcile the bans, then the feed sets
        assertEquals("listed [203.0.113.0/24, 2001:db8:bad::/48]", fw.mutating().get(fw.mutating().size() - 1), fw.calls.toString());
        assertEquals(2, stats.listedInKernel.get());
        e.listed(List.of(t("198.51.100.0/24")));
        assertEquals("listed [198.51.100.0/24]", fw.mutating().get(fw.mutating().size() - 1), "a new snapshot replaces the list at once");
        e.emergencyStopped("test", "operator");
        fw.calls.clear();
        e.listed(List.of(t("192.0.2.0/24")));
        assertEquals(List.of(), fw.mutating(), "nothing goes into the kernel during an emergency stop");
        assertEquals(0, stats.listedInKernel.get());
        e.restored("test", "operator");
        assertEquals("listed [192.0.2.0/24]", fw.mutating().get(fw.mutating().size() - 1), "the restore puts the latest list back");
    }

    @Test
    void noMutatingFirewallCallDuringTheDryRunThenEnforcesOnTheRightDay() {
        Enforcer e = enforcer(7, true);
        e.start(FIRST_START, List.of(t("198.51.100.7")), false, "");
        assertEquals(EnforcementStatus.Mode.DRY_RUN, e.status().mode());
        fw.calls.clear(); // start in dry-run clears rules an earlier run left: the only call allowed
        for (int day = 1; day < 7; day++) {
            e.change(change(BanChange.Kind.ADDED, "203.0.113." + day));
            e.flush();
            e.tick();
            clock.advance(Duration.ofDays(1).minusSeconds(day == 6 ? 1 : 0));
        }
        clock.set(FIRST_START.plus(Duration.ofDays(7)).minusSeconds(1));
        e.tick();
        assertEquals(List.of(), fw.mutating(), "dry-run: not one mutating firewall call");
        assertEquals(EnforcementStatus.Mode.DRY_RUN, e.status().mode());
        assertEquals(7, e.status().wouldBlock());
        assertEquals("would have blocked 7 addresses", e.status().summary());
        assertEquals(6, stats.wouldBlockActions.sum());

        clock.set(FIRST_START.plus(Duration.ofDays(7)));
        e.tick();
        assertEquals(EnforcementStatus.Mode.ENFORCING, e.status().mode(), "the dry-run ends exactly 7 days after the first start");
        assertEquals("install", fw.calls.get(0));
        assertEquals(7, fw.members.size(), "reconciled: every active ban in the kernel");
        assertEquals(0, e.status().wouldBlock());
    }

    @Test
    void withoutEnforceAfterDryRunItOnlyMonitorsForever() {
        Enforcer e = enforcer(1, false);
        e.start(FIRST_START, List.of(t("198.51.100.7")), false, "");
        fw.calls.clear();
        clock.advance(Duration.ofDays(400));
        e.tick();
        e.change(change(BanChange.Kind.ADDED, "203.0.113.9"));
        e.flush();
        assertEquals(EnforcementStatus.Mode.MONITOR_ONLY, e.status().mode());
        assertEquals(List.of(), fw.mutating());
        assertTrue(e.status().healthDetail().contains("enforce_after_dry_run is false"), e.status().healthDetail());
    }

    @Test
    void changesAreBatchedAndAllowlistedTargetsNeverReachTheKernel() {
        Enforcer e = enforcer(0, true);
        e.start(FIRST_START, List.of(), false, "");
        fw.calls.clear();
        e.change(change(BanChange.Kind.ADDED, "203.0.113.1"));
        e.change(change(BanChange.Kind.ADDED, "203.0.113.2"));
        e.change(change(BanChange.Kind.RENEWED, "203.0.113.2"));
        e.change(change(BanChange.Kind.ADDED, "10.99.3.4")); // allowlisted after the ban was stored (config change)
        assertTrue(e.hasPending());
        e.flush();
        assertEquals(List.of("apply +[203.0.113.1, 203.0.113.2] -[]"), fw.mutating(), "one batch, no allowlisted target");
        e.change(change(BanChange.Kind.EXPIRED, "203.0.113.1"));
        e.change(change(BanChange.Kind.REMOVED, "203.0.113.2"));
        e.flush();
        assertEquals(Set.of(), fw.members);
        assertEquals(3, stats.enforcementActions.sum(), "the reconcile at start and two batches");
    }

    @Test
    void reconcileRemovesExpiredAndForeignMembersAndAddsMissingOnes() {
        fw.members.addAll(List.of(t("192.0.2.1"), t("192.0.2.2"), t("10.99.0.5")));
        Enforcer e = enforcer(0, true);
        e.start(FIRST_START, List.of(t("192.0.2.2"), t("198.51.100.0/24"), t("10.99.0.5")), false, "");
        assertEquals(EnforcementStatus.Mode.ENFORCING, e.status().mode());
        assertEquals(Set.of(t("192.0.2.2"), t("198.51.100.0/24")), fw.members,
                "192.0.2.1 (expired while down) and the allowlisted 10.99.0.5 removed, the /24 added");
        assertTrue(e.status().healthy());
        assertEquals("enforcing", e.status().healthState());
    }

    @Test
    void anEmergencyStopDuringAnInFlightBatchLeavesNothingReAdded() throws Exception {
        Enforcer e = enforcer(0, true);
        e.start(FIRST_START, List.of(t("192.0.2.1")), false, "");
        fw.insideApply = new CountDownLatch(1);
        fw.releaseApply = new CountDownLatch(1);
        e.change(change(BanChange.Kind.ADDED, "203.0.113.50"));
        Thread worker = Thread.ofPlatform().start(e::flush);
        assertTrue(fw.insideApply.await(10, TimeUnit.SECONDS), "the batch is in flight");
        assertNull(e.emergencyStopNow("operator", "test"), "first pass from another thread, at once");
        assertEquals(EnforcementStatus.Mode.EMERGENCY_STOP, e.status().mode(), "said at once, before the worker is free");
        assertEquals(Set.of(), fw.members);
        fw.releaseApply.countDown(); // the batch lands after the stop
        worker.join(10_000);
        fw.insideApply = null;
        e.emergencyStopped("operator", "test");
        assertEquals(Set.of(), fw.members, "what the in-flight batch put back was removed");
        List<String> calls = fw.mutating();
        assertEquals("removeAll", calls.get(calls.size() - 1), "nothing added after the last removal: " + calls);
        e.change(change(BanChange.Kind.ADDED, "203.0.113.51"));
        e.flush();
        e.tick();
        assertEquals(Set.of(), fw.members, "no change reaches the kernel during the stop");
        assertEquals(1, stats.emergencyStops.sum());

        e.restored("operator", "test");
        assertEquals(EnforcementStatus.Mode.ENFORCING, e.status().mode());
        assertEquals(Set.of(t("192.0.2.1"), t("203.0.113.50"), t("203.0.113.51")), fw.members, "restore reconciles");
    }

    @Test
    void aStopFileAtStartKeepsEverythingOutUntilRestore() {
        fw.members.add(t("192.0.2.9"));
        Enforcer e = enforcer(0, true);
        e.start(FIRST_START, List.of(t("192.0.2.1")), true, "the stop file exists");
        assertEquals(EnforcementStatus.Mode.EMERGENCY_STOP, e.status().mode());
        assertFalse(fw.mutating().stream().anyMatch(c -> c.startsWith("apply") || c.equals("install")), fw.mutating().toString());
        e.restored("operator", "test");
        assertEquals(Set.of(t("192.0.2.1")), fw.members);
    }

    @Test
    void aFailingFirewallIsUnhealthyWhileEnforcingAndRecovers() {
        Firewall broken = new FakeFirewall() {
            boolean fail = true;

            @Override
            public void apply(Collection<BanTarget> add, Collection<BanTarget> remove) throws EnforcementException {
                if (fail) {
                    fail = false;
                    throw new EnforcementException("nft exited 1");
                }
                super.apply(add, remove);
            }
        };
        EnforcementSettings s = new EnforcementSettings(EnforcementSettings.Backend.NFTABLES, Duration.ZERO, true, "ARGUS",
                Path.of("stop"), false, Duration.ofSeconds(5), EnforcementSettings.Xdp.DEFAULT);
        Enforcer e = new Enforcer(s, broken, allowlist, clock, stats);
        e.start(FIRST_START, List.of(t("192.0.2.1")), false, "");
        assertFalse(e.status().healthy());
        assertTrue(e.status().healthDetail().contains("nft exited 1"), e.status().healthDetail());
        assertEquals(1, stats.enforcementErrors.sum());
        e.change(change(BanChange.Kind.ADDED, "203.0.113.7"));
        e.flush();
        assertTrue(e.status().healthy(), e.status().healthDetail());
    }

    @Test
    void withoutAFirewallOrADatabaseNothingIsEnforced() {
        EnforcementSettings s = new EnforcementSettings(EnforcementSettings.Backend.NONE, Duration.ZERO, true, "ARGUS",
                Path.of("stop"), false, Duration.ofSeconds(5), EnforcementSettings.Xdp.DEFAULT);
        Enforcer none = new Enforcer(s, null, allowlist, clock, stats);
        none.start(FIRST_START, List.of(t("192.0.2.1")), false, "");
        assertEquals(EnforcementStatus.Mode.DISABLED, none.status().mode());
        assertNull(none.emergencyStopNow("x", "y"));

        Enforcer e = enforcer(0, true);
        e.unavailable("blacklist unavailable: corrupt");
        assertEquals(EnforcementStatus.Mode.UNAVAILABLE, e.status().mode());
        assertFalse(e.status().healthy());
        assertEquals(List.of(), fw.mutating());
    }
}
