/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ovlperf frames: builds the frames a send would put on the wire, prints them layer by layer
 * and optionally writes them to a pcap file. Inspecting, and testing against other decoders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "commands.h"
#include "config.h"
#include "dissect.h"
#include "eal.h"
#include "encap_list.h"
#include "frag.h"
#include "pcap_file.h"
#include "probe_auth.h"

struct built {
	uint8_t **frames;
	uint16_t *lens;
	uint16_t n;
};

struct frag_pools {
	struct rte_mempool *direct, *indirect;
};

static int
pools_ready(struct frag_pools *pools, const struct eal_args *eal)
{
	if (pools->direct != NULL)
		return 0;
	if (app_eal_init(eal, 0) != 0)
		return -1;
	pools->direct = rte_pktmbuf_pool_create("frames_direct", 8191, 0, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	pools->indirect = rte_pktmbuf_pool_create("frames_indirect", 8191, 0, 0, 0, SOCKET_ID_ANY);
	if (pools->direct == NULL || pools->indirect == NULL) {
		fprintf(stderr, "ovlperf frames: cannot create mbuf pools for fragmentation\n");
		return -1;
	}
	return 0;
}

static int
build_one(const struct ovl_frame_spec *spec, const struct ovl_frame_layout *lay,
		const struct ovl_probe *probe, struct frag_pools *pools,
		const struct eal_args *eal, struct built *b)
{
	uint16_t i;
	int rc;

	b->n = lay->n_frames;
	b->frames = calloc(b->n, sizeof(*b->frames));
	b->lens = calloc(b->n, sizeof(*b->lens));
	if (b->frames == NULL || b->lens == NULL)
		return -1;
	for (i = 0; i < b->n; i++) {
		b->frames[i] = calloc(1, OVL_FRAME_MAX);
		if (b->frames[i] == NULL)
			return -1;
	}
	if (lay->n_frames == 1) {
		rc = ovl_frame_build(b->frames[0], OVL_FRAME_MAX, spec, lay, probe);
		b->lens[0] = rc > 0 ? (uint16_t)rc : 0;
		return rc > 0 ? 0 : -1;
	}
	if (pools_ready(pools, eal) < 0)
		return -1;
	rc = ovl_frag_build(b->frames, b->lens, b->n, OVL_FRAME_MAX, spec, lay, probe,
			pools->direct, pools->indirect);
	if (rc < 0)
		fprintf(stderr, "ovlperf frames: fragmenting %s failed: %s\n", spec->encap->name,
				strerror(-rc));
	return rc < 0 ? -1 : 0;
}

static void
built_free(struct built *b)
{
	uint16_t i;

	for (i = 0; b->frames != NULL && i < b->n; i++)
		free(b->frames[i]);
	free(b->frames);
	free(b->lens);
}

int
cmd_frames(const struct eal_args *eal, int argc, char **argv)
{
	struct app_config cfg;
	struct built built[OVL_ENCAPS_MAX];
	struct ovl_frame_layout lays[OVL_ENCAPS_MAX];
	struct ovl_frame_spec specs[OVL_ENCAPS_MAX];
	struct frag_pools pools = { NULL, NULL };
	struct ovl_pcap_writer *pcap = NULL;
	char err[512];
	unsigned int i;
	uint16_t k;
	int rc, status = 0;

	for (i = 1; i < (unsigned int)argc; i++)
		if (strcmp(argv[i], "--list") == 0)
			return encap_list(argc, argv);
	config_defaults(&cfg);
	rc = config_parse(&cfg, "frames", argc, argv);
	if (rc != 0)
		return rc == 1 ? 0 : rc;

	if (cfg.mix.n > 0) {
		fprintf(stderr, "ovlperf frames: a mix is sent by send and loop (their --capture writes it): give frames one size\n");
		return OVL_EXIT_USAGE;
	}
	if (cfg.keyed)
		cfg.probe.flags |= OVL_PROBE_FLAG_KEYED;
	/* Every size is checked before anything is built or written. */
	for (i = 0; i < cfg.n_encaps; i++) {
		config_spec_for(&cfg, i, &specs[i]);
		if (ovl_frame_layout(&specs[i], &lays[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "ovlperf frames: %s\n", err);
			return OVL_EXIT_USAGE;
		}
	}
	memset(built, 0, sizeof(built));
	for (i = 0; i < cfg.n_encaps; i++) {
		if (build_one(&specs[i], &lays[i], &cfg.probe, &pools, eal, &built[i]) < 0) {
			status = 1;
			goto out;
		}
	}

	if (cfg.pcap_path != NULL) {
		pcap = ovl_pcap_open(cfg.pcap_path, err, sizeof(err));
		if (pcap == NULL) {
			fprintf(stderr, "ovlperf frames: --pcap: %s\n", err);
			status = 1;
			goto out;
		}
	}
	for (i = 0; i < cfg.n_encaps; i++) {
		struct ovl_rx_config rx;

		ovl_rx_config_for_spec(&rx, &specs[i]);
		for (k = 0; k < built[i].n; k++) {
			struct ovl_layers l;

			if (cfg.keyed && ovl_parse(built[i].frames[k], built[i].lens[k], &rx, &l) == 0)
				ovl_probe_sign(&cfg.key, built[i].frames[k], &l);
			if (!cfg.quiet) {
				if (built[i].n > 1)
					printf("fragment %u of %u: ", k + 1, built[i].n);
				ovl_frame_dump(stdout, built[i].frames[k], built[i].lens[k], &rx, cfg.hex);
				printf("\n");
			}
			if (pcap != NULL)
				ovl_pcap_write(pcap, built[i].frames[k], built[i].lens[k], 0);
		}
	}
	if (pcap != NULL && ovl_pcap_commit(pcap, err, sizeof(err)) < 0) {
		fprintf(stderr, "ovlperf frames: --pcap: %s\n", err);
		status = 1;
	}
out:
	for (i = 0; i < cfg.n_encaps; i++)
		built_free(&built[i]);
	if (pools.direct != NULL) {
		rte_mempool_free(pools.direct);
		rte_mempool_free(pools.indirect);
	}
	app_eal_cleanup(status);
	return status;
}
