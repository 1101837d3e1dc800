/* SPDX-License-Identifier: MIT */
/*
 * strsafe.h (mailslot compat) - the StringCch* / StringCb* functions that
 * Windows samples use, with Windows' HRESULT results: S_OK, or
 * STRSAFE_E_INSUFFICIENT_BUFFER with the destination truncated and
 * terminated, or STRSAFE_E_INVALID_PARAMETER (a size of 0 or above
 * STRSAFE_MAX_CCH; the destination is then left alone).  Cch sizes count
 * characters (TCHARs), Cb sizes bytes.  The wide forms format with the
 * Windows C runtime's rules (MailslotVsnprintfW).  Header-only, pure:
 * thread-safe, no allocation in the narrow forms.
 */
#ifndef MAILSLOT_COMPAT_STRSAFE_H
#define MAILSLOT_COMPAT_STRSAFE_H
#include <mailslot/win32.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define STRSAFE_MAX_CCH 2147483647
#define STRSAFE_E_INSUFFICIENT_BUFFER ((HRESULT)0x8007007AL)
#define STRSAFE_E_INVALID_PARAMETER ((HRESULT)0x80070057L)
#define STRSAFE_E_END_OF_FILE ((HRESULT)0x80070026L)

typedef const char *STRSAFE_LPCSTR;
typedef char *STRSAFE_LPSTR;
typedef const WCHAR *STRSAFE_LPCWSTR;
typedef WCHAR *STRSAFE_LPWSTR;

static inline size_t
msw_strsafe_wlen_(const WCHAR *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

static inline HRESULT
StringCchVPrintfA(STRSAFE_LPSTR pszDest, size_t cchDest, STRSAFE_LPCSTR pszFormat, va_list ap)
{
	int n;
	if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH)
		return STRSAFE_E_INVALID_PARAMETER;
	n = vsnprintf(pszDest, cchDest, pszFormat, ap);
	if (n < 0) {
		pszDest[0] = '\0';
		return STRSAFE_E_INVALID_PARAMETER;
	}
	return (size_t)n < cchDest ? S_OK : STRSAFE_E_INSUFFICIENT_BUFFER;
}

static inline HRESULT
StringCchVPrintfW(STRSAFE_LPWSTR pszDest, size_t cchDest, STRSAFE_LPCWSTR pszFormat, va_list ap)
{
	if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH)
		return STRSAFE_E_INVALID_PARAMETER;
	return MailslotVsnprintfW(pszDest, cchDest, pszFormat, ap) < 0 ?
	    STRSAFE_E_INSUFFICIENT_BUFFER : S_OK;
}

/* The four printf forms differ only in width and in counting bytes or characters. */
#define MSW_STRSAFE_PRINTF_(NAME, T, VFN, UNIT)                                \
	static inline HRESULT NAME(T *pszDest, size_t cbDest, const T *pszFormat, ...) \
	{                                                                       \
		va_list ap;                                                     \
		HRESULT r;                                                      \
		va_start(ap, pszFormat);                                        \
		r = VFN(pszDest, cbDest / (UNIT), pszFormat, ap);               \
		va_end(ap);                                                     \
		return r;                                                       \
	}
MSW_STRSAFE_PRINTF_(StringCchPrintfA, char, StringCchVPrintfA, 1)
MSW_STRSAFE_PRINTF_(StringCchPrintfW, WCHAR, StringCchVPrintfW, 1)
MSW_STRSAFE_PRINTF_(StringCbPrintfA, char, StringCchVPrintfA, 1)
MSW_STRSAFE_PRINTF_(StringCbPrintfW, WCHAR, StringCchVPrintfW, sizeof(WCHAR))

/* The copy and cat functions share one helper per width. */
#define MSW_STRSAFE_COPY_(NAME, T, LEN)                                        \
	static inline HRESULT NAME(T *pszDest, size_t cchDest, const T *pszSrc, \
	    int append)                                                         \
	{                                                                       \
		size_t at = 0, i;                                               \
		if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH)                  \
			return STRSAFE_E_INVALID_PARAMETER;                     \
		if (append) {                                                   \
			at = LEN(pszDest, cchDest);                             \
			if (at == cchDest)                                      \
				return STRSAFE_E_INVALID_PARAMETER;             \
		}                                                               \
		for (i = 0; pszSrc[i] && at + i < cchDest - 1; i++)             \
			pszDest[at + i] = pszSrc[i];                            \
		pszDest[at + i] = 0;                                            \
		return pszSrc[i] ? STRSAFE_E_INSUFFICIENT_BUFFER : S_OK;        \
	}
MSW_STRSAFE_COPY_(msw_strsafe_copyA_, char, strnlen)
MSW_STRSAFE_COPY_(msw_strsafe_copyW_, WCHAR, msw_strsafe_wlen_)

#define StringCchCopyA(d, cch, s) msw_strsafe_copyA_((d), (cch), (s), 0)
#define StringCchCopyW(d, cch, s) msw_strsafe_copyW_((d), (cch), (s), 0)
#define StringCbCopyA(d, cb, s) msw_strsafe_copyA_((d), (cb), (s), 0)
#define StringCbCopyW(d, cb, s) msw_strsafe_copyW_((d), (cb) / sizeof(WCHAR), (s), 0)
#define StringCchCatA(d, cch, s) msw_strsafe_copyA_((d), (cch), (s), 1)
#define StringCchCatW(d, cch, s) msw_strsafe_copyW_((d), (cch), (s), 1)
#define StringCbCatA(d, cb, s) msw_strsafe_copyA_((d), (cb), (s), 1)
#define StringCbCatW(d, cb, s) msw_strsafe_copyW_((d), (cb) / sizeof(WCHAR), (s), 1)

#define MSW_STRSAFE_LENGTH_(NAME, T, LEN)                                      \
	static inline HRESULT NAME(const T *psz, size_t cchMax, size_t *pcchLength) \
	{                                                                       \
		size_t n;                                                       \
		if (psz == NULL || cchMax > STRSAFE_MAX_CCH) {                  \
			if (pcchLength)                                         \
				*pcchLength = 0;                                \
			return STRSAFE_E_INVALID_PARAMETER;                     \
		}                                                               \
		n = LEN(psz, cchMax);                                           \
		if (pcchLength)                                                 \
			*pcchLength = n < cchMax ? n : 0;                       \
		return n < cchMax ? S_OK : STRSAFE_E_INVALID_PARAMETER;         \
	}
MSW_STRSAFE_LENGTH_(StringCchLengthA, char, strnlen)
MSW_STRSAFE_LENGTH_(StringCchLengthW, WCHAR, msw_strsafe_wlen_)

static inline HRESULT
StringCbLengthA(STRSAFE_LPCSTR psz, size_t cbMax, size_t *pcbLength)
{
	return StringCchLengthA(psz, cbMax, pcbLength);
}

static inline HRESULT
StringCbLengthW(STRSAFE_LPCWSTR psz, size_t cbMax, size_t *pcbLength)
{
	size_t n = 0;
	HRESULT r = StringCchLengthW(psz, cbMax / sizeof(WCHAR), &n);
	if (pcbLength)
		*pcbLength = n * sizeof(WCHAR);
	return r;
}

#ifdef UNICODE
#define StringCchPrintf StringCchPrintfW
#define StringCbPrintf StringCbPrintfW
#define StringCchVPrintf StringCchVPrintfW
#define StringCchCopy StringCchCopyW
#define StringCbCopy StringCbCopyW
#define StringCchCat StringCchCatW
#define StringCbCat StringCbCatW
#define StringCchLength StringCchLengthW
#define StringCbLength StringCbLengthW
#else
#define StringCchPrintf StringCchPrintfA
#define StringCbPrintf StringCbPrintfA
#define StringCchVPrintf StringCchVPrintfA
#define StringCchCopy StringCchCopyA
#define StringCbCopy StringCbCopyA
#define StringCchCat StringCchCatA
#define StringCbCat StringCbCatA
#define StringCchLength StringCchLengthA
#define StringCbLength StringCbLengthA
#endif

#endif /* MAILSLOT_COMPAT_STRSAFE_H */
