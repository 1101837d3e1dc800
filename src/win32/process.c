/*
 * process.c - CreateProcess, process handles and handle inheritance over exec.
 */
#include <stdlib.h>

#include "msw.h"

void
msw_inherit_import(void)
{
}

int
msw_proxy_read(msw_obj *o, void *buf, DWORD cap, DWORD *got, DWORD timeout_ms)
{
	(void)o, (void)buf, (void)cap, (void)got, (void)timeout_ms;
	return ERROR_NOT_SUPPORTED;
}

int
msw_proxy_info(msw_obj *o, mailslot_info *info)
{
	(void)o, (void)info;
	return ERROR_NOT_SUPPORTED;
}

BOOL WINAPI
GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode)
{
	(void)hProcess, (void)lpExitCode;
	return msw_fail(ERROR_INVALID_HANDLE);
}
