package org.argus.eve;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowSettings;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;
import org.argus.flow.TcpFlagCounts;

/**
 * Whole flows for EVE {@code flow} events, summed over the windows a flow spans (the flow table emits per-window
 * records; Suricata logs a flow once, when it ends). A flow ends — Suricata's {@code reason} — at a {@code timeout}:
 * a TCP flow that closed (a FIN each way, or a RST) and had no packet in the latest window, or any flow idle past its
 * protocol's timeout ({@code aggregation.*_idle_timeout_seconds}, packet time, looked for every half of the
 * shortest timeout, so an idle flow may be logged up to that much later); {@code forced} when more than
 * {@code maxFlows} are open (the longest idle go first); {@code shutdown} at the end of input or a stop. Its
 * {@code state}: {@code closed} (TCP closed), {@code established} (the responder answered) or {@code new}. Key: the
 * 5-tuple oriented originator → responder, as the flow table keeps it. Not thread-safe: one owner.
 */
public final class EveFlows {
    /** A flow's 5-tuple, originator first. */
    public record Key(int protocol, IpAddress originator, int originatorPort, IpAddress responder, int responderPort) {
    }

    /** A flow that ended: its sums over its windows, state and reason (Suricata's words). */
    public record Ended(Key key, long startNanos, long endNanos, long pktsToServer, long pktsToClient, long bytesToServer,
                        long bytesToClient, int tcpFlagsToServer, int tcpFlagsToClient, String state, String reason) {
    }

    private static final class Open {
        long start, end, pktsTo, pktsFrom, bytesTo, bytesFrom, lastWindow;
        int flagsTo, flagsFrom;
        boolean reset;

        boolean closed() {
            return reset || ((flagsTo & TcpFlagCounts.FIN) != 0 && (flagsFrom & TcpFlagCounts.FIN) != 0);
        }
    }

    private final FlowSettings timeouts;
    private final int maxFlows;
    private final Map<Key, Open> open = new HashMap<>();
    /** TCP flows that closed: ended at the first window without a packet of theirs. */
    private final Set<Key> closing = new HashSet<>();
    /** Idle flows are looked for every half of the shortest timeout of packet time, not every window. */
    private final long sweepEveryNanos;
    private long lastSweep = Long.MIN_VALUE;

    /**
     * @param timeouts the idle timeouts by protocol
     * @param maxFlows most flows held open at once; beyond, the longest idle end as {@code forced}
     */
    public EveFlows(FlowSettings timeouts, int maxFlows) {
        this.timeouts = timeouts;
        this.maxFlows = maxFlows;
        long min = Math.min(Math.min(timeouts.tcpIdleTimeout().toNanos(), timeouts.udpIdleTimeout().toNanos()),
                Math.min(timeouts.icmpIdleTimeout().toNanos(), timeouts.otherIdleTimeout().toNanos()));
        this.sweepEveryNanos = Math.max(1, min / 2);
    }

    /** Flows held open now. */
    public int size() {
        return open.size();
    }

    /** Adds a closed window's flows; returns the flows that ended with it. */
    public List<Ended> window(FlowWindow w) {
        long now = w.startNanos();
        for (FlowRecord f : w.flows()) {
            Key k = new Key(f.protocol(), f.originator(), f.originatorPort(), f.responder(), f.responderPort());
            Open o = open.get(k);
            if (o == null) {
                o = new Open();
                o.start = f.firstSeenNanos();
                open.put(k, o);
            }
            o.lastWindow = now;
            o.start = Math.min(o.start, f.firstSeenNanos());
            o.end = Math.max(o.end, f.lastSeenNanos());
            o.pktsTo += f.originatorPackets();
            o.pktsFrom += f.responderPackets();
            o.bytesTo += f.originatorBytes();
            o.bytesFrom += f.responderBytes();
            o.flagsTo |= f.tcpFlags().originatorFlags();
            o.flagsFrom |= f.tcpFlags().responderFlags();
            o.reset |= f.tcpFlags().rst() > 0;
            if (k.protocol() == 6 && o.closed()) {
                closing.add(k);
            }
        }
        List<Ended> out = new ArrayList<>();
        var ci = closing.iterator();
        while (ci.hasNext()) {
            Key k = ci.next();
            Open o = open.get(k);
            if (o == null) {
                ci.remove();
            } else if (o.lastWindow != now) {
                out.add(ended(k, o, "timeout"));
                open.remove(k);
                ci.remove();
            }
        }
        if (lastSweep == Long.MIN_VALUE || w.endNanos() - lastSweep >= sweepEveryNanos || w.endNanos() < lastSweep) {
            lastSweep = w.endNanos();
            var it = open.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                Open o = e.getValue();
                if (w.endNanos() - o.end > timeoutNanos(e.getKey().protocol())) {
                    out.add(ended(e.getKey(), o, "timeout"));
                    closing.remove(e.getKey());
                    it.remove();
                }
            }
        }
        if (open.size() > maxFlows) {
            List<Map.Entry<Key, Open>> byIdle = new ArrayList<>(open.entrySet());
            byIdle.sort(Comparator.comparingLong(e -> e.getValue().end));
            for (int i = 0; i < byIdle.size() - maxFlows; i++) {
                out.add(ended(byIdle.get(i).getKey(), byIdle.get(i).getValue(), "forced"));
                open.remove(byIdle.get(i).getKey());
                closing.remove(byIdle.get(i).getKey());
            }
        }
        return out;
    }

    /** Ends every open flow ({@code shutdown}). */
    public List<Ended> flush() {
        List<Ended> out = new ArrayList<>();
        open.forEach((k, o) -> out.add(ended(k, o, "shutdown")));
        open.clear();
        closing.clear();
        out.sort(Comparator.comparingLong(Ended::startNanos));
        return out;
    }

    private long timeoutNanos(int protocol) {
        return (protocol == 6 ? timeouts.tcpIdleTimeout() : protocol == 17 ? timeouts.udpIdleTimeout()
                : protocol == 1 || protocol == 58 ? timeouts.icmpIdleTimeout() : timeouts.otherIdleTimeout()).toNanos();
    }

    private static Ended ended(Key k, Open o, String reason) {
        String state = k.protocol() == 6 && o.closed() ? "closed" : o.pktsFrom > 0 ? "established" : "new";
        return new Ended(k, o.start, o.end, o.pktsTo, o.pktsFrom, o.bytesTo, o.bytesFrom, o.flagsTo, o.flagsFrom, state, reason);
    }
}
