/* SPDX-License-Identifier: MIT */
/*
 * msl_brws.h - the browser announcements of [MS-BRWS] carried in
 * \MAILSLOT\BROWSE: HostAnnouncement, DomainAnnouncement and
 * LocalMasterAnnouncement (§2.2.1, §2.2.4, §2.2.6, one layout), and the
 * AnnouncementRequest (§2.2.2) that asks hosts to announce again
 * (docs/protocol.md §10).
 */
#ifndef MSL_BRWS_H
#define MSL_BRWS_H

#include <stddef.h>
#include <stdint.h>

#include "msl_perr.h"

/* [MS-BRWS] §2.2: the opcodes this codec reads or writes. */
#define MSL_BRWS_HOST_ANNOUNCEMENT 0x01
#define MSL_BRWS_ANNOUNCEMENT_REQUEST 0x02
#define MSL_BRWS_DOMAIN_ANNOUNCEMENT 0x0c
#define MSL_BRWS_LOCAL_MASTER_ANNOUNCEMENT 0x0f

/* The fixed part of an announcement, up to the comment. */
#define MSL_BRWS_ANNOUNCE_FIXED 32
/* ServerName is 16 bytes, NUL-padded; a 16-character name fills it. */
#define MSL_BRWS_NAME_LEN 16
/* [MS-BRWS] §2.2.1: the comment is at most 43 bytes with its NUL; longer
 * ones are taken up to this bound so that a peer's quirk stays readable. */
#define MSL_BRWS_COMMENT_MAX 255
/* §2.2.1: the Signature every sender writes. */
#define MSL_BRWS_SIGNATURE 0xaa55

/* [MS-BRWS] §2.2.1 ServerType bits this project names. */
#define MSL_BRWS_SV_WORKSTATION 0x00000001u
#define MSL_BRWS_SV_SERVER 0x00000002u
#define MSL_BRWS_SV_DOMAIN_CTRL 0x00000008u
#define MSL_BRWS_SV_PRINTQ 0x00000200u
#define MSL_BRWS_SV_NT 0x00001000u
#define MSL_BRWS_SV_SERVER_NT 0x00008000u
#define MSL_BRWS_SV_POTENTIAL_BROWSER 0x00010000u
#define MSL_BRWS_SV_BACKUP_BROWSER 0x00020000u
#define MSL_BRWS_SV_MASTER_BROWSER 0x00040000u
#define MSL_BRWS_SV_DOMAIN_MASTER 0x00080000u
#define MSL_BRWS_SV_DOMAIN_ENUM 0x80000000u

/*
 * One announcement.  For Host and LocalMaster announcements ba_name is
 * the server and ba_comment its comment; for a DomainAnnouncement
 * ba_name is the workgroup and ba_comment names its master browser
 * (§2.2.4).  Names and comments are views, NUL-free, not terminated.
 */
struct msl_brws_announce {
	uint8_t ba_opcode;
	uint8_t ba_update_count;
	uint32_t ba_periodicity_ms; /* how long until the next one      */
	const uint8_t *ba_name;     /* ServerName up to its first NUL   */
	size_t ba_name_len;
	uint8_t ba_os_major, ba_os_minor;
	uint32_t ba_server_type;    /* SV_TYPE_* bits                   */
	uint8_t ba_browser_major, ba_browser_minor;
	uint16_t ba_signature;
	const uint8_t *ba_comment;  /* up to its NUL or the data's end  */
	size_t ba_comment_len;
};

/*
 * msl_brws_announce_parse reads the mailslot data of one announcement
 * (its first byte is the opcode).  Returns OK; TRUNCATED below the fixed
 * part; BADOPCODE for another opcode (an election, a backup list...);
 * BADNAME for an empty ServerName.  The signature is reported, not
 * enforced: Windows and Samba write 0xAA55 but readers do not check it.
 */
msl_perr msl_brws_announce_parse(const uint8_t *buf, size_t len, struct msl_brws_announce *a);

/* msl_brws_announce_build writes one announcement (name at most 16 bytes,
 * comment at most MSL_BRWS_COMMENT_MAX, neither holding a NUL), with the
 * comment's NUL.  Returns OK, NOSPACE or INVAL. */
msl_perr msl_brws_announce_build(const struct msl_brws_announce *a, uint8_t *buf, size_t cap,
    size_t *used);

/* msl_brws_request_build writes an AnnouncementRequest (§2.2.2): the
 * opcode, one reserved byte and the NUL-terminated ResponseName (1 to 15
 * bytes, no NUL).  Returns OK, NOSPACE or INVAL. */
msl_perr msl_brws_request_build(const char *response_name, uint8_t *buf, size_t cap, size_t *used);

#endif /* MSL_BRWS_H */
