package org.argus.device;

import java.util.Map;

/**
 * How much an open port weighs against a home device: a documented table by port (TCP), from what home-network
 * guidance and the seeds name as exposure — cleartext logins and remote-control services first. Each entry has a
 * risk word ({@code high}, {@code medium}, {@code low}) and the reason shown with the finding. Ports not in the
 * table are {@code low} ("an open service").
 */
public final class ServiceRisk {
    private ServiceRisk() {
    }

    /** Risk of one open port and why. */
    public record Rating(String risk, String why) {
    }

    private static final Map<Integer, Rating> TABLE = Map.ofEntries(
            Map.entry(23, new Rating("high", "Telnet: cleartext remote login, the Mirai botnet's way in")),
            Map.entry(2323, new Rating("high", "Telnet on an alternate port (IoT)")),
            Map.entry(445, new Rating("high", "SMB file sharing (EternalBlue, ransomware spread)")),
            Map.entry(139, new Rating("medium", "NetBIOS session service (old Windows sharing)")),
            Map.entry(3389, new Rating("high", "RDP remote desktop (brute force, BlueKeep)")),
            Map.entry(5900, new Rating("high", "VNC remote desktop, often without a password")),
            Map.entry(5901, new Rating("high", "VNC remote desktop, often without a password")),
            Map.entry(21, new Rating("medium", "FTP: cleartext logins and files")),
            Map.entry(1900, new Rating("medium", "UPnP/SSDP: opens router ports on request, reflection source")),
            Map.entry(5000, new Rating("medium", "UPnP control or an admin panel")),
            Map.entry(3306, new Rating("high", "MySQL database reachable on the network")),
            Map.entry(5432, new Rating("high", "PostgreSQL database reachable on the network")),
            Map.entry(1433, new Rating("high", "Microsoft SQL Server reachable on the network")),
            Map.entry(6379, new Rating("high", "Redis, usually without authentication")),
            Map.entry(27017, new Rating("high", "MongoDB, often without authentication")),
            Map.entry(9200, new Rating("high", "Elasticsearch, usually without authentication")),
            Map.entry(1883, new Rating("medium", "MQTT broker without TLS (IoT control)")),
            Map.entry(554, new Rating("medium", "RTSP camera stream")),
            Map.entry(8080, new Rating("medium", "HTTP admin panel or proxy")),
            Map.entry(8081, new Rating("medium", "HTTP admin panel")),
            Map.entry(8443, new Rating("low", "HTTPS admin panel")),
            Map.entry(80, new Rating("medium", "HTTP: a web admin panel without TLS")),
            Map.entry(443, new Rating("low", "HTTPS service")),
            Map.entry(22, new Rating("low", "SSH (safe with keys; a target for brute force)")),
            Map.entry(53, new Rating("low", "DNS server")),
            Map.entry(111, new Rating("medium", "RPC portmapper (NFS), a reflection source")),
            Map.entry(2049, new Rating("medium", "NFS file sharing")),
            Map.entry(161, new Rating("medium", "SNMP")),
            Map.entry(9100, new Rating("low", "printer (raw print jobs)")),
            Map.entry(631, new Rating("low", "printer (IPP)")));

    /** The rating of an open TCP port. */
    public static Rating of(int port) {
        return TABLE.getOrDefault(port, new Rating("low", "an open service"));
    }

    /** The whole table, for documentation and tests. */
    public static Map<Integer, Rating> table() {
        return TABLE;
    }
}
