/* SPDX-License-Identifier: MIT */
/*
 * The per-file loop. The command runs once per file, either here (--jobs 1)
 * or in up to N forked worker processes that send each file's result back
 * over a socket. Processes rather than threads: the commands, libxml2 and OpenSSL
 * then need no thread safety, and a crash takes down one file, not the run.
 * Either way run_one() makes a file's result and emit() prints it, in input
 * order, so both paths print the same bytes. Around it: --jsonl lines, the
 * progress bar on a terminal, the summary line, and standard input read
 * once for all files.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "mb/json.h"
#include "mb/write.h"

#define BAR 30          /* progress bar cells */
#define NSTATUS 9       /* exit statuses 0..8 (enum mb_status) */

struct result {
	struct mb_buf out;  /* for stdout: header and output, or JSON */
	struct mb_buf err;  /* for stderr: the error line */
	int status;
	int done;
};

/* What a worker sends: this header, then out's bytes, then err's. */
struct frame {
	int status;
	size_t out, err;
};

/*
 * A worker process runs file after file: the parent sends it a file index
 * over a socket pair, it sends back the frame. One process per worker, not
 * per file, so lazy set-up (libxml2's, OpenSSL's) is paid once.
 */
struct worker {
	pid_t pid;          /* 0: no process */
	int fd;             /* the parent's end of the socket pair */
	int idx;            /* the file it runs, -1 idle */
	struct mb_buf raw;  /* the frame, as it arrives */
};

struct progress {
	int on;             /* stderr is a terminal and several files */
	int total, done;
	int width;          /* characters on screen now */
};

struct loop {
	const struct cli_fleet *f;
	struct result *res;
	struct worker *w;        /* f->jobs slots */
	int running, next_start, next_emit;
	struct mb_buf input;     /* standard input, when the command reads it */
	int has_input;
	int count[NSTATUS + 1];  /* files per exit status; last: any other */
	struct progress bar;
};

int cli_jobs(const char *s)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > CLI_MAXJOBS)
		return -1;
	return (int)v;
}

/* ---- progress bar and summary -------------------------------------------- */

static void bar_draw(struct progress *p)
{
	static const char full[] = "##############################";
	static const char empty[] = "..............................";
	int fill, n;

	if (!p->on)
		return;
	fill = p->done * BAR / p->total;
	n = fprintf(stderr, "\rmbtool: [%.*s%.*s] %d/%d files", fill, full,
		    BAR - fill, empty, p->done, p->total);
	fflush(stderr);
	p->width = n > 0 ? n - 1 : 0;
}

/* Spaces over the bar, so that whatever is printed next starts clean. */
static void bar_erase(struct progress *p)
{
	if (!p->on || !p->width)
		return;
	fprintf(stderr, "\r%*s\r", p->width, "");
	fflush(stderr);
	p->width = 0;
}

static void summary(const struct loop *l)
{
	static const char *const words[NSTATUS] = {
		"ok", "with findings", "with usage errors", "not set",
		"path not found", "with unknown properties", "failed",
		"with secrets not recovered", "declined",
	};
	int s;

	fprintf(stderr, "mbtool: %d files: %d ok", l->f->nfiles, l->count[0]);
	for (s = 1; s < NSTATUS; s++)
		if (l->count[s])
			fprintf(stderr, ", %d %s (exit %d)", l->count[s],
				words[s], s);
	if (l->count[NSTATUS])
		fprintf(stderr, ", %d with another status",
			l->count[NSTATUS]);
	fputc('\n', stderr);
}

/* ---- one file ------------------------------------------------------------ */

/*
 * The text a file prints: header and output, or its object in the JSON
 * envelope (a --jsonl line). kind is NULL when the file did not load.
 */
static void format_result(const struct cli_fleet *f, int idx, int st,
			  const char *kind, const struct mb_error *err,
			  struct result *r)
{
	const struct cli *cli = f->cli;
	struct cli_env_file el;

	if (!cli->json) {
		if (f->nfiles > 1)
			mb_buf_printf(&r->out, "%s==> %s%s%s%s <==\n",
				      idx ? "\n" : "", f->files[idx],
				      kind ? " (" : "", kind ? kind : "",
				      kind ? ")" : "");
		mb_buf_append(&r->out, cli->out.data, cli->out.len);
		return;
	}
	memset(&el, 0, sizeof(el));
	el.command = f->cmd->name;
	el.file = f->files[idx];
	el.kind = kind;
	el.status = st;
	el.err = err;
	el.result = cli->out.data;
	el.len = cli->out.len;
	cli_env_file(&r->out, &el, f->jsonl, idx == 0);
}

static void run_one(const struct cli_fleet *f, int idx, struct result *r)
{
	struct cli *cli = f->cli;
	struct mb_doc *doc = NULL;
	int st;

	mb_error_clear(&cli->err);
	mb_buf_reset(&cli->out);
	st = mb_doc_load(f->files[idx], cli->schema, &doc, &cli->err);
	if (!st)
		st = f->cmd->run(cli, doc, f->argc, f->argv);
	format_result(f, idx, st, doc ? cli_doc_kind(doc) : NULL, &cli->err,
		      r);
	/* notes (the backup a write kept, a lock taken over) first */
	mb_buf_append(&r->err, cli->notes.data, cli->notes.len);
	mb_buf_reset(&cli->notes);
	/* doctor's findings (1) and adsutil's "not set at this node" (3)
	 * are answers the output already gives; other errors, and those
	 * two when nothing was printed, go to stderr. */
	if (st && ((st != MB_EFOUND && st != MB_ENOTSET) || !cli->out.len))
		cli_error_text(&r->err, &cli->err);
	r->status = st;
	r->done = 1;
	mb_doc_free(doc);
	mb_buf_wipe(&cli->out);
}

static void emit(struct loop *l, struct result *r)
{
	bar_erase(&l->bar);
	if (r->out.len)
		fwrite(r->out.data, 1, r->out.len, stdout);
	/* Whole files at a time: --jsonl readers and the terminal see each
	 * file as soon as it is in order. */
	fflush(stdout);
	if (r->err.len)
		fwrite(r->err.data, 1, r->err.len, stderr);
	l->count[r->status >= 0 && r->status < NSTATUS ? r->status
						       : NSTATUS]++;
	mb_buf_wipe(&r->out);
	mb_buf_wipe(&r->err);
	bar_draw(&l->bar);
}

static void emit_ready(struct loop *l)
{
	while (l->next_emit < l->f->nfiles && l->res[l->next_emit].done)
		emit(l, &l->res[l->next_emit++]);
}

/* ---- standard input ------------------------------------------------------ */

/*
 * Whether the command reads standard input, as its table says
 * (cli_reads_stdin): such input can be read only once, so with several
 * files it is read here, before any file runs, and each file gets its own
 * copy: parallel workers cannot race for it, and the last file sees the
 * same input as the first.
 */
static int reads_stdin(const struct cli_fleet *f)
{
	return cli_reads_stdin(f->cmd, f->argc, f->argv);
}

static int read_input(struct loop *l)
{
	char chunk[8192];
	ssize_t n;

	for (;;) {
		n = read(STDIN_FILENO, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		mb_buf_append(&l->input, chunk, (size_t)n);
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	l->has_input = 1;
	return n < 0 || mb_buf_failed(&l->input) ? -1 : 0;
}

/* A stream over the copy, unbuffered so no second copy of a secret. */
static FILE *open_input(struct loop *l)
{
	FILE *in;

	if (!l->input.len)
		return fopen("/dev/null", "r");
	in = fmemopen(l->input.data, l->input.len, "r");
	if (in)
		setvbuf(in, NULL, _IONBF, 0);
	return in;
}

/* stdin is the copy for the length of one file. */
static void run_fed(struct loop *l, int idx, struct result *r)
{
	FILE *saved = stdin, *in = l->has_input ? open_input(l) : NULL;

	if (in)
		stdin = in;
	run_one(l->f, idx, r);
	if (in) {
		stdin = saved;
		fclose(in);
	}
}

static void run_here(struct loop *l, int idx)
{
	/* One file, printed as is: the command may write as it goes. */
	l->f->cli->stream = l->f->nfiles == 1 && !l->f->jsonl ? stdout : NULL;
	run_fed(l, idx, &l->res[idx]);
	l->f->cli->stream = NULL;
	l->bar.done++;
}

/* ---- workers ------------------------------------------------------------- */

/* The next file index from the parent; -1 at the end. */
static int next_task(int fd, int *idx)
{
	ssize_t r;

	do
		r = recv(fd, idx, sizeof(*idx), MSG_WAITALL);
	while (r < 0 && errno == EINTR);
	return r == (ssize_t)sizeof(*idx) ? 0 : -1;
}

static int send_frame(int fd, const struct result *r)
{
	struct frame fr;

	memset(&fr, 0, sizeof(fr));
	fr.status = r->status;
	fr.out = r->out.len;
	fr.err = r->err.len;
	return mb_write_all(fd, &fr, sizeof(fr)) ||
	       mb_write_all(fd, r->out.data, r->out.len) ||
	       mb_write_all(fd, r->err.data, r->err.len);
}

/*
 * The child: file indexes in, frames out, until the parent closes its
 * end. It never reads the terminal (a y/N question from several workers
 * at once could not be answered), only the copy of stdin.
 */
static void worker_main(struct loop *l, int fd)
{
	struct result r;
	int idx, null = open("/dev/null", O_RDONLY);

	if (null >= 0 && null != STDIN_FILENO) {
		dup2(null, STDIN_FILENO);
		close(null);
	}
	mb_buf_init(&r.out);
	mb_buf_init(&r.err);
	while (next_task(fd, &idx) == 0 && idx >= 0 &&
	       idx < l->f->nfiles) {
		run_fed(l, idx, &r);
		if (send_frame(fd, &r))
			_exit(MB_EFILE);
		mb_buf_wipe(&r.out);
		mb_buf_wipe(&r.err);
	}
	mb_buf_wipe(&l->input);
	/* _exit: the parent's stdio buffers and atexit handlers are not the
	 * child's to flush. */
	_exit(0);
}

static int spawn(struct loop *l, struct worker *w)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		worker_main(l, sv[1]);
	}
	close(sv[1]);
	w->pid = pid;
	w->fd = sv[0];
	w->idx = -1;
	mb_buf_init(&w->raw);
	return 0;
}

/* An idle worker, started if need be; NULL when none can be had. */
static struct worker *idle_worker(struct loop *l)
{
	int k;

	for (k = 0; k < l->f->jobs; k++)
		if (l->w[k].pid && l->w[k].idx < 0)
			return &l->w[k];
	for (k = 0; k < l->f->jobs; k++)
		if (!l->w[k].pid)
			return spawn(l, &l->w[k]) ? NULL : &l->w[k];
	return NULL;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * A write command waits while a worker has the same file (named twice, or
 * by two names): the second write must see the first, as in order.
 */
static int busy(const struct loop *l, int idx)
{
	int k;

	if (!(l->f->cmd->flags & CLI_CMD_WRITES))
		return 0;
	for (k = 0; k < l->f->jobs; k++)
		if (l->w[k].pid && l->w[k].idx >= 0 &&
		    same_file(l->f->files[l->w[k].idx], l->f->files[idx]))
			return 1;
	return 0;
}

static void fill(struct loop *l)
{
	while (l->running < l->f->jobs && l->next_start < l->f->nfiles &&
	       !busy(l, l->next_start)) {
		int idx = l->next_start++;
		struct worker *w = idle_worker(l);

		/* No process to be had: this file runs here instead. */
		if (!w || send(w->fd, &idx, sizeof(idx), MSG_NOSIGNAL) !=
			  (ssize_t)sizeof(idx)) {
			run_here(l, idx);
			continue;
		}
		w->idx = idx;
		l->running++;
	}
}

/* The file's result is in; the worker is idle again. */
static void deliver(struct loop *l, struct worker *w, const struct frame *fr)
{
	struct result *r = &l->res[w->idx];
	const char *p = w->raw.data + sizeof(*fr);

	mb_buf_append(&r->out, p, fr->out);
	mb_buf_append(&r->err, p + fr->out, fr->err);
	r->status = fr->status;
	r->done = 1;
	mb_buf_wipe(&w->raw);
	w->idx = -1;
	l->running--;
	l->bar.done++;
	bar_draw(&l->bar);
}

/* End of the socket: reap the worker; a file it had failed. */
static void reap(struct loop *l, struct worker *w)
{
	struct mb_error e;
	struct result *r;
	int ws = 0;

	close(w->fd);
	while (waitpid(w->pid, &ws, 0) < 0 && errno == EINTR)
		;
	w->pid = 0;
	mb_buf_wipe(&w->raw);
	if (w->idx < 0)
		return;
	r = &l->res[w->idx];
	mb_buf_reset(&l->f->cli->out);
	if (WIFSIGNALED(ws))
		mb_error_set(&e, MB_EFILE, "worker", l->f->files[w->idx],
			     "killed by signal %d", WTERMSIG(ws));
	else
		mb_error_set(&e, MB_EFILE, "worker", l->f->files[w->idx],
			     "ended without a result");
	format_result(l->f, w->idx, MB_EFILE, NULL, &e, r);
	cli_error_text(&r->err, &e);
	r->status = MB_EFILE;
	r->done = 1;
	w->idx = -1;
	l->running--;
	l->bar.done++;
	bar_draw(&l->bar);
}

static void take(struct loop *l, struct worker *w, const char *p, size_t n)
{
	struct frame fr;

	mb_buf_append(&w->raw, p, n);
	if (w->idx < 0 || w->raw.len < sizeof(fr))
		return;
	memcpy(&fr, w->raw.data, sizeof(fr));
	if (w->raw.len - sizeof(fr) >= fr.out &&
	    w->raw.len - sizeof(fr) - fr.out >= fr.err)
		deliver(l, w, &fr);
}

/* Read from every worker that has something to say. */
static void collect(struct loop *l)
{
	struct pollfd pfd[CLI_MAXJOBS];
	struct worker *who[CLI_MAXJOBS];
	char chunk[65536];
	int k, n = 0;
	ssize_t got;

	for (k = 0; k < l->f->jobs; k++)
		if (l->w[k].pid) {
			pfd[n].fd = l->w[k].fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			who[n++] = &l->w[k];
		}
	/* On EINTR the caller comes back; on another error, a blocking read
	 * of the first worker still makes progress. */
	if (poll(pfd, (nfds_t)n, -1) < 0 && errno != EINTR)
		pfd[0].revents = POLLIN;
	for (k = 0; k < n; k++) {
		if (!pfd[k].revents)
			continue;
		got = read(pfd[k].fd, chunk, sizeof(chunk));
		if (got > 0)
			take(l, who[k], chunk, (size_t)got);
		else if (got == 0 || errno != EINTR)
			reap(l, who[k]);
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
}

/* Workers see the end of their socket and leave. */
static void stop_workers(struct loop *l)
{
	int k;

	for (k = 0; k < l->f->jobs; k++)
		if (l->w[k].pid) {
			shutdown(l->w[k].fd, SHUT_WR);
			reap(l, &l->w[k]);
		}
}

static void run_workers(struct loop *l)
{
	while (l->next_emit < l->f->nfiles) {
		fill(l);
		emit_ready(l);
		if (l->running)
			collect(l);
	}
	stop_workers(l);
}

/* ---- the run ------------------------------------------------------------- */

static int loop_init(struct loop *l, const struct cli_fleet *f)
{
	int i;

	memset(l, 0, sizeof(*l));
	l->f = f;
	mb_buf_init(&l->input);
	l->res = calloc((size_t)f->nfiles, sizeof(*l->res));
	l->w = calloc((size_t)f->jobs, sizeof(*l->w));
	if (!l->res || !l->w)
		return -1;
	for (i = 0; i < f->nfiles; i++) {
		mb_buf_init(&l->res[i].out);
		mb_buf_init(&l->res[i].err);
	}
	/* No bar where a write in this process may ask y/N on the terminal:
	 * the question would land on the bar's line. */
	l->bar.on = f->nfiles > 1 && isatty(STDERR_FILENO) &&
		    !(f->jobs == 1 && (f->cmd->flags & CLI_CMD_WRITES) &&
		      isatty(STDIN_FILENO));
	l->bar.total = f->nfiles;
	return 0;
}

static void print_head(const struct cli_fleet *f)
{
	struct mb_buf b;

	mb_buf_init(&b);
	cli_env_head(&b, f->cmd->name);
	fwrite(b.data, 1, b.len, stdout);
	mb_buf_release(&b);
}

static void print_tail(int status)
{
	struct mb_buf b;

	mb_buf_init(&b);
	cli_env_tail(&b, status);
	fwrite(b.data, 1, b.len, stdout);
	mb_buf_release(&b);
}

int cli_run_files(struct cli_fleet *f)
{
	struct loop l;
	int i, worst = 0;

	if (f->jobs > f->nfiles)
		f->jobs = f->nfiles;
	if (loop_init(&l, f) ||
	    (f->nfiles > 1 && reads_stdin(f) && read_input(&l))) {
		cli_errorf("run", NULL, "out of memory or standard input "
			   "unreadable");
		worst = MB_EFILE;
		goto out;
	}
	if (f->nfiles > 1)
		cli_run_cache_open(f->cli);
	if (f->cli->json && !f->jsonl)
		print_head(f);
	bar_draw(&l.bar);
	if (f->jobs > 1) {
		run_workers(&l);
	} else {
		for (i = 0; i < f->nfiles; i++) {
			run_here(&l, i);
			emit_ready(&l);
		}
	}
	bar_erase(&l.bar);
	for (i = 0; i < f->nfiles; i++)
		if (l.res[i].status > worst)
			worst = l.res[i].status;
	if (f->cli->json && !f->jsonl)
		print_tail(worst);
	else if (!f->cli->json && f->nfiles > 1)
		summary(&l);
out:
	cli_run_cache_close(f->cli);
	mb_buf_wipe(&l.input);
	free(l.res);
	free(l.w);
	return worst;
}
