package org.argus.device;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * nmap's XML output ({@code -oX -}, format 1.05 of nmap 7.x: {@code nmaprun/host/ports/port} with {@code state} and
 * {@code service} children), read with the JDK's StAX parser, DTDs and external entities off (the output names a
 * DTD and a stylesheet it does not need).
 */
public final class NmapXml {
    private NmapXml() {
    }

    /** One open port. {@code service} is nmap's name for it ({@code telnet}, {@code http}, ...), or null. */
    public record OpenPort(int port, String protocol, String service) {
    }

    /**
     * What one scan found.
     *
     * @param hostUp    nmap reported the host up (with {@code -Pn} it always is, unless it timed out)
     * @param openPorts ports in state {@code open}, in the file's order
     * @param finished  the file has nmap's {@code runstats/finished} element (a complete run)
     */
    public record Result(boolean hostUp, List<OpenPort> openPorts, boolean finished) {
    }

    /**
     * Parses one run.
     *
     * @throws IllegalArgumentException when it is not well-formed nmap XML (the parser's message)
     */
    public static Result parse(byte[] xml) {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory(); // the JDK's own, whatever else the classpath brings
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        List<OpenPort> open = new ArrayList<>();
        boolean up = false, finished = false, sawRun = false;
        try {
            XMLStreamReader r = f.createXMLStreamReader(new ByteArrayInputStream(xml));
            int port = -1;
            String protocol = null, state = null, service = null;
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    switch (r.getLocalName()) {
                        case "nmaprun" -> sawRun = true;
                        case "status" -> up |= "up".equals(r.getAttributeValue(null, "state"));
                        case "port" -> {
                            port = Integer.parseInt(r.getAttributeValue(null, "portid"));
                            protocol = r.getAttributeValue(null, "protocol");
                            state = null;
                            service = null;
                        }
                        case "state" -> state = r.getAttributeValue(null, "state");
                        case "service" -> service = r.getAttributeValue(null, "name");
                        case "finished" -> finished = true;
                        default -> { }
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT && r.getLocalName().equals("port")) {
                    if ("open".equals(state) && port >= 0) {
                        open.add(new OpenPort(port, protocol, service));
                    }
                    port = -1;
                }
            }
        } catch (XMLStreamException | RuntimeException e) {
            throw new IllegalArgumentException("not nmap XML: " + e.getMessage(), e);
        }
        if (!sawRun) {
            throw new IllegalArgumentException("not nmap XML: no nmaprun element");
        }
        return new Result(up, List.copyOf(open), finished);
    }
}
