/*
 * win32.h - the Win32 mailslot API on top of libmailslot.
 *
 * Windows code that uses mailslots compiles against this header unchanged
 * (minus its GUI calls) and behaves as on Windows: the same return values
 * and the same GetLastError() codes, as verified on real Windows by Wine's
 * conformance test.  Only mailslot names are
 * handled: CreateFile on any other path fails with ERROR_NOT_SUPPORTED.
 *
 * Handles are small integers disguised as pointers, as on Windows, so a
 * stale or made-up handle fails with ERROR_INVALID_HANDLE instead of
 * crashing.  All functions are thread-safe; GetLastError() is per thread.
 *
 * Wide-character (W) functions take wchar_t strings (UTF-32 on Linux, as
 * L"" literals are) and convert them to UTF-8.  Define UNICODE to map
 * CreateMailslot/CreateFile/TCHAR/_T to the wide forms, as on Windows.
 */
#ifndef MAILSLOT_WIN32_H
#define MAILSLOT_WIN32_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <mailslot/mailslot.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WINAPI
#define WINAPI
#endif

typedef int BOOL;
typedef uint8_t BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef int32_t LONG;
typedef DWORD *LPDWORD;
typedef void *HANDLE;
typedef void *LPVOID;
typedef const void *LPCVOID;
typedef char CHAR;
typedef wchar_t WCHAR;
typedef const CHAR *LPCSTR;
typedef CHAR *LPSTR;
typedef const WCHAR *LPCWSTR;
typedef WCHAR *LPWSTR;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

typedef struct _SECURITY_ATTRIBUTES {
	DWORD nLength;
	LPVOID lpSecurityDescriptor;
	BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

typedef struct _OVERLAPPED {
	uintptr_t Internal;
	uintptr_t InternalHigh;
	DWORD Offset;
	DWORD OffsetHigh;
	HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)
#ifndef MAILSLOT_WAIT_FOREVER
#define MAILSLOT_WAIT_FOREVER ((DWORD)-1)
#endif

#define GENERIC_READ 0x80000000u
#define GENERIC_WRITE 0x40000000u
#define FILE_SHARE_READ 0x00000001u
#define FILE_SHARE_WRITE 0x00000002u
#define FILE_SHARE_DELETE 0x00000004u
#define CREATE_NEW 1
#define CREATE_ALWAYS 2
#define OPEN_EXISTING 3
#define OPEN_ALWAYS 4
#define TRUNCATE_EXISTING 5
#define FILE_ATTRIBUTE_NORMAL 0x00000080u
#define FILE_FLAG_OVERLAPPED 0x40000000u

/* The error codes that mailslot calls set (winerror.h values). */
#define ERROR_SUCCESS 0L
#define NO_ERROR 0L
#define ERROR_FILE_NOT_FOUND 2L
#define ERROR_PATH_NOT_FOUND 3L
#define ERROR_ACCESS_DENIED 5L
#define ERROR_INVALID_HANDLE 6L
#define ERROR_NOT_ENOUGH_MEMORY 8L
#define ERROR_GEN_FAILURE 31L
#define ERROR_SHARING_VIOLATION 32L
#define ERROR_HANDLE_EOF 38L
#define ERROR_NOT_SUPPORTED 50L
#define ERROR_BAD_NETPATH 53L
#define ERROR_NETWORK_UNREACHABLE 51L
#define ERROR_INVALID_PARAMETER 87L
#define ERROR_SEM_TIMEOUT 121L
#define ERROR_INSUFFICIENT_BUFFER 122L
#define ERROR_INVALID_NAME 123L
#define ERROR_ALREADY_EXISTS 183L
#define ERROR_FILENAME_EXCED_RANGE 206L
#define ERROR_IO_PENDING 997L
#define ERROR_NOT_ENOUGH_QUOTA 1816L

/* TCHAR and friends. */
#ifdef UNICODE
typedef WCHAR TCHAR;
#define _T(x) L##x
#define TEXT(x) L##x
#define CreateMailslot CreateMailslotW
#define CreateFile CreateFileW
#else
typedef CHAR TCHAR;
#define _T(x) x
#define TEXT(x) x
#define CreateMailslot CreateMailslotA
#define CreateFile CreateFileA
#endif
typedef TCHAR *LPTSTR;
typedef const TCHAR *LPCTSTR;

#define ZeroMemory(p, n) memset((p), 0, (n))
#define FillMemory(p, n, v) memset((p), (v), (n))
#define CopyMemory(d, s, n) memcpy((d), (s), (n))

/*
 * CreateMailslotA creates the local mailslot lpName ("\\.\mailslot\x").
 * nMaxMessageSize is stored verbatim (0 = any size; larger writes fail
 * with ERROR_INVALID_PARAMETER); lReadTimeout is 0, milliseconds or
 * MAILSLOT_WAIT_FOREVER.  The security descriptor is ignored; the handle is
 * not inherited (bInheritHandle is not supported yet).
 * Fails with INVALID_HANDLE_VALUE and: ERROR_PATH_NOT_FOUND (NULL name),
 * ERROR_INVALID_NAME (not a local mailslot name, including remote names),
 * ERROR_FILENAME_EXCED_RANGE, ERROR_ALREADY_EXISTS.
 */
MAILSLOT_API HANDLE WINAPI CreateMailslotA(LPCSTR lpName, DWORD nMaxMessageSize,
    DWORD lReadTimeout, LPSECURITY_ATTRIBUTES lpSecurityAttributes);
MAILSLOT_API HANDLE WINAPI CreateMailslotW(LPCWSTR lpName, DWORD nMaxMessageSize,
    DWORD lReadTimeout, LPSECURITY_ATTRIBUTES lpSecurityAttributes);

/*
 * CreateFileA opens a client (write) handle to a mailslot name; the access,
 * share, disposition and flag arguments are accepted as Windows Vista and
 * later do (sharing is not enforced).  Fails with ERROR_FILE_NOT_FOUND (no
 * such local mailslot), ERROR_ACCESS_DENIED (the mailslot refuses this
 * user), ERROR_PATH_NOT_FOUND (NULL), ERROR_NOT_SUPPORTED (not a mailslot
 * name: this library implements only mailslots).
 */
MAILSLOT_API HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess,
    DWORD dwShareMode, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
    DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
MAILSLOT_API HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
    DWORD dwShareMode, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
    DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);

/*
 * ReadFile on a server handle reads one whole message, waiting up to the
 * mailslot's read timeout.  Errors: ERROR_SEM_TIMEOUT (nothing arrived;
 * at once for timeout 0), ERROR_INSUFFICIENT_BUFFER (the message stays
 * queued), ERROR_INVALID_PARAMETER (a client handle),
 * ERROR_INVALID_HANDLE, ERROR_NOT_SUPPORTED (lpOverlapped: asynchronous
 * reads are not implemented yet).  *lpNumberOfBytesRead is 0 on failure.
 */
MAILSLOT_API BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer,
    DWORD nNumberOfBytesToRead, LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);

/*
 * WriteFile on a client handle writes one whole message (0 bytes allowed).
 * Errors: ERROR_ACCESS_DENIED (a server handle), ERROR_INVALID_PARAMETER
 * (larger than the mailslot's maximum), ERROR_NOT_ENOUGH_QUOTA (the
 * mailslot is full), ERROR_HANDLE_EOF (the server closed the mailslot),
 * ERROR_BAD_NETPATH (a broadcast write above 424 bytes), ERROR_INVALID_HANDLE.
 */
MAILSLOT_API BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer,
    DWORD nNumberOfBytesToWrite, LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);

/* CloseHandle closes a mailslot handle; ERROR_INVALID_HANDLE if it is none. */
MAILSLOT_API BOOL WINAPI CloseHandle(HANDLE hObject);

/*
 * GetMailslotInfo reports a server handle's maximum message size, the size
 * of the next message (MAILSLOT_NO_MESSAGE when empty, 0 for an empty
 * message), the number of queued messages and the read timeout.  Every
 * pointer may be NULL.  Errors: ERROR_INVALID_HANDLE; ERROR_INVALID_PARAMETER
 * on a client handle (as Windows 7 and earlier).
 */
MAILSLOT_API BOOL WINAPI GetMailslotInfo(HANDLE hMailslot, LPDWORD lpMaxMessageSize,
    LPDWORD lpNextSize, LPDWORD lpMessageCount, LPDWORD lpReadTimeout);

/* SetMailslotInfo sets the read timeout; ERROR_INVALID_HANDLE on a client. */
MAILSLOT_API BOOL WINAPI SetMailslotInfo(HANDLE hMailslot, DWORD lReadTimeout);

/* Per-thread last error, as on Windows. */
MAILSLOT_API DWORD WINAPI GetLastError(void);
MAILSLOT_API void WINAPI SetLastError(DWORD dwErrCode);

/* Helpers often used next to mailslots. */
MAILSLOT_API void WINAPI Sleep(DWORD dwMilliseconds);
MAILSLOT_API DWORD WINAPI GetTickCount(void);

/*
 * MailslotServerOf / MailslotClientOf give the native handle behind a
 * Win32 handle (NULL if it is not one of that kind), e.g. to use
 * mailslot_fd() in an event loop.  The Win32 handle keeps ownership.
 */
MAILSLOT_API mailslot_server *MailslotServerOf(HANDLE h);
MAILSLOT_API mailslot_client *MailslotClientOf(HANDLE h);

#ifndef MAILSLOT_NO_MESSAGE
#define MAILSLOT_NO_MESSAGE ((DWORD)-1)
#endif

#ifdef __cplusplus
}
#endif
#endif /* MAILSLOT_WIN32_H */
