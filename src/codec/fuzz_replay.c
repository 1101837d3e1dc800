/* SPDX-License-Identifier: MIT */
/*
 * fuzz_replay.c - run a fuzz target over saved inputs, without libFuzzer.
 *
 * Usage: fuzz_replay_<codec> PATH...  Each PATH is a file or a directory
 * whose regular files are all replayed.  Every input is copied into a
 * buffer of exactly its size, so that AddressSanitizer builds catch a
 * read past the end as libFuzzer would.  The run fails when an input
 * cannot be read or when no input was found at all (an empty or missing
 * corpus must not pass silently); a broken property aborts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "msl_fuzz.h"

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long size = -1;

	if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		/* Exactly size bytes (one for an empty file, as malloc(0)
		 * may return NULL), so ASan sees any read past the end. */
		buf = malloc(size > 0 ? (size_t)size : 1);
		if (buf != NULL &&
		    fread(buf, 1, (size_t)size, f) != (size_t)size) {
			free(buf);
			buf = NULL;
		}
	}
	if (f != NULL)
		fclose(f);
	if (buf == NULL) {
		perror(path);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	free(buf);
	return 0;
}

/* replay_path replays one file or every regular file in a directory and
 * adds the number of inputs to *count. */
static int
replay_path(const char *path, unsigned *count)
{
	struct stat st;
	struct dirent *de;
	DIR *dir;
	int rc = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (replay_file(path) != 0)
			return -1;
		(*count)++;
		return 0;
	}
	dir = opendir(path);
	if (dir == NULL) {
		perror(path);
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		char full[4096];

		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(full, sizeof full, "%s/%s", path,
		    de->d_name) >= sizeof full) {
			fprintf(stderr, "%s/%s: path too long\n", path,
			    de->d_name);
			rc = -1;
			continue;
		}
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(full) != 0)
			rc = -1;
		else
			(*count)++;
	}
	closedir(dir);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned count = 0;
	int rc = 0;

	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) != 0)
			rc = 1;
	printf("replayed %u inputs\n", count);
	if (count == 0) {
		fprintf(stderr, "no inputs found\n");
		rc = 1;
	}
	return rc;
}
