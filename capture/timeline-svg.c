/*
 * labsniff --timeline --svg FILE: the timeline as an SVG picture, one
 * row per conversation (a <g class="row">), a bar from its first to its
 * last packet, the waits for the server shaded, a tick per packet.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "timeline.h"

#include "route.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define TS_CHAR_W 7.3 /* px per character, 12px monospace */
#define TS_LEFT 10    /* the labels */
#define TS_AXIS 800.0 /* px of the time axis */
#define TS_TOP 96     /* the first row */
#define TS_ROW 18     /* px per row */
#define TS_TICKS 8    /* scale marks at most, about */

struct ts_geom {
	double x0;     /* time 0 */
	double per_us; /* px per microsecond */
	double width, height;
};

/* The length of the valid UTF-8 sequence of 2 to 4 bytes at s, or 0. */
static size_t
ts_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = u[0] >= 0xf0 && u[0] <= 0xf4   ? 4
	           : u[0] >= 0xe0                 ? 3
	           : u[0] >= 0xc2 && u[0] <= 0xdf ? 2
	                                          : 0;
	size_t i;

	for (i = 1; i < n; i++)
		if ((u[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void
ts_text(FILE *f, const char *s)
{
	size_t n;

	for (; *s != '\0'; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
			fputc(*s, f);
		else if ((n = ts_utf8(s)) > 0) /* a translation's letters */
			s += fwrite(s, 1, n, f) - 1;
		else
			fputc('?', f);
	}
}

static const char ts_style[] =
    "<style>\n"
    "text { font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; "
    "fill: #222; }\n"
    ".title { font-size: 14px; font-weight: bold; }\n"
    ".scale { fill: #777; }\n"
    ".grid { stroke: #ddd; }\n"
    ".open { fill: #e3e8ef; }\n"
    ".wait { fill: #f6c98b; }\n"
    ".m1 { stroke: #999; stroke-width: 1; }\n"
    ".m2 { stroke: #1f5fbf; stroke-width: 2; }\n"
    ".m3 { stroke: #1d8a3a; stroke-width: 2; }\n"
    ".m4 { stroke: #6a3d9a; stroke-width: 2; }\n"
    ".m5 { stroke: #111; stroke-width: 2; }\n"
    ".m6 { stroke: #e67e22; stroke-width: 2; }\n"
    ".m7 { stroke: #c0392b; stroke-width: 3; }\n"
    "</style>\n";

/* The tick of one mark: data from the client above the middle, from
 * the server below it, the others across the bar. */
static void
ts_mark(FILE *f, double x, double y, int kind)
{
	double y1 = y - 7, y2 = y + 7;

	if (kind == TL_DATA_C)
		y2 = y;
	else if (kind == TL_DATA_S)
		y1 = y;
	else if (kind == TL_ACK)
		y1 = y - 3, y2 = y + 3;
	fprintf(f,
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "class=\"m%d\"/>\n",
	    x, y1, x, y2, kind);
}

static void
ts_wait(FILE *f, const struct ts_geom *g, int64_t a, int64_t b, double y)
{
	fprintf(f,
	    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" "
	    "class=\"wait\"/>\n",
	    g->x0 + (double)a * g->per_us, y - 5,
	    (double)(b - a) * g->per_us + 1);
}

static void
ts_row(FILE *f, const struct timeline *t, const struct tl_row *r,
    const struct ts_geom *g, double y)
{
	int lastpx[TL_KINDS], k, px;
	int64_t wait_from = -1;
	uint32_t i;

	for (k = 0; k < TL_KINDS; k++)
		lastpx[k] = -1;
	fprintf(f, "<g class=\"row\" id=\"conv-%u\">\n", (unsigned)r->id);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\">#%u %s ", TS_LEFT, y + 4,
	    (unsigned)r->id, r->proto == 6 ? "TCP" : "UDP");
	ts_text(f, r->cli);
	fputs(" -&gt; ", f);
	ts_text(f, r->srv);
	fputs("</text>\n", f);
	fprintf(f,
	    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" "
	    "class=\"open\"/>\n",
	    g->x0 + (double)r->first_us * g->per_us, y - 5,
	    (double)(r->last_us - r->first_us) * g->per_us + 1);
	for (i = r->head; i != 0; i = t->mark[i - 1].next) {
		const struct tl_mark *m = &t->mark[i - 1];

		if (m->kind == TL_DATA_C && wait_from < 0)
			wait_from = m->t_us;
		if (m->kind == TL_DATA_S && wait_from >= 0) {
			ts_wait(f, g, wait_from, m->t_us, y);
			wait_from = -1;
		}
	}
	if (wait_from >= 0)
		ts_wait(f, g, wait_from, r->last_us, y);
	for (i = r->head; i != 0; i = t->mark[i - 1].next) {
		const struct tl_mark *m = &t->mark[i - 1];
		double x = g->x0 + (double)m->t_us * g->per_us;

		px = (int)x;
		if (px == lastpx[m->kind])
			continue; /* a pixel holds one tick of a kind */
		lastpx[m->kind] = px;
		ts_mark(f, x, y, m->kind);
	}
	fputs("</g>\n", f);
}

static void
ts_scale(FILE *f, int64_t end_us, const struct ts_geom *g)
{
	int64_t step = tl_step(end_us / TS_TICKS), at;
	char lab[32];
	struct outbuf b;
	double x;

	for (at = 0; at <= end_us + step / 2 && at / step <= 2 * TS_TICKS;
	     at += step) {
		x = g->x0 + (double)at * g->per_us;
		if (x > g->x0 + TS_AXIS + 1)
			break;
		outbuf_mem(&b, lab, sizeof lab - 1);
		if (at == 0)
			outbuf_puts(&b, "0");
		else
			tl_secs(&b, at, step);
		lab[b.len] = '\0';
		fprintf(f,
		    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" "
		    "class=\"grid\"/>\n",
		    x, TS_TOP - 18, x, g->height - 30);
		fprintf(f,
		    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
		    "class=\"scale\">%s%s</text>\n",
		    x, TS_TOP - 22, lab, at == 0 ? " s" : "");
	}
}

static const struct {
	int kind;
	const char *what;
} ts_legend[] = {
    {TL_SYN, "SYN"},
    {TL_FIN, "FIN"},
    {TL_RST, N_("reset")},
    {TL_DATA_C, N_("data from the client (up)")},
    {TL_DATA_S, N_("data from the server (down)")},
    {TL_ALERT, N_("trouble")},
    {TL_ACK, N_("other")},
};

static void
ts_head(FILE *f, const struct timeline *t)
{
	double x = TS_LEFT + 4;
	size_t i;

	fprintf(f, "<text x=\"%d\" y=\"20\" class=\"title\">", TS_LEFT);
	i18n_say(f, ts_text,
	    ngettext("timeline: %llu conversation, at most %u open at once; "
	             "the server sent data in at most %u at a time",
	        "timeline: %llu conversations, at most %u open at once; the "
	        "server sent data in at most %u at a time",
	        (unsigned long)t->nconv),
	    (unsigned long long)t->nconv, (unsigned)tl_at_once(t, 0),
	    (unsigned)tl_at_once(t, 1));
	fputs("</text>\n", f);
	for (i = 0; i < sizeof ts_legend / sizeof ts_legend[0]; i++) {
		const char *what = _(ts_legend[i].what);

		ts_mark(f, x, 40, ts_legend[i].kind);
		fprintf(f, "<text x=\"%.1f\" y=\"44\">", x + 6);
		ts_text(f, what);
		fputs("</text>\n", f);
		x += 6 + strlen(what) * TS_CHAR_W + 18;
	}
	fprintf(f,
	    "<rect x=\"%.1f\" y=\"35\" width=\"24\" height=\"10\" "
	    "class=\"wait\"/>\n",
	    x);
	fprintf(f, "<text x=\"%.1f\" y=\"44\">", x + 30);
	ts_text(f, _("the client spoke last"));
	fputs("</text>\n", f);
}

static void
ts_foot(FILE *f, const struct timeline *t, double y)
{
	if (t->nrows == 0) {
		fprintf(f, "<text x=\"%d\" y=\"%.1f\">", TS_LEFT, y);
		ts_text(f, _("no TCP or UDP conversation captured"));
		fputs("</text>\n", f);
	}
	if (t->nconv > (uint64_t)t->nrows) {
		fprintf(f, "<text x=\"%d\" y=\"%.1f\">", TS_LEFT, y);
		i18n_say(f, ts_text,
		    ngettext("%llu more conversation not drawn (#%u on, %llu "
		             "packets): a filter picks them",
		        "%llu more conversations not drawn (#%u on, %llu "
		        "packets): a filter picks them",
		        (unsigned long)(t->nconv - t->nrows)),
		    (unsigned long long)(t->nconv - t->nrows),
		    (unsigned)t->more_first, (unsigned long long)t->more_pkts);
		fputs("</text>\n", f);
	}
	if (t->untracked > 0) {
		fprintf(f, "<text x=\"%d\" y=\"%.1f\">", TS_LEFT, y + 16);
		i18n_say(f, ts_text,
		    ngettext("%llu packet outside TCP/UDP conversations not "
		             "drawn",
		        "%llu packets outside TCP/UDP conversations not drawn",
		        (unsigned long)t->untracked),
		    (unsigned long long)t->untracked);
		fputs("</text>\n", f);
	}
}

/* traceroute's hops under the conversations: a row each, a tick per
 * probe (up) and answer (down), red for a probe never answered. */
static int
ts_hop_rows(const struct route *route)
{
	unsigned k;
	int ri, n = 0;

	for (ri = 0; route != NULL && ri < route->npath; ri++)
		for (k = 1; k <= route->path[ri].maxttl; k++)
			n += tl_hop_used(route, ri, k);
	return n;
}

static double
ts_hops(FILE *f, const struct route *route, const struct ts_geom *g, double y)
{
	char label[TIMELINE_LABEL_MAX + 1];
	unsigned k;
	size_t i, n;
	int ri;

	if (ts_hop_rows(route) == 0)
		return y;
	fprintf(
	    f, "<text x=\"%d\" y=\"%.1f\" class=\"title\">", TS_LEFT, y + 4);
	ts_text(
	    f, _("traceroute, a row per hop (the probes' TTL): a tick up "
	         "for a probe, down for the hop's answer, orange (trouble): "
	         "never answered"));
	fputs("</text>\n", f);
	y += TS_ROW + 4;
	for (ri = 0; ri < route->npath; ri++)
		for (k = 1; k <= route->path[ri].maxttl; k++) {
			if (!tl_hop_used(route, ri, k))
				continue;
			n = tl_hop_label(
			    &route->path[ri], k, label, TIMELINE_LABEL_MAX);
			label[n] = '\0';
			fprintf(f,
			    "<g class=\"hop\">\n<text x=\"%d\" "
			    "y=\"%.1f\">",
			    TS_LEFT, y + 4);
			ts_text(f, label);
			fputs("</text>\n", f);
			for (i = 0; i < route->nev; i++) {
				const struct route_ev *e = &route->ev[i];

				if (e->ri == ri && e->ttl == k)
					ts_mark(f,
					    g->x0 + (double)e->t_us * g->per_us,
					    y, tl_hop_kind(e));
			}
			fputs("</g>\n", f);
			y += TS_ROW;
		}
	return y;
}

int
timeline_svg(const struct timeline *t, const struct route *route,
    const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	struct ts_geom g;
	size_t lw = 0, n;
	int i, hops = ts_hop_rows(route);
	int64_t end = t->end_us;
	double y;

	if (f == NULL) {
		snprintf(err, errlen, _("--svg: cannot write %s: %s"), path,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < t->nrows; i++) {
		n = strlen(t->row[i].cli) + strlen(t->row[i].srv) + 16;
		if (t->row[i].id != 0 && n > lw)
			lw = n;
	}
	if (hops > 0 && route->end_us > end)
		end = route->end_us;
	if (hops > 0 && lw < TIMELINE_LABEL_MAX)
		lw = TIMELINE_LABEL_MAX;
	g.x0 = TS_LEFT + (double)lw * TS_CHAR_W + 16;
	g.per_us = TS_AXIS / (double)(end > 0 ? end : 1);
	g.width = g.x0 + TS_AXIS + 40;
	if (g.width < 900)
		g.width = 900;
	g.height = TS_TOP + (double)t->nrows * TS_ROW + 60 +
	           (hops > 0 ? (hops + 1) * TS_ROW + 4 : 0);
	fprintf(f,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
	    g.width, g.height, g.width, g.height);
	fputs(ts_style, f);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	ts_head(f, t);
	if (t->nrows > 0 || hops > 0)
		ts_scale(f, end, &g);
	for (i = 0; i < t->nrows; i++)
		if (t->row[i].id != 0)
			ts_row(f, t, &t->row[i], &g, TS_TOP + i * TS_ROW);
	y = ts_hops(f, route, &g, TS_TOP + t->nrows * TS_ROW + 4);
	ts_foot(f, t, y + 12);
	fputs("</svg>\n", f);
	if (ferror(f) | (fclose(f) != 0)) {
		snprintf(err, errlen, _("--svg: cannot write %s"), path);
		return -1;
	}
	return 0;
}
