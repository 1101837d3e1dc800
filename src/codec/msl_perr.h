/* SPDX-License-Identifier: MIT */
/*
 * msl_perr.h - result codes of the pure wire codecs.
 *
 * Every parser and builder in src/codec returns an msl_perr.  The parse
 * codes are deliberately finer than the library's mailslot_err: the daemon
 * counts dropped datagrams by reason, and an operator reading those
 * counters wants to know whether a peer sent fragments, a foreign SMB
 * command or a broken DataOffset.  At the API edge all of them become
 * MAILSLOT_E_PROTO.
 */
#ifndef MSL_PERR_H
#define MSL_PERR_H

/*
 * The table is defined once.  Each row is X(NAME, short string) and gives
 * the enumerator MSL_PE_NAME.  The short strings contain no spaces, so the
 * daemon can use them directly as counter names in logs and statistics.
 */
#define MSL_PERR_TABLE(X)                                                    \
	X(OK, "ok")                                                          \
	X(TRUNCATED, "truncated")                                            \
	X(BADTYPE, "bad_msg_type")                                           \
	X(FRAGMENT, "fragment")                                              \
	X(BADSRCNAME, "bad_source_name")                                     \
	X(BADDSTNAME, "bad_destination_name")                                \
	X(NOTSMB, "not_smb")                                                 \
	X(BADCOMMAND, "bad_smb_command")                                     \
	X(BADWORDCOUNT, "bad_word_count")                                    \
	X(BADSETUP, "bad_setup_count")                                       \
	X(BADOPCODE, "bad_mailslot_opcode")                                  \
	X(BADNAME, "bad_mailslot_name")                                      \
	X(BADOFFSET, "bad_data_offset")                                      \
	X(BADNBNAME, "bad_netbios_name")                                     \
	X(NOTQUERY, "not_name_query")                                        \
	X(BADCOUNT, "bad_section_count")                                     \
	X(BADRRTYPE, "bad_rr_type")                                          \
	X(BADRDATA, "bad_rdata")                                             \
	X(NOSPACE, "no_space")                                               \
	X(TOOBIG, "too_big")                                                 \
	X(INVAL, "invalid_argument")

#define MSL_PERR_ENUM_(name, str) MSL_PE_##name,

/*
 * msl_perr is the result of every codec function.  MSL_PE_OK is zero.
 * MSL_PE_COUNT is not a result; it sizes arrays of per-reason counters.
 */
typedef enum msl_perr {
	MSL_PERR_TABLE(MSL_PERR_ENUM_)
	MSL_PE_COUNT
} msl_perr;

/*
 * msl_perr_str returns the short, static, read-only name of a result, or
 * "unknown" for a value outside the table.  It is safe from any thread.
 */
const char *msl_perr_str(msl_perr err);

#endif /* MSL_PERR_H */
