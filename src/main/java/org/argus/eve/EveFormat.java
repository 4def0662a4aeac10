package org.argus.eve;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;
import java.util.zip.CRC32;
import org.argus.detect.CommunityId;
import org.argus.detect.Decision;
import org.argus.flow.IpAddress;
import org.argus.stats.SensorStats;

/**
 * Suricata EVE JSON lines (Suricata's "EVE JSON Output" documentation and its {@code etc/schema.json}, read for
 * this): {@code flow}, {@code alert} and {@code stats} events with Suricata's field names and types. Timestamps as
 * Suricata writes them ({@code 2026-12-02T19:42:33.064000+0000}: microseconds, a numeric offset); {@code proto} as
 * text ({@code TCP}, {@code UDP}, {@code ICMP}, {@code IPv6-ICMP}, else the number); addresses as the given namer
 * writes them (real or the CSVs' pseudonyms). Alerts: {@code gid} 1, {@code signature_id} 9 000 000 + a CRC-32 of
 * the detector name modulo 1 000 000 (stable per detector), {@code rev} 1, {@code signature} {@code ARGUS
 * <detector>: <first reason>}, {@code category} a Suricata classtype text per detector, {@code severity} 1 high, 2
 * medium, 3 low, {@code action} {@code allowed} (an IDS event; a ban is a separate act), and our reasons in
 * {@code metadata.tag} (the schema allows only its listed metadata keys). Pure.
 */
public final class EveFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxx").withZone(ZoneOffset.UTC);

    private EveFormat() {
    }

    /** Suricata's timestamp of a packet time (ns since the epoch). */
    public static String timestamp(long nanos) {
        return TIME.format(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
    }

    /** {@code proto} text. */
    static String proto(int protocol) {
        return switch (protocol) {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 1 -> "ICMP";
            case 58 -> "IPv6-ICMP";
            case 132 -> "SCTP";
            default -> Integer.toString(protocol);
        };
    }

    private static boolean ported(int protocol) {
        return protocol == 6 || protocol == 17 || protocol == 132;
    }

    /** A flow's id: its 5-tuple and start hashed to a positive 51-bit number (exact in any JSON reader). */
    static long flowId(EveFlows.Key k, long startNanos) {
        long h = k.originator().hi() * 0x9E3779B97F4A7C15L;
        h = (h ^ k.originator().lo()) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ k.responder().hi()) * 0x9E3779B97F4A7C15L;
        h = (h ^ k.responder().lo()) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ ((long) k.protocol() << 32 | (long) k.originatorPort() << 16 | k.responderPort())) * 0x9E3779B97F4A7C15L;
        h = (h ^ startNanos) * 0xC2B2AE3D27D4EB4FL;
        return ((h ^ (h >>> 31)) >>> 13) | 1;
    }

    /** A {@code flow} event. */
    public static JsonObject flow(EveFlows.Ended f, Function<IpAddress, String> name) {
        EveFlows.Key k = f.key();
        JsonObject o = new JsonObject().put("timestamp", timestamp(f.startNanos())).put("flow_id", flowId(k, f.startNanos()))
                .put("event_type", "flow").put("src_ip", name.apply(k.originator()));
        if (ported(k.protocol())) {
            o.put("src_port", k.originatorPort());
        }
        o.put("dest_ip", name.apply(k.responder()));
        if (ported(k.protocol())) {
            o.put("dest_port", k.responderPort());
        }
        o.put("proto", proto(k.protocol()))
                .put("community_id", CommunityId.of(0, k.protocol(), k.originator(), k.originatorPort(), k.responder(), k.responderPort(),
                        ported(k.protocol())))
                .put("flow", new JsonObject().put("pkts_toserver", f.pktsToServer()).put("pkts_toclient", f.pktsToClient())
                        .put("bytes_toserver", f.bytesToServer()).put("bytes_toclient", f.bytesToClient())
                        .put("start", timestamp(f.startNanos())).put("end", timestamp(f.endNanos()))
                        .put("age", Math.max(0, (f.endNanos() - f.startNanos()) / 1_000_000_000L))
                        .put("state", f.state()).put("reason", f.reason()).put("alerted", false));
        return o;
    }

    /** The {@code flow} lines of ended flows, encoded. */
    public static List<String> flowLines(List<EveFlows.Ended> ended, Function<IpAddress, String> name) {
        return ended.stream().map(f -> flow(f, name).encode()).toList();
    }

    /** An {@code alert} event for a decision: the attacker as {@code src_ip}, a victim as {@code dest_ip}. */
    public static JsonObject alert(Decision d, Function<IpAddress, String> name) {
        String who = d.anonymized() ? d.addressText() : name.apply(d.address());
        JsonObject o = new JsonObject().put("timestamp", timestamp(d.windowStartNanos())).put("event_type", "alert");
        o.put(d.role() == org.argus.detect.Role.VICTIM ? "dest_ip" : "src_ip", who);
        if (!d.communityIds().isEmpty()) {
            o.put("community_id", d.communityIds().get(0));
        }
        String first = d.reasons().isEmpty() ? "" : d.reasons().get(0);
        String signature = "ARGUS " + d.detector() + (first.isEmpty() ? "" : ": " + first);
        JsonArray tags = new JsonArray();
        d.reasons().forEach(tags::add);
        o.put("alert", new JsonObject().put("action", "allowed").put("gid", 1).put("signature_id", signatureId(d.detector()))
                .put("rev", 1).put("signature", signature.length() > 512 ? signature.substring(0, 512) : signature)
                .put("category", category(d.detector())).put("severity", severity(d.risk().text()))
                .put("metadata", new JsonObject().put("tag", tags)
                        .put("signature_severity", new JsonArray(List.of(d.risk().text())))
                        .put("attack_target", new JsonArray(List.of(d.role().text())))));
        return o;
    }

    /** A {@code stats} event: uptime, capture, decoder and detect counters. */
    public static JsonObject stats(SensorStats s, Instant now) {
        return new JsonObject().put("timestamp", timestamp(now.getEpochSecond() * 1_000_000_000L + now.getNano()))
                .put("event_type", "stats")
                .put("stats", new JsonObject().put("uptime", Math.max(0, now.getEpochSecond() - s.startedAt.getEpochSecond()))
                        .put("capture", new JsonObject().put("kernel_packets", s.capture.kernelReceived.get())
                                .put("kernel_drops", s.capture.kernelDropped.get()))
                        .put("decoder", new JsonObject().put("pkts", s.flow.packets.sum()).put("bytes", s.flow.bytes.sum())
                                .put("invalid", s.malformedTotal()))
                        .put("detect", new JsonObject().put("alert", s.detection.decisionsByRisk().values().stream().mapToLong(Long::longValue).sum())));
    }

    /** 9 000 000 + CRC-32 of the detector name modulo 1 000 000: stable per detector across versions. */
    static long signatureId(String detector) {
        CRC32 c = new CRC32();
        c.update(detector.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return 9_000_000L + c.getValue() % 1_000_000L;
    }

    /** Suricata classtype texts (its {@code classification.config}) by detector. */
    static String category(String detector) {
        return switch (detector) {
            case "port_scan", "recon" -> "Attempted Information Leak";
            case "syn_flood", "udp_flood", "icmp_flood", "amplification", "tcp_reflection", "flood" -> "Attempted Denial of Service";
            case "brute_force", "web_brute_force" -> "Attempted User Privilege Gain";
            case "payload_classifier" -> "Web Application Attack";
            case "threat_intel" -> "Potentially Bad Traffic";
            case "arp_spoofing", "dhcp_rogue_server", "dhcp_starvation" -> "Potential Corporate Privacy Violation";
            default -> "Misc activity";
        };
    }

    private static int severity(String risk) {
        return switch (risk) {
            case "high" -> 1;
            case "medium" -> 2;
            default -> 3;
        };
    }
}
