package org.argus.device;

import java.nio.file.Path;
import java.util.List;
import org.argus.blacklist.BanTarget;

/**
 * {@code devices.*}.
 *
 * @param enabled       keep a device inventory at all
 * @param dbPath        the SQLite file ({@code db_path}; empty in the document: {@code devices.db} beside
 *                      {@code enforcement.blacklist_db_path})
 * @param localNetworks networks whose addresses are devices of this network ({@code local_networks}); empty: the
 *                      capture interface's own subnets (live), or the private ranges (10/8, 172.16/12, 192.168/16,
 *                      fc00::/7, fe80::/10) when there is no interface to ask
 * @param manufPath     Wireshark's {@code manuf} file for vendors ({@code manuf_path}); missing: no vendors, said
 *                      once in the log and in {@code /status}
 * @param maxDevices    most devices kept ({@code max_devices}); sightings of further new ones are counted and not
 *                      stored (a spoofed flood or ARP storm must not grow the database without bound)
 * @param maxAddresses  addresses kept per device, the most recently seen ({@code max_addresses_per_device})
 * @param scan          vulnerability scans ({@code scan.*})
 * @param trustWeights  the trust score's part weights ({@code trust.behaviour_weight}, {@code vulnerability_weight},
 *                      {@code reputation_weight})
 * @param recovery      how long a penalty takes to recover fully ({@code trust.recovery_hours})
 * @param quarantineOnCritical ban a device whose trust becomes critical ({@code quarantine_on_critical};
 *                      {@link Quarantine})
 */
public record DeviceSettings(boolean enabled, Path dbPath, List<BanTarget> localNetworks, Path manufPath,
                             int maxDevices, int maxAddresses, DeviceScanner.Settings scan, TrustScore.Weights trustWeights,
                             java.time.Duration recovery, boolean quarantineOnCritical) {
    /** The ranges used when no network is configured and no interface can be asked. */
    public static final List<String> PRIVATE_RANGES = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fe80::/10");
}
