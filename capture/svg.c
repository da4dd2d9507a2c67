/*
 * labsniff --svg FILE: the --ladder diagrams as one SVG picture for a lab
 * report: two lifelines per conversation, one slanted arrow per packet
 * (time goes down), its label above it and the annotation at the right.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "ladder.h"
#include "route.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define SVG_CHAR_W 7.3   /* px per character, 12px monospace */
#define SVG_ROW 36       /* px between arrows */
#define SVG_DROP 12      /* px an arrow falls across the diagram */
#define SVG_TIME_X 12    /* the time column */
#define SVG_LEFT 130     /* the client's lifeline */
#define SVG_HEAD 70      /* header height per conversation */
#define SVG_MIN_SPAN 300 /* px between the lifelines at least */

/* The length of the valid UTF-8 sequence of 2 to 4 bytes at s, or 0. */
static size_t
svg_utf8(const char *s)
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
svg_text(FILE *f, const char *s)
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
		else if ((n = svg_utf8(s)) > 0) /* a translation's letters */
			s += fwrite(s, 1, n, f) - 1;
		else
			fputc('?', f);
	}
}

/* s as SVG text, in a string of its own (free it), or NULL. */
static char *
svg_escdup(const char *s)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);

	if (m == NULL)
		return NULL;
	svg_text(m, s);
	if (fclose(m) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static double
svg_span(const struct ladder *l)
{
	double span = SVG_MIN_SPAN, w;
	size_t i;
	int ci;

	for (i = 0; i < l->nev; i++) {
		w = (double)strlen(l->ev[i].label) * SVG_CHAR_W + 40;
		if (w > span)
			span = w;
	}
	for (ci = 0; ci < l->nconv; ci++) {
		w = (strlen(l->conv[ci].cli) + strlen(l->conv[ci].srv)) *
		        SVG_CHAR_W / 2 +
		    40;
		if (w > span)
			span = w;
	}
	return span;
}

static double
svg_note_width(const struct ladder *l)
{
	size_t i, m = 0;

	for (i = 0; i < l->nev; i++)
		if (strlen(l->ev[i].note) > m)
			m = strlen(l->ev[i].note);
	return (double)m * SVG_CHAR_W + 20;
}

static void
svg_lifeline(
    FILE *f, double x, double y0, double y1, const char *who, const char *name)
{
	double w = (double)strlen(name) * SVG_CHAR_W + 16;

	fprintf(f,
	    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"34\" "
	    "rx=\"4\" class=\"box\"/>\n",
	    x - w / 2, y0, w);
	fprintf(f,
	    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
	    "class=\"who\">",
	    x, y0 + 14);
	svg_text(f, who);
	fputs("</text>\n", f);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x,
	    y0 + 28);
	svg_text(f, name);
	fputs("</text>\n", f);
	fprintf(f,
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "class=\"life\"/>\n",
	    x, y0 + 34, x, y1);
}

static void
svg_arrow(FILE *f, const struct ladder_ev *e, double xl, double xr, double y)
{
	double x1 = e->dir == 0 ? xl : xr, x2 = e->dir == 0 ? xr : xl;
	const char *cls = e->alert ? "alert" : e->dir == 0 ? "c2s" : "s2c";

	fprintf(f,
	    "<text x=\"%d\" y=\"%.1f\" class=\"time\">%lld.%06lld"
	    "</text>\n",
	    SVG_TIME_X, y + 4, (long long)(e->t_us / 1000000),
	    (long long)(e->t_us % 1000000));
	fprintf(f,
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "class=\"%s\" marker-end=\"url(#head-%s)\"/>\n",
	    x1, y, x2 + (e->dir == 0 ? -2 : 2), y + SVG_DROP, cls, cls);
	fprintf(f,
	    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
	    "class=\"label\">",
	    (xl + xr) / 2, y - 1.0);
	svg_text(f, e->label);
	fputs("</text>\n", f);
	if (e->note[0] != '\0') {
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"note%s\">",
		    xr + 14, y + SVG_DROP / 2.0 + 4, e->alert ? " bad" : "");
		svg_text(f, e->note);
		fputs("</text>\n", f);
	}
}

static const char svg_style[] =
    "<style>\n"
    "text { font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; "
    "fill: #222; }\n"
    ".who { font-weight: bold; fill: #555; }\n"
    ".title { font-size: 14px; font-weight: bold; }\n"
    ".time { fill: #777; }\n"
    ".note { fill: #555; font-style: italic; }\n"
    ".note.bad { fill: #b00; }\n"
    ".box { fill: #eef3fb; stroke: #6b8cc7; }\n"
    ".life { stroke: #999; stroke-dasharray: 4 3; }\n"
    ".c2s { stroke: #1f5fbf; stroke-width: 1.6; }\n"
    ".s2c { stroke: #1d8a3a; stroke-width: 1.6; }\n"
    ".alert { stroke: #c0392b; stroke-width: 1.6; }\n"
    "</style>\n";

static void
svg_defs(FILE *f)
{
	static const char *const kinds[][2] = {
	    {"c2s", "#1f5fbf"}, {"s2c", "#1d8a3a"}, {"alert", "#c0392b"}};
	size_t i;

	fputs("<defs>\n", f);
	for (i = 0; i < 3; i++)
		fprintf(f,
		    "<marker id=\"head-%s\" markerWidth=\"10\" "
		    "markerHeight=\"8\" refX=\"9\" refY=\"4\" orient=\"auto\">"
		    "<path d=\"M0,0 L10,4 L0,8 z\" fill=\"%s\"/></marker>\n",
		    kinds[i][0], kinds[i][1]);
	fputs("</defs>\n", f);
	fputs(svg_style, f);
}

static double
svg_conv(FILE *f, const struct ladder *l, int ci, double y, double span)
{
	const struct ladder_conv *c = &l->conv[ci];
	double xl = SVG_LEFT, xr = SVG_LEFT + span;
	double y1 = y + SVG_HEAD + c->narrows * SVG_ROW + 10;
	size_t i;

	fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"title\">", SVG_TIME_X,
	    y + 14);
	i18n_say(f, svg_text, _("conversation #%u (%s)"), (unsigned)c->id,
	    c->proto == 6 ? "TCP" : "UDP");
	fputs("</text>\n", f);
	svg_lifeline(f, xl, y + 24, y1, _("client"), c->cli);
	svg_lifeline(f, xr, y + 24, y1, _("server"), c->srv);
	y += SVG_HEAD + 12;
	for (i = 0; i < l->nev; i++)
		if (l->ev[i].conv == ci) {
			svg_arrow(f, &l->ev[i], xl, xr, y);
			y += SVG_ROW;
		}
	if (c->omitted > 0) {
		fprintf(
		    f, "<text x=\"%.1f\" y=\"%.1f\" class=\"note\">", xl, y);
		i18n_say(f, svg_text,
		    ngettext("... %llu more packet not drawn",
		        "... %llu more packets not drawn",
		        (unsigned long)c->omitted),
		    (unsigned long long)c->omitted);
		fputs("</text>\n", f);
		y += SVG_ROW;
	}
	return y + 20;
}

/* --- traceroute's route: a lifeline per hop --- */

#define SVG_HOP_MIN 110   /* px between hop lifelines at least */
#define SVG_ROUTE_NOTE 72 /* characters of a note at the right */

static double
svg_hop_gap(const struct route *r, const struct route_path *p)
{
	char hop[48];
	double gap = SVG_HOP_MIN, w;
	unsigned k;
	size_t i;

	for (k = 1; k <= p->maxttl; k++) {
		route_hop_text(hop, sizeof hop, p, k);
		w = (double)strlen(hop) * SVG_CHAR_W + 24;
		if (w > gap)
			gap = w;
	}
	for (i = 0; i < r->nev; i++) /* a label fits over its arrow */
		if (&r->path[r->ev[i].ri] == p) {
			w = ((double)strlen(r->ev[i].what) + 8) * SVG_CHAR_W /
			        r->ev[i].ttl +
			    20;
			if (w > gap)
				gap = w;
		}
	return gap;
}

/* The height all routes take; *width: the widest. */
double
svg_route_size(const struct route *r, double *width)
{
	double h = 0, w;
	int ri;

	*width = 0;
	for (ri = 0; r != NULL && ri < r->npath; ri++) {
		const struct route_path *p = &r->path[ri];

		h += SVG_HEAD + 12 + p->nev * SVG_ROW + 40;
		w = SVG_LEFT + p->maxttl * svg_hop_gap(r, p) + 14 +
		    SVG_ROUTE_NOTE * SVG_CHAR_W + 20;
		if (w > *width)
			*width = w;
	}
	return h;
}

static void
svg_hop_arrow(FILE *f, const struct route_path *p, const struct route_ev *e,
    double gap, double y)
{
	double x0 = SVG_LEFT, xt = SVG_LEFT + e->ttl * gap;
	double xr = SVG_LEFT + p->maxttl * gap;
	const char *cls = e->kind == RT_PROBE   ? (e->answer ? "c2s" : "alert")
	                  : e->kind == RT_OTHER ? "alert"
	                                        : "s2c";
	double x1 = e->kind == RT_PROBE ? x0 : xt;
	double x2 = e->kind == RT_PROBE ? xt - 2 : x0 + 2;
	char hop[48], *esc;

	fprintf(f,
	    "<text x=\"%d\" y=\"%.1f\" class=\"time\">%lld.%06lld</text>\n",
	    SVG_TIME_X, y + 4, (long long)(e->t_us / 1000000),
	    (long long)(e->t_us % 1000000));
	fprintf(f,
	    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "class=\"%s\" marker-end=\"url(#head-%s)\"/>\n",
	    x1, y, x2, y + SVG_DROP, cls, cls);
	if (e->kind == RT_PROBE && e->answer != RT_REACHED)
		fprintf(f,
		    "<text x=\"%.1f\" y=\"%.1f\" class=\"note bad\">%s"
		    "</text>\n",
		    xt + 5, y + SVG_DROP + 4, e->answer ? "x" : "?");
	fprintf(f,
	    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
	    "class=\"label\">",
	    (x0 + xt) / 2, y - 1.0);
	if (e->kind == RT_PROBE)
		fprintf(f, "TTL %u: ", (unsigned)e->ttl);
	svg_text(f, e->what);
	fputs("</text>\n", f);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"note%s\">", xr + 14,
	    y + SVG_DROP / 2.0 + 4,
	    (e->kind == RT_PROBE && !e->answer) || e->kind == RT_OTHER ? " bad"
	                                                               : "");
	if (e->kind == RT_PROBE) {
		if (!e->answer)
			svg_text(f, _("no answer"));
	} else {
		route_hop_text(hop, sizeof hop, p, e->ttl);
		esc = svg_escdup(hop);
		/* TRANSLATORS: the hop's number, its address, " (the
		 * destination)" or nothing, the answer's time */
		i18n_say(f, svg_text, _("hop %u %s%s, after %lld.%03lld ms"),
		    (unsigned)e->ttl, esc != NULL ? esc : "",
		    e->kind == RT_REACHED ? _(" (the destination)") : "",
		    (long long)(e->rtt_us / 1000),
		    (long long)(e->rtt_us % 1000));
		free(esc);
	}
	fputs("</text>\n", f);
}

/* The routes from y down; returns where they end. */
double
svg_route(FILE *f, const struct route *r, double y)
{
	char name[48], who[16], *dst;
	double gap, y1;
	unsigned k;
	size_t i;
	int ri;

	for (ri = 0; r != NULL && ri < r->npath; ri++) {
		const struct route_path *p = &r->path[ri];

		gap = svg_hop_gap(r, p);
		y1 = y + SVG_HEAD + p->nev * SVG_ROW + 10;
		fputs("<g class=\"route\">\n", f);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"title\">",
		    SVG_TIME_X, y + 14);
		dst = svg_escdup(p->dst_text);
		i18n_say(f, svg_text,
		    _("route to %s (traceroute: a probe with TTL n expires at "
		      "hop n, whose router answers)"),
		    dst != NULL ? dst : "");
		free(dst);
		fputs("</text>\n", f);
		route_addr_text(name, sizeof name, &p->src);
		svg_lifeline(f, SVG_LEFT, y + 24, y1, _("you"), name);
		for (k = 1; k <= p->maxttl; k++) {
			snprintf(who, sizeof who, _("hop %u"), k);
			route_hop_text(name, sizeof name, p, k);
			svg_lifeline(
			    f, SVG_LEFT + k * gap, y + 24, y1, who, name);
		}
		y += SVG_HEAD + 12;
		for (i = 0; i < r->nev; i++)
			if (r->ev[i].ri == ri) {
				svg_hop_arrow(f, p, &r->ev[i], gap, y);
				y += SVG_ROW;
			}
		fputs("</g>\n", f);
		y += 28;
	}
	return y;
}

int
svg_write(struct ladder *l, const struct route *route, const char *path,
    char *err, size_t errlen)
{
	double span = svg_span(l), width, height = 20, rw;
	FILE *f = fopen(path, "w");
	int ci;

	ladder_finish(l);
	if (f == NULL) {
		snprintf(err, errlen, _("--svg: cannot write %s: %s"), path,
		    strerror(errno));
		return -1;
	}
	for (ci = 0; ci < l->nconv; ci++)
		height += SVG_HEAD + 12 + l->conv[ci].narrows * SVG_ROW + 20 +
		          (l->conv[ci].omitted > 0 ? SVG_ROW : 0);
	if (l->nconv == 0)
		height += 30;
	height += svg_route_size(route, &rw);
	width = SVG_LEFT + span + 14 + svg_note_width(l) + 20;
	if (rw > width)
		width = rw;
	fprintf(f,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
	    width, height, width, height);
	svg_defs(f);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	if (l->nconv == 0)
		fprintf(f,
		    "<text x=\"%d\" y=\"30\">no TCP or UDP conversation "
		    "captured</text>\n",
		    SVG_TIME_X);
	for (ci = 0, height = l->nconv == 0 ? 50 : 20; ci < l->nconv; ci++)
		height = svg_conv(f, l, ci, height, span);
	svg_route(f, route, height);
	fputs("</svg>\n", f);
	if (ferror(f) | (fclose(f) != 0)) {
		snprintf(err, errlen, _("--svg: cannot write %s"), path);
		return -1;
	}
	return 0;
}
