package org.argus.enforce;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the sensor sits, read at start from sysfs: its capture interface is a Linux bridge ({@code br0} of an inline
 * Pi between modem and router: {@code /sys/class/net/IF/bridge} exists), a port of one ({@code …/brport} exists; the
 * bridge is {@code …/master}), or neither. On a bridge, frames between the ports never reach the IP input or forward
 * hooks unless {@code br_netfilter} passes them there ({@code /proc/sys/net/bridge/bridge-nf-call-iptables} = 1),
 * which a stock Raspberry Pi OS does not load: the nftables backend then adds a {@code bridge}-family table, and the
 * ipset backend can only say that bridged traffic is not enforced.
 *
 * @param iface       the capture interface ("" for a capture file)
 * @param bridge      the bridge it is or belongs to, or null
 * @param role        {@code bridge}, {@code port} or {@code none}
 * @param brNetfilter bridged IPv4 frames pass the iptables hooks ({@code bridge-nf-call-iptables} is 1)
 */
public record Topology(String iface, String bridge, String role, boolean brNetfilter) {
    /** Not on a bridge (or a capture file). */
    public static final Topology NONE = new Topology("", null, "none", false);

    /** Reads sysfs and procfs; an interface that is not there reads as {@code none}. */
    public static Topology detect(Path sysClassNet, Path procSys, String iface) {
        if (iface == null || iface.isBlank()) {
            return NONE;
        }
        Path dev = sysClassNet.resolve(iface);
        String bridge = null, role = "none";
        if (Files.isDirectory(dev.resolve("bridge"))) {
            bridge = iface;
            role = "bridge";
        } else if (Files.isDirectory(dev.resolve("brport"))) {
            role = "port";
            try {
                bridge = Files.readSymbolicLink(dev.resolve("master")).getFileName().toString();
            } catch (IOException | UnsupportedOperationException e) {
                bridge = "?";
            }
        }
        boolean brNetfilter = false;
        try {
            brNetfilter = Files.readString(procSys.resolve("net/bridge/bridge-nf-call-iptables")).strip().equals("1");
        } catch (IOException e) {
            // br_netfilter not loaded: the file does not exist
        }
        return new Topology(iface, bridge, role, brNetfilter);
    }

    /** The capture interface is a bridge or one of its ports. */
    public boolean bridged() {
        return bridge != null;
    }

    /** One line for logs and {@code /status}. */
    public String describe() {
        return switch (role) {
            case "bridge" -> iface + " is a bridge (inline)";
            case "port" -> iface + " is a port of bridge " + bridge + " (inline)";
            default -> iface.isEmpty() ? "no interface" : iface + " is not on a bridge";
        } + (bridged() ? "; br_netfilter " + (brNetfilter ? "on" : "off") : "");
    }
}
