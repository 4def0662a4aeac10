package org.argus.detect;

import java.util.Locale;

/**
 * What the address in a decision did: {@code attacker} (it sent the traffic: a ban candidate), {@code victim}
 * (it received a flood whose sources are spoofed or reflected: an alert about the destination, never a ban), or
 * {@code compromised} (a local device that contacted an address a threat feed lists, e.g. a botnet C2 server: an
 * alert about the device, never a ban of it).
 */
public enum Role {
    ATTACKER, VICTIM, COMPROMISED;

    /** Lower-case name used in JSON. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
