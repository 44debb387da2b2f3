/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the hive modules: the input as a registry hive
 * file (written to one temp file: the path mbtool reads; libbfio's
 * in-memory handle of Debian 12 is itself unsafe, see below), walked through every key (bounded), its values, class names and
 * times (hive.h), then read as SYSTEM, SECURITY and SAM (hiveset.h). Seeded
 * at run time with $MB_CORPUS/hives/malformed and the real XP hives
 * (tests/fuzz/run.sh); they are not copied into the repository.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mb/hive.h"
#include "mb/hiveset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input's file, rewritten for each input. (libregf's
 * libbfio_memory_range handle, 20170123 in Debian 12, makes overlapping
 * memcpy calls on a 1 KiB .LOG file, which ASan stops at: a file keeps the
 * target on the code mbtool runs.)
 */
static const char *input_file(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;

	if (fd < 0) {
		snprintf(path, sizeof(path), "/tmp/fuzz_hive.XXXXXX");
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		unlink(path);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	return path;
}

struct walk {
	struct mb_buf v;
	unsigned budget;
	int depth;
};

/* Every key (up to a budget and depth): a few values and the sub-keys. */
static enum mb_status walk(void *ctx, const char *name,
			   struct mb_hive_node *node, struct mb_error *err)
{
	struct walk *w = ctx;

	(void)name;
	if (!w->budget || w->depth > 8)
		return MB_OK;
	w->budget--;
	(void)mb_hive_node_value(node, NULL, NULL, &w->v, err);
	(void)mb_hive_node_value(node, NULL, "F", &w->v, err);
	(void)mb_hive_node_value(node, "ActSysAc", NULL, &w->v, err);
	w->depth++;
	(void)mb_hive_node_visit(node, walk, w, err);
	w->depth--;
	return MB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum mb_hive_role roles[] = {
		MB_HIVE_SYSTEM, MB_HIVE_SECURITY, MB_HIVE_SAM,
	};
	struct mb_error err;
	struct mb_hive *h;
	struct mb_hiveset *hs;
	struct walk w = { { 0 }, 2000, 0 };
	char cls[64], **names;
	uint64_t t;
	size_t i, n;

	if (mb_hive_open(input_file(data, size), &h, &err))
		return 0;
	mb_buf_init(&w.v);
	(void)mb_hive_visit(h, "", walk, &w, &err);
	mb_buf_release(&w.v);
	(void)mb_hive_class(h, "", cls, sizeof(cls), &err);
	(void)mb_hive_time(h, "", &t, &err);
	if (!mb_hive_subkeys(h, "", &names, &n, &err))
		mb_hive_names_free(names, n);
	hs = mb_hiveset_new("SAM", "SYSTEM", "SECURITY");
	for (i = 0; hs && i < 3; i++)
		(void)mb_hiveset_read(hs, h, roles[i], &err);
	mb_hiveset_free(hs);
	mb_hive_close(h);
	return 0;
}
