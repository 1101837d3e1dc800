/* SPDX-License-Identifier: MIT */
/*
 * process.c - CreateProcess and process handles.
 *
 * A process handle is a pidfd: it polls readable once the process has
 * exited, so it waits like every other object.  The handles a child
 * inherits are described and served by inherit.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "msw.h"

extern char **environ;

/* ------------------------------------------------------------------ */
/* Process handles                                                     */
/* ------------------------------------------------------------------ */

static int
msw_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* msw_reap_locked collects an exited child's status once. */
static void
msw_reap_locked(msw_obj *o)
{
	siginfo_t si;
	if (o->exited || o->pid <= 0)
		return;
	int r;
	memset(&si, 0, sizeof si);
	r = o->reaped ? -1 : waitid(P_PID, (id_t)o->pid, &si, WEXITED | WNOHANG);
	if (r == 0 && si.si_pid == o->pid) {
		o->exited = 1;
		o->exit_code = si.si_code == CLD_EXITED ? (DWORD)si.si_status : 128u + (DWORD)si.si_status;
	} else if (o->reaped || (r != 0 && errno == ECHILD)) {
		/* Not our child (inherited): it has ended when its pidfd says so. */
		struct pollfd pf = { .fd = o->fd, .events = POLLIN };
		if (poll(&pf, 1, 0) == 1) {
			o->exited = 1;
			o->exit_code = 0;
		}
	}
}

/* msw_exit_code_locked gives a process's exit code, or STILL_ACTIVE. */
BOOL
msw_exit_code_locked(msw_obj *o, DWORD *code)
{
	msw_reap_locked(o);
	*code = o->exited ? o->exit_code : STILL_ACTIVE;
	return TRUE;
}

BOOL WINAPI
GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode)
{
	DWORD code = 0;
	msw_obj *o = msw_lock_get(hProcess, MSW_K_PROCESS, NULL);
	int ok = o != NULL && msw_exit_code_locked(o, &code);
	pthread_mutex_unlock(&msw_mu);
	return msw_give_dword(ok, lpExitCode, code);
}

/* ------------------------------------------------------------------ */
/* CreateProcess                                                       */
/* ------------------------------------------------------------------ */

/*
 * msw_split splits a command line as the Windows C runtime does: blanks
 * separate arguments, double quotes group, 2n backslashes before a quote
 * are n backslashes and the quote counts, 2n+1 give n and a literal quote.
 * Returns a NULL-terminated vector in one allocation.
 */
static char **
msw_split(const char *cl)
{
	size_t n = strlen(cl), words = n / 2 + 2;
	char **v = malloc(words * sizeof *v + n + words);
	char *out, *p;
	const char *s = cl;
	size_t w = 0;
	if (v == NULL)
		return NULL;
	out = (char *)(v + words);
	while (*s) {
		int quoted = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		v[w++] = p = out;
		while (*s && (quoted || (*s != ' ' && *s != '\t'))) {
			if (*s == '\\') {
				size_t bs = 0;
				while (*s == '\\') {
					bs++;
					s++;
				}
				if (*s == '"') {
					for (size_t i = 0; i < bs / 2; i++)
						*p++ = '\\';
					if (bs % 2) {
						*p++ = '"';
						s++;
					}
				} else {
					for (size_t i = 0; i < bs; i++)
						*p++ = '\\';
				}
			} else if (*s == '"') {
				if (quoted && s[1] == '"') {
					*p++ = '"'; /* "" inside quotes is one quote */
					s += 2;
					continue;
				}
				quoted = !quoted;
				s++;
			} else {
				*p++ = *s++;
			}
		}
		*p++ = '\0';
		out = p;
	}
	v[w] = NULL;
	return v;
}

/* msw_find_program resolves a program as execvp would, also without a trailing ".exe". */
static char *
msw_find_program(const char *prog)
{
	const char *path = getenv("PATH");
	size_t n = strlen(prog);
	char *buf;
	for (int pass = 0; pass < 2; pass++) {
		size_t len = n;
		if (pass == 1) {
			if (n < 4 || strcasecmp(prog + n - 4, ".exe") != 0)
				break;
			len = n - 4;
		}
		if (memchr(prog, '/', len) != NULL) {
			if ((buf = strndup(prog, len)) != NULL && access(buf, X_OK) == 0)
				return buf;
			if (buf != NULL && access(buf, F_OK) == 0)
				return buf; /* exists: let execve report why it fails */
			free(buf);
			continue;
		}
		for (const char *d = path ? path : "/usr/bin:/bin"; d != NULL;) {
			const char *colon = strchr(d, ':');
			size_t dl = colon ? (size_t)(colon - d) : strlen(d);
			if ((buf = malloc(dl + len + 2)) == NULL)
				return NULL;
			snprintf(buf, dl + len + 2, "%.*s/%.*s", (int)dl, dl ? d : ".", (int)len, prog);
			if (access(buf, X_OK) == 0)
				return buf;
			free(buf);
			d = colon ? colon + 1 : NULL;
		}
	}
	return NULL;
}

/* msw_make_env builds the child's environment: the block or ours, with our variable replaced. */
static char **
msw_make_env(const char *block, const char *ours)
{
	size_t n = 0, k = 0;
	const char *p;
	char **env;
	const size_t vl = strlen(MSW_INHERIT_ENV "=");
	if (block != NULL)
		for (p = block; *p; p += strlen(p) + 1)
			n++;
	else
		for (char **e = environ; *e; e++)
			n++;
	if ((env = calloc(n + 2, sizeof *env)) == NULL)
		return NULL;
	if (block != NULL) {
		for (p = block; *p; p += strlen(p) + 1)
			if (strncmp(p, MSW_INHERIT_ENV "=", vl) != 0)
				env[k++] = (char *)p;
	} else {
		for (char **e = environ; *e; e++)
			if (strncmp(*e, MSW_INHERIT_ENV "=", vl) != 0)
				env[k++] = *e;
	}
	if (ours != NULL)
		env[k++] = (char *)ours;
	env[k] = NULL;
	return env;
}

/* msw_put_pid writes pid as ten digits at p, without library calls (after fork). */
static void
msw_put_pid(char *p, pid_t pid)
{
	for (int i = 9; i >= 0; i--) {
		p[i] = (char)('0' + pid % 10);
		pid /= 10;
	}
}

static DWORD
msw_errno_error(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return ERROR_FILE_NOT_FOUND;
	case EACCES:
	case EPERM:
		return ERROR_ACCESS_DENIED;
	case ENOEXEC:
		return ERROR_BAD_EXE_FORMAT;
	case ENOMEM:
		return ERROR_NOT_ENOUGH_MEMORY;
	default:
		return ERROR_GEN_FAILURE;
	}
}

/* msw_exec_errno waits for the child's exec: -1 if it ran, else the errno it failed with (child reaped). */
static int
msw_exec_errno(pid_t pid, int rfd)
{
	/* The pipe closes at exec: nothing read means the program runs. */
	int child_errno = 0;
	ssize_t r;
	do
		r = read(rfd, &child_errno, sizeof child_errno);
	while (r < 0 && errno == EINTR);
	if (r != (ssize_t)sizeof child_errno)
		return -1;
	waitpid(pid, NULL, 0);
	return child_errno;
}

/* msw_process_handles makes the process and main-thread objects of a started child. */
static DWORD
msw_process_handles(pid_t pid, LPSECURITY_ATTRIBUTES lpProcessAttributes,
    LPSECURITY_ATTRIBUTES lpThreadAttributes, LPPROCESS_INFORMATION lpProcessInformation)
{
	int pidfd = -1, tfd = -1;
	DWORD err = 0;
	msw_obj *po = NULL, *to = NULL;

	if ((pidfd = msw_pidfd_open(pid)) < 0)
		err = ERROR_NOT_ENOUGH_MEMORY;
	if (err == 0 && (po = msw_obj_new(MSW_K_PROCESS, pidfd, 1)) == NULL) {
		close(pidfd);
		err = ERROR_NOT_ENOUGH_MEMORY;
	}
	if (err == 0 && ((tfd = fcntl(pidfd, F_DUPFD_CLOEXEC, 0)) < 0 ||
	    (to = msw_obj_new(MSW_K_THREAD, tfd, 1)) == NULL)) {
		if (tfd >= 0)
			close(tfd);
		err = ERROR_NOT_ENOUGH_MEMORY;
		pthread_mutex_lock(&msw_mu);
		msw_unref_locked(po);
		msw_unlock();
	}
	if (err == 0) {
		po->pid = pid;
		po->exit_code = STILL_ACTIVE;
		pthread_mutex_lock(&msw_mu);
		lpProcessInformation->hProcess =
		    msw_handle_new_locked(po, msw_inherit_flag(lpProcessAttributes) ? HANDLE_FLAG_INHERIT : 0);
		/* The main thread is its own object, signaled with the process. */
		if (to != NULL) {
			to->proc = po;
			po->refs++;
			lpProcessInformation->hThread = msw_handle_new_locked(to,
			    msw_inherit_flag(lpThreadAttributes) ? HANDLE_FLAG_INHERIT : 0);
			msw_unref_locked(to);
		}
		msw_unref_locked(po);
		msw_unlock();
		lpProcessInformation->dwProcessId = (DWORD)pid;
		lpProcessInformation->dwThreadId = (DWORD)pid;
	}
	return err;
}

BOOL WINAPI
CreateProcessA(LPCSTR lpApplicationName, LPSTR lpCommandLine,
    LPSECURITY_ATTRIBUTES lpProcessAttributes, LPSECURITY_ATTRIBUTES lpThreadAttributes,
    BOOL bInheritHandles, DWORD dwCreationFlags, LPVOID lpEnvironment,
    LPCSTR lpCurrentDirectory, LPSTARTUPINFOA lpStartupInfo,
    LPPROCESS_INFORMATION lpProcessInformation)
{
	msw_export x;
	char **argv = NULL, **env = NULL, *prog = NULL;
	int pfd[2] = { -1, -1 }, child_errno = 0;
	DWORD err = 0;
	pid_t pid = -1;

	(void)lpStartupInfo;
	(void)dwCreationFlags;
	memset(&x, 0, sizeof x);
	if (lpProcessInformation == NULL ||
	    (lpApplicationName == NULL && (lpCommandLine == NULL || *lpCommandLine == '\0')))
		return msw_fail(ERROR_INVALID_PARAMETER);
	if ((argv = msw_split(lpCommandLine ? lpCommandLine : lpApplicationName)) == NULL)
		return msw_fail(ERROR_NOT_ENOUGH_MEMORY);
	if (argv[0] == NULL && lpApplicationName == NULL) {
		free(argv);
		return msw_fail(ERROR_INVALID_PARAMETER);
	}
	if ((prog = msw_find_program(lpApplicationName ? lpApplicationName : argv[0])) == NULL) {
		free(argv);
		return msw_fail(ERROR_FILE_NOT_FOUND);
	}
	msw_fork_hooks();
	msw_init();
	msw_env_add(&x, MSW_INHERIT_ENV "=0000000000");
	if (bInheritHandles)
		msw_export_handles(&x);
	err = x.err;
	if (err == 0 && ((env = msw_make_env(lpEnvironment, strchr(x.env, ';') ? x.env : NULL)) == NULL ||
	    pipe2(pfd, O_CLOEXEC) != 0))
		err = ERROR_NOT_ENOUGH_MEMORY;
	msw_set_spawning(1);
	if (err == 0 && (pid = fork()) == 0) {
		/* The child: only async-signal-safe calls until exec. */
		char *var = x.env + strlen(MSW_INHERIT_ENV "=");
		int e;
		msw_put_pid(var, getpid());
		for (int i = 0; i < x.nfds; i++)
			fcntl(x.fds[i], F_SETFD, 0);
		if (lpCurrentDirectory == NULL || chdir(lpCurrentDirectory) == 0)
			execve(prog, argv, env);
		e = errno;
		if (write(pfd[1], &e, sizeof e) < 0)
			_exit(127);
		_exit(127);
	}
	msw_set_spawning(0);
	if (pid < 0 && err == 0)
		err = ERROR_NOT_ENOUGH_MEMORY;
	if (pfd[1] >= 0)
		close(pfd[1]);
	if (pid > 0 && (child_errno = msw_exec_errno(pid, pfd[0])) >= 0)
		err = msw_errno_error(child_errno);
	if (pfd[0] >= 0)
		close(pfd[0]);
	msw_brokers_settle(&x, err);
	free(env);
	free(argv);
	free(prog);
	if (err == 0)
		err = msw_process_handles(pid, lpProcessAttributes, lpThreadAttributes,
		    lpProcessInformation);
	free(x.env);
	if (err != 0)
		return msw_fail(err);
	msw_set_error(ERROR_SUCCESS);
	return TRUE;
}

/* The wide form converts its strings to UTF-8 and is the ANSI form. */
BOOL WINAPI
CreateProcessW(LPCWSTR app, LPWSTR cmdline, LPSECURITY_ATTRIBUTES pa,
    LPSECURITY_ATTRIBUTES ta, BOOL inherit, DWORD flags, LPVOID env, LPCWSTR dir,
    LPSTARTUPINFOW si, LPPROCESS_INFORMATION pi)
{
	int ok1, ok2, ok3;
	char *app8 = msw_to_utf8(app, &ok1);
	char *cl8 = msw_to_utf8(cmdline, &ok2);
	char *dir8 = msw_to_utf8(dir, &ok3);
	BOOL r;
	(void)si;
	if (!ok1 || !ok2 || !ok3)
		r = msw_fail(ERROR_NOT_ENOUGH_MEMORY);
	else
		r = CreateProcessA(app8, cl8, pa, ta, inherit, flags, env, dir8, NULL, pi);
	free(app8);
	free(cl8);
	free(dir8);
	return r;
}
