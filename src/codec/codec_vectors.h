/* SPDX-License-Identifier: MIT */
/*
 * codec_vectors.h - reference datagrams from the wire specification.
 */
#ifndef CODEC_VECTORS_H
#define CODEC_VECTORS_H

#include <stddef.h>
#include <stdint.h>

/* docs/protocol.md §1.7 Example A (Windows profile) and Example B (Samba profile),
 * whole UDP payloads. */
extern const uint8_t msl_vec_a[];
extern const size_t msl_vec_a_len;
extern const uint8_t msl_vec_b[];
extern const size_t msl_vec_b_len;

/* Both examples carry no NetBIOS scope, so the SMB message starts at
 * payload offset 82 (docs/protocol.md §1.1). */
#define MSL_VEC_SMB_OFF 82

#endif /* CODEC_VECTORS_H */
