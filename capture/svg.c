/*
 * labsniff --svg FILE: the --ladder diagrams as one SVG picture for a lab
 * report: two lifelines per conversation, one slanted arrow per packet
 * (time goes down), its label above it and the annotation at the right.
 */
#define _DEFAULT_SOURCE /* pcap.h (via labsniff.h) uses u_int, u_char */
#include "ladder.h"

#include <errno.h>

#define SVG_CHAR_W 7.3   /* px per character, 12px monospace */
#define SVG_ROW 36       /* px between arrows */
#define SVG_DROP 12      /* px an arrow falls across the diagram */
#define SVG_TIME_X 12    /* the time column */
#define SVG_LEFT 130     /* the client's lifeline */
#define SVG_HEAD 70      /* header height per conversation */
#define SVG_MIN_SPAN 300 /* px between the lifelines at least */

static void
svg_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
			fputc(*s, f);
		else
			fputc('?', f);
	}
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
	    "class=\"who\">%s</text>\n",
	    x, y0 + 14, who);
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

	fprintf(f,
	    "<text x=\"%d\" y=\"%.1f\" class=\"title\">conversation "
	    "#%u (%s)</text>\n",
	    SVG_TIME_X, y + 14, (unsigned)c->id, c->proto == 6 ? "TCP" : "UDP");
	svg_lifeline(f, xl, y + 24, y1, "client", c->cli);
	svg_lifeline(f, xr, y + 24, y1, "server", c->srv);
	y += SVG_HEAD + 12;
	for (i = 0; i < l->nev; i++)
		if (l->ev[i].conv == ci) {
			svg_arrow(f, &l->ev[i], xl, xr, y);
			y += SVG_ROW;
		}
	if (c->omitted > 0) {
		fprintf(f,
		    "<text x=\"%.1f\" y=\"%.1f\" class=\"note\">... "
		    "%llu more packets not drawn</text>\n",
		    xl, y, (unsigned long long)c->omitted);
		y += SVG_ROW;
	}
	return y + 20;
}

int
svg_write(struct ladder *l, const char *path, char *err, size_t errlen)
{
	double span = svg_span(l), width, height = 20;
	FILE *f = fopen(path, "w");
	int ci;

	ladder_finish(l);
	if (f == NULL) {
		snprintf(err, errlen, "--svg: cannot write %s: %s", path,
		    strerror(errno));
		return -1;
	}
	for (ci = 0; ci < l->nconv; ci++)
		height += SVG_HEAD + 12 + l->conv[ci].narrows * SVG_ROW + 20 +
		          (l->conv[ci].omitted > 0 ? SVG_ROW : 0);
	if (l->nconv == 0)
		height += 30;
	width = SVG_LEFT + span + 14 + svg_note_width(l) + 20;
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
	for (ci = 0, height = 20; ci < l->nconv; ci++)
		height = svg_conv(f, l, ci, height, span);
	fputs("</svg>\n", f);
	if (ferror(f) | (fclose(f) != 0)) {
		snprintf(err, errlen, "--svg: cannot write %s", path);
		return -1;
	}
	return 0;
}
