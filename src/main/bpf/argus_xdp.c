// SPDX-License-Identifier: GPL-2.0-only
/*
 * Argus XDP blocklist: drops packets whose IPv4 or IPv6 source address is in one of four longest-prefix-match maps
 * (bans: ban4/ban6, written by the sensor from its blacklist; threat feeds: intel4/intel6, intel.block_listed).
 * Each entry's value counts the packets it dropped (one 64-bit counter, atomically incremented: an LPM trie has no
 * per-CPU variant). Ethernet frames with up to two VLAN tags (802.1Q 0x8100, QinQ 0x88a8 or 0x9100) are parsed to the
 * IP header; everything else passes. Per-CPU totals in `totals`: 0 packets seen, 1 dropped by a ban, 2 dropped by a
 * feed entry, 3 passed without an IP header.
 *
 * Keys follow the kernel's LPM trie contract (struct bpf_lpm_trie_key): a host-order u32 prefix length, then the
 * address bytes in network order. BPF bytecode is little-endian here (-target bpf on a little-endian host builds
 * bpfel), so one object serves x86_64 and aarch64.
 *
 * Build: clang -O2 -g -target bpf -c argus_xdp.c -o argus_xdp.o (the pom runs it; Debian: clang, libbpf-dev).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct lpm4 {
    __u32 prefixlen;
    __u8 addr[4];
};

struct lpm6 {
    __u32 prefixlen;
    __u8 addr[16];
};

struct vlan {
    __be16 tci;
    __be16 proto;
};

#define BAN_ENTRIES 262144
#define INTEL_ENTRIES 1048576

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __type(key, struct lpm4);
    __type(value, __u64);
    __uint(max_entries, BAN_ENTRIES);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} ban4 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __type(key, struct lpm6);
    __type(value, __u64);
    __uint(max_entries, BAN_ENTRIES);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} ban6 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __type(key, struct lpm4);
    __type(value, __u64);
    __uint(max_entries, INTEL_ENTRIES);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} intel4 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __type(key, struct lpm6);
    __type(value, __u64);
    __uint(max_entries, INTEL_ENTRIES);
    __uint(map_flags, BPF_F_NO_PREALLOC);
} intel6 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, __u32);
    __type(value, __u64);
    __uint(max_entries, 4);
} totals SEC(".maps");

static __always_inline void count(__u32 slot)
{
    __u64 *n = bpf_map_lookup_elem(&totals, &slot);
    if (n)
        *n += 1;
}

static __always_inline int verdict(__u64 *hits, __u32 slot)
{
    if (!hits)
        return 0;
    __sync_fetch_and_add(hits, 1);
    count(slot);
    return 1;
}

SEC("xdp")
int argus_xdp(struct xdp_md *ctx)
{
    void *data = (void *)(long)ctx->data;
    void *end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = data;
    void *cursor = eth + 1;

    count(0);
    if (cursor > end)
        return XDP_PASS;
    __be16 proto = eth->h_proto;
#pragma unroll
    for (int i = 0; i < 2; i++) {
        if (proto != bpf_htons(0x8100) && proto != bpf_htons(0x88a8) && proto != bpf_htons(0x9100))
            break;
        struct vlan *tag = cursor;
        if ((void *)(tag + 1) > end)
            return XDP_PASS;
        proto = tag->proto;
        cursor = tag + 1;
    }
    if (proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = cursor;
        if ((void *)(ip + 1) > end)
            return XDP_PASS;
        struct lpm4 key = {.prefixlen = 32};
        __builtin_memcpy(key.addr, &ip->saddr, 4);
        if (verdict(bpf_map_lookup_elem(&ban4, &key), 1) || verdict(bpf_map_lookup_elem(&intel4, &key), 2))
            return XDP_DROP;
        return XDP_PASS;
    }
    if (proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = cursor;
        if ((void *)(ip6 + 1) > end)
            return XDP_PASS;
        struct lpm6 key = {.prefixlen = 128};
        __builtin_memcpy(key.addr, &ip6->saddr, 16);
        if (verdict(bpf_map_lookup_elem(&ban6, &key), 1) || verdict(bpf_map_lookup_elem(&intel6, &key), 2))
            return XDP_DROP;
        return XDP_PASS;
    }
    count(3);
    return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
