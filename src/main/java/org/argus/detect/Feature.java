package org.argus.detect;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The feature catalog: every number the detector can compute for one flow in one window, in the spirit of
 * CICFlowMeter and Zeek's {@code conn.log}. "out" is originator → responder, "in" is responder → originator
 * (originator = the endpoint that sent the flow's first packet). Sizes are wire lengths (pcap {@code orig_len}).
 * Per-source features ({@code src_*}) aggregate every flow the same originator started or continued in the window,
 * and are attached to each of its flows.
 *
 * <p>Ports and protocol are encoded, not fed as raw numbers: {@code src_port}/{@code dst_port} are the IANA range
 * class (0 none, 1 system 0–1023, 2 user 1024–49151, 3 dynamic 49152–65535), {@code protocol} is an ordinal
 * (1 TCP, 2 UDP, 3 ICMP/ICMPv6, 4 other) next to one-hot {@code proto_*} columns. Features marked {@code csv} can be
 * rebuilt from a Retina CSV row, so a model using only those can be trained from, and run on, CSV files.
 */
public enum Feature {
    DURATION("duration", "s", "both", "time from the flow's first to last packet in the window", false),
    PACKETS_OUT("packets_out", "packets", "out", "packets sent by the originator", true),
    PACKETS_IN("packets_in", "packets", "in", "packets sent by the responder", true),
    BYTES_OUT("bytes_out", "bytes", "out", "wire bytes sent by the originator", true),
    BYTES_IN("bytes_in", "bytes", "in", "wire bytes sent by the responder", true),
    PKT_SIZE_MIN("pkt_size_min", "bytes", "both", "smallest packet", false),
    PKT_SIZE_MEAN("pkt_size_mean", "bytes", "both", "mean packet size", true),
    PKT_SIZE_MAX("pkt_size_max", "bytes", "both", "largest packet", false),
    PKT_SIZE_STD("pkt_size_std", "bytes", "both", "population standard deviation of packet sizes", false),
    IAT_MEAN("iat_mean", "s", "both", "mean gap between consecutive packets (0 with one packet)", false),
    IAT_STD("iat_std", "s", "both", "standard deviation of the gaps", false),
    TCP_SYN("tcp_syn", "segments", "both", "SYN without ACK (connection attempts)", false),
    TCP_SYNACK("tcp_synack", "segments", "both", "SYN with ACK (handshake answers)", false),
    TCP_FIN("tcp_fin", "segments", "both", "FIN", false),
    TCP_RST("tcp_rst", "segments", "both", "RST", false),
    TCP_PSH("tcp_psh", "segments", "both", "PSH (data pushed)", false),
    TCP_ACK("tcp_ack", "segments", "both", "ACK set", false),
    SYN_WITHOUT_ACK_RATIO("syn_without_ack_ratio", "ratio", "both", "SYN-without-ACK segments / packets (TCP; 0 otherwise)", false),
    SRC_PORT("src_port", "class", "out", "originator port range class (0 none, 1 system, 2 user, 3 dynamic)", true),
    DST_PORT("dst_port", "class", "in", "responder port range class (0 none, 1 system, 2 user, 3 dynamic)", true),
    PROTOCOL("protocol", "ordinal", "both", "1 TCP, 2 UDP, 3 ICMP/ICMPv6, 4 other", true),
    PROTO_TCP("proto_tcp", "0/1", "both", "TCP", true),
    PROTO_UDP("proto_udp", "0/1", "both", "UDP", true),
    PROTO_ICMP("proto_icmp", "0/1", "both", "ICMP or ICMPv6", true),
    RESPONDER_SILENT("responder_silent", "0/1", "in", "the responder sent nothing in the window", true),
    SRC_FLOWS("src_flows", "flows", "out", "flows of this originator in the window", true),
    SRC_DISTINCT_DST_HOSTS("src_distinct_dst_hosts", "hosts", "out", "distinct responders of this originator", true),
    SRC_DISTINCT_DST_PORTS("src_distinct_dst_ports", "ports", "out", "distinct responder ports of this originator", true),
    SRC_SILENT_RATIO("src_silent_ratio", "ratio", "out", "share of this originator's flows whose responder sent nothing", true),
    SRC_CONN_ATTEMPTS("src_conn_attempts", "flows", "out", "TCP flows of this originator with a SYN attempt in the window", false),
    SRC_FAILED_HANDSHAKES("src_failed_handshakes", "flows", "out", "attempts not completed (no SYN-ACK, refused, or reset before the ACK)", false);

    /** Name used in {@code prediction.feature_columns}, model cards and reasons. */
    public final String key;
    /** Unit of the value. */
    public final String unit;
    /** Direction: out, in or both. */
    public final String direction;
    /** One-line meaning. */
    public final String description;
    /** Whether a Retina CSV row (plus its window) is enough to compute it. */
    public final boolean fromCsv;

    Feature(String key, String unit, String direction, String description, boolean fromCsv) {
        this.key = key;
        this.unit = unit;
        this.direction = direction;
        this.description = description;
        this.fromCsv = fromCsv;
    }

    /** Counts and byte totals: heavy-tailed, so the scaler takes {@code log1p} of them before standardizing. */
    public boolean heavyTailed() {
        return switch (unit) {
            case "packets", "bytes", "segments", "flows", "hosts", "ports", "s" -> true;
            default -> false;
        };
    }

    /** The feature with this key. */
    public static Optional<Feature> byKey(String key) {
        return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst();
    }

    /** Every key, in catalog order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(f -> f.key).toList();
    }
}
