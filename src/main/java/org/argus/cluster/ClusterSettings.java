package org.argus.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code cluster.*}: several sensors on one clustered event bus (Vert.x + Hazelcast), sharing block decisions.
 *
 * @param enabled        join a cluster ({@code cluster.enabled}, or {@code -cluster} on the command line)
 * @param sensorId       this sensor's id in decisions and {@code /status} ({@code sensor_id}; empty: the host name)
 * @param host           the address of this sensor's own interface that Hazelcast and the event bus bind to and
 *                       announce ({@code host}, or {@code -cluster-host}); never a wildcard
 * @param port           Hazelcast member port ({@code port}, or {@code -cluster-port}), TCP
 * @param members        the static member list, {@code host} or {@code host:port} ({@code members}); no multicast
 * @param eventBusPort   TCP port of the event bus (TLS) between sensors ({@code event_bus_port})
 * @param tlsCert        this sensor's certificate, PEM ({@code tls_cert}), signed by {@code tlsCa}
 * @param tlsKey         its private key, PEM PKCS#8 ({@code tls_key})
 * @param tlsCa          the cluster's CA certificate, PEM ({@code tls_ca}): only peers with a certificate it signed
 *                       can open an event-bus connection, in either direction
 * @param secret         the shared key every cluster message is signed with ({@code secret} or
 *                       {@code ARGUS_CLUSTER_SECRET}, at least 32 characters); also derives the Hazelcast cluster name
 * @param heartbeat      how often this sensor says it is alive ({@code heartbeat_seconds})
 * @param maxClockSkew   a message older (or newer) than this is stale and rejected ({@code max_clock_skew_seconds})
 * @param memberTimeout  a member not heard from for this long is shown as gone ({@code member_timeout_seconds})
 */
public record ClusterSettings(boolean enabled, String sensorId, String host, int port, List<String> members, int eventBusPort,
                              Path tlsCert, Path tlsKey, Path tlsCa, String secret, Duration heartbeat, Duration maxClockSkew,
                              Duration memberTimeout) {
    public ClusterSettings {
        members = List.copyOf(members);
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "ClusterSettings[enabled=" + enabled + ", sensorId=" + sensorId + ", host=" + host + ", port=" + port
                + ", members=" + members + ", eventBusPort=" + eventBusPort + ", tlsCert=" + tlsCert + ", tlsCa=" + tlsCa + "]";
    }
}
