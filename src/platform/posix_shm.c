/* SPDX-License-Identifier: MIT */
/*
 * posix_shm.c - shared memory and robust mutexes for platform.h: sealed
 * memfds, checked mappings of a peer's memory, and the C library detail
 * that lets a process read another's robust mutex without locking it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "platform.h"

/*
 * The futex word of a glibc mutex: for a robust one, its owner's thread
 * id, which the kernel's robust-list handling marks FUTEX_OWNER_DIED when
 * the owner dies.  Other C libraries lay the mutex out differently.
 */
#if defined(__GLIBC__)
#define MSL_ROBUST_OK 1
#define MSL_ROBUST_OWNER_OFF offsetof(pthread_mutex_t, __data.__lock)
#else
#define MSL_ROBUST_OK 0
#define MSL_ROBUST_OWNER_OFF 0
#endif

_Static_assert(sizeof(pthread_mutex_t) <= MSL_ROBUST_SIZE, "MSL_ROBUST_SIZE too small");

/* msl_memfd makes a memfd of `size` bytes, mapped read-write here, with
 * `seals` added. */
static int
msl_memfd(const char *name, size_t size, int seals, void **map)
{
	void *p;
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) != 0 ||
	    (p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		close(fd);
		return -1;
	}
	if (fcntl(fd, F_ADD_SEALS, seals) != 0) {
		munmap(p, size);
		close(fd);
		return -1;
	}
	*map = p;
	return fd;
}

int
msl_shm_create(const char *name, size_t size, void **map)
{
	/* FUTURE_WRITE keeps our own writable mapping but refuses any new one. */
	return msl_memfd(name, size,
	    F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE | F_SEAL_SEAL, map);
}

int
msl_shm_create_shared(const char *name, size_t size, void **map)
{
	return msl_memfd(name, size, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL, map);
}

void *
msl_shm_private_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

int
msl_shm_map_peer_rw(int fd, size_t min, size_t max, size_t *len, void **map)
{
	struct stat st;
	int seals = fcntl(fd, F_GET_SEALS);
	void *p;

	/* Without SHRINK the peer could truncate it under us (SIGBUS); without
	 * GROW its size could change between fstat and mmap. */
	if (seals < 0 || (seals & (F_SEAL_SHRINK | F_SEAL_GROW)) != (F_SEAL_SHRINK | F_SEAL_GROW) ||
	    (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) != 0 || fstat(fd, &st) != 0 ||
	    !S_ISREG(st.st_mode) || st.st_size < 0 || (uint64_t)st.st_size < min ||
	    (uint64_t)st.st_size > max) {
		errno = EINVAL;
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	*map = p;
	*len = (size_t)st.st_size;
	return 0;
}

int
msl_shm_map_peer(int fd, size_t len, const void **map)
{
	struct stat st;
	int seals = fcntl(fd, F_GET_SEALS);
	void *p;

	if (seals < 0 || !(seals & F_SEAL_SHRINK) || fstat(fd, &st) != 0 ||
	    st.st_size < 0 || (uint64_t)st.st_size < len) {
		errno = EINVAL;
		return -1;
	}
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	*map = p;
	return 0;
}

void
msl_shm_unmap(const void *map, size_t len)
{
	munmap((void *)(uintptr_t)map, len);
}

int
msl_robust_supported(void)
{
	return MSL_ROBUST_OK;
}

int
msl_robust_init(void *mem)
{
	/* The same mutex as a shared lock; only reading its owner needs the
	 * known layout. */
	return MSL_ROBUST_OK ? msl_shared_lock_init(mem) : -1;
}

int
msl_robust_hold(void *mem)
{
	return pthread_mutex_lock((pthread_mutex_t *)mem) == 0 ? 0 : -1;
}

int
msl_robust_alive(const void *mem)
{
	uint32_t w;

	if (!MSL_ROBUST_OK)
		return 0;
	w = __atomic_load_n((const uint32_t *)(const void *)((const char *)mem + MSL_ROBUST_OWNER_OFF),
	    __ATOMIC_ACQUIRE);
	return (w & FUTEX_TID_MASK) != 0 && (w & FUTEX_OWNER_DIED) == 0;
}

int
msl_shared_lock_init(void *mem)
{
	pthread_mutexattr_t ma;
	int rc;

	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	rc = pthread_mutex_init((pthread_mutex_t *)mem, &ma);
	pthread_mutexattr_destroy(&ma);
	return rc == 0 ? 0 : -1;
}

void
msl_shared_lock(void *mem)
{
	/* A holder that died left its work half done; what it published is
	 * for the reader to judge, the lock is simply taken over. */
	if (pthread_mutex_lock((pthread_mutex_t *)mem) == EOWNERDEAD)
		pthread_mutex_consistent((pthread_mutex_t *)mem);
}

void
msl_shared_unlock(void *mem)
{
	pthread_mutex_unlock((pthread_mutex_t *)mem);
}
