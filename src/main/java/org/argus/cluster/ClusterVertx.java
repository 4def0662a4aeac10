package org.argus.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Builds the clustered Vert.x: Hazelcast (open-source edition) for membership, with the static member list over TCP
 * (multicast off), bound to {@code cluster.host} only (not the wildcard), the cluster name derived from the secret
 * ({@link ClusterSigner#clusterName}), phone-home off; and the event bus between sensors over TLS 1.2+/1.3 with
 * client certificates required in both directions, trusted only when signed by {@code cluster.tls_ca}.
 *
 * <p>Hazelcast's own member protocol (port {@code cluster.port}) has neither TLS nor authentication in the open-source
 * edition: whoever reaches that port can read the member list and the event-bus subscription table and can disturb
 * membership. It cannot open an event-bus connection (no certificate) or make a sensor act (no signing key). Keep
 * that port on a private link (WireGuard) or behind the sensors' own firewall; see README → Cluster.
 */
public final class ClusterVertx {
    private ClusterVertx() {
    }

    /** The Hazelcast configuration for these settings (Vert.x's defaults for its own maps, our network). */
    static Config hazelcast(ClusterSettings s) {
        Config cfg = ConfigUtil.loadConfig();
        cfg.setClusterName(ClusterSigner.clusterName(s.secret()));
        cfg.setProperty("hazelcast.phone.home.enabled", "false");
        cfg.setProperty("hazelcast.socket.bind.any", "false");
        cfg.setProperty("hazelcast.wait.seconds.before.join", "1");
        cfg.setProperty("hazelcast.logging.type", "slf4j");
        cfg.setProperty("hazelcast.shutdownhook.enabled", "false");
        NetworkConfig net = cfg.getNetworkConfig();
        net.setPort(s.port()).setPortAutoIncrement(false).setPublicAddress(s.host() + ":" + s.port());
        net.getInterfaces().setEnabled(true).addInterface(s.host());
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(s.members().isEmpty() ? java.util.List.of(s.host()) : s.members());
        return cfg;
    }

    /** Event-bus options: bind and announce {@code cluster.host}, TLS with mutual certificates. */
    static EventBusOptions eventBus(ClusterSettings s) {
        EventBusOptions eb = new EventBusOptions().setHost(s.host()).setPort(s.eventBusPort()).setClusterPublicHost(s.host())
                .setClusterPublicPort(s.eventBusPort());
        eb.setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(s.tlsCert().toString()).setKeyPath(s.tlsKey().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(s.tlsCa().toString()))
                .setClientAuth(ClientAuth.REQUIRED);
        return eb;
    }

    /**
     * Starts a clustered Vert.x.
     *
     * @param base options to start from (metrics)
     * @return fails when Hazelcast cannot bind {@code cluster.host:port} or the TLS files cannot be loaded
     */
    public static Future<Vertx> start(ClusterSettings s, VertxOptions base) {
        VertxOptions options = base.setEventBusOptions(eventBus(s));
        return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast(s))).buildClustered();
    }
}
