/* SPDX-License-Identifier: MIT */
/*
 * msl_smbmail.h - the SMB_COM_TRANSACTION mailslot write.
 *
 * [MS-MAIL] §2.2.1 with the layout of [MS-CIFS] §2.2.4.33.1; docs/protocol.md §1.4,
 * §1.5.  It is the user data of a NetBIOS datagram.  Everything in it is
 * little-endian.  Offsets are from the start of the SMB message:
 *
 *   +0   SMB header (FF 'S' 'M' 'B', command 0x25, ...)       32 bytes
 *   +32  WordCount = 17                                        1
 *   +33  14 transaction words + 3 setup words                 34
 *   +67  ByteCount                                             2
 *   +69  MailslotName "\MAILSLOT\...", NUL-terminated          n
 *   +69+n  padding                                          0..3
 *   +DataOffset  the message, DataCount bytes
 */
#ifndef MSL_SMBMAIL_H
#define MSL_SMBMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msl_perr.h"

/* [MS-CIFS] §2.2.3.1: the SMB header length; [MS-MAIL] §2.2.1: command. */
#define MSL_SMB_HDR_LEN 32
#define MSL_SMB_COM_TRANSACTION 0x25
/* [MS-MAIL] §2.2.1: WordCount 17 = 14 + SetupCount 3, opcode 1 = write,
 * class 2 = unreliable and broadcast. */
#define MSL_SMBMAIL_WORD_COUNT 17
#define MSL_SMBMAIL_SETUP_COUNT 3
#define MSL_SMBMAIL_OPCODE_WRITE 1
#define MSL_SMBMAIL_CLASS_UNRELIABLE 2
/* docs/protocol.md §1.5: the name starts at SMB offset 69. */
#define MSL_SMBMAIL_NAME_OFF 69
/* [MS-MAIL] §2.2.1: the case-insensitive prefix of every name. */
#define MSL_SMBMAIL_PREFIX "\\MAILSLOT\\"
#define MSL_SMBMAIL_PREFIX_LEN 10
/* [MS-MAIL] note <2>: Windows caps the whole SMB message at 512 bytes. */
#define MSL_SMBMAIL_MAX 512

/*
 * The two sender profiles seen on the wire (docs/protocol.md §1.4, §1.5, §8).
 *  - MSL_SMBMAIL_WINDOWS: what a Windows WriteFile() sends in the
 *    [MS-MAIL] §4 capture: Flags 0x18, Flags2 0x0004, PID 0xFEFF,
 *    MaxParameterCount 2, transaction Flags 0x0002 (no response),
 *    ParameterOffset = DataOffset, priority 0, data 4-byte aligned.
 *  - MSL_SMBMAIL_SAMBA: what Samba's send_mailslot() sends: every
 *    ignorable field 0, priority 1, the data right after the name's NUL.
 * Both use class 2 and timeout 0.  Receivers accept both.
 */
enum msl_smbmail_profile {
	MSL_SMBMAIL_WINDOWS = 0,
	MSL_SMBMAIL_SAMBA = 1,
};

/*
 * A parsed mailslot write.  Every header field is kept for logs and
 * tests, although a receiver ignores all but DataCount and DataOffset
 * ([MS-MAIL] §2.2.1, docs/protocol.md §1.6).  sm_name views the name in the input; it
 * is sm_name_len bytes long and the input has its NUL right after it.
 * sm_data views sm_data_len bytes of message, which may be zero.  The
 * views are valid as long as the input buffer.
 */
struct msl_smbmail {
	/* [MS-CIFS] §2.2.3.1: SMB header. */
	uint32_t sm_status;
	uint8_t sm_flags;
	uint16_t sm_flags2;
	uint16_t sm_tid;
	uint16_t sm_pid;
	uint16_t sm_uid;
	uint16_t sm_mid;
	/* [MS-MAIL] §2.2.1: SMB_COM_TRANSACTION parameter words. */
	uint16_t sm_total_param;
	uint16_t sm_total_data;
	uint16_t sm_max_param;
	uint16_t sm_max_data;
	uint8_t sm_max_setup;
	uint16_t sm_trans_flags;
	uint32_t sm_timeout;
	uint16_t sm_param_count;
	uint16_t sm_param_offset;
	uint16_t sm_data_count;
	uint16_t sm_data_offset;
	/* [MS-MAIL] §2.2.1: Setup words: opcode, priority, class. */
	uint16_t sm_opcode;
	uint16_t sm_priority;
	uint16_t sm_class;
	uint16_t sm_byte_count;
	const char *sm_name;
	size_t sm_name_len;
	const uint8_t *sm_data;
	size_t sm_data_len;
};

/*
 * msl_smbmail_parse applies the receiver rules of docs/protocol.md §1.6 (rules 5 to 8)
 * to one SMB message of len bytes.  A DataCount of 0 is accepted: this
 * library supports empty messages, although nmbd drops them.  Results:
 * MSL_PE_OK; MSL_PE_TRUNCATED when the fixed 69 bytes are not all there;
 * MSL_PE_NOTSMB, MSL_PE_BADCOMMAND, MSL_PE_BADWORDCOUNT, MSL_PE_BADSETUP
 * (SetupCount is not 3), MSL_PE_BADOPCODE (Setup[0] is not 1);
 * MSL_PE_BADNAME when the name has no NUL in the message, does not start
 * with "\MAILSLOT\" in any case or has nothing after it; MSL_PE_BADOFFSET
 * when DataOffset points into the name or the data runs past the end.  On
 * failure *out is unspecified.
 */
msl_perr msl_smbmail_parse(const uint8_t *buf, size_t len,
    struct msl_smbmail *out);

/*
 * msl_smbmail_name_ok tells whether name (len bytes, no NUL needed) is a
 * mailslot name this codec will put on the wire or accept from it: it
 * starts with "\MAILSLOT\" in any case, has at least one byte after that
 * ([MS-MAIL] §2.2.1: "MUST be a non-empty string") and holds no NUL.
 */
bool msl_smbmail_name_ok(const char *name, size_t len);

/*
 * msl_smbmail_max_data returns the largest message that Windows can carry
 * for a name of name_len bytes (the whole name, with its "\MAILSLOT\"
 * prefix): 432 - roundup4(name_len - 10), per [MS-MAIL] note <2>.  It is
 * 424 for a 5- to 8-character name.  This is the portable limit; the
 * Samba profile would fit up to 3 more bytes under the 512-byte cap.
 */
size_t msl_smbmail_max_data(size_t name_len);

/* msl_smbmail_size returns the SMB message size that msl_smbmail_build
 * would write, which may exceed MSL_SMBMAIL_MAX. */
size_t msl_smbmail_size(enum msl_smbmail_profile profile, size_t name_len,
    size_t data_len);

/*
 * msl_smbmail_build writes a mailslot write for name (name_len bytes) and
 * data_len bytes of data in the given profile.  The "\MAILSLOT\" prefix is
 * written upper-case and the rest of the name as given (docs/protocol.md §1.5, §8).
 * Results: MSL_PE_OK; MSL_PE_INVAL for a name msl_smbmail_name_ok refuses,
 * an unknown profile or NULL data with a nonzero length; MSL_PE_TOOBIG
 * when the message would exceed MSL_SMBMAIL_MAX ([MS-MAIL] §3.1.4.1: such
 * a write "MUST be failed"); MSL_PE_NOSPACE when cap is too small.  *used
 * is the size written, or on MSL_PE_NOSPACE the size needed.
 */
msl_perr msl_smbmail_build(enum msl_smbmail_profile profile,
    const char *name, size_t name_len, const uint8_t *data, size_t data_len,
    uint8_t *buf, size_t cap, size_t *used);

#endif /* MSL_SMBMAIL_H */
