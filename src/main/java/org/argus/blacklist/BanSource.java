package org.argus.blacklist;

import java.util.regex.Pattern;

/**
 * Where a ban came from, and so where it may be forwarded. Stored and shown as text: {@code detector:<name>},
 * {@code manual} (an operator, through HTTP or the CLI), {@code peer:<sensor-id>} (another sensor, over the cluster),
 * {@code firebase:<sensor-id>} (another sensor's list imported from Firebase Storage), {@code feed:<name>} (a threat
 * feed, reserved).
 *
 * <p>Forwarding, in one place:
 * <ul>
 *   <li>This sensor's own decisions ({@link Detector}, {@link Operator}) are published to cluster peers when they are
 *   made, sent in cluster snapshots, and written into this sensor's Firebase export.</li>
 *   <li>A ban learned over the cluster is never re-published (its origin publishes to every member, unbans too), but
 *   it is part of the snapshot a (re)joining member receives, origin and expiry kept, so a member catches up while
 *   the origin is down. It is never exported to Firebase.</li>
 *   <li>A ban imported from a peer's Firebase list goes nowhere: not to the cluster, not into this sensor's own list.
 *   The list's owner is its only source, so when it drops the entry every importer withdraws it; a re-forwarded copy
 *   could outlive that (two sensors importing each other would keep it alive forever).</li>
 *   <li>Feed bans go nowhere: every sensor loads its feeds itself.</li>
 * </ul>
 */
public sealed interface BanSource {
    /** Sensor ids and detector/feed names: letters, digits, {@code . _ -}, 1 to 64 characters. */
    Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** The stored text form. */
    String text();

    /** True when this sensor decided it (a detector or its operator). */
    default boolean ownDecision() {
        return this instanceof Detector || this instanceof Operator;
    }

    /** Published to cluster peers when made or renewed ({@code argus.cluster.decisions}). */
    default boolean publishedToCluster() {
        return ownDecision();
    }

    /** Sent in the snapshot a (re)joining cluster member receives. */
    default boolean inClusterSnapshot() {
        return ownDecision() || this instanceof Peer p && p.via() == Via.CLUSTER;
    }

    /** Written into this sensor's list in Firebase Storage ({@code firebase.blacklist_prefix}). */
    default boolean exportedToFirebase() {
        return ownDecision();
    }

    /** A detector's decision ({@code detector:port_scan}). */
    record Detector(String name) implements BanSource {
        public Detector {
            check(name, "detector");
        }

        @Override
        public String text() {
            return "detector:" + name;
        }
    }

    /** An operator's explicit ban ({@code manual}). */
    record Operator() implements BanSource {
        @Override
        public String text() {
            return "manual";
        }
    }

    /** How a peer's ban arrived. */
    enum Via {
        /** The clustered event bus ({@code peer:<id>}). */
        CLUSTER,
        /** An imported Firebase blacklist ({@code firebase:<id>}). */
        FIREBASE
    }

    /** Another sensor's ban ({@code peer:pi-a} over the cluster, {@code firebase:pi-a} from its Firebase list). */
    record Peer(String sensorId, Via via) implements BanSource {
        public Peer {
            check(sensorId, "sensor id");
            java.util.Objects.requireNonNull(via);
        }

        @Override
        public String text() {
            return (via == Via.CLUSTER ? "peer:" : "firebase:") + sensorId;
        }
    }

    /** A threat feed's indicator ({@code feed:spamhaus-drop}). */
    record Feed(String name) implements BanSource {
        public Feed {
            check(name, "feed");
        }

        @Override
        public String text() {
            return "feed:" + name;
        }
    }

    /** The operator source. */
    BanSource OPERATOR = new Operator();

    /**
     * Parses the text form.
     *
     * @throws IllegalArgumentException naming the text when it is none of the four forms
     */
    static BanSource parse(String text) {
        if ("manual".equals(text)) {
            return OPERATOR;
        }
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon > 0) {
            String kind = text.substring(0, colon), name = text.substring(colon + 1);
            switch (kind) {
                case "detector" -> {
                    return new Detector(name);
                }
                case "peer" -> {
                    return new Peer(name, Via.CLUSTER);
                }
                case "firebase" -> {
                    return new Peer(name, Via.FIREBASE);
                }
                case "feed" -> {
                    return new Feed(name);
                }
                default -> { }
            }
        }
        throw new IllegalArgumentException("ban source \"" + text + "\" is not manual, detector:<name>, peer:<sensor-id>, firebase:<sensor-id> or feed:<name>");
    }

    private static void check(String name, String what) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " \"" + name + "\" must be 1-64 letters, digits, '.', '_' or '-'");
        }
    }
}
