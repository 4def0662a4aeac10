package org.argus.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import org.argus.capture.Pcap4j;
import org.argus.flow.IpAddress;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code interfaces}: lists libpcap's capture interfaces with their addresses and whether they are up. */
@Command(name = "interfaces", mixinStandardHelpOptions = true,
        description = "List capture interfaces with addresses and up/down state.")
final class InterfacesCommand implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON array instead of a table.")
    boolean json;

    @Override
    public Integer call() {
        List<PcapNetworkInterface> devs;
        try {
            devs = Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            System.err.println("argus interfaces: libpcap cannot list interfaces: " + e.getMessage());
            return 2;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            System.err.println("argus interfaces: " + Pcap4j.LIBPCAP_MISSING);
            return 2;
        }
        JsonArray all = new JsonArray();
        for (PcapNetworkInterface d : devs) {
            JsonArray addrs = new JsonArray();
            for (PcapAddress a : d.getAddresses()) {
                if (a.getAddress() != null) {
                    addrs.add(IpAddress.of(a.getAddress().getAddress()).toString());
                }
            }
            all.add(new JsonObject().put("name", d.getName()).put("up", d.isUp()).put("running", d.isRunning())
                    .put("loopback", d.isLoopBack()).put("addresses", addrs)
                    .put("description", d.getDescription() == null ? "" : d.getDescription()));
        }
        if (json) {
            System.out.println(all.encode());
            return 0;
        }
        System.out.printf("%-16s %-5s %-8s %s%n", "INTERFACE", "STATE", "LOOPBACK", "ADDRESSES");
        for (Object o : all) {
            JsonObject d = (JsonObject) o;
            System.out.printf("%-16s %-5s %-8s %s%n", d.getString("name"), d.getBoolean("up") ? "up" : "down",
                    d.getBoolean("loopback") ? "yes" : "no", String.join(", ", d.getJsonArray("addresses").getList()));
        }
        return 0;
    }
}
