package org.argus.device;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.argus.blacklist.BanTarget;
import org.argus.flow.ArpRecord;
import org.argus.flow.DhcpRecord;
import org.argus.flow.FlowRecord;
import org.argus.flow.FlowWindow;
import org.argus.flow.IpAddress;

/**
 * Turns a closed window into device sightings (a plain class: the verticle calls it on its worker; one caller).
 *
 * <p>A device is an endpoint on a local network: a flow's originator or responder whose address is inside
 * {@code local_networks}, keyed by the Ethernet source address it sent from (its MAC), or by the address itself on
 * links without Ethernet; a responder only once it answers (a scan of the local range invents no devices); an ARP sender (its MAC and claimed IPv4 address, when local); IPv6 neighbour discovery
 * counts as the ICMPv6 flows it is. Multicast, broadcast and all-zero MACs and the unspecified address are never
 * devices. DHCP names (host name, vendor class) attach to the client's MAC, and so do host names a device announces
 * over mDNS (a DHCP name of the same window wins); a name seen before its device is kept (at most
 * {@value #MAX_PENDING_NAMES}) until the device shows up.
 */
public final class DeviceInventory {
    static final int MAX_PENDING_NAMES = 256;
    /** Addresses one device may show in one window (a spoofed flood from one MAC must not make 262 144 rows). */
    static final int MAX_ADDRESSES_PER_WINDOW = 64;
    /** Distinct peers counted per device and window; peers beyond are not tracked that window. */
    static final int MAX_PEERS = 256;
    /** Peers reported per device and window. */
    static final int TOP_PEERS = 10;

    /** One peer of a device in a window: the other end of its flows, with their wire bytes (both ways) and count. */
    public record Peer(IpAddress address, long bytes, long flows) {
    }

    /**
     * What one window showed of one device.
     *
     * @param key            MAC text, or the address text without Ethernet
     * @param mac            the MAC (low 48 bits), 0 without Ethernet
     * @param addresses      its local addresses this window → latest packet time seen with it (ns)
     * @param firstSeenNanos earliest sighting in the window (packet time)
     * @param lastSeenNanos  latest sighting
     * @param bytes          wire bytes of its flows, both directions
     * @param flows          its flows active in the window
     * @param hostName       host name from DHCP, else from mDNS, or null
     * @param vendorClass    DHCP vendor class, or null
     * @param bannedContacts the banned addresses it contacted this window (reputation)
     * @param topPeers       its {@value #TOP_PEERS} biggest peers of the window by wire bytes (among the first
     *                       {@value #MAX_PEERS} it talked to)
     */
    public record Sighting(String key, long mac, Map<IpAddress, Long> addresses, long firstSeenNanos, long lastSeenNanos,
                           long bytes, long flows, String hostName, String vendorClass, java.util.Set<IpAddress> bannedContacts,
                           List<Peer> topPeers) {
        /** Only DHCP names (no traffic of its own seen this window): updates a known device, never makes one. */
        public boolean namesOnly() {
            return addresses.isEmpty() && flows == 0;
        }
    }

    private static final class Builder {
        final long mac;
        final Map<IpAddress, Long> addresses = new LinkedHashMap<>();
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE, bytes, flows;
        String hostName, vendorClass;
        java.util.Set<IpAddress> banned = java.util.Set.of();
        final Map<IpAddress, long[]> peers = new java.util.HashMap<>();

        Builder(long mac) {
            this.mac = mac;
        }

        void saw(IpAddress a, long first, long last) {
            if (a != null && (addresses.size() < MAX_ADDRESSES_PER_WINDOW || addresses.containsKey(a))) {
                addresses.merge(a, last, Math::max);
            }
            this.first = Math.min(this.first, first);
            this.last = Math.max(this.last, last);
        }
    }

    private final List<BanTarget> local;
    private volatile java.util.function.Predicate<IpAddress> banned = a -> false;
    private final Map<Long, String[]> pendingNames = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String[]> eldest) {
            return size() > MAX_PENDING_NAMES;
        }
    };

    /** @param localNetworks the networks whose addresses are devices */
    public DeviceInventory(List<BanTarget> localNetworks) {
        this.local = List.copyOf(localNetworks);
    }

    /** Which addresses are banned (their contacts cost a device reputation); thread-safe to replace. */
    public void bannedBy(java.util.function.Predicate<IpAddress> banned) {
        this.banned = banned;
    }

    /** True when {@code a} is a device address: inside a local network, not unspecified, multicast or broadcast. */
    public boolean isLocal(IpAddress a) {
        return !a.groupOrBroadcast() && !(a.hi() == 0 && a.lo() == 0) && BanTarget.anyContains(local, a);
    }

    /** The devices a window shows, in order of first appearance in it. */
    public List<Sighting> observe(FlowWindow w) {
        Map<String, Builder> seen = new LinkedHashMap<>();
        for (FlowRecord f : w.flows()) {
            long bytes = f.bytes();
            boolean ethernet = hasEthernet(f);
            if ((f.originatorMac() != 0 || !ethernet) && isLocal(f.originator())) {
                endpoint(seen, f.originator(), f.originatorMac(), f, bytes, f.responder(), true);
            }
            // a responder is a device only once it answers: a scan of the local range must not invent devices
            if (f.responderPackets() > 0 && (f.responderMac() != 0 || !ethernet) && isLocal(f.responder())) {
                endpoint(seen, f.responder(), f.responderMac(), f, bytes, f.originator(), false);
            }
        }
        for (ArpRecord a : w.arp()) {
            if (Mac.unicast(a.senderMac()) && isLocal(a.senderIp())) {
                seen.computeIfAbsent(Mac.text(a.senderMac()), k -> new Builder(a.senderMac()))
                        .saw(a.senderIp(), a.firstSeenNanos(), a.firstSeenNanos());
            }
        }
        Map<Long, String[]> named = new LinkedHashMap<>();
        for (DhcpRecord d : w.dhcp()) {
            if ((d.hostName() != null || d.vendorClass() != null) && Mac.unicast(d.clientMac())) {
                pendingNames.put(d.clientMac(), new String[] {d.hostName(), d.vendorClass()});
                named.put(d.clientMac(), new String[] {d.hostName(), d.vendorClass()});
            }
        }
        // mDNS names its sender announced: a name from DHCP in the same window comes first
        for (org.argus.flow.MdnsName m : w.mdns()) {
            if (Mac.unicast(m.mac()) && !named.containsKey(m.mac())) {
                pendingNames.putIfAbsent(m.mac(), new String[] {m.name(), null});
                named.put(m.mac(), new String[] {m.name(), null});
            }
        }
        List<Sighting> out = new ArrayList<>(seen.size());
        seen.forEach((key, b) -> {
            String[] names = b.mac != 0 ? pendingNames.remove(b.mac) : null;
            if (names != null) {
                b.hostName = names[0];
                b.vendorClass = names[1];
            }
            out.add(new Sighting(key, b.mac, Map.copyOf(b.addresses), b.first, b.last, b.bytes, b.flows, b.hostName, b.vendorClass,
                    java.util.Set.copyOf(b.banned), top(b.peers)));
            named.remove(b.mac);
        });
        // names of clients not otherwise seen this window: for a device the store already knows (a DHCP client
        // renaming itself, or one first seen by its IPv6 link-local traffic before it asked for a lease); never a
        // new device by themselves (DHCP starvation invents client addresses by the thousand)
        named.forEach((mac, names) -> out.add(new Sighting(Mac.text(mac), mac, Map.of(), w.startNanos(), w.startNanos(), 0, 0,
                names[0], names[1], java.util.Set.of(), List.of())));
        return out;
    }

    /** A flow seen on an Ethernet link: either side's frames carried a MAC. */
    private static boolean hasEthernet(FlowRecord f) {
        return f.originatorMac() != 0 || f.responderMac() != 0;
    }

    /**
     * @param peer      the other end of the flow
     * @param initiated the device originated the flow (only then does a banned peer count against it: answering an
     *                  attacker is no fault)
     */
    private void endpoint(Map<String, Builder> seen, IpAddress a, long mac, FlowRecord f, long bytes, IpAddress peer, boolean initiated) {
        String key;
        if (mac != 0) {
            if (!Mac.unicast(mac)) {
                return;
            }
            key = Mac.text(mac);
        } else {
            key = a.toString();
        }
        Builder b = seen.computeIfAbsent(key, k -> new Builder(mac));
        b.saw(a, f.firstSeenNanos(), f.lastSeenNanos());
        b.bytes += bytes;
        b.flows++;
        if (initiated && banned.test(peer)) {
            if (b.banned.isEmpty()) {
                b.banned = new java.util.LinkedHashSet<>();
            }
            b.banned.add(peer);
        }
        long[] p = b.peers.get(peer);
        if (p == null && b.peers.size() < MAX_PEERS) {
            b.peers.put(peer, p = new long[2]);
        }
        if (p != null) {
            p[0] += bytes;
            p[1]++;
        }
    }

    private static List<Peer> top(Map<IpAddress, long[]> peers) {
        return peers.entrySet().stream()
                .sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
                .limit(TOP_PEERS).map(e -> new Peer(e.getKey(), e.getValue()[0], e.getValue()[1])).toList();
    }
}
