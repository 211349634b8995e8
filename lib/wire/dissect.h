/* SPDX-License-Identifier: BSD-3-Clause */
/* A readable, layer-by-layer dump of a frame, with checksum status and an optional hex dump. */
#ifndef OVL_DISSECT_H
#define OVL_DISSECT_H

#include <stdint.h>
#include <stdio.h>

#include "frame.h"

void ovl_frame_dump(FILE *out, const uint8_t *frame, uint32_t len,
		const struct ovl_rx_config *cfg, int hex);

#endif
