package org.argus.enforce;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.argus.blacklist.BanTarget;
import org.argus.flow.IpAddress;

/**
 * XDP: bans dropped in the network driver, before the kernel allocates a socket buffer ({@code src/main/bpf/argus_xdp.c},
 * built by the pom with clang for the BPF target and shipped in the jar as {@code /bpf/argus_xdp.o}). The program
 * looks the source address of every IPv4/IPv6 packet (Ethernet, up to two VLAN tags) up in four longest-prefix-match
 * maps — {@code ban4}/{@code ban6} for the blacklist, {@code intel4}/{@code intel6} for {@code intel.block_listed} —
 * and each entry's value counts the packets it dropped.
 *
 * <p>Everything goes through {@code bpftool} as argument lists: {@code prog load … pinmaps} pins the program and maps
 * under {@code enforcement.xdp_pin_dir} (a bpffs is mounted on its parent when there is none, as systemd does at
 * {@code /sys/fs/bpf}), {@code net attach xdpdrv|xdpgeneric} attaches it (native mode where the driver has it: tried
 * first under {@code auto}), changes go as one {@code bpftool batch file -}, and {@link #removeAll()} detaches the
 * program and unpins the maps (the kernel frees them with the last reference). Another XDP program already on the
 * interface is never replaced: install fails naming it. Blocking; the enforcement worker is its caller.
 */
public final class XdpBackend implements Firewall {
    /** The program's name in the kernel (its C function). */
    static final String PROGRAM = "argus_xdp";
    private static final String OBJECT = "/bpf/argus_xdp.o";

    /** How to attach: {@code auto} tries the driver's native mode, then generic (skb) mode. */
    public enum Mode {
        AUTO, NATIVE, GENERIC;

        /** Parses {@code auto|native|generic}. */
        public static Mode parse(String s) {
            return switch (s) {
                case "auto" -> AUTO;
                case "native" -> NATIVE;
                case "generic" -> GENERIC;
                default -> throw new IllegalArgumentException("\"" + s + "\" is not one of auto, native, generic");
            };
        }
    }

    private final Commands sh;
    private final String iface;
    private final Path pins;
    private final Mode mode;
    private volatile String attached = "";

    /**
     * @param sh    command runner (a namespace prefix in tests)
     * @param iface the interface the program attaches to ({@code enforcement.xdp_interface}, by default the capture one)
     * @param pins  directory the program and maps are pinned under ({@code enforcement.xdp_pin_dir})
     */
    public XdpBackend(Commands sh, String iface, Path pins, Mode mode) {
        this.sh = sh;
        this.iface = iface;
        this.pins = pins;
        this.mode = mode;
    }

    @Override
    public String name() {
        return "xdp";
    }

    /** Where bans are enforced, for {@code /status}: {@code xdp native on eth0}, {@code xdp generic on eth0}. */
    @Override
    public String hook() {
        String m = attached;
        return "xdp " + (m.isEmpty() ? "(not attached)" : m) + " on " + iface;
    }

    /**
     * The program's pin, named after the object's digest ({@code prog-<12 hex of sha256>}): a jar with another program
     * finds no pin of its own at start, so the old program is detached and the new one loaded (the enforcer then
     * refills the maps), instead of the old one staying in the kernel.
     */
    private String progPin() throws EnforcementException {
        if (digest == null) {
            try {
                digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(object())).substring(0, 12);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new EnforcementException("no SHA-256 in this JDK: " + e.getMessage(), e);
            }
        }
        return pins.resolve("prog-" + digest).toString();
    }

    private String digest;
    private byte[] object;

    /** The program object from the jar, read once. */
    private byte[] object() throws EnforcementException {
        if (object == null) {
            try (InputStream in = XdpBackend.class.getResourceAsStream(OBJECT)) {
                if (in == null) {
                    throw new EnforcementException("the jar has no " + OBJECT + " (built without clang?)");
                }
                object = in.readAllBytes();
            } catch (IOException e) {
                throw new EnforcementException("cannot read " + OBJECT + ": " + e.getMessage(), e);
            }
        }
        return object;
    }

    private String map(String name) {
        return pins.resolve("maps").resolve(name).toString();
    }

    @Override
    public void install() throws EnforcementException {
        Integer ours = pinnedProgramId();
        JsonObject on = attachedProgram();
        if (ours != null && on != null && ours.equals(on.getInteger("id"))) {
            attached = "driver".equals(on.getString("mode")) ? "native" : "generic";
            return; // a restart: the program and maps stay, the enforcer reconciles the bans
        }
        String other = on == null ? PROGRAM : programName(on.getInteger("id"));
        if (!PROGRAM.equals(other)) {
            throw new EnforcementException(iface + " already runs XDP program id " + on.getInteger("id") + " (" + other
                    + "); Argus does not replace another program");
        }
        removeAll();
        Path object = extractObject();
        try {
            mountBpffs();
            sh.must(null, "mkdir", "-p", pins.toString());
            sh.must(null, "bpftool", "prog", "load", object.toString(), progPin(), "type", "xdp",
                    "pinmaps", pins.resolve("maps").toString());
            attach();
        } finally {
            try {
                Files.deleteIfExists(object);
            } catch (IOException e) {
                // a temporary file; the next start writes another
            }
        }
    }

    private void attach() throws EnforcementException {
        String prog = progPin();
        if (mode != Mode.GENERIC) {
            Commands.Result r = sh.run(null, "bpftool", "net", "attach", "xdpdrv", "pinned", prog, "dev", iface);
            if (r.exit() == 0) {
                attached = "native";
                return;
            }
            if (mode == Mode.NATIVE) {
                throw new EnforcementException("native XDP on " + iface + " refused (enforcement.xdp_mode: native): " + r.err().strip()
                        + "; xdp_mode auto falls back to generic mode");
            }
        }
        sh.must(null, "bpftool", "net", "attach", "xdpgeneric", "pinned", prog, "dev", iface);
        attached = "generic";
    }

    /**
     * A bpffs for the pins: when the pin directory's parent is a bare {@code /sys/fs/bpf} (a system without systemd's
     * mount, or a fresh mount namespace) one is mounted there; any other parent must already be a bpffs, since
     * mounting over it would hide what it holds.
     */
    private void mountBpffs() throws EnforcementException {
        Path parent = pins.toAbsolutePath().getParent();
        Commands.Result fs = sh.run(null, "stat", "-f", "-c", "%T", parent.toString());
        if (fs.exit() == 0 && fs.out().strip().equals("bpf_fs")) {
            return;
        }
        if (!parent.equals(Path.of("/sys/fs/bpf"))) {
            throw new EnforcementException("enforcement.xdp_pin_dir: " + parent + " is not a BPF file system (mount -t bpf bpf "
                    + parent + ", or pin under /sys/fs/bpf)");
        }
        sh.must(null, "mount", "-t", "bpf", "bpf", parent.toString());
    }

    /** The object in a temporary file for {@code bpftool prog load}. */
    private Path extractObject() throws EnforcementException {
        byte[] bytes = object();
        try {
            Path tmp = Files.createTempFile("argus_xdp", ".o");
            Files.write(tmp, bytes);
            return tmp;
        } catch (IOException e) {
            throw new EnforcementException("cannot write the XDP object to a temporary file: " + e.getMessage(), e);
        }
    }

    private Integer pinnedProgramId() throws EnforcementException {
        Commands.Result r = sh.run(null, "bpftool", "-j", "prog", "show", "pinned", progPin());
        return r.exit() == 0 ? new JsonObject(r.out()).getInteger("id") : null;
    }

    private String programName(Integer id) throws EnforcementException {
        Commands.Result r = sh.run(null, "bpftool", "-j", "prog", "show", "id", String.valueOf(id));
        return r.exit() == 0 ? new JsonObject(r.out()).getString("name", "?") : "?";
    }

    /** The XDP attachment on our interface ({@code {"mode": "driver"|"generic"|…, "id": N}}), or null. */
    private JsonObject attachedProgram() throws EnforcementException {
        Commands.Result r = sh.run(null, "bpftool", "-j", "net", "show", "dev", iface);
        if (r.exit() != 0 || r.out().isBlank()) {
            return null;
        }
        JsonArray all = new JsonArray(r.out());
        for (Object o : all) {
            JsonArray xdp = ((JsonObject) o).getJsonArray("xdp", new JsonArray());
            if (!xdp.isEmpty()) {
                return xdp.getJsonObject(0);
            }
        }
        return null;
    }

    /** The LPM trie key: a host-order (little-endian on every machine we run on) u32 prefix length, then the address. */
    static String key(BanTarget t) {
        StringBuilder s = new StringBuilder("hex");
        int p = t.prefix();
        for (int i = 0; i < 4; i++) {
            s.append(String.format(Locale.ROOT, " %02x", (p >>> (8 * i)) & 0xff));
        }
        for (byte b : t.network().toBytes()) {
            s.append(String.format(Locale.ROOT, " %02x", b & 0xff));
        }
        return s.toString();
    }

    private static final String ZERO = "hex 00 00 00 00 00 00 00 00";

    private String update(String map, BanTarget t) {
        return "map update pinned " + map(map) + " key " + key(t) + " value " + ZERO + "\n";
    }

    private String delete(String map, BanTarget t) {
        return "map delete pinned " + map(map) + " key " + key(t) + "\n";
    }

    private static String banMap(BanTarget t) {
        return t.v6() ? "ban6" : "ban4";
    }

    @Override
    public void apply(Collection<BanTarget> add, Collection<BanTarget> remove) throws EnforcementException {
        if (add.isEmpty() && remove.isEmpty()) {
            return;
        }
        Set<BanTarget> present = remove.isEmpty() ? Set.of() : members();
        List<String> lines = new ArrayList<>();
        for (BanTarget t : remove) {
            if (present.contains(t)) {
                lines.add(delete(banMap(t), t));
            }
        }
        for (BanTarget t : add) {
            lines.add(update(banMap(t), t));
        }
        batch(lines);
    }

    /** One {@code bpftool batch}; when refused, each line alone so one bad entry cannot hold back the others. */
    private void batch(List<String> lines) throws EnforcementException {
        if (lines.isEmpty() || sh.run(String.join("", lines), "bpftool", "batch", "file", "-").exit() == 0) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (String line : lines) {
            Commands.Result r = sh.run(line, "bpftool", "batch", "file", "-");
            if (r.exit() != 0) {
                failures.add(line.strip() + ": " + r.err().strip().replace('\n', ' '));
            }
        }
        if (!failures.isEmpty()) {
            throw new EnforcementException("bpftool refused " + failures.size() + " change(s): " + String.join("; ", failures));
        }
    }

    /**
     * New feed entries are added before the old ones are deleted: a packet meets the old list, the union or the new
     * list, never an empty one (an LPM trie cannot be swapped in one step).
     */
    @Override
    public void replaceListed(Collection<BanTarget> blocks) throws EnforcementException {
        Set<BanTarget> old = dump("intel4").keySet();
        old.addAll(dump("intel6").keySet());
        Set<BanTarget> now = new HashSet<>(blocks);
        List<String> lines = new ArrayList<>();
        for (BanTarget b : now) {
            if (!old.contains(b)) {
                lines.add(update(b.v6() ? "intel6" : "intel4", b));
            }
        }
        for (BanTarget b : old) {
            if (!now.contains(b)) {
                lines.add(delete(b.v6() ? "intel6" : "intel4", b));
            }
        }
        batch(lines);
    }

    @Override
    public Set<BanTarget> members() throws EnforcementException {
        Set<BanTarget> out = new java.util.LinkedHashSet<>(dump("ban4").keySet());
        out.addAll(dump("ban6").keySet());
        return out;
    }

    /** Packets dropped per ban since it entered the map. */
    @Override
    public Map<BanTarget, Long> dropped() throws EnforcementException {
        Map<BanTarget, Long> out = dump("ban4");
        out.putAll(dump("ban6"));
        return out;
    }

    /**
     * The program's per-CPU totals summed: {@code seen}, {@code dropped_ban}, {@code dropped_feed},
     * {@code not_ip} (packets); empty when not loaded.
     */
    @Override
    public Map<String, Long> totals() throws EnforcementException {
        Commands.Result r = sh.run(null, "bpftool", "-j", "map", "dump", "pinned", map("totals"));
        Map<String, Long> out = new LinkedHashMap<>();
        if (r.exit() != 0) {
            return out;
        }
        String[] names = {"seen", "dropped_ban", "dropped_feed", "not_ip"};
        for (Object o : new JsonArray(r.out())) {
            JsonObject e = (JsonObject) o;
            int slot = (int) little(e.getJsonArray("key"));
            long sum = 0;
            for (Object v : e.getJsonArray("values")) {
                sum += little(((JsonObject) v).getJsonArray("value"));
            }
            if (slot < names.length) {
                out.put(names[slot], sum);
            }
        }
        return out;
    }

    /** Entries of one LPM map with their drop counters (empty when it is not pinned). */
    private Map<BanTarget, Long> dump(String name) throws EnforcementException {
        Commands.Result r = sh.run(null, "bpftool", "-j", "map", "dump", "pinned", map(name));
        Map<BanTarget, Long> out = new LinkedHashMap<>();
        if (r.exit() != 0 || r.out().isBlank()) {
            return out;
        }
        for (Object o : new JsonArray(r.out())) {
            JsonObject e = (JsonObject) o;
            JsonArray k = e.getJsonArray("key");
            byte[] bytes = new byte[k.size() - 4];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) hex(k.getString(4 + i));
            }
            int prefix = (int) little(new JsonArray(k.getList().subList(0, 4)));
            out.put(new BanTarget(IpAddress.of(bytes), prefix), little(e.getJsonArray("value")));
        }
        return out;
    }

    private static int hex(String s) {
        return Integer.parseInt(s.startsWith("0x") ? s.substring(2) : s, 16);
    }

    private static long little(JsonArray bytes) {
        long v = 0;
        for (int i = bytes.size() - 1; i >= 0; i--) {
            v = (v << 8) | hex(bytes.getString(i));
        }
        return v;
    }

    @Override
    public void removeAll() throws EnforcementException {
        List<String> errors = new ArrayList<>();
        JsonObject on = attachedProgram();
        if (on != null && PROGRAM.equals(programName(on.getInteger("id")))) {
            String how = "driver".equals(on.getString("mode")) ? "xdpdrv" : "generic".equals(on.getString("mode")) ? "xdpgeneric" : "xdp";
            Commands.Result r = sh.run(null, "bpftool", "net", "detach", how, "dev", iface);
            if (r.exit() != 0) {
                errors.add("bpftool net detach " + how + " dev " + iface + " exited " + r.exit() + ": " + r.err().strip());
            }
        }
        attached = "";
        Commands.Result rm = sh.run(null, "rm", "-rf", pins.toString());
        if (rm.exit() != 0) {
            errors.add("rm -rf " + pins + " exited " + rm.exit() + ": " + rm.err().strip());
        }
        if (!errors.isEmpty()) {
            throw new EnforcementException(String.join("; ", errors));
        }
    }
}
