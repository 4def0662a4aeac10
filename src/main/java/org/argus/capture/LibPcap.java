package org.argus.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * libpcap through the JDK's foreign function interface (FFM, final since JDK 22): one downcall per packet
 * ({@code pcap_next_ex}) and one copy of the captured bytes into a buffer the handle owns, where pcap4j costs a JNA
 * upcall and a new {@code byte[]} per packet. Used for live capture and for the files the plain-Java parser declines;
 * pcap4j still lists interfaces and checks filters at {@code validate}.
 *
 * <p>Structures are read with the platform's C layouts ({@code struct pcap_pkthdr} is {@code struct timeval} — two C
 * {@code long}s — then two 32-bit lengths), so the same code serves x86_64 and aarch64. The library is looked up as
 * {@code libpcap.so.1}, {@code libpcap.so.0.8} (Debian's {@code libpcap0.8}), {@code libpcap.so}, then
 * {@code libpcap.dylib}. A handle is used by one thread: the one that opened it.
 */
public final class LibPcap implements AutoCloseable {
    /** {@code pcap_next_ex}: a packet was read. */
    public static final int OK = 1;
    /** {@code pcap_next_ex}: no packet now (non-blocking mode or read timeout). */
    public static final int NONE = 0;
    /** {@code pcap_next_ex}: end of a savefile, or {@code pcap_breakloop}. */
    public static final int END = -2;

    private static final int ERRBUF_SIZE = 256; // PCAP_ERRBUF_SIZE
    private static final int TSTAMP_PRECISION_NANO = 1; // PCAP_TSTAMP_PRECISION_NANO
    private static final int ERROR_TSTAMP_PRECISION_NOTSUP = -12;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final ValueLayout C_LONG = (ValueLayout) LINKER.canonicalLayouts().get("long");
    private static final long HDR_CAPLEN = 2 * C_LONG.byteSize();
    private static final long HDR_LEN = HDR_CAPLEN + 4;
    /** Every address: lets a packet's header and bytes be read at the addresses libpcap returns, with no object per packet. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    /** {@code struct bpf_program}: {@code u_int bf_len; struct bpf_insn *bf_insns;}. */
    private static final MemoryLayout BPF_PROGRAM = MemoryLayout.structLayout(ValueLayout.JAVA_INT,
            MemoryLayout.paddingLayout(ValueLayout.ADDRESS.byteSize() - 4), ValueLayout.ADDRESS);

    private static final Functions F = Functions.load();

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment pcap;
    private final MemorySegment headerRef = arena.allocate(ValueLayout.ADDRESS);
    private final MemorySegment dataRef = arena.allocate(ValueLayout.ADDRESS);
    private final MemorySegment stat = arena.allocate(12); // struct pcap_stat: three u_int
    private final boolean nanos;
    private final byte[] frame;
    private final ByteBuffer frameView;
    private boolean closed;

    /** Time of the packet {@link #next()} last read, ns since the epoch. */
    public long tsNanos;
    /** Captured length of that packet: bytes valid in {@link #frame()}. */
    public int caplen;
    /** Its original length on the wire, link header included ({@code pcap_pkthdr.len}). */
    public int wireLen;

    private LibPcap(MemorySegment pcap, boolean nanos, int snaplen) {
        this.pcap = pcap;
        this.nanos = nanos;
        this.frame = new byte[Math.max(snaplen, 65_535)];
        this.frameView = ByteBuffer.wrap(frame);
    }

    /**
     * Opens a live interface: {@code pcap_create}, snaplen, promiscuous mode, read timeout, kernel buffer,
     * nanosecond timestamps when the platform has them, {@code pcap_activate}, then non-blocking mode.
     *
     * @param snaplen     bytes captured per frame
     * @param timeoutMs   libpcap read timeout
     * @param bufferBytes kernel capture buffer
     * @throws CaptureException when libpcap is missing or refuses (its message, e.g. "No such device exists" or
     *                          "Operation not permitted"); a warning from {@code pcap_activate} is not an error
     */
    public static LibPcap openLive(String iface, int snaplen, boolean promiscuous, int timeoutMs, int bufferBytes) throws CaptureException {
        Functions f = functions();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment err = tmp.allocate(ERRBUF_SIZE);
            MemorySegment p = (MemorySegment) f.create.invokeExact(tmp.allocateFrom(iface), err);
            if (p.address() == 0) {
                throw new CaptureException("cannot open interface " + iface + ": " + err.getString(0));
            }
            boolean ok = false;
            try {
                int ignored = (int) f.setSnaplen.invokeExact(p, snaplen);
                ignored = (int) f.setPromisc.invokeExact(p, promiscuous ? 1 : 0);
                ignored = (int) f.setTimeout.invokeExact(p, timeoutMs);
                ignored = (int) f.setBufferSize.invokeExact(p, bufferBytes);
                boolean nanos = (int) f.setTstampPrecision.invokeExact(p, TSTAMP_PRECISION_NANO) == 0;
                int rc = (int) f.activate.invokeExact(p);
                if (rc < 0) {
                    String why = statusText(f, rc);
                    String detail = ((MemorySegment) f.geterr.invokeExact(p)).reinterpret(ERRBUF_SIZE).getString(0);
                    throw new CaptureException("cannot open interface " + iface + ": " + why
                            + (detail.isBlank() || detail.equals(why) ? "" : " (" + detail + ")"));
                }
                if ((int) f.setnonblock.invokeExact(p, 1, err) < 0) {
                    throw new CaptureException("cannot open interface " + iface + ": " + err.getString(0));
                }
                LibPcap h = new LibPcap(p, nanos, snaplen);
                ok = true;
                return h;
            } finally {
                if (!ok) {
                    closeQuietly(f, p);
                }
            }
        } catch (CaptureException e) {
            throw e;
        } catch (Throwable e) {
            throw new CaptureException("cannot open interface " + iface + ": " + e, e);
        }
    }

    /**
     * Opens a savefile (pcap or pcapng) at nanosecond precision.
     *
     * @throws CaptureException with libpcap's message when it is not a file libpcap reads
     */
    public static LibPcap openOffline(String path) throws CaptureException {
        Functions f = functions();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment err = tmp.allocate(ERRBUF_SIZE);
            MemorySegment p = (MemorySegment) f.openOffline.invokeExact(tmp.allocateFrom(path), TSTAMP_PRECISION_NANO, err);
            if (p.address() == 0) {
                throw new CaptureException(path + ": not a readable pcap or pcapng file (libpcap: " + err.getString(0) + ")");
            }
            return new LibPcap(p, true, 262_144);
        } catch (CaptureException e) {
            throw e;
        } catch (Throwable e) {
            throw new CaptureException(path + ": " + e, e);
        }
    }

    private static Functions functions() throws CaptureException {
        if (F.missing != null) {
            throw new CaptureException(Pcap4j.LIBPCAP_MISSING + ": " + F.missing);
        }
        return F;
    }

    /** The handle's link type ({@code pcap_datalink}: a DLT value). */
    public int linkType() {
        try {
            return (int) F.datalink.invokeExact(pcap);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compiles (optimized, netmask unknown) and installs a BPF filter.
     *
     * @throws CaptureException with libpcap's message when the expression does not compile or cannot be installed
     */
    public void setFilter(String expression) throws CaptureException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment program = tmp.allocate(BPF_PROGRAM);
            if ((int) F.compile.invokeExact(pcap, program, tmp.allocateFrom(expression), 1, -1) < 0) {
                throw new CaptureException(error());
            }
            try {
                if ((int) F.setfilter.invokeExact(pcap, program) < 0) {
                    throw new CaptureException(error());
                }
            } finally {
                F.freecode.invokeExact(program);
            }
        } catch (CaptureException e) {
            throw e;
        } catch (Throwable e) {
            throw new CaptureException(String.valueOf(e), e);
        }
    }

    /**
     * Reads the next packet into {@link #frame()}, {@link #tsNanos}, {@link #caplen} and {@link #wireLen}.
     *
     * @return {@link #OK}, {@link #NONE} or {@link #END}
     * @throws CaptureException on a read error (libpcap's message: the interface went away, a savefile is cut short)
     */
    public int next() throws CaptureException {
        int rc;
        try {
            rc = (int) F.nextEx.invokeExact(pcap, headerRef, dataRef);
        } catch (Throwable e) {
            throw new CaptureException(String.valueOf(e), e);
        }
        if (rc != OK) {
            if (rc == NONE || rc == END) {
                return rc;
            }
            throw new CaptureException(error());
        }
        long hdr = pointer(headerRef);
        long sec = C_LONG.byteSize() == 8 ? ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, hdr) : ALL.get(ValueLayout.JAVA_INT_UNALIGNED, hdr);
        long frac = C_LONG.byteSize() == 8 ? ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, hdr + C_LONG.byteSize())
                : ALL.get(ValueLayout.JAVA_INT_UNALIGNED, hdr + C_LONG.byteSize());
        tsNanos = sec * 1_000_000_000L + (nanos ? frac : frac * 1000L);
        int cap = ALL.get(ValueLayout.JAVA_INT_UNALIGNED, hdr + HDR_CAPLEN);
        wireLen = ALL.get(ValueLayout.JAVA_INT_UNALIGNED, hdr + HDR_LEN);
        caplen = Math.min(Math.max(cap, 0), frame.length);
        MemorySegment.copy(ALL, ValueLayout.JAVA_BYTE, pointer(dataRef), frame, 0, caplen);
        return OK;
    }

    private static long pointer(MemorySegment ref) {
        return ValueLayout.ADDRESS.byteSize() == 8 ? ref.get(ValueLayout.JAVA_LONG, 0) : Integer.toUnsignedLong(ref.get(ValueLayout.JAVA_INT, 0));
    }

    /** The bytes of the last packet read (valid up to {@link #caplen}; overwritten by the next read), big-endian. */
    public ByteBuffer frame() {
        return frameView;
    }

    /**
     * Kernel counters since the handle opened ({@code pcap_stats}: received, dropped by the capture buffer,
     * dropped by the interface), as unsigned 32-bit values widened to long.
     *
     * @return {received, dropped, ifDropped}, or null when libpcap cannot say (a savefile)
     */
    public long[] stats() {
        try {
            if ((int) F.stats.invokeExact(pcap, stat) < 0) {
                return null;
            }
        } catch (Throwable e) {
            return null;
        }
        return new long[] {Integer.toUnsignedLong(stat.get(ValueLayout.JAVA_INT, 0)),
                Integer.toUnsignedLong(stat.get(ValueLayout.JAVA_INT, 4)), Integer.toUnsignedLong(stat.get(ValueLayout.JAVA_INT, 8))};
    }

    /** libpcap's last error text for this handle ({@code pcap_geterr}). */
    public String error() {
        try {
            return ((MemorySegment) F.geterr.invokeExact(pcap)).reinterpret(ERRBUF_SIZE).getString(0);
        } catch (Throwable e) {
            return String.valueOf(e);
        }
    }

    /** Closes the handle ({@code pcap_close}); idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly(F, pcap);
            arena.close();
        }
    }

    private static void closeQuietly(Functions f, MemorySegment p) {
        try {
            f.close.invokeExact(p);
        } catch (Throwable ignored) {
            // nothing left to do
        }
    }

    private static String statusText(Functions f, int status) throws Throwable {
        return ((MemorySegment) f.statustostr.invokeExact(status)).reinterpret(ERRBUF_SIZE).getString(0);
    }

    /** The bound functions, or why libpcap could not be found. */
    private record Functions(String missing, MethodHandle create, MethodHandle setSnaplen, MethodHandle setPromisc,
                             MethodHandle setTimeout, MethodHandle setBufferSize, MethodHandle setTstampPrecision,
                             MethodHandle activate, MethodHandle setnonblock, MethodHandle openOffline,
                             MethodHandle datalink, MethodHandle compile, MethodHandle setfilter, MethodHandle freecode,
                             MethodHandle nextEx, MethodHandle stats, MethodHandle geterr, MethodHandle statustostr,
                             MethodHandle close) {
        static Functions load() {
            SymbolLookup lib = null;
            String tried = "";
            for (String name : new String[] {"libpcap.so.1", "libpcap.so.0.8", "libpcap.so", "libpcap.dylib"}) {
                try {
                    lib = SymbolLookup.libraryLookup(name, Arena.global());
                    break;
                } catch (IllegalArgumentException e) {
                    tried += (tried.isEmpty() ? "" : ", ") + name;
                }
            }
            if (lib == null) {
                return new Functions("none of " + tried + " found", null, null, null, null, null, null, null, null, null,
                        null, null, null, null, null, null, null, null, null);
            }
            ValueLayout a = ValueLayout.ADDRESS;
            ValueLayout i = ValueLayout.JAVA_INT;
            SymbolLookup l = lib;
            return new Functions(null,
                    bind(l, "pcap_create", FunctionDescriptor.of(a, a, a)),
                    bind(l, "pcap_set_snaplen", FunctionDescriptor.of(i, a, i)),
                    bind(l, "pcap_set_promisc", FunctionDescriptor.of(i, a, i)),
                    bind(l, "pcap_set_timeout", FunctionDescriptor.of(i, a, i)),
                    bind(l, "pcap_set_buffer_size", FunctionDescriptor.of(i, a, i)),
                    bind(l, "pcap_set_tstamp_precision", FunctionDescriptor.of(i, a, i)),
                    bind(l, "pcap_activate", FunctionDescriptor.of(i, a)),
                    bind(l, "pcap_setnonblock", FunctionDescriptor.of(i, a, i, a)),
                    bind(l, "pcap_open_offline_with_tstamp_precision", FunctionDescriptor.of(a, a, i, a)),
                    bind(l, "pcap_datalink", FunctionDescriptor.of(i, a)),
                    bind(l, "pcap_compile", FunctionDescriptor.of(i, a, a, a, i, i)),
                    bind(l, "pcap_setfilter", FunctionDescriptor.of(i, a, a)),
                    bind(l, "pcap_freecode", FunctionDescriptor.ofVoid(a)),
                    // short and never blocking here (non-blocking live handles, savefiles): no thread-state switch
                    LINKER.downcallHandle(l.find("pcap_next_ex").orElseThrow(), FunctionDescriptor.of(i, a, a, a), Linker.Option.critical(false)),
                    bind(l, "pcap_stats", FunctionDescriptor.of(i, a, a)),
                    bind(l, "pcap_geterr", FunctionDescriptor.of(a, a)),
                    bind(l, "pcap_statustostr", FunctionDescriptor.of(a, i)),
                    bind(l, "pcap_close", FunctionDescriptor.ofVoid(a)));
        }

        private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor d) {
            return LINKER.downcallHandle(lib.find(name).orElseThrow(), d);
        }
    }
}
