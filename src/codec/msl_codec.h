/* SPDX-License-Identifier: MIT */
/*
 * msl_codec.h - every pure codec of the Remote Mailslot Protocol.
 *
 * The codecs make no system calls, keep no global state and never
 * allocate: parsers fill caller structs whose pointers view the caller's
 * input, and builders write into a caller buffer.  Each parser is
 * fuzzed (fuzz_*.c) and each builder is checked against it.
 *
 * Conventions shared by every module:
 *  - parse(buf, len, &out) and build(&in, buf, cap, &used), returning an
 *    msl_perr (msl_perr.h).  Unless a function says otherwise, *out is
 *    unspecified after a failed parse.
 *  - A builder sets *used to the bytes written, and on MSL_PE_NOSPACE to
 *    the bytes it would need; buf may be NULL with cap 0 to measure.
 *  - IPv4 addresses are uint32_t in host order.
 *
 * Modules: msl_nbname (NetBIOS names, RFC 1001 §14.1, RFC 1002 §4.1),
 * msl_nbdgm (datagram header, RFC 1002 §4.4), msl_smbmail (mailslot
 * write, [MS-MAIL] §2.2.1), msl_nbns (name query, RFC 1002 §4.2.12-14),
 * msl_mdgm (a whole UDP 138 payload), msl_nbunexp (Samba nmbd's local
 * unexpected packet socket), msl_brws ([MS-BRWS] announcements), over
 * msl_buf (cursors).
 */
#ifndef MSL_CODEC_H
#define MSL_CODEC_H

#include "msl_brws.h"
#include "msl_buf.h"
#include "msl_mdgm.h"
#include "msl_nbdgm.h"
#include "msl_nbname.h"
#include "msl_nbns.h"
#include "msl_nbunexp.h"
#include "msl_perr.h"
#include "msl_smbmail.h"

#endif /* MSL_CODEC_H */
