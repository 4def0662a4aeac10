package org.argus.device;

import java.util.ArrayList;
import java.util.List;
import org.argus.blacklist.BanRequest;
import org.argus.blacklist.BanSource;
import org.argus.flow.IpAddress;

/**
 * Auto-quarantine at the critical band ({@code devices.quarantine_on_critical}): the quarantine entries ({@link
 * org.argus.blacklist.Action#QUARANTINE}: the device keeps the gateway, DNS servers and the sensor) to ask the blacklist for
 * when a device's trust falls into {@link TrustScore.Band#CRITICAL} — one per address of it inside the local networks
 * (IPv6 link-local ones excepted: a ban names a routable address), risk {@code high}, the default TTL, source
 * {@code detector:device_trust}. They go through {@code argus.blacklist.add} like an operator's ban, so the allowlist
 * (the operator, the sensor itself, gateways), the dry-run and the emergency stop apply to them as to any other.
 */
public final class Quarantine {
    /** The ban source of a quarantine. */
    public static final BanSource SOURCE = new BanSource.Detector("device_trust");

    private Quarantine() {
    }

    /**
     * @param isLocal which addresses are inside the local networks
     * @return the bans to ask for: none unless the band just became critical
     */
    public static List<BanRequest> bans(Device d, TrustScore.Band before, TrustScore.Band now,
                                        java.util.function.Predicate<IpAddress> isLocal) {
        if (now != TrustScore.Band.CRITICAL || before == TrustScore.Band.CRITICAL) {
            return List.of();
        }
        String why = d.trust().reasons().isEmpty() ? "" : ": " + d.trust().reasons().get(0);
        List<BanRequest> out = new ArrayList<>();
        for (Device.Address a : d.addresses()) {
            IpAddress ip;
            try {
                ip = IpAddress.parse(a.address());
            } catch (RuntimeException e) {
                continue;
            }
            if (!isLocal.test(ip) || (ip.v6() && (ip.hi() >>> 54) == 0x3fa)) {
                continue;
            }
            out.add(new BanRequest(a.address(), "quarantine: device " + d.key() + " trust " + d.trust().total() + " critical" + why,
                    "high", null, SOURCE, org.argus.blacklist.Action.QUARANTINE));
        }
        return out;
    }
}
