package org.argus.capture;

/** What pcap4j still does for Argus besides listing interfaces: checking a BPF filter at start; and one message. */
public final class Pcap4j {
    /** Said when libpcap cannot be found (by JNA or FFM). */
    public static final String LIBPCAP_MISSING = "libpcap is not installed (Debian: apt-get install libpcap0.8)";

    private Pcap4j() {
    }

    /**
     * Compiles a BPF filter the way the live capture will (libpcap's {@code pcap_compile} on a dead Ethernet handle
     * with this snaplen), so a filter that can only fail at start fails at {@code validate}.
     *
     * @return null when the filter is empty or compiles (or libpcap is not installed: the capture says so itself),
     *         else libpcap's message
     */
    public static String filterProblem(String filter, int snaplen) {
        if (filter == null || filter.isBlank()) {
            return null;
        }
        try {
            org.pcap4j.core.PcapHandle dead = org.pcap4j.core.Pcaps.openDead(org.pcap4j.packet.namednumber.DataLinkType.EN10MB, snaplen);
            try {
                dead.compileFilter(filter, org.pcap4j.core.BpfProgram.BpfCompileMode.OPTIMIZE,
                        org.pcap4j.core.PcapHandle.PCAP_NETMASK_UNKNOWN).free();
                return null;
            } finally {
                dead.close();
            }
        } catch (org.pcap4j.core.PcapNativeException | org.pcap4j.core.NotOpenException e) {
            return e.getMessage();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return null;
        }
    }
}
