package org.argus.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.argus.blacklist.Ban;
import org.argus.blacklist.BanChange;
import org.argus.blacklist.BanSource;
import org.argus.blacklist.BanRequest;
import org.argus.blacklist.BlacklistSnapshot;
import org.argus.bus.Addresses;
import org.argus.log.LogText;
import org.argus.bus.LocalCodec;
import org.argus.enforce.EmergencyCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares block decisions between the sensors of a cluster. Local facts go out, signed ({@link ClusterSigner}):
 * a ban this sensor decided (detector or operator, added or renewed) and an unban are published on
 * {@link Addresses#CLUSTER_DECISIONS}; an operator's {@code ?scope=cluster} emergency stop or restore too. Peer
 * decisions come in and are applied through this sensor's own blacklist verticle, so its allowlist and dry-run hold
 * (a peer can never make it block its own gateway) and the origin is recorded as source {@code peer:<sensor-id>}
 * with the original expiry: an entry that expired stays expired.
 *
 * <p>Nothing decided while a sensor was away is lost: every sensor publishes a heartbeat; when a member is heard that
 * was unknown, restarted (new incarnation) or silent for three heartbeats, each peer sends it a snapshot of all its
 * active bans on {@code argus.cluster.snapshot.<id>}, applied like single decisions (idempotent: a ban is renewed,
 * never shortened). Messages that are unsigned, wrongly signed, stale or replayed are dropped and counted.
 * {@code /status} → {@code cluster} lists the members, their incarnation and when each was last heard.
 */
public final class ClusterVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterVerticle.class);

    private final ClusterSettings settings;
    private final ClusterSigner signer;
    private final ClusterStats stats;
    private final String self;
    private final String incarnation = UUID.randomUUID().toString();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Set<String> applyingUnban = new HashSet<>();
    private final Map<ClusterSigner.Verdict, Long> lastRejectLog = new EnumMap<>(ClusterSigner.Verdict.class);

    private record Member(String incarnation, String host, Instant lastHeard) {
    }

    /**
     * @param settings {@code cluster.*} (enabled)
     * @param signer   signs and checks messages with {@code cluster.secret}
     */
    public ClusterVerticle(ClusterSettings settings, ClusterSigner signer, ClusterStats stats) {
        this.settings = settings;
        this.signer = signer;
        this.stats = stats;
        this.self = settings.sensorId();
    }

    @Override
    public Future<?> start() {
        LocalCodec.registerFor(vertx.eventBus(), BanRequest.class);
        LocalCodec.registerFor(vertx.eventBus(), BanChange.class);
        LocalCodec.registerFor(vertx.eventBus(), BlacklistSnapshot.class);
        LocalCodec.registerFor(vertx.eventBus(), EmergencyCommand.class);
        vertx.eventBus().<BanChange>localConsumer(Addresses.BAN_CHANGED, m -> onLocalChange(m.body()));
        vertx.eventBus().<EmergencyCommand>localConsumer(Addresses.CLUSTER_EMERGENCY, this::onEmergencyBroadcast);
        LocalCodec.registerFor(vertx.eventBus(), org.argus.blacklist.FeedbackRequest.class);
        vertx.eventBus().<org.argus.blacklist.FeedbackRequest>localConsumer(Addresses.FEEDBACK_RECORDED, m -> onLocalVerdict(m.body()));
        MessageConsumer<Object> decisions = vertx.eventBus().consumer(Addresses.CLUSTER_DECISIONS, m -> onPeerDecision(m.body()));
        MessageConsumer<Object> heartbeats = vertx.eventBus().consumer(Addresses.CLUSTER_HEARTBEAT, m -> onHeartbeat(m.body()));
        MessageConsumer<Object> snapshots = vertx.eventBus().consumer(Addresses.CLUSTER_SNAPSHOT_PREFIX + self, m -> onSnapshot(m.body()));
        return Future.all(decisions.completion(), heartbeats.completion(), snapshots.completion()).map(v -> {
            vertx.setPeriodic(0, settings.heartbeat().toMillis(), id -> heartbeat());
            LOG.info("event=cluster_joined sensor={} incarnation={} host={} members_configured={}", self, incarnation,
                    settings.host(), settings.members());
            return null;
        });
    }

    // ---- outgoing ----

    private void publish(JsonObject body) {
        vertx.eventBus().publish(Addresses.CLUSTER_DECISIONS, signer.sign(body.put("sensor", self)));
        stats.clusterSent.increment();
    }

    private void onLocalChange(BanChange c) {
        Ban b = c.ban();
        String address = b.target().toString();
        switch (c.kind()) {
            case ADDED, RENEWED -> {
                if (b.source().publishedToCluster() && b.action() == org.argus.blacklist.Action.BAN) {
                    publish(banJson(b).put("kind", "ban"));
                }
            }
            case REMOVED -> {
                if (!applyingUnban.remove(address)) {
                    publish(new JsonObject().put("kind", "unban").put("address", address));
                    LOG.info("event=cluster_unban_published address={}", address);
                }
            }
            case EXPIRED -> {
                // every sensor expires its copy itself: the expiry travelled with the ban
            }
        }
    }

    /** Targets whose verdict came from a peer and is being applied here: not published again. */
    private final java.util.Set<String> applyingVerdict = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The longest allowlisting a peer's verdict may bring (a longer one is cut to this). */
    static final Duration MAX_PEER_ALLOWLIST = Duration.ofDays(30);

    /** An operator's false positive here: peers lift the ban (the unban travels too) and allowlist the target alike. */
    private void onLocalVerdict(org.argus.blacklist.FeedbackRequest f) {
        String target = f.target().toString();
        if (applyingVerdict.remove(target) || !f.falsePositive()) {
            return; // a peer's verdict applied here, or a confirmation (recorded where it was given)
        }
        publish(new JsonObject().put("kind", "verdict").put("address", target).put("decision_id", f.decisionId())
                .put("allowlist_seconds", f.allowlistFor().toSeconds()).put("note", f.note()));
        LOG.info("event=cluster_verdict_published address={} decision={}", target, f.decisionId());
    }

    private void applyVerdict(String peer, JsonObject m) {
        org.argus.blacklist.BanTarget target;
        org.argus.blacklist.FeedbackRequest f;
        try {
            target = org.argus.blacklist.BanTarget.parseCidr(m.getString("address", ""));
            long seconds = Math.max(0, Math.min(m.getLong("allowlist_seconds", 0L), MAX_PEER_ALLOWLIST.toSeconds()));
            String id = m.getString("decision_id");
            f = new org.argus.blacklist.FeedbackRequest(id != null && org.argus.detect.Decision.ID.matcher(id).matches() ? id : null, target, true,
                    Duration.ofSeconds(seconds), "from " + peer + ": " + m.getString("note", ""));
        } catch (RuntimeException e) {
            stats.clusterRefused.increment();
            LOG.warn("event=cluster_verdict_malformed from={} reason=\"{}\"", LogText.escape(peer), LogText.escape(e.getMessage()));
            return;
        }
        applyingVerdict.add(target.toString());
        vertx.eventBus().<JsonObject>request(Addresses.FEEDBACK, f).onSuccess(r -> {
            stats.clusterApplied.increment();
            LOG.info("event=cluster_verdict_applied address={} from={} allowlisted_until={}", target, peer, r.body().getString("allowlisted_until"));
        }).onFailure(e -> {
            applyingVerdict.remove(target.toString());
            LOG.error("event=cluster_verdict_failed address={} from={} reason=\"{}\"", target, peer, LogText.escape(e.getMessage()));
        });
    }

    private JsonObject banJson(Ban b) {
        String origin = b.source() instanceof BanSource.Peer p ? p.sensorId() : self;
        return new JsonObject().put("address", b.target().toString()).put("reason", b.reason()).put("risk", b.risk())
                .put("origin", origin).put("created_at", b.createdAt().toString()).put("expires_at", b.expiresAt().toString());
    }

    private void onEmergencyBroadcast(Message<EmergencyCommand> m) {
        EmergencyCommand cmd = m.body();
        publish(new JsonObject().put("kind", "emergency").put("stop", cmd.stop()).put("reason", cmd.reason()));
        LOG.warn("event=cluster_emergency_published stop={} reason=\"{}\" origin=\"{}\"", cmd.stop(), LogText.escape(cmd.reason()), LogText.escape(cmd.origin()));
        m.reply(new JsonObject().put("published", true).put("members", members.size() + 1));
    }

    private void heartbeat() {
        vertx.eventBus().publish(Addresses.CLUSTER_HEARTBEAT, signer.sign(new JsonObject().put("kind", "heartbeat")
                .put("sensor", self).put("incarnation", incarnation).put("host", settings.host())));
        stats.clusterSent.increment();
        report();
    }

    private void sendSnapshot(String to) {
        vertx.eventBus().<BlacklistSnapshot>request(Addresses.BLACKLIST_LIST, null).onSuccess(m -> {
            JsonArray entries = new JsonArray();
            for (Ban b : m.body().bans()) {
                if (b.source().inClusterSnapshot() && b.action() == org.argus.blacklist.Action.BAN) {
                    entries.add(banJson(b));
                }
            }
            vertx.eventBus().send(Addresses.CLUSTER_SNAPSHOT_PREFIX + to, signer.sign(new JsonObject().put("kind", "snapshot")
                    .put("sensor", self).put("to", to).put("entries", entries)));
            stats.clusterSent.increment();
            LOG.info("event=cluster_snapshot_sent to={} bans={}", to, entries.size());
        }).onFailure(e -> LOG.warn("event=cluster_snapshot_failed to={} reason=\"{}\"", to, LogText.escape(e.getMessage())));
    }

    // ---- incoming ----

    /** The message if it is signed, fresh and new; null (counted, logged at most every 10 s per kind) otherwise. */
    private JsonObject verified(Object body) {
        ClusterSigner.Verdict v = signer.check(body);
        if (v == ClusterSigner.Verdict.OK) {
            return (JsonObject) body;
        }
        switch (v) {
            case UNSIGNED -> stats.clusterUnsigned.increment();
            case BAD_SIGNATURE -> stats.clusterBadSignature.increment();
            case STALE -> stats.clusterStale.increment();
            case REPLAYED -> stats.clusterReplayed.increment();
            default -> { }
        }
        long now = System.currentTimeMillis();
        Long last = lastRejectLog.get(v);
        if (last == null || now - last > 10_000) {
            lastRejectLog.put(v, now);
            String from = body instanceof JsonObject o ? o.getString("sensor", "?") : "?";
            LOG.warn("event=cluster_message_rejected verdict={} claimed_sensor={}", v.name().toLowerCase(), from);
        }
        return null;
    }

    private void onPeerDecision(Object body) {
        JsonObject m = verified(body);
        if (m == null || self.equals(m.getString("sensor"))) {
            return;
        }
        String peer = m.getString("sensor");
        switch (m.getString("kind", "")) {
            case "ban" -> applyBan(peer, m);
            case "unban" -> applyUnban(peer, m.getString("address"));
            case "verdict" -> applyVerdict(peer, m);
            case "emergency" -> {
                boolean stop = m.getBoolean("stop", true);
                vertx.eventBus().<JsonObject>request(Addresses.EMERGENCY,
                        new EmergencyCommand(stop, m.getString("reason", ""), "cluster " + peer),
                        new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(30_000))
                        .onSuccess(r -> {
                            stats.clusterApplied.increment();
                            LOG.warn("event=cluster_emergency_applied stop={} from={}", stop, peer);
                        })
                        .onFailure(e -> LOG.error("event=cluster_emergency_failed from={} reason=\"{}\"", peer, LogText.escape(e.getMessage())));
            }
            default -> LOG.warn("event=cluster_message_unknown kind=\"{}\" from=\"{}\"", LogText.escape(m.getString("kind")), LogText.escape(peer));
        }
    }

    private void applyBan(String peer, JsonObject m) {
        String origin = m.getString("origin", peer);
        if (self.equals(origin)) {
            return; // our own decision coming back in a snapshot
        }
        Instant expires;
        try {
            expires = Instant.parse(m.getString("expires_at"));
        } catch (RuntimeException e) {
            LOG.warn("event=cluster_ban_malformed from={} reason=\"{}\"", peer, LogText.escape(e.getMessage()));
            return;
        }
        Duration left = Duration.between(signer.now(), expires);
        if (left.isNegative() || left.isZero()) {
            return; // expired while it travelled (or while we were away): stays expired
        }
        String address = m.getString("address");
        if (!BanSource.NAME.matcher(origin).matches()) {
            stats.clusterRefused.increment();
            LOG.warn("event=cluster_ban_malformed from={} reason=\"origin is not a sensor id\"", LogText.escape(peer));
            return;
        }
        BanRequest r = new BanRequest(address, "from " + origin + ": " + m.getString("reason", ""), m.getString("risk", "high"),
                left, new BanSource.Peer(origin, BanSource.Via.CLUSTER));
        vertx.eventBus().<Ban>request(Addresses.BLACKLIST_ADD, r).onSuccess(x -> stats.clusterApplied.increment()).onFailure(e -> {
            if (e instanceof ReplyException re && (re.failureCode() == 409 || re.failureCode() == 400)) {
                stats.clusterRefused.increment();
                LOG.warn("event=cluster_ban_refused address={} origin={} why=\"{}\"", address, origin, LogText.escape(e.getMessage()));
            } else {
                LOG.error("event=cluster_ban_failed address={} origin={} reason=\"{}\"", address, origin, LogText.escape(e.getMessage()));
            }
        });
    }

    private void applyUnban(String peer, String address) {
        applyingUnban.add(address);
        vertx.eventBus().<Boolean>request(Addresses.BLACKLIST_REMOVE, address).onComplete(ar -> {
            if (ar.succeeded() && Boolean.TRUE.equals(ar.result().body())) {
                stats.clusterApplied.increment();
                LOG.info("event=cluster_unban_applied address={} from={}", address, peer);
            } else {
                applyingUnban.remove(address);
            }
        });
    }

    private void onHeartbeat(Object body) {
        JsonObject m = verified(body);
        if (m == null || self.equals(m.getString("sensor"))) {
            return;
        }
        String id = m.getString("sensor");
        Instant now = signer.now();
        Member before = members.get(id);
        Member after = new Member(m.getString("incarnation", ""), m.getString("host", ""), now);
        members.put(id, after);
        boolean news = before == null || !before.incarnation().equals(after.incarnation())
                || Duration.between(before.lastHeard(), now).compareTo(settings.heartbeat().multipliedBy(3)) > 0;
        if (news) {
            LOG.info("event=cluster_member_seen sensor={} incarnation={} host={} was={}", id, after.incarnation(), after.host(),
                    before == null ? "unknown" : before.incarnation().equals(after.incarnation()) ? "silent" : "restarted");
            sendSnapshot(id);
        }
    }

    private void onSnapshot(Object body) {
        JsonObject m = verified(body);
        if (m == null || !self.equals(m.getString("to")) || self.equals(m.getString("sensor"))) {
            return;
        }
        String peer = m.getString("sensor");
        JsonArray entries = m.getJsonArray("entries", new JsonArray());
        LOG.info("event=cluster_snapshot_received from={} bans={}", peer, entries.size());
        for (int i = 0; i < entries.size(); i++) {
            applyBan(peer, entries.getJsonObject(i));
        }
    }

    private void report() {
        Instant now = signer.now();
        List<JsonObject> list = new ArrayList<>();
        list.add(new JsonObject().put("sensor_id", self).put("incarnation", incarnation).put("host", settings.host())
                .put("last_heard_at", now.toString()).put("silent_s", 0).put("state", "self"));
        members.forEach((id, mem) -> {
            long silent = Duration.between(mem.lastHeard(), now).toSeconds();
            list.add(new JsonObject().put("sensor_id", id).put("incarnation", mem.incarnation()).put("host", mem.host())
                    .put("last_heard_at", mem.lastHeard().toString()).put("silent_s", silent)
                    .put("state", silent * 1000 > settings.memberTimeout().toMillis() ? "gone" : "up"));
        });
        long up = list.stream().filter(j -> !"gone".equals(j.getString("state"))).count();
        stats.members.set(new JsonObject().put("sensor_id", self).put("members_up", up).put("members", new JsonArray(list)));
    }
}
