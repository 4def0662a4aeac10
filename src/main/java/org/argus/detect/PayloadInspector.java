package org.argus.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.argus.flow.FlowPayload;
import org.argus.flow.FlowRecord;
import org.argus.flow.IpAddress;
import org.argus.payload.PayloadModel;

/**
 * The escalation path (Kronos's third route in the Ulti_Argus seed): the payloads of a window's flows that the
 * standard path found suspicious — their originator is already in a finding as an attacker — plus an even,
 * deterministic sample of the others ({@code payload.sample}: a hash of the flow's 5-tuple, so a replay picks the
 * same flows every time) go through the payload classifier, suspicious first, at most
 * {@code payload.max_per_window} a window (the rest are counted as shed). Only what the originator sent is
 * classified, and only when it went to one host: the classes are request-side attacks, a server quoting a request
 * back must not be taken for its author, and a multicast or broadcast announcement (WS-Discovery's SOAP, SSDP) is
 * no request to a server. A malicious verdict at or above {@code payload.threshold} becomes a {@value #DETECTOR} finding about the
 * originator with the class, the probability, the offset and an excerpt. Not thread-safe (one detector thread);
 * the model is swapped by {@link #model(PayloadModel)}.
 */
public final class PayloadInspector {
    /** Detector name of payload findings. */
    public static final String DETECTOR = "payload_classifier";
    /** Bytes of excerpt quoted in a reason (before escaping). */
    static final int EXCERPT = 48;

    /**
     * {@code payload.*}.
     *
     * @param enabled      inspect payloads at all (a model must also be present)
     * @param captureBytes payload bytes kept per flow and direction ({@code payload.capture_bytes})
     * @param windowBytes  payload bytes kept per window at most ({@code payload.window_mb})
     * @param sample       share of flows with a payload inspected although the standard path found nothing, 0..1
     * @param maxPerWindow payloads classified per window at most
     * @param threshold    probability from which a malicious verdict is a finding, 0.5..1
     */
    public record Settings(boolean enabled, int captureBytes, long windowBytes, double sample, int maxPerWindow,
                           double threshold) {
        /** Off. */
        public static final Settings OFF = new Settings(false, 0, 0, 0, 0, 1);
    }

    /**
     * What one window's routing did.
     *
     * @param fast      flows on the fast path (not scored by the model, payload not inspected)
     * @param standard  flows on the standard path (heuristics and the model)
     * @param escalated flows whose payload was picked for inspection (suspicious or sampled)
     * @param inspected payloads classified
     * @param hits      malicious verdicts at or above the threshold
     * @param shed      picked payloads left unclassified for the per-window cap
     */
    public record Routing(int fast, int standard, int escalated, int inspected, int hits, int shed) {
        /** Nothing routed. */
        public static final Routing NONE = new Routing(0, 0, 0, 0, 0, 0);
    }

    private final Settings settings;
    private final long sampleBound;
    private volatile PayloadModel model;

    /**
     * @param settings sampling, cap and threshold
     * @param model    the classifier
     */
    public PayloadInspector(Settings settings, PayloadModel model) {
        this.settings = settings;
        this.model = model;
        this.sampleBound = (long) Math.floor(settings.sample() * (1L << 32));
    }

    /** Replaces the classifier (a newer model). */
    public void model(PayloadModel m) {
        this.model = m;
    }

    /** The classifier in use. */
    public PayloadModel model() {
        return model;
    }

    /** Findings and what the routing did for one window. */
    public record Outcome(List<Finding> findings, int escalated, int inspected, int hits, int shed) {
    }

    /**
     * Inspects one window's payloads.
     *
     * @param flows      the window's flows (payloads name their index here)
     * @param payloads   the window's payloads
     * @param suspicious originators the standard path already reported as attackers
     * @param fastPath   flows on the fast path (never inspected)
     */
    public Outcome inspect(List<FlowRecord> flows, List<FlowPayload> payloads, Set<IpAddress> suspicious,
                           Predicate<FlowRecord> fastPath) {
        List<FlowPayload> first = new ArrayList<>(), sampled = new ArrayList<>();
        for (FlowPayload p : payloads) {
            if (p.fromOriginator().length == 0) {
                continue;
            }
            FlowRecord f = flows.get(p.flow());
            if (fastPath.test(f) || f.responder().groupOrBroadcast()) {
                continue; // a multicast or broadcast message (WS-Discovery, SSDP, mDNS) is nobody's request to a server
            }
            if (suspicious.contains(f.originator())) {
                first.add(p);
            } else if (sampled(f)) {
                sampled.add(p);
            }
        }
        first.addAll(sampled);
        int escalated = first.size();
        int take = Math.min(escalated, settings.maxPerWindow());
        PayloadModel m = model;
        List<Finding> out = new ArrayList<>();
        java.util.Map<IpAddress, Integer> byOriginator = new java.util.HashMap<>();
        int hits = 0;
        for (int i = 0; i < take; i++) {
            FlowPayload p = first.get(i);
            FlowRecord f = flows.get(p.flow());
            byte[] b = p.fromOriginator();
            PayloadModel.Verdict v = m.classify(b, b.length);
            if (!v.malicious() || v.probability() < settings.threshold()) {
                continue;
            }
            hits++;
            String reason = reason(m, f, b, v);
            Integer at = byOriginator.get(f.originator());
            if (at == null) {
                byOriginator.put(f.originator(), out.size());
                out.add(new Finding(f.originator(), Role.ATTACKER, DETECTOR, v.probability(), List.of(reason),
                        List.of(CommunityId.of(f))));
            } else {
                Finding prev = out.get(at);
                List<String> reasons = prev.reasons().size() < Detector.MAX_IDS
                        ? concat(prev.reasons(), reason) : prev.reasons();
                List<String> ids = prev.communityIds().size() < Detector.MAX_IDS
                        ? concat(prev.communityIds(), CommunityId.of(f)) : prev.communityIds();
                out.set(at, new Finding(f.originator(), Role.ATTACKER, DETECTOR, Math.max(prev.score(), v.probability()),
                        reasons, ids));
            }
        }
        return new Outcome(out, escalated, take, hits, escalated - take);
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> l = new ArrayList<>(a);
        l.add(b);
        return l;
    }

    /** Deterministic: the same flow is sampled in every run. */
    private boolean sampled(FlowRecord f) {
        if (sampleBound <= 0) {
            return false;
        }
        long h = f.originator().hi() * 0x9E3779B97F4A7C15L;
        h = (h ^ f.originator().lo()) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ f.responder().hi()) * 0x9E3779B97F4A7C15L;
        h = (h ^ f.responder().lo()) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ ((long) f.protocol() << 32 | (long) f.originatorPort() << 16 | f.responderPort())) * 0x9E3779B97F4A7C15L;
        return ((h ^ (h >>> 29)) >>> 32) < sampleBound;
    }

    /**
     * {@code payload classifier: sql_injection p=0.973 in TCP a:p -> b:80 (312 bytes from the originator); at byte 41:
     * "…"}.
     */
    static String reason(PayloadModel m, FlowRecord f, byte[] b, PayloadModel.Verdict v) {
        int at = m.evidenceOffset(b, b.length, v.label(), 16);
        int from = Math.max(0, Math.min(at, b.length - EXCERPT));
        return String.format("payload classifier: %s p=%.3f in %s (%d bytes from the originator); at byte %d: \"%s\"",
                v.label(), v.probability(), Detector.describe(f), b.length, at, escape(b, from, Math.min(b.length, from + EXCERPT)));
    }

    /** Printable ASCII as is (backslash and quote escaped), other bytes as {@code \xNN}. */
    static String escape(byte[] b, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if (c == '\\' || c == '"') {
                s.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7F) {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.toString();
    }
}
