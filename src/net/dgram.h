/* SPDX-License-Identifier: MIT */
/*
 * dgram.h - one outgoing mailslot datagram: the NetBIOS datagram header
 * (RFC 1002 §4.4.1) around an SMB mailslot write ([MS-MAIL] §2.2.1), and
 * the largest message one may carry.
 */
#ifndef MSL_DGRAM_H
#define MSL_DGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "msl_perr.h"

/* The Win32 limit for a message between computers ([W32-ABOUT], docs/protocol.md §3.1). */
#define MSL_NET_MAX_DATA 424

/*
 * msl_net_build_dgram writes one mailslot datagram (docs/protocol.md §1.1, §8): the
 * header says src_ip (network order) and src_port, the source name is
 * src<00> (docs/protocol.md §2.4), the destination dst<suffix>; the SMB part uses the
 * Windows profile.  mailslot is the whole "\MAILSLOT\..." name.  buf must
 * hold MSL_MDGM_MAX bytes.  Both names are in scope, the node's NetBIOS
 * scope (NULL or "" for none).  Returns the codec's result; *used is the
 * payload size.  Thread-safe: each call takes the next DGM_ID.
 */
msl_perr msl_net_build_dgram(uint8_t type, const char *src, uint32_t src_ip,
    uint16_t src_port, const char *dst, uint8_t suffix, const char *mailslot,
    const void *data, size_t len, uint8_t *buf, size_t *used, const char *scope);

/*
 * msl_net_max_data is the largest message this node sends to the
 * mailslot "\MAILSLOT\..." of name_len bytes: the Win32 limit of 424
 * bytes, lowered by [MS-MAIL] note <2>'s formula for long names (docs/protocol.md
 * §3.1).  Larger writes fail; nothing is ever fragmented (docs/protocol.md §3.2).
 */
size_t msl_net_max_data(size_t name_len);

#endif /* MSL_DGRAM_H */
