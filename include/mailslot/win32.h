/* SPDX-License-Identifier: MIT */
/*
 * win32.h - the Win32 mailslot API on top of libmailslot.
 *
 * Windows code that uses mailslots compiles against this header unchanged
 * (minus its GUI calls) and behaves as on Windows: the same return values
 * and the same GetLastError() codes, as verified on real Windows by Wine's
 * conformance test.  Besides mailslots it carries what mailslot programs
 * use around them: events, waits, threads, a CreateProcess subset,
 * overlapped I/O, handle inheritance, GlobalAlloc/LocalAlloc and lstr*.
 * CreateFile on a path that is not a mailslot fails with
 * ERROR_NOT_SUPPORTED.  mailslot_win32(3) says what differs from Windows.
 *
 * Handles are small integers disguised as pointers, as on Windows, so a
 * stale or made-up handle fails with ERROR_INVALID_HANDLE instead of
 * crashing.  All functions are thread-safe; GetLastError() is per thread.
 * Every waitable handle has a descriptor that polls readable while the
 * object is signaled (MailslotHandleFd), so a Linux event loop can wait on
 * it too.
 *
 * WCHAR is 16 bits (char16_t) and holds UTF-16, as on Windows, so wide
 * messages carry the same bytes as Windows sends.  Write wide literals
 * with TEXT("...") or _T("...") (u"..." underneath), or u"..." directly;
 * L"..." is a 32-bit wchar_t literal on Linux and does not convert.
 * Define UNICODE to map the generic names (CreateMailslot, CreateFile,
 * CreateEvent, TCHAR, TEXT) to the wide forms, as on Windows.
 */
#ifndef MAILSLOT_WIN32_H
#define MAILSLOT_WIN32_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <uchar.h>

#include <mailslot/mailslot.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef WINAPI
#define WINAPI
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef APIENTRY
#define APIENTRY
#endif
#ifndef VOID
#define VOID void
#endif

typedef int BOOL;
typedef BOOL *LPBOOL;
typedef uint8_t BYTE;
typedef BYTE *LPBYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef uint32_t UINT;
typedef uint32_t ULONG;
typedef int32_t LONG;
typedef int32_t INT;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef uintptr_t ULONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef uintptr_t SIZE_T;
typedef intptr_t LONG_PTR;
typedef LONG HRESULT;
typedef DWORD *LPDWORD, *PDWORD;
typedef LONG *LPLONG;
typedef void *HANDLE;
typedef HANDLE *LPHANDLE, *PHANDLE;
typedef HANDLE HGLOBAL, HLOCAL, HINSTANCE, HMODULE;
typedef void *LPVOID, *PVOID;
typedef const void *LPCVOID;
typedef char CHAR;
typedef char16_t WCHAR;
typedef const CHAR *LPCSTR, *PCSTR;
typedef CHAR *LPSTR, *PSTR;
typedef const WCHAR *LPCWSTR, *PCWSTR;
typedef WCHAR *LPWSTR, *PWSTR;

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

/*
 * OVERLAPPED as Windows lays it out.  Internal holds the NTSTATUS of the
 * operation (STATUS_PENDING while it runs), InternalHigh the bytes
 * transferred; both are written by the library's I/O thread, so read them
 * through HasOverlappedIoCompleted / GetOverlappedResult.
 */
typedef struct _OVERLAPPED {
	ULONG_PTR Internal;
	ULONG_PTR InternalHigh;
	union {
		struct {
			DWORD Offset;
			DWORD OffsetHigh;
		};
		PVOID Pointer;
	};
	HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

typedef VOID(CALLBACK *LPOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwErrorCode,
    DWORD dwNumberOfBytesTransfered, LPOVERLAPPED lpOverlapped);
typedef VOID(CALLBACK *PAPCFUNC)(ULONG_PTR Parameter);
typedef DWORD(WINAPI *LPTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef LPTHREAD_START_ROUTINE PTHREAD_START_ROUTINE;

#define INVALID_HANDLE_VALUE ((HANDLE)(intptr_t)-1)
#ifndef MAILSLOT_WAIT_FOREVER
#define MAILSLOT_WAIT_FOREVER ((DWORD)-1)
#endif

#define GENERIC_READ 0x80000000u
#define GENERIC_WRITE 0x40000000u
#define GENERIC_EXECUTE 0x20000000u
#define GENERIC_ALL 0x10000000u
#define SYNCHRONIZE 0x00100000u
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

/*
 * The error codes that mailslot calls set (winerror.h values).  The first
 * group is every code in the Win32 column of MAILSLOT_ERROR_TABLE, which is
 * what GetLastError() reports; the check below fails to compile if one of
 * them disagrees with the table.  The second group is codes that Windows
 * programs name next to mailslot calls.
 */
#define ERROR_SUCCESS 0L
#define ERROR_FILE_NOT_FOUND 2L
#define ERROR_PATH_NOT_FOUND 3L
#define ERROR_ACCESS_DENIED 5L
#define ERROR_INVALID_HANDLE 6L
#define ERROR_NOT_ENOUGH_MEMORY 8L
#define ERROR_GEN_FAILURE 31L
#define ERROR_HANDLE_EOF 38L
#define ERROR_NOT_SUPPORTED 50L
#define ERROR_REM_NOT_LIST 51L
#define ERROR_BAD_NETPATH 53L
#define ERROR_INVALID_PARAMETER 87L
#define ERROR_SEM_TIMEOUT 121L
#define ERROR_INSUFFICIENT_BUFFER 122L
#define ERROR_INVALID_NAME 123L
#define ERROR_ALREADY_EXISTS 183L
#define ERROR_FILENAME_EXCED_RANGE 206L
#define ERROR_INTERNAL_ERROR 1359L
#define RPC_S_SERVER_UNAVAILABLE 1722L
#define ERROR_NOT_ENOUGH_QUOTA 1816L

#define NO_ERROR 0L
#define ERROR_SHARING_VIOLATION 32L
#define ERROR_IO_PENDING 997L
#define ERROR_NETWORK_UNREACHABLE 1231L

/* One array type per table row; a row whose symbol above has another value
 * than the table's gives an array of size -1, which does not compile. */
#define MAILSLOT_W32_CHECK_(name, val, eno, w32, w32name, text)               \
	typedef char mailslot_w32_check_##name##_[(w32name) == (w32) ? 1 : -1];
MAILSLOT_ERROR_TABLE(MAILSLOT_W32_CHECK_)
#undef MAILSLOT_W32_CHECK_

/* Codes set by the waits, threads, overlapped I/O and handle functions. */
#define ERROR_NOACCESS 998L
#define ERROR_TOO_MANY_OPEN_FILES 4L
#define ERROR_BAD_EXE_FORMAT 193L
#define ERROR_OPERATION_ABORTED 995L
#define ERROR_IO_INCOMPLETE 996L
#define ERROR_NOT_FOUND 1168L
#define ERROR_REMOTE_MAILSLOTS_DEPRECATED 3025L

/* HRESULTs, as <winerror.h> has them (strsafe.h returns them). */
#define S_OK ((HRESULT)0L)
#define S_FALSE ((HRESULT)1L)
#define E_FAIL ((HRESULT)0x80004005L)
#define E_INVALIDARG ((HRESULT)0x80070057L)
#define E_OUTOFMEMORY ((HRESULT)0x8007000EL)
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#define HRESULT_FROM_WIN32(x) \
	((HRESULT)(x) <= 0 ? (HRESULT)(x) : (HRESULT)(((x) & 0x0000FFFF) | 0x80070000))

/* Waits. */
#define INFINITE 0xFFFFFFFFu
#define MAXIMUM_WAIT_OBJECTS 64
#define STATUS_WAIT_0 ((DWORD)0x00000000)
#define STATUS_ABANDONED_WAIT_0 ((DWORD)0x00000080)
#define STATUS_USER_APC ((DWORD)0x000000C0)
#define STATUS_TIMEOUT ((DWORD)0x00000102)
#define STATUS_PENDING ((DWORD)0x00000103)
#define STILL_ACTIVE STATUS_PENDING
#define WAIT_OBJECT_0 (STATUS_WAIT_0 + 0)
#define WAIT_ABANDONED (STATUS_ABANDONED_WAIT_0 + 0)
#define WAIT_ABANDONED_0 (STATUS_ABANDONED_WAIT_0 + 0)
#define WAIT_IO_COMPLETION STATUS_USER_APC
#define WAIT_TIMEOUT 258L
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)

/* Handles. */
#define HANDLE_FLAG_INHERIT 0x00000001u
#define HANDLE_FLAG_PROTECT_FROM_CLOSE 0x00000002u
#define DUPLICATE_CLOSE_SOURCE 0x00000001u
#define DUPLICATE_SAME_ACCESS 0x00000002u
#define CREATE_SUSPENDED 0x00000004u
#define STACK_SIZE_PARAM_IS_A_RESERVATION 0x00010000u
#define EVENT_ALL_ACCESS 0x001F0003u
#define EVENT_MODIFY_STATE 0x0002u
#define CREATE_EVENT_MANUAL_RESET 0x00000001u
#define CREATE_EVENT_INITIAL_SET 0x00000002u

/* Memory (GlobalAlloc/LocalAlloc flags). */
#define GMEM_FIXED 0x0000u
#define GMEM_MOVEABLE 0x0002u
#define GMEM_ZEROINIT 0x0040u
#define GPTR (GMEM_FIXED | GMEM_ZEROINIT)
#define GHND (GMEM_MOVEABLE | GMEM_ZEROINIT)
#define LMEM_FIXED 0x0000u
#define LMEM_MOVEABLE 0x0002u
#define LMEM_ZEROINIT 0x0040u
#define LPTR (LMEM_FIXED | LMEM_ZEROINIT)
#define LHND (LMEM_MOVEABLE | LMEM_ZEROINIT)

/* TCHAR and friends. */
#ifdef UNICODE
typedef WCHAR TCHAR;
#define MSW_TEXT_(x) u##x
#define CreateMailslot CreateMailslotW
#define CreateFile CreateFileW
#define CreateEvent CreateEventW
#define CreateEventEx CreateEventExW
#define CreateProcess CreateProcessW
#define STARTUPINFO STARTUPINFOW
#define LPSTARTUPINFO LPSTARTUPINFOW
#define lstrlen lstrlenW
#define lstrcpy lstrcpyW
#define lstrcpyn lstrcpynW
#define lstrcat lstrcatW
#define lstrcmp lstrcmpW
#define lstrcmpi lstrcmpiW
#else
typedef CHAR TCHAR;
#define MSW_TEXT_(x) x
#define CreateMailslot CreateMailslotA
#define CreateFile CreateFileA
#define CreateEvent CreateEventA
#define CreateEventEx CreateEventExA
#define CreateProcess CreateProcessA
#define STARTUPINFO STARTUPINFOA
#define LPSTARTUPINFO LPSTARTUPINFOA
#define lstrlen lstrlenA
#define lstrcpy lstrcpyA
#define lstrcpyn lstrcpynA
#define lstrcat lstrcatA
#define lstrcmp lstrcmpA
#define lstrcmpi lstrcmpiA
#endif
/* Two levels so that a macro argument is expanded before pasting. */
#define TEXT(x) MSW_TEXT_(x)
#define _T(x) MSW_TEXT_(x)
#define _TEXT(x) MSW_TEXT_(x)
typedef TCHAR *LPTSTR, *PTSTR;
typedef const TCHAR *LPCTSTR, *PCTSTR;

#define ZeroMemory(p, n) memset((p), 0, (n))
#define SecureZeroMemory(p, n) memset((p), 0, (n))
#define FillMemory(p, n, v) memset((p), (v), (n))
#define CopyMemory(d, s, n) memcpy((d), (s), (n))
#define MoveMemory(d, s, n) memmove((d), (s), (n))

/* ------------------------------------------------------------------ */
/* Mailslots                                                           */
/* ------------------------------------------------------------------ */

/*
 * CreateMailslotA creates the local mailslot lpName ("\\.\mailslot\x").
 * nMaxMessageSize is stored verbatim (0 = any size; larger writes fail
 * with ERROR_INVALID_PARAMETER); lReadTimeout is 0, milliseconds or
 * MAILSLOT_WAIT_FOREVER.  The security descriptor is ignored;
 * bInheritHandle makes the handle inheritable by CreateProcess children.
 * The handle is overlapped, as Windows documents: ReadFile accepts an
 * OVERLAPPED, and the handle is signaled when an overlapped operation
 * without an event completes.
 * Fails with INVALID_HANDLE_VALUE and: ERROR_PATH_NOT_FOUND (NULL name),
 * ERROR_INVALID_NAME (not a local mailslot name, including remote names),
 * ERROR_FILENAME_EXCED_RANGE, ERROR_ALREADY_EXISTS.  Does not block.  The
 * caller owns the handle (CloseHandle).
 */
MAILSLOT_API HANDLE WINAPI CreateMailslotA(LPCSTR lpName, DWORD nMaxMessageSize,
    DWORD lReadTimeout, LPSECURITY_ATTRIBUTES lpSecurityAttributes);
/* CreateMailslotW is CreateMailslotA with a UTF-16 name. */
MAILSLOT_API HANDLE WINAPI CreateMailslotW(LPCWSTR lpName, DWORD nMaxMessageSize,
    DWORD lReadTimeout, LPSECURITY_ATTRIBUTES lpSecurityAttributes);

/*
 * CreateFileA opens a client (write) handle to a mailslot name; the access,
 * share, disposition and flag arguments are accepted as Windows Vista and
 * later do (sharing is not enforced).  Remote names (\\host, \\domain,
 * \\*) follow the remote-mailslot policy, Windows' "Enable remote
 * mailslots": $MAILSLOT_REMOTE_MAILSLOTS=no, or the key "enable remote
 * mailslots = no" in $MAILSLOT_CONFIG (default /etc/mailslot/mailslot.conf),
 * makes them fail with ERROR_REMOTE_MAILSLOTS_DEPRECATED before anything
 * is sent, as Windows 11 24H2 does by default; ours is on (porting.md).
 * Fails with ERROR_FILE_NOT_FOUND (no such local mailslot),
 * ERROR_ACCESS_DENIED (the mailslot refuses this user),
 * ERROR_PATH_NOT_FOUND (NULL), ERROR_NOT_SUPPORTED (not a mailslot name:
 * this library implements only mailslots).  Blocks briefly (a local
 * handshake).  The caller owns the handle.
 */
MAILSLOT_API HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess,
    DWORD dwShareMode, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
    DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
/* CreateFileW is CreateFileA with a UTF-16 name. */
MAILSLOT_API HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
    DWORD dwShareMode, LPSECURITY_ATTRIBUTES lpSecurityAttributes,
    DWORD dwCreationDisposition, DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);

/*
 * ReadFile on a server handle reads one whole message.
 * Without lpOverlapped it blocks up to the mailslot's read timeout.  A
 * server handle inherited over exec or fork reads through its parent, with
 * the same rules (its cancellations complete when the parent answers).
 * With lpOverlapped it never blocks: a queued message is read at once
 * (TRUE, *lpNumberOfBytesRead set, the OVERLAPPED completed and its event
 * set), as Windows completes it; an empty mailslot with timeout 0 fails at
 * once with ERROR_SEM_TIMEOUT; otherwise it returns FALSE with
 * ERROR_IO_PENDING and completes later from the library's I/O thread:
 * Internal/InternalHigh are set, then hEvent (or, when hEvent is NULL, the
 * mailslot handle) is signaled.  A pending read fails with
 * ERROR_SEM_TIMEOUT after the read timeout in force when it was issued,
 * and with ERROR_INSUFFICIENT_BUFFER (message kept) if the next message
 * is larger than its buffer.  lpBuffer and lpOverlapped must stay valid
 * until it completes.
 * Errors: ERROR_SEM_TIMEOUT, ERROR_INSUFFICIENT_BUFFER (the message stays
 * queued), ERROR_INVALID_PARAMETER (a client handle), ERROR_INVALID_HANDLE.
 * *lpNumberOfBytesRead is 0 on failure.
 */
MAILSLOT_API BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer,
    DWORD nNumberOfBytesToRead, LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);

/*
 * WriteFile on a client handle writes one whole message (0 bytes allowed).
 * Writes complete at once, overlapped or not: with lpOverlapped the
 * OVERLAPPED is completed and its event set before it returns TRUE.
 * Errors: ERROR_ACCESS_DENIED (a server handle), ERROR_INVALID_PARAMETER
 * (larger than the mailslot's maximum), ERROR_NOT_ENOUGH_QUOTA (the
 * mailslot is full), ERROR_HANDLE_EOF (the server closed the mailslot),
 * ERROR_BAD_NETPATH (a broadcast write above 424 bytes), ERROR_INVALID_HANDLE.
 */
MAILSLOT_API BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer,
    DWORD nNumberOfBytesToWrite, LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);

/*
 * ReadFileEx starts an overlapped read whose completion routine runs in
 * the calling thread during an alertable wait (SleepEx,
 * WaitForSingleObjectEx, WaitForMultipleObjectsEx, GetOverlappedResultEx
 * with bAlertable), which then returns WAIT_IO_COMPLETION.  The routine is
 * queued even when the read completes at once; hEvent is left to the
 * caller.  Returns TRUE when the read is under way or done.
 * Errors: ERROR_INVALID_PARAMETER (NULL lpOverlapped or routine, a client
 * handle), ERROR_SEM_TIMEOUT (empty mailslot with timeout 0),
 * ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_HANDLE.  Never blocks.
 */
MAILSLOT_API BOOL WINAPI ReadFileEx(HANDLE hFile, LPVOID lpBuffer,
    DWORD nNumberOfBytesToRead, LPOVERLAPPED lpOverlapped,
    LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);

/* WriteFileEx writes at once and queues the completion routine, as ReadFileEx. */
MAILSLOT_API BOOL WINAPI WriteFileEx(HANDLE hFile, LPCVOID lpBuffer,
    DWORD nNumberOfBytesToWrite, LPOVERLAPPED lpOverlapped,
    LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);

/*
 * GetMailslotInfo reports a mailslot's maximum message size, the size of
 * the next message (MAILSLOT_NO_MESSAGE when empty, 0 for an empty
 * message), the number of queued messages and the read timeout.  Every
 * pointer may be NULL.  On a client handle it succeeds as on Windows 8 and
 * later when the server lives in this process; otherwise only the count
 * and maximum size are known (next size MAILSLOT_NO_MESSAGE when the count
 * is 0, else unknown and reported as 0; timeout 0): see mailslot_win32(3).
 * Errors: ERROR_INVALID_HANDLE; ERROR_FILE_NOT_FOUND (a client whose
 * server is gone); ERROR_INVALID_PARAMETER (a client of a remote name).
 * Does not block (a client handle: one local lookup; a server inherited
 * over exec or fork: one round trip to the parent).
 */
MAILSLOT_API BOOL WINAPI GetMailslotInfo(HANDLE hMailslot, LPDWORD lpMaxMessageSize,
    LPDWORD lpNextSize, LPDWORD lpMessageCount, LPDWORD lpReadTimeout);

/*
 * SetMailslotInfo sets the read timeout of later reads (pending overlapped
 * reads keep theirs).  Errors: ERROR_INVALID_HANDLE (not a server handle:
 * a client handle cannot change the server's timeout).  Does not block.
 */
MAILSLOT_API BOOL WINAPI SetMailslotInfo(HANDLE hMailslot, DWORD lReadTimeout);

/* ------------------------------------------------------------------ */
/* Overlapped I/O                                                      */
/* ------------------------------------------------------------------ */

/* TRUE once the operation has completed, successfully or not. */
#define HasOverlappedIoCompleted(lpOverlapped) \
	(__atomic_load_n(&(lpOverlapped)->Internal, __ATOMIC_ACQUIRE) != STATUS_PENDING)

/*
 * GetOverlappedResult reports how an overlapped operation on hFile ended:
 * TRUE with *lpNumberOfBytesTransferred, or FALSE with the operation's
 * error (ERROR_OPERATION_ABORTED when cancelled, ERROR_SEM_TIMEOUT,
 * ERROR_INSUFFICIENT_BUFFER).  While it is pending: with bWait FALSE it
 * fails with ERROR_IO_INCOMPLETE; with bWait TRUE it waits on hEvent, or
 * on hFile when hEvent is NULL.  Errors also: ERROR_INVALID_PARAMETER
 * (NULL lpOverlapped; Windows would fault), ERROR_INVALID_HANDLE.
 */
MAILSLOT_API BOOL WINAPI GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
    LPDWORD lpNumberOfBytesTransferred, BOOL bWait);

/*
 * GetOverlappedResultEx is GetOverlappedResult waiting at most
 * dwMilliseconds: a pending operation gives ERROR_IO_INCOMPLETE for 0 and
 * WAIT_TIMEOUT when the time runs out; with bAlertable an APC ends the
 * wait with WAIT_IO_COMPLETION as the error.
 */
MAILSLOT_API BOOL WINAPI GetOverlappedResultEx(HANDLE hFile, LPOVERLAPPED lpOverlapped,
    LPDWORD lpNumberOfBytesTransferred, DWORD dwMilliseconds, BOOL bAlertable);

/*
 * CancelIo cancels the calling thread's pending operations on hFile;
 * CancelIoEx cancels any thread's, only lpOverlapped's when it is not
 * NULL.  Cancelled operations complete at once with
 * ERROR_OPERATION_ABORTED (their event set, their routine queued); on a
 * server handle inherited over exec or fork they complete when the parent
 * answers, so wait with GetOverlappedResult(..., TRUE).
 * Errors: ERROR_INVALID_HANDLE; CancelIoEx: ERROR_NOT_FOUND when nothing
 * matched.  Closing the last handle of a mailslot cancels its reads too.
 */
MAILSLOT_API BOOL WINAPI CancelIo(HANDLE hFile);
MAILSLOT_API BOOL WINAPI CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);

/* ------------------------------------------------------------------ */
/* Handles                                                             */
/* ------------------------------------------------------------------ */

/*
 * CloseHandle closes any handle of this header.  The object lives on
 * while other handles (duplicates, inherited copies) or running
 * operations hold it: a mailslot's name lives while any server handle
 * lives, in any process.  Errors: ERROR_INVALID_HANDLE (not a handle, or
 * protected by HANDLE_FLAG_PROTECT_FROM_CLOSE).
 */
MAILSLOT_API BOOL WINAPI CloseHandle(HANDLE hObject);

/*
 * DuplicateHandle makes a second handle to the same object within this
 * process (both process handles must be GetCurrentProcess()); a
 * GetCurrentThread() source gives a real handle to the calling thread.
 * DUPLICATE_CLOSE_SOURCE closes hSourceHandle; access is always the
 * source's.  Errors: ERROR_INVALID_HANDLE, ERROR_NOT_SUPPORTED (another
 * process), ERROR_INVALID_PARAMETER (NULL lpTargetHandle).
 */
MAILSLOT_API BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle,
    HANDLE hSourceHandle, HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
    DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions);

/*
 * GetHandleInformation / SetHandleInformation read and change
 * HANDLE_FLAG_INHERIT and HANDLE_FLAG_PROTECT_FROM_CLOSE.
 * Errors: ERROR_INVALID_HANDLE; Set: ERROR_INVALID_PARAMETER (other bits).
 */
MAILSLOT_API BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags);
MAILSLOT_API BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags);

/* Pseudo-handles, as on Windows; valid in DuplicateHandle only. */
#define GetCurrentProcess() ((HANDLE)(intptr_t)-1)
#define GetCurrentThread() ((HANDLE)(intptr_t)-2)
MAILSLOT_API DWORD WINAPI GetCurrentProcessId(void);
MAILSLOT_API DWORD WINAPI GetCurrentThreadId(void);

/*
 * MailslotHandleFd returns the descriptor behind a waitable handle: it
 * polls readable (POLLIN) while the object is signaled, for epoll, libuv
 * or GLib loops.  For an auto-reset event, follow readiness with
 * WaitForSingleObject(h, 0) to take the signal.  The handle keeps the
 * descriptor: never read, write or close it.  -1 with ERROR_INVALID_HANDLE
 * for a non-handle.  Thread-safe.
 */
MAILSLOT_API int MailslotHandleFd(HANDLE h);

/*
 * MailslotServerOf / MailslotClientOf give the native handle behind a
 * Win32 handle (NULL if it is not one of that kind), e.g. to use
 * mailslot_fd() in an event loop.  The Win32 handle keeps ownership.
 */
MAILSLOT_API mailslot_server *MailslotServerOf(HANDLE h);
MAILSLOT_API mailslot_client *MailslotClientOf(HANDLE h);

/* ------------------------------------------------------------------ */
/* Events and waits                                                    */
/* ------------------------------------------------------------------ */

/*
 * CreateEventA makes an event, manual or auto reset, initially signaled
 * or not; it fails with NULL.  A name (case-sensitive) is known in this
 * process only: creating a name that exists opens that event, ignores the
 * other arguments and sets ERROR_ALREADY_EXISTS, as Windows does; other
 * processes do not see it (pass an inheritable handle instead).
 * bInheritHandle is honoured.  The caller owns the handle.
 * Errors: ERROR_NOT_ENOUGH_MEMORY, ERROR_TOO_MANY_OPEN_FILES.
 */
MAILSLOT_API HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes,
    BOOL bManualReset, BOOL bInitialState, LPCSTR lpName);
MAILSLOT_API HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
    BOOL bManualReset, BOOL bInitialState, LPCWSTR lpName);
/* CreateEventEx takes CREATE_EVENT_MANUAL_RESET / _INITIAL_SET flags. */
MAILSLOT_API HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes,
    LPCSTR lpName, DWORD dwFlags, DWORD dwDesiredAccess);
MAILSLOT_API HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes,
    LPCWSTR lpName, DWORD dwFlags, DWORD dwDesiredAccess);

/*
 * SetEvent signals the event: a manual-reset event releases every waiter
 * and stays signaled until ResetEvent; an auto-reset event releases one
 * waiter and resets.  PulseEvent releases the waiters present at the call
 * (all of them, or one for auto reset) and leaves the event reset, with
 * the race that Microsoft documents (a thread between waits misses it).
 * Errors: ERROR_INVALID_HANDLE (not an event).  Never block.
 */
MAILSLOT_API BOOL WINAPI SetEvent(HANDLE hEvent);
MAILSLOT_API BOOL WINAPI ResetEvent(HANDLE hEvent);
MAILSLOT_API BOOL WINAPI PulseEvent(HANDLE hEvent);

/*
 * WaitForSingleObject(Ex) / WaitForMultipleObjects(Ex) wait up to
 * dwMilliseconds (INFINITE: no limit; 0: test only) for events, thread,
 * process and mailslot handles.  Wait-any returns WAIT_OBJECT_0 + the
 * lowest index signaled; wait-all returns WAIT_OBJECT_0 once every object
 * is signaled at the same time, and only then resets the auto-reset
 * events among them (atomically within this process).  WAIT_TIMEOUT when
 * the time runs out; WAIT_IO_COMPLETION when bAlertable and an APC or I/O
 * completion routine ran (they run first if already queued and nothing is
 * signaled).  WAIT_FAILED with ERROR_INVALID_HANDLE (a bad, closed or
 * pseudo handle) or ERROR_INVALID_PARAMETER (nCount 0 or above
 * MAXIMUM_WAIT_OBJECTS, NULL lpHandles, a handle twice in a wait-all).
 * The objects stay alive for the wait even if closed meanwhile.
 */
MAILSLOT_API DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
MAILSLOT_API DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds,
    BOOL bAlertable);
MAILSLOT_API DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles,
    BOOL bWaitAll, DWORD dwMilliseconds);
MAILSLOT_API DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles,
    BOOL bWaitAll, DWORD dwMilliseconds, BOOL bAlertable);

/*
 * Sleep blocks the calling thread dwMilliseconds (INFINITE: for ever).
 * SleepEx with bAlertable returns WAIT_IO_COMPLETION early (after running
 * them) when APCs or completion routines are queued to the thread, else 0.
 */
MAILSLOT_API void WINAPI Sleep(DWORD dwMilliseconds);
MAILSLOT_API DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);

/*
 * QueueUserAPC queues pfnAPC(dwData) to a thread created by CreateThread
 * (or the caller's own thread through a handle DuplicateHandle made from
 * GetCurrentThread()); it runs in that thread's next alertable wait.
 * Errors: ERROR_INVALID_HANDLE (not a thread, or the thread has ended).
 */
MAILSLOT_API DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);

MAILSLOT_API DWORD WINAPI GetTickCount(void);
MAILSLOT_API ULONGLONG WINAPI GetTickCount64(void);

/* ------------------------------------------------------------------ */
/* Threads and processes                                               */
/* ------------------------------------------------------------------ */

/*
 * CreateThread runs lpStartAddress(lpParameter) in a new thread and
 * returns a handle that is signaled when the thread ends.  dwStackSize 0
 * means the default; CREATE_SUSPENDED holds the thread until
 * ResumeThread.  *lpThreadId (optional) gets its kernel id, for which the
 * call waits until the thread has started.  The caller owns the handle;
 * the thread runs on when it is closed.
 * Errors: ERROR_NOT_ENOUGH_MEMORY, ERROR_INVALID_PARAMETER (NULL routine).
 */
MAILSLOT_API HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes,
    SIZE_T dwStackSize, LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter,
    DWORD dwCreationFlags, LPDWORD lpThreadId);

/* ResumeThread starts a CREATE_SUSPENDED thread: returns 1, else 0; (DWORD)-1 and ERROR_INVALID_HANDLE. */
MAILSLOT_API DWORD WINAPI ResumeThread(HANDLE hThread);

/* ExitThread ends the calling thread (one from CreateThread) with dwExitCode. */
MAILSLOT_API void WINAPI ExitThread(DWORD dwExitCode);

/*
 * GetExitCodeThread / GetExitCodeProcess give STILL_ACTIVE while the
 * thread or process runs, then its exit code (a process killed by signal
 * N reports 128 + N).  Errors: ERROR_INVALID_HANDLE.  Never block.
 */
MAILSLOT_API BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
MAILSLOT_API BOOL WINAPI GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode);

typedef struct _STARTUPINFOA {
	DWORD cb;
	LPSTR lpReserved, lpDesktop, lpTitle;
	DWORD dwX, dwY, dwXSize, dwYSize, dwXCountChars, dwYCountChars;
	DWORD dwFillAttribute, dwFlags;
	WORD wShowWindow, cbReserved2;
	LPBYTE lpReserved2;
	HANDLE hStdInput, hStdOutput, hStdError;
} STARTUPINFOA, *LPSTARTUPINFOA;
typedef struct _STARTUPINFOW {
	DWORD cb;
	LPWSTR lpReserved, lpDesktop, lpTitle;
	DWORD dwX, dwY, dwXSize, dwYSize, dwXCountChars, dwYCountChars;
	DWORD dwFillAttribute, dwFlags;
	WORD wShowWindow, cbReserved2;
	LPBYTE lpReserved2;
	HANDLE hStdInput, hStdOutput, hStdError;
} STARTUPINFOW, *LPSTARTUPINFOW;
typedef struct _PROCESS_INFORMATION {
	HANDLE hProcess;
	HANDLE hThread;
	DWORD dwProcessId;
	DWORD dwThreadId;
} PROCESS_INFORMATION, *LPPROCESS_INFORMATION;

/*
 * CreateProcessA runs a program (the subset that mailslot programs use).
 * The command line is split as Windows' C runtime splits it (quotes and
 * backslashes); the program is lpApplicationName, else the first word,
 * looked up in PATH when it has no '/'.  With bInheritHandles the child
 * receives every inheritable handle under the same value; it finds them
 * with no work (the library reads $MAILSLOT_INHERITED_HANDLES at its first
 * call), and the parent passes the values on the command line as on
 * Windows.  lpEnvironment (narrow, NUL-separated) and lpCurrentDirectory
 * are honoured; STARTUPINFO and dwCreationFlags are accepted and ignored.
 * lpProcessInformation gets a process handle (signaled at exit, for
 * GetExitCodeProcess) and a thread handle for the child's main thread;
 * close both.  Errors: ERROR_FILE_NOT_FOUND (no such program),
 * ERROR_ACCESS_DENIED, ERROR_BAD_EXE_FORMAT, ERROR_INVALID_PARAMETER (no
 * program, NULL lpProcessInformation).  Blocks until the child has
 * started the program (or failed to).
 */
MAILSLOT_API BOOL WINAPI CreateProcessA(LPCSTR lpApplicationName, LPSTR lpCommandLine,
    LPSECURITY_ATTRIBUTES lpProcessAttributes, LPSECURITY_ATTRIBUTES lpThreadAttributes,
    BOOL bInheritHandles, DWORD dwCreationFlags, LPVOID lpEnvironment,
    LPCSTR lpCurrentDirectory, LPSTARTUPINFOA lpStartupInfo,
    LPPROCESS_INFORMATION lpProcessInformation);
/* CreateProcessW is CreateProcessA with UTF-16 strings (lpEnvironment stays narrow). */
MAILSLOT_API BOOL WINAPI CreateProcessW(LPCWSTR lpApplicationName, LPWSTR lpCommandLine,
    LPSECURITY_ATTRIBUTES lpProcessAttributes, LPSECURITY_ATTRIBUTES lpThreadAttributes,
    BOOL bInheritHandles, DWORD dwCreationFlags, LPVOID lpEnvironment,
    LPCWSTR lpCurrentDirectory, LPSTARTUPINFOW lpStartupInfo,
    LPPROCESS_INFORMATION lpProcessInformation);

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* Per-thread last error, as on Windows. */
MAILSLOT_API DWORD WINAPI GetLastError(void);
MAILSLOT_API void WINAPI SetLastError(DWORD dwErrCode);

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

/*
 * GlobalAlloc / LocalAlloc allocate dwBytes (GMEM_ZEROINIT / LMEM_ZEROINIT:
 * zeroed; GPTR and LPTR include it).  Movable memory is allocated fixed:
 * the handle is the pointer, and GlobalLock returns it.  NULL with
 * ERROR_NOT_ENOUGH_MEMORY on failure.  GlobalFree / LocalFree return NULL,
 * or the argument with ERROR_INVALID_HANDLE if it is not such a block.
 * GlobalSize gives the size asked for.  Thread-safe.
 */
MAILSLOT_API HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes);
MAILSLOT_API HGLOBAL WINAPI GlobalFree(HGLOBAL hMem);
MAILSLOT_API LPVOID WINAPI GlobalLock(HGLOBAL hMem);
MAILSLOT_API BOOL WINAPI GlobalUnlock(HGLOBAL hMem);
MAILSLOT_API SIZE_T WINAPI GlobalSize(HGLOBAL hMem);
MAILSLOT_API HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes);
MAILSLOT_API HLOCAL WINAPI LocalFree(HLOCAL hMem);

/* ------------------------------------------------------------------ */
/* Strings                                                             */
/* ------------------------------------------------------------------ */

/*
 * The lstr* family as Windows has it: lengths in characters, NULL strings
 * treated as empty by lstrlen (0) and compared as smallest by lstrcmp;
 * lstrcpyn copies at most iMaxLength - 1 characters and always
 * terminates.  lstrcmpi folds ASCII case (W: also Latin-1).  Pure; the
 * buffers are the caller's.
 */
MAILSLOT_API int WINAPI lstrlenA(LPCSTR lpString);
MAILSLOT_API int WINAPI lstrlenW(LPCWSTR lpString);
MAILSLOT_API LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2);
MAILSLOT_API LPWSTR WINAPI lstrcpyW(LPWSTR lpString1, LPCWSTR lpString2);
MAILSLOT_API LPSTR WINAPI lstrcpynA(LPSTR lpString1, LPCSTR lpString2, int iMaxLength);
MAILSLOT_API LPWSTR WINAPI lstrcpynW(LPWSTR lpString1, LPCWSTR lpString2, int iMaxLength);
MAILSLOT_API LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2);
MAILSLOT_API LPWSTR WINAPI lstrcatW(LPWSTR lpString1, LPCWSTR lpString2);
MAILSLOT_API int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2);
MAILSLOT_API int WINAPI lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2);
MAILSLOT_API int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2);
MAILSLOT_API int WINAPI lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2);

/*
 * MailslotVsnprintfW formats like the Windows C runtime's wide printf (the
 * format and %s/%c arguments are UTF-16; %hs/%S/%C take narrow strings and
 * chars; other conversions as printf) into dst, at most cch WCHARs with
 * the terminator.  Returns the length written, or -1 when it did not fit
 * (dst then holds the truncated, terminated text) or the format is bad.
 * MailslotVfprintfW writes the same text as UTF-8 to a stdio stream
 * (`FILE *`, void * here to spare the header <stdio.h>) and returns the
 * number of WCHARs formatted, or -1.  They back _tprintf and the wide
 * StringCch* functions in UNICODE builds.  Thread-safe.
 */
MAILSLOT_API int MailslotVsnprintfW(LPWSTR dst, size_t cch, LPCWSTR fmt, va_list ap);
MAILSLOT_API int MailslotVfprintfW(void *stream, LPCWSTR fmt, va_list ap);
MAILSLOT_API int MailslotPrintfW(LPCWSTR fmt, ...);

/*
 * MailslotRunWideMain is what a UNICODE build's main() calls: it converts
 * argv from UTF-8 to UTF-16 and calls fn(argc, wargv).  <tchar.h> uses it
 * for _tmain and wmain.
 */
MAILSLOT_API int MailslotRunWideMain(int argc, char **argv, int (*fn)(int, WCHAR **));

/*
 * MailslotRunWinMainA / W are what _tWinMain's main() calls: fn gets a
 * made-up instance handle, NULL, the command line after the program name
 * (arguments joined by spaces, quoted when they hold a space) and
 * SW_SHOWDEFAULT.
 */
#define SW_SHOWDEFAULT 10
MAILSLOT_API int MailslotRunWinMainA(int argc, char **argv,
    int (*fn)(HINSTANCE, HINSTANCE, LPSTR, int));
MAILSLOT_API int MailslotRunWinMainW(int argc, char **argv,
    int (*fn)(HINSTANCE, HINSTANCE, LPWSTR, int));

#ifndef MAILSLOT_NO_MESSAGE
#define MAILSLOT_NO_MESSAGE ((DWORD)-1)
#endif

#ifdef __cplusplus
}
#endif
#endif /* MAILSLOT_WIN32_H */
