package org.argus.detect;

import java.util.List;
import java.util.function.Predicate;
import org.argus.blacklist.BanTarget;
import org.argus.flow.FlowRecord;

/**
 * The fast path (Kronos's first route in the Ulti_Argus seed): flows the operator vouches for, which the model does
 * not score and the payload classifier does not inspect — flows from an allowlisted originator
 * ({@code routing.allowlist_fast_path}, the configured {@code enforcement.allowlist}) and flows to a known-good
 * service ({@code routing.known_good_services}: {@code PORT}, {@code CIDR} or {@code CIDR:PORT}, an IPv6 CIDR in
 * brackets, {@code [2001:db8::/32]:443}) and flows from a trusted device ({@code routing.trusted_devices}: a MAC
 * address, matched against the originator's Ethernet source, or an address or CIDR). The heuristics still see every
 * flow. Immutable.
 *
 * @param originators allowlisted originator networks and trusted devices' addresses
 * @param services    known-good services (responder network and port)
 * @param trustedMacs trusted devices' MAC addresses (low 48 bits)
 */
public record FastPath(List<BanTarget> originators, List<Service> services, java.util.Set<Long> trustedMacs)
        implements Predicate<FlowRecord> {
    /** Nothing on the fast path. */
    public static final FastPath NONE = new FastPath(List.of(), List.of());

    /** Without trusted devices' MACs. */
    public FastPath(List<BanTarget> originators, List<Service> services) {
        this(originators, services, java.util.Set.of());
    }

    /**
     * One known-good service.
     *
     * @param network responder network, or null for any
     * @param port    responder port, or -1 for any
     */
    public record Service(BanTarget network, int port) {
        /**
         * Parses {@code PORT}, {@code CIDR}, {@code CIDR:PORT} or {@code [IPv6 CIDR]:PORT}.
         *
         * @throws IllegalArgumentException saying what is wrong with the text
         */
        public static Service parse(String text) {
            String t = text.strip();
            if (t.matches("\\d{1,5}")) {
                return new Service(null, port(t, text));
            }
            if (t.startsWith("[")) {
                int close = t.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("\"" + text + "\": no closing ]");
                }
                String rest = t.substring(close + 1);
                if (!rest.isEmpty() && !rest.startsWith(":")) {
                    throw new IllegalArgumentException("\"" + text + "\": expected :PORT after ]");
                }
                return new Service(BanTarget.parseCidr(t.substring(1, close)), rest.isEmpty() ? -1 : port(rest.substring(1), text));
            }
            int colon = t.lastIndexOf(':');
            if (colon > 0 && t.indexOf(':') == colon) {
                return new Service(BanTarget.parseCidr(t.substring(0, colon)), port(t.substring(colon + 1), text));
            }
            return new Service(BanTarget.parseCidr(t), -1);
        }

        private static int port(String p, String text) {
            int v;
            try {
                v = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + text + "\": port \"" + p + "\" is not a number");
            }
            if (v < 1 || v > 65_535) {
                throw new IllegalArgumentException("\"" + text + "\": port " + v + " is outside 1..65535");
            }
            return v;
        }

        boolean matches(FlowRecord f) {
            return (port < 0 || f.responderPort() == port) && (network == null || network.contains(f.responder()));
        }
    }

    public FastPath {
        originators = List.copyOf(originators);
        services = List.copyOf(services);
        trustedMacs = java.util.Set.copyOf(trustedMacs);
    }

    /** True when nothing is on the fast path. */
    public boolean empty() {
        return originators.isEmpty() && services.isEmpty() && trustedMacs.isEmpty();
    }

    @Override
    public boolean test(FlowRecord f) {
        for (Service s : services) {
            if (s.matches(f)) {
                return true;
            }
        }
        if (!trustedMacs.isEmpty() && f.originatorMac() != 0 && trustedMacs.contains(f.originatorMac())) {
            return true;
        }
        return !originators.isEmpty() && BanTarget.anyContains(originators, f.originator());
    }
}
