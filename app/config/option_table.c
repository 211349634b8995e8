/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The option table: every option of every command, grouped as --help lists them, with the
 * commands that use it (a command refuses the others) and the function that applies it.
 */
#include <string.h>

#include "option_table.h"
#include "options.h"

const char *const option_group_title[G_MAX] = {
	[G_FRAME] = "Encapsulation and frames",
	[G_ADDR] = "Addresses",
	[G_PROBE] = "Probe fields",
	[G_RATE] = "Rate and timing",
	[G_LATENCY] = "Latency",
	[G_GUARD] = "Keys and guards",
	[G_OUTPUT] = "Output",
	[G_PORTS] = "Ports and queues",
};

const struct option_entry option_table[] = {
	{ G_FRAME, C_ALL, "encap", "LIST", "encapsulations (frames --list), all, or a comma list (default all; reflect: those it answers)", apply_encap },
	{ G_FRAME, C_BUILD, "frame-size", "N", "outer frame size with FCS, 64..9216; imix (64:7,594:4,1518:1, raised to the smallest frame); or SIZE:WEIGHT,... (default: smallest per encap)", apply_frame_size },
	{ G_FRAME, C_BUILD, "inner-size", "N", "inner IP packet size, 46..65535; imix or SIZE:WEIGHT,... as --frame-size", apply_inner_size },
	{ G_FRAME, C_BUILD, "mix-seed", "N", "the order a mix's sizes are interleaved in (default 122554415933816)", apply_mix_seed },
	{ G_FRAME, C_BUILD, "mtu", "N", "underlay MTU; alone: fill the outer IP packet to it; with --inner-size: fragment", apply_mtu },
	{ G_FRAME, C_BUILD, "vlan", "ID", "add an 802.1Q tag, 1..4094", apply_vlan },
	{ G_FRAME, C_BUILD, "inner-proto", "P", "udp, icmp (echo request; ICMPv6 echo, type 128, with inner IPv6) or tcp (stateless segments: a kernel's RST answers too) (default udp)", apply_inner_proto },
	{ G_FRAME, C_BUILD, "tcp-flags", "FLAGS", "TCP probes' flags, letters of S, A, F, P, U (default S: a SYN)", apply_tcp_flags },
	{ G_FRAME, C_BUILD, "outer-udp-csum", "M", "a UDP tunnel's outer checksum: zero or compute (default: what the tunnel's endpoints send, docs/wire-format.md)", apply_outer_udp_csum },
	{ G_FRAME, C_BUILD, "probe", "FORM", "auto, compact or full (default auto)", apply_probe },
	{ G_FRAME, C_BUILD, "ttl", "N", "outer TTL, 1..255 (default 64)", apply_ttl },
	{ G_FRAME, C_BUILD, "inner-ttl", "N", "inner TTL, 1..255 (default 64)", apply_inner_ttl },
	{ G_ADDR, C_BUILD, "src-mac", "MAC", "outer source MAC", apply_src_mac },
	{ G_ADDR, C_BUILD, "dst-mac", "MAC", "outer destination MAC", apply_dst_mac },
	{ G_ADDR, C_BUILD, "inner-src-mac", "MAC", "inner source MAC (tunnels that carry Ethernet)", apply_inner_src_mac },
	{ G_ADDR, C_ALL, "inner-dst-mac", "MAC", "inner destination MAC (tunnels that carry Ethernet)", apply_inner_dst_mac },
	{ G_ADDR, C_BUILD, "src-ip", "ADDR", "outer source IPv4 or IPv6 address (default 192.0.2.1)", apply_src_ip },
	{ G_ADDR, C_BUILD, "dst-ip", "ADDR", "outer destination IPv4 or IPv6 address, of the source's version (default 192.0.2.2)", apply_dst_ip },
	{ G_ADDR, C_BUILD, "inner-src-ip", "ADDR", "inner source IPv4 or IPv6, of --inner-dst-ip's version (default 198.51.100.1)", apply_inner_src_ip },
	{ G_ADDR, C_BUILD, "inner-dst-ip", "ADDR", "inner destination IPv4 or IPv6 (IPv6: not with IP-in-IP; --inner-proto icmp is ICMPv6 echo) (default 198.51.100.2)", apply_inner_dst_ip },
	{ G_ADDR, C_BUILD, "src-port", "P", "inner UDP or TCP source port, ICMP identifier (default 40000; TCP: each stream the next --flows ports)", apply_src_port },
	{ G_ADDR, C_BUILD, "dst-port", "P", "inner UDP or TCP destination port (default 7000)", apply_dst_port },
	{ G_ADDR, C_REFLECT, "ip", "ADDR[,...]", "reflector's own underlay IPv4 or IPv6 addresses, up to 16 of one version (default 192.0.2.2); it answers that version only", apply_ip },
	{ G_ADDR, C_REFLECT, "inner-ip", "ADDR[,...]", "reflector's own inner IPv4 or IPv6 addresses in every tunnel, up to 16 of one version (default 198.51.100.2)", apply_inner_ip },
	{ G_ADDR, C_TRAFFIC, "arp-timeout", "S", "seconds to wait for ARP replies or NDP advertisements (default 3)", apply_arp_timeout },
	{ G_PROBE, C_BUILD, "session", "ID", "probe session id, 0..4294967295 (default random)", apply_session },
	{ G_PROBE, C_FRAMES, "stream", "ID", "probe stream id, 0..65535 (default 0)", apply_stream },
	{ G_PROBE, C_FRAMES, "seq", "N", "probe sequence number (default 0)", apply_seq },
	{ G_PROBE, C_FRAMES, "timestamp", "N", "probe transmit timestamp (default 0)", apply_timestamp },
	{ G_PORTS, C_TRAFFIC, "link-timeout", "S", "seconds a link may stay down, or replies stop (an outage), before the run ends, marked partial (default 3); memif's client reconnects when its peer is back", apply_link_timeout },
	{ G_PORTS, C_TRAFFIC, "outage-after", "S", "replies had come back and none came for S seconds while sending: an outage, recorded in the results (default 1)", apply_outage_after },
	{ G_RATE, C_TRAFFIC, "rate", "R", "per stream: 100k, 1.5M(pps), 5Gbps (L2), 9.5Gbps-l1, 50% of the link, unlimited (default)", apply_rate },
	{ G_RATE, C_RUN, "duration", "S", "seconds to measure (default 10 for send and loop; reflect runs until stopped)", apply_duration },
	{ G_RATE, C_TRAFFIC, "count", "N", "datagrams per stream to measure, then stop", apply_count },
	{ G_RATE, C_TRAFFIC, "warmup", "S", "seconds sent before measuring, kept out of the statistics (default 0)", apply_warmup },
	{ G_RATE, C_TRAFFIC, "drain", "MS", "milliseconds to wait for replies after the last send (default 100)", apply_drain },
	{ G_RATE, C_TRAFFIC, "flows", "N", "flows per stream, 1..65536 (what differs per flow: frames --list)", apply_flows },
	{ G_RATE, C_TRAFFIC, "pacing", "WHO", "auto (the NIC's queue rate limiter where it works and --rate is set, else software), software, hardware (default auto)", apply_pacing },
	{ G_LATENCY, C_TRAFFIC, "latency-rate", "PPS", "add a latency stream per encap at this rate, sent in bursts of one", apply_latency_rate },
	{ G_LATENCY, C_TRAFFIC, "timestamps", "SRC", "RX timestamps of replies: auto (the NIC's where the port has RX timestamps and a readable clock, else tsc), tsc, hw (default auto)", apply_timestamps },
	{ G_LATENCY, C_REFLECT | C_LOOP, "dwell", NULL, "reflector stamps its receive and transmit times so the sender subtracts them", apply_dwell },
	{ G_GUARD, C_ALL, "key", "FILE", "shared key (32 hex digits): send tags every probe; reflect answers only tagged probes (full probe: inner size >= 92)", apply_key },
	{ G_GUARD, C_REFLECT | C_LOOP, "allow", "CIDR", "reflector answers only outer sources in this prefix (repeatable; default: any)", apply_allow },
	{ G_PORTS, C_RUN, "idle-sleep", "US", "a worker that finds nothing to do sleeps US microseconds, 0..1000, so that pollers share a CPU; adds up to US to latency and pacing gaps (default 0: poll without pause)", apply_idle_sleep },
	{ G_GUARD, C_REFLECT | C_LOOP, "max-pps", "N", "reflector sends back at most N packets/s (default: no cap)", apply_max_pps },
	{ G_GUARD, C_REFLECT | C_LOOP, "promiscuous", NULL, "reflector answers frames to any MAC address", apply_promiscuous },
	{ G_OUTPUT, C_ALL, "quiet", NULL, "print nothing on success", apply_quiet },
	{ G_OUTPUT, C_RUN, "no-live", NULL, "no per-second lines on stderr", apply_no_live },
	{ G_OUTPUT, C_RUN | C_PORTS, "json", "FILE", "write the results as JSON (- for stdout)", apply_json },
	{ G_OUTPUT, C_RUN, "csv", "FILE", "write the results as CSV (- for stdout)", apply_csv },
	{ G_OUTPUT, C_TRAFFIC, "latency-samples", "FILE", "write a uniform random choice of each stream's round trips (sequence, send time, latency), CSV", apply_latency_samples },
	{ G_OUTPUT, C_TRAFFIC, "samples", "N", "round trips --latency-samples keeps per stream (1 to 10000000, default 10000)", apply_samples },
	{ G_OUTPUT, C_TRAFFIC, "latency-log", "FILE", "write each stream's round trips as an HdrHistogram interval log, one histogram per second (HistogramLogProcessor reads it)", apply_latency_log },
	{ G_OUTPUT, C_TRAFFIC, "capture", "FILE", "write the transmitted frames to a pcap file (bounded by --capture-max)", apply_capture },
	{ G_OUTPUT, C_TRAFFIC, "capture-max", "N", "most frames --capture writes (default 1000000)", apply_capture_max },
	{ G_OUTPUT, C_TRAFFIC, "line-rate", "SPEED", "link speed to compare with, e.g. 10G (default: the port's)", apply_line_rate },
	{ G_OUTPUT, C_FRAMES, "list", NULL, "list the encapsulations, their sizes and options, and exit (with --json: as JSON)", apply_list },
	{ G_OUTPUT, C_FRAMES, "pcap", "FILE", "write the frames to a pcap file", apply_pcap },
	{ G_OUTPUT, C_FRAMES, "hex", NULL, "add a hex dump of every frame", apply_hex },
	{ G_PORTS, C_RUN, "port", "ID", "port id (default 0; loop: the sender's)", apply_port },
	{ G_PORTS, C_LOOP, "peer-port", "ID", "loop: the reflector's port id (default 1)", apply_peer_port },
	{ G_PORTS, C_RUN, "queues", "N", "RX/TX queue pairs per port, 1..16, each served by its own worker lcore (default 1)", apply_queues },
	{ G_PORTS, C_RUN, "queue-map", "Q@LCORE,...", "the worker lcore of each queue, e.g. 0@1,1@2 (default: the workers in order; loop: the sender's queues, the reflector's take the next workers)", apply_queue_map },
	{ G_PORTS, C_TRAFFIC, "send-lcore", "ID", "worker lcore that serves the sender's port queue (default: the first worker)", apply_send_lcore },
	{ G_PORTS, C_REFLECT | C_LOOP, "reflect-lcore", "ID", "worker lcore that serves the reflector's port queue (default: the next worker)", apply_reflect_lcore },
	{ G_PORTS, C_RUN | C_PORTS, "profile", "NAME", "driver profile from drivers-config/ (default: chosen by the port's driver)", apply_profile },
	{ G_PORTS, C_TRAFFIC, "tx-offload", "WHAT", "cksum: the sender's port computes inner IPv4 and UDP checksums (A/B against software); none (default)", apply_tx_offload },
};

const size_t option_table_len = sizeof(option_table) / sizeof(option_table[0]);

unsigned int
option_command_mask(const char *command)
{
	if (strcmp(command, "frames") == 0)
		return C_FRAMES;
	if (strcmp(command, "send") == 0)
		return C_SEND;
	if (strcmp(command, "reflect") == 0)
		return C_REFLECT;
	if (strcmp(command, "ports") == 0)
		return C_PORTS;
	return C_LOOP;
}
