/* SPDX-License-Identifier: MIT */
/* The Windows side of a metabase's accounts (mb/wside.h). */
#include <stdlib.h>
#include <string.h>

#include "mb/wside.h"

void mb_wside_free(struct mb_wside *w)
{
	size_t i;

	for (i = 0; w->v && i < w->n; i++) {
		free(w->v[i].pw);
		free(w->v[i].why);
	}
	free(w->v);
	memset(w, 0, sizeof(*w));
}
