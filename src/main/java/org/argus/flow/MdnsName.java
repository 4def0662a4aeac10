package org.argus.flow;

/**
 * A host name a device announced for itself over mDNS (RFC 6762) in a window: the first label of the
 * {@code <name>.local} owner name of an A or AAAA answer in a response it sent. Immutable.
 *
 * @param mac  the Ethernet source address of the response (low 48 bits, first octet highest)
 * @param name the announced host name, printable ASCII (others as '?')
 */
public record MdnsName(long mac, String name) {
}
