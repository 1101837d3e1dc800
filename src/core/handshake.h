/* SPDX-License-Identifier: MIT */
/*
 * handshake.h - accepting a local mailslot's writers (handshake.c).
 */
#ifndef MSL_HANDSHAKE_H
#define MSL_HANDSHAKE_H

#include "slot.h"

/* Intake callbacks (arg: the server): new connections, and hellos. */
void msl_hs_on_listen(void *srv);

/* msl_hs_clear drops the connections still waiting for their hello. */
void msl_hs_clear(struct mailslot_server *s);

#endif /* MSL_HANDSHAKE_H */
