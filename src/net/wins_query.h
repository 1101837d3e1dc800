/* SPDX-License-Identifier: MIT */
/*
 * wins_query.h - asking a NetBIOS name server (WINS) for a name: the
 * unicast name query of a P, M or H node (RFC 1001 §15.1.2, RFC 1002
 * §4.2.12, §5.1.2), which reaches across routers where a broadcast query
 * does not.
 */
#ifndef MSL_WINS_QUERY_H
#define MSL_WINS_QUERY_H

#include <stdint.h>

#include "netconf.h"

/* What one name server said of a name. */
enum msl_wins_answer { MSL_WINS_FOUND, MSL_WINS_NO_NAME, MSL_WINS_NO_SERVER };

/*
 * msl_net_wins_query asks the "wins server"s of c, in order, for
 * name<suffix>: a unicast query with RD set and B clear, tried 3 times,
 * 250 ms apart, per server, moving to the next server only when one does
 * not answer.  On MSL_WINS_FOUND *ip (network order) is the first address
 * and *group says whether the name is a group; Samba's and Windows' WINS
 * answer 255.255.255.255 for a normal group, which means "broadcast on
 * your own subnet".  MSL_WINS_NO_NAME: a server answered that it does not
 * know the name (NAM_ERR); MSL_WINS_NO_SERVER: none answered or none is
 * configured.  Blocks up to 750 ms per server; thread-safe.
 */
enum msl_wins_answer msl_net_wins_query(const struct msl_netconf *c, const char *name,
    uint8_t suffix, uint32_t *ip, int *group);

#endif /* MSL_WINS_QUERY_H */
