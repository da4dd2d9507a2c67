/*
 * The class dashboard, OUT/report.html: one self-contained file (no
 * script, no font, no request: inline CSS and SVG) with the score
 * histogram, every test's pass rate, the students by status, the
 * slowest tests and the grading's metadata; and each student's report
 * as HTML beside its report.txt.  Built from the stored records only,
 * so --dashboard OUT rebuilds it without grading.  The prose is in the
 * language labgrade runs in (LANG, --lang), and <html lang> says which.
 */
#define _GNU_SOURCE /* open_memstream, O_DIRECTORY with -std=c11 */
#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "class.h"
#include "engine.h"
#include "param.h"

#define HTML_BINS 10              /* histogram bars: 0-10 %, ..., 90-100 % */
#define HTML_SLOWEST 10           /* tests in the slowest list */
#define HTML_REPORT_MAX (4 << 20) /* bytes of a report.txt shown */

static const char html_css[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
    "margin:0 auto;max-width:60rem;padding:1rem;color:#1b1b1b;"
    "background:#fff}"
    "h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;"
    "margin:1.6rem 0 .5rem;border-bottom:1px solid #ccc}"
    ".meta{color:#555;font-size:.9rem}"
    ".cards{display:flex;flex-wrap:wrap;gap:.5rem}"
    ".card{border:1px solid #ccc;border-radius:6px;padding:.4rem .8rem;"
    "min-width:7rem}.card b{display:block;font-size:1.4rem}"
    ".wrap{overflow-x:auto}"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}"
    "th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid "
    "#e2e2e2;vertical-align:top}td.n{text-align:right;white-space:nowrap}th.n{"
    "text-align:right}"
    "code{font-family:ui-monospace,Menlo,Consolas,monospace}"
    "svg{display:block;max-width:100%;height:auto}"
    "svg.bar{width:5rem;min-width:5rem;max-width:none}.sum{color:#444;font-"
    "size:.85rem}.bad{color:#a40000}.none{color:#777}"
    "pre{white-space:pre-wrap;word-break:break-word;font-size:.85rem}"
    "@media (max-width:30rem){body{padding:.6rem}th,td{padding:.2rem "
    ".25rem}svg.bar{width:3.2rem;min-width:3.2rem}}"
    "@media print{body{max-width:none;font-size:11pt}a{color:inherit;"
    "text-decoration:none}h2{break-after:avoid}tr,svg{break-inside:"
    "avoid}}";

/* Text for HTML: & < > " ' escaped (names are shown already: no
 * control bytes, valid UTF-8). */
static void
html_text(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* s as HTML text in buf, cut before a character that does not fit. */
static const char *
html_esc(char *buf, size_t n, const char *s)
{
	size_t len = 0, k;
	char one[2] = "";
	const char *e;

	for (; s != NULL && *s != '\0'; s++) {
		e = *s == '&'    ? "&amp;"
		    : *s == '<'  ? "&lt;"
		    : *s == '>'  ? "&gt;"
		    : *s == '"'  ? "&quot;"
		    : *s == '\'' ? "&#39;"
		                 : (one[0] = *s, one);
		k = strlen(e);
		if (len + k >= n)
			break;
		memcpy(buf + len, e, k);
		len += k;
	}
	if (n > 0)
		buf[len] = '\0';
	return buf;
}

/* <a href="href">text</a> in buf: href is the page's own, text escaped;
 * the bare text if the link does not fit. */
static const char *
html_link(char *buf, size_t n, const char *href, const char *text)
{
	char esc[256];
	int w = snprintf(buf, n, "<a href=\"%s\">%s</a>", href,
	    html_esc(esc, sizeof esc, text));

	return w >= 0 && (size_t)w < n ? buf : html_esc(buf, n, text);
}

/* The language the prose is written in, as HTML's lang says it
 * ("pt_BR" -> "pt-BR"); "en" when i18n_lang() gives nothing usable. */
static const char *
html_lang(char *buf, size_t n, const char *lang)
{
	size_t i;

	for (i = 0; lang[i] != '\0' && i + 1 < n; i++) {
		if (!isalpha((unsigned char)lang[i]) && lang[i] != '_')
			break;
		buf[i] = lang[i] == '_' ? '-' : lang[i];
	}
	if (i == 0 || lang[i] != '\0')
		return "en";
	buf[i] = '\0';
	return buf;
}

/* A student's folder in a link: safe names hold only [A-Za-z0-9._~%-],
 * and '%' must be written %25. */
static void
html_href(FILE *f, const char *safe)
{
	fputs("students/", f);
	for (; *safe != '\0'; safe++)
		if (*safe == '%')
			fputs("%25", f);
		else
			fputc(*safe, f);
	fputs("/report.html", f);
}

static void
html_head(FILE *f, const char *title)
{
	char lang[32];

	fprintf(f,
	    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>",
	    html_lang(lang, sizeof lang, i18n_lang()));
	html_text(f, title);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n", html_css);
}

struct html_stats {
	size_t count[CS_NSTATUS], scored, below, late;
	size_t bins[HTML_BINS]; /* graded students, by tenth of their max */
	double mean, median;    /* of the graded students' shares, % */
	double common_max;      /* every graded student's max, or 0 */
	size_t passed[CLASS_NTESTS], ran[CLASS_NTESTS];
	double secs[CLASS_NTESTS], max_secs[CLASS_NTESTS];
	size_t timed[CLASS_NTESTS];
};

static int
html_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
html_stats(const struct class_book *b, struct html_stats *h)
{
	size_t i, k, bin;
	double *share = calloc(b->n + 1, sizeof *share);

	memset(h, 0, sizeof *h);
	for (i = 0; i < b->n; i++) {
		const struct class_student *s = &b->st[i];

		h->count[s->rec.status]++;
		h->below += class_book_below(b, s);
		h->late += s->late_days > 0;
		if (s->rec.status == CS_ERROR || s->rec.max <= 0)
			continue;
		h->scored++;
		if (s->rec.status == CS_GRADED) {
			/* Empty and not built: their own cards, not a 0 */
			bin = (size_t)(s->rec.score / s->rec.max * HTML_BINS);
			h->bins[bin >= HTML_BINS ? HTML_BINS - 1 : bin]++;
			if (share != NULL)
				share[h->count[CS_GRADED] - 1] =
				    100 * s->rec.score / s->rec.max;
			h->common_max = h->count[CS_GRADED] == 1 ||
			                        h->common_max == s->rec.max
			                    ? s->rec.max
			                    : -1;
		}
		for (k = 0; k < b->ntests && s->rec.status != CS_EMPTY; k++) {
			const struct class_test *t = &s->rec.test[k];

			if (t->status == GS_NOT_RUN || t->status == GS_ERROR)
				continue;
			h->ran[k]++;
			h->passed[k] += t->status == GS_PASSED;
			h->secs[k] += t->seconds;
			h->timed[k]++;
			if (t->seconds > h->max_secs[k])
				h->max_secs[k] = t->seconds;
		}
	}
	k = h->count[CS_GRADED];
	if (share != NULL && k > 0) {
		for (i = 0; i < k; i++)
			h->mean += share[i] / (double)k;
		qsort(share, k, sizeof *share, html_cmp_double);
		h->median = k % 2 ? share[k / 2]
		                  : (share[k / 2 - 1] + share[k / 2]) / 2;
	}
	if (h->common_max < 0)
		h->common_max = 0;
	free(share);
}

static void
html_meta(FILE *f, const struct class_book *b)
{
	char lab[256], version[256], hash[256], date[128], code[300];
	char csv[64], json[64], sim[64];

	html_esc(lab, sizeof lab, b->lab);
	fputs("<h1>", f);
	i18n_say(f, html_text, _("%s: class report"), lab);
	fputs("</h1>\n<p class=\"meta\">", f);
	snprintf(code, sizeof code, "<code>%s</code>",
	    html_esc(hash, sizeof hash, b->rubric_hash));
	i18n_say(f, html_text,
	    ngettext("%zu submission; labgrade %s, seed %llu, rubric hash %s, "
	             "graded %s in %.0f s.",
	        "%zu submissions; labgrade %s, seed %llu, rubric hash %s, "
	        "graded %s in %.0f s.",
	        (unsigned long)b->n),
	    b->n, html_esc(version, sizeof version, b->version),
	    (unsigned long long)b->seed, code,
	    html_esc(date, sizeof date, b->date), b->seconds);
	fputc(' ', f);
	/* TRANSLATORS: each %s is a link to the file it names. */
	i18n_say(f, html_text,
	    _("Gradebook: %s (metadata: %s). Similar pairs: %s (a hint, "
	      "never a verdict)."),
	    html_link(csv, sizeof csv, "grades.csv", "grades.csv"),
	    html_link(json, sizeof json, "grades.json", "grades.json"),
	    html_link(sim, sizeof sim, "similarity.txt", "similarity.txt"));
	fputs("</p>\n", f);
}

static void
html_cards(FILE *f, const struct class_book *b, const struct html_stats *h)
{
	int k;

	fputs("<div class=\"cards\">\n", f);
	for (k = 0; k < CS_NSTATUS; k++) {
		fprintf(f, "<div class=\"card\"><b>%zu</b>", h->count[k]);
		html_text(f, class_status_words(k, h->count[k]));
		fputs("</div>\n", f);
	}
	if (b->bar >= 0) {
		fprintf(f, "<div class=\"card\"><b>%zu</b>", h->below);
		/* TRANSLATORS: a card under a count of students: "below 60"
		 * (points) or "below 60%" (of the maximum), --fail-under's */
		i18n_say(f, html_text, _("below %g%s"), b->bar,
		    b->bar_pct ? "%" : "");
		fputs("</div>\n", f);
	}
	if (b->due != 0) {
		fprintf(f, "<div class=\"card\"><b>%zu</b>", h->late);
		/* TRANSLATORS: a card under a count of late submissions */
		html_text(f, ngettext("late", "late", h->late));
		fputs("</div>\n", f);
	}
	fputs("</div>\n", f);
}

/*
 * Score histogram of the graded students: HTML_BINS bars of the share of
 * the maximum, the bars' edges labelled (the last bar holds 100 %), the
 * --fail-under bar as a dashed line, mean and median below.  Text sizes
 * stay legible when a phone scales the plot to half its width.
 */
static void
html_histogram(FILE *f, const struct class_book *b, const struct html_stats *h)
{
	size_t top = 1, k;
	const int W = 620, H = 250, X0 = 24, Y0 = 196, BW = 54, GAP = 2;
	double bar = -1;

	for (k = 0; k < HTML_BINS; k++)
		top = h->bins[k] > top ? h->bins[k] : top;
	fputs("<h2>", f);
	html_text(f, _("Scores"));
	fprintf(f,
	    "</h2>\n<svg id=\"histogram\" viewBox=\"0 0 %d %d\" "
	    "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
	    W, H, W, H);
	i18n_say(f, html_text, "%s",
	    _("score histogram: graded students per tenth of the maximum"));
	fputs("\">\n", f);
	fprintf(f,
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\"/>\n",
	    X0, Y0, X0 + HTML_BINS * (BW + GAP), Y0);
	for (k = 0; k < HTML_BINS; k++) {
		int bh = (int)(h->bins[k] * 150 / top);
		int x = X0 + (int)k * (BW + GAP);

		fprintf(f,
		    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		    "fill=\"#2f6db5\"><title>%zu-%zu %%: %zu</title></rect>\n",
		    x, Y0 - bh, BW, bh, k * 10, k * 10 + 10, h->bins[k]);
		if (h->bins[k] > 0)
			fprintf(f,
			    "<text x=\"%d\" y=\"%d\" font-size=\"18\" "
			    "text-anchor=\"middle\">%zu</text>\n",
			    x + BW / 2, Y0 - bh - 5, h->bins[k]);
	}
	for (k = 0; k <= HTML_BINS; k += 2)
		fprintf(f,
		    "<text x=\"%d\" y=\"%d\" font-size=\"16\" "
		    "text-anchor=\"middle\" fill=\"#444\">%zu%%</text>\n",
		    X0 + (int)k * (BW + GAP) - (k > 0 ? GAP / 2 : 0), Y0 + 19,
		    k * 10);
	if (b->bar >= 0 && b->bar_pct)
		bar = b->bar / 100;
	else if (b->bar >= 0 && h->common_max > 0)
		bar = b->bar / h->common_max;
	if (bar >= 0 && bar <= 1) {
		int x = X0 + (int)(bar * HTML_BINS * (BW + GAP));

		fprintf(f,
		    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"#a40000\" stroke-width=\"2\" "
		    "stroke-dasharray=\"6 4\"/>\n<text x=\"%d\" y=\"%d\" "
		    "font-size=\"16\" fill=\"#a40000\" text-anchor=\"%s\">",
		    x, Y0 - 170, x, Y0, x + (bar > 0.5 ? -4 : 4), Y0 - 158,
		    bar > 0.5 ? "end" : "start");
		/* TRANSLATORS: the histogram's dashed line at --fail-under's
		 * score ("fail-under 60" points, "fail-under 60%") */
		i18n_say(f, html_text, _("fail-under %g%s"), b->bar,
		    b->bar_pct ? "%" : "");
		fputs("</text>\n", f);
	}
	if (h->count[CS_GRADED] > 0) {
		fprintf(f,
		    "<text x=\"%d\" y=\"%d\" font-size=\"16\" "
		    "fill=\"#444\">",
		    X0, H - 8);
		i18n_say(f, html_text,
		    ngettext("%zu graded: mean %.0f%%, median %.0f%% of the "
		             "maximum",
		        "%zu graded: mean %.0f%%, median %.0f%% of the maximum",
		        (unsigned long)h->count[CS_GRADED]),
		    h->count[CS_GRADED], h->mean, h->median);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
	if (h->count[CS_EMPTY] + h->count[CS_NOT_BUILT] > 0) {
		char link[256];

		fputs("<p class=\"sum\">", f);
		/* TRANSLATORS: %s is a link to the "Students by status" list */
		i18n_say(f, html_text,
		    _("Not in the plot: %zu empty, %zu not built (see %s)."),
		    h->count[CS_EMPTY], h->count[CS_NOT_BUILT],
		    html_link(link, sizeof link, "#bystatus",
		        _("Students by status")));
		fputs("</p>\n", f);
	}
}

static void
html_bar(FILE *f, double share, const char *colour)
{
	int w = (int)(share * 100 + 0.5);

	fprintf(f,
	    "<svg class=\"bar\" viewBox=\"0 0 100 12\" width=\"100\" "
	    "height=\"12\" role=\"img\" aria-label=\"%d%%\">"
	    "<rect width=\"100\" height=\"12\" fill=\"#e6e6e6\"/>"
	    "<rect width=\"%d\" height=\"12\" fill=\"%s\"/></svg>",
	    w, w, colour);
}

static int
html_cmp_rate(const void *a, const void *b, void *ctx)
{
	const struct html_stats *h = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	double rx = h->ran[x] ? (double)h->passed[x] / (double)h->ran[x] : 2;
	double ry = h->ran[y] ? (double)h->passed[y] / (double)h->ran[y] : 2;

	return rx < ry ? -1 : rx > ry ? 1 : x < y ? -1 : x > y;
}

static int
html_cmp_slow(const void *a, const void *b, void *ctx)
{
	const struct html_stats *h = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	double sx = h->timed[x] ? h->secs[x] / (double)h->timed[x] : 0;
	double sy = h->timed[y] ? h->secs[y] / (double)h->timed[y] : 0;

	return sx > sy ? -1 : sx < sy ? 1 : x < y ? -1 : x > y;
}

/* Every test, the one most of the class fails first. */
static void
html_pass_rates(FILE *f, const struct class_book *b, const struct html_stats *h)
{
	size_t order[CLASS_NTESTS], i, k;

	for (k = 0; k < b->ntests; k++)
		order[k] = k;
	qsort_r(order, b->ntests, sizeof *order, html_cmp_rate, (void *)h);
	fputs("<h2>", f);
	html_text(f, _("Pass rate of every test"));
	fputs(
	    "</h2>\n<div class=\"wrap\"><table id=\"passrates\">\n<tr><th>", f);
	/* TRANSLATORS: a column's head: each test's name, then what it
	 * checks, one line under the other */
	html_text(f, _("test: what it checks"));
	fputs("</th><th class=\"n\">", f);
	/* TRANSLATORS: a column's head: how many passed the test, of how
	 * many it ran for ("12/15") */
	html_text(f, _("passed / ran"));
	fputs("</th><th></th></tr>\n", f);
	for (i = 0; i < b->ntests; i++) {
		k = order[i];
		fputs("<tr><td><code>", f);
		html_text(f, b->tests[k]);
		fputs("</code><br><span class=\"sum\">", f);
		html_text(f, b->summaries != NULL ? b->summaries[k] : "");
		fputs("</span></td><td class=\"n\">", f);
		if (h->ran[k] == 0) {
			fputs("<span class=\"none\">", f);
			/* TRANSLATORS: a test no student's grading ran */
			html_text(f, _("not run"));
			fputs("</span></td><td>", f);
		} else {
			double r = (double)h->passed[k] / (double)h->ran[k];

			fprintf(f, "%.0f%% (%zu/%zu)</td><td>", 100 * r,
			    h->passed[k], h->ran[k]);
			html_bar(f, r, r < 0.5 ? "#c0392b" : "#2e8b57");
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

static void
html_slowest(FILE *f, const struct class_book *b, const struct html_stats *h)
{
	size_t order[CLASS_NTESTS], i, k, n = b->ntests;
	double top = 0.001;

	for (k = 0; k < n; k++) {
		order[k] = k;
		if (h->max_secs[k] > top)
			top = h->max_secs[k];
	}
	qsort_r(order, n, sizeof *order, html_cmp_slow, (void *)h);
	fputs("<h2>", f);
	html_text(f, _("Slowest tests"));
	fputs("</h2>\n<div class=\"wrap\"><table id=\"slowest\">\n<tr><th>", f);
	/* TRANSLATORS: the slowest tests' column heads: a test's name, its
	 * mean and its longest time */
	html_text(f, _("test"));
	fputs("</th><th class=\"n\">", f);
	html_text(f, _("mean"));
	fputs("</th><th class=\"n\">", f);
	html_text(f, _("max"));
	fputs("</th><th></th></tr>\n", f);
	for (i = 0; i < n && i < HTML_SLOWEST; i++) {
		k = order[i];
		if (h->timed[k] == 0)
			break;
		fputs("<tr><td><code>", f);
		html_text(f, b->tests[k]);
		fprintf(f,
		    "</code></td><td class=\"n\">%.2f s</td><td "
		    "class=\"n\">%.2f s</td><td>",
		    h->secs[k] / (double)h->timed[k], h->max_secs[k]);
		html_bar(f, h->secs[k] / (double)h->timed[k] / top, "#8e6bbf");
		fputs("</td></tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

static void
html_student_link(FILE *f, const struct class_student *s)
{
	fputs("<a href=\"", f);
	html_href(f, s->safe);
	fputs("\">", f);
	html_text(f, s->shown);
	fputs("</a>", f);
}

/* Who needs a look: empty, not built, grader error, below the bar,
 * late. */
static int
html_in_list(
    const struct class_book *b, const struct class_student *s, int which)
{
	if (which >= 0)
		return s->rec.status == which;
	return which == -1 ? class_book_below(b, s) : s->late_days > 0;
}

static void
html_by_status(FILE *f, const struct class_book *b)
{
	/* -1: below the bar, -2: late */
	static const int which[] = {CS_EMPTY, CS_NOT_BUILT, CS_ERROR, -1, -2};
	size_t i, n;
	int k;

	fputs("<h2>", f);
	html_text(f, _("Students by status"));
	fputs("</h2>\n<ul id=\"bystatus\">\n", f);
	for (k = 0; k < 5; k++) {
		if ((which[k] == -1 && b->bar < 0) ||
		    (which[k] == -2 && !b->due))
			continue;
		for (i = 0, n = 0; i < b->n; i++)
			n += html_in_list(b, &b->st[i], which[k]) != 0;
		fputs("<li><b>", f);
		if (which[k] >= 0)
			html_text(f, class_status_words(which[k], n));
		else if (which[k] == -1)
			i18n_say(f, html_text, _("below %g%s"), b->bar,
			    b->bar_pct ? "%" : "");
		else
			html_text(f, ngettext("late", "late", n));
		fputs("</b>", f);
		if (which[k] == -2) {
			fputc(' ', f);
			/* TRANSLATORS: after "late": what the numbers after
			 * the names are */
			html_text(f, _("(days after the due date, by the "
			               "sources' file times)"));
		}
		fputs(": ", f);
		for (i = 0, n = 0; i < b->n; i++) {
			const struct class_student *s = &b->st[i];

			if (!html_in_list(b, s, which[k]))
				continue;
			fputs(n++ > 0 ? ", " : "", f);
			html_student_link(f, s);
			if (which[k] == -2)
				fprintf(f, " (%d)", s->late_days);
		}
		if (n == 0)
			/* TRANSLATORS: no student has this status */
			html_text(f, _("none"));
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

static void
html_students(FILE *f, const struct class_book *b)
{
	size_t i, k, passed;

	fputs("<h2>", f);
	html_text(f, _("Every student"));
	fputs(
	    "</h2>\n<div class=\"wrap\"><table id=\"students\">\n<tr><th>", f);
	/* TRANSLATORS: the students' table's column heads: the student's
	 * folder, its status, its score, how many tests it passed */
	html_text(f, _("student"));
	fputs("</th><th>", f);
	html_text(f, _("status"));
	fputs("</th><th class=\"n\">", f);
	html_text(f, _("score"));
	fputs("</th><th class=\"n\">", f);
	html_text(f, _("passed"));
	fputs("</th></tr>\n", f);
	for (i = 0; i < b->n; i++) {
		const struct class_student *s = &b->st[i];

		for (k = 0, passed = 0; k < b->ntests; k++)
			passed += s->rec.status != CS_EMPTY &&
			          s->rec.test[k].status == GS_PASSED;
		fputs("<tr><td>", f);
		html_student_link(f, s);
		fprintf(f, "</td><td%s>",
		    s->rec.status == CS_GRADED ? "" : " class=\"bad\"");
		html_text(f, class_status_words(s->rec.status, 1));
		fputs("</td>", f);
		if (s->rec.status == CS_ERROR)
			fputs("<td class=\"n\"></td><td class=\"n\"></td>", f);
		else
			fprintf(f,
			    "<td class=\"n\">%g/%g</td><td class=\"n\">"
			    "%zu/%zu</td>",
			    s->rec.score, s->rec.max, passed, b->ntests);
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

static char *
html_dashboard(const struct class_book *b, size_t *len)
{
	struct html_stats *h = malloc(sizeof *h);
	char *buf = NULL, title[128];
	FILE *f = open_memstream(&buf, len);

	if (f == NULL || h == NULL) {
		if (f != NULL)
			fclose(f);
		free(buf);
		free(h);
		return NULL;
	}
	html_stats(b, h);
	snprintf(title, sizeof title, _("%s: class report"), b->lab);
	html_head(f, title);
	html_meta(f, b);
	html_cards(f, b, h);
	html_histogram(f, b, h);
	html_pass_rates(f, b, h);
	html_by_status(f, b);
	html_slowest(f, b, h);
	html_students(f, b);
	fputs("</body>\n</html>\n", f);
	free(h);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * The language a student's report.txt was written in: its grading's
 * report.json "lang" (a cached grading keeps the language it was graded
 * in, which --dashboard under another LANG does not change), as HTML's
 * lang says it in buf; NULL if unknown.
 */
static const char *
html_report_lang(int fd, char *buf, size_t n)
{
	char *json = class_read_file(fd, "report.json", HTML_REPORT_MAX, NULL);
	char lang[32];
	const char *at = json != NULL ? strstr(json, "\"lang\": \"") : NULL;
	size_t len;

	if (at != NULL) {
		at += strlen("\"lang\": \"");
		len = strspn(at,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_");
		if (len > 0 && len < sizeof lang && at[len] == '"') {
			memcpy(lang, at, len);
			lang[len] = '\0';
			at = html_lang(buf, n, lang);
		} else {
			at = NULL;
		}
	}
	free(json);
	return at;
}

/* A student's report.txt as a page of its own. */
static int
html_student_page(
    const struct class_book *b, int studfd, const struct class_student *s)
{
	char *text = NULL, *buf = NULL, title[1200], page[32], rep[32];
	const char *lang;
	size_t len = 0;
	FILE *f;
	int fd, rc = -1;

	fd = openat(
	    studfd, s->safe, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	text = class_read_file(fd, "report.txt", HTML_REPORT_MAX, NULL);
	lang = html_report_lang(fd, rep, sizeof rep);
	f = open_memstream(&buf, &len);
	if (f != NULL) {
		snprintf(title, sizeof title, "%s: %s", b->lab, s->shown);
		html_head(f, title);
		fputs("<p><a href=\"../../report.html\">", f);
		html_text(f, _("class report"));
		fputs("</a></p>\n<h1>", f);
		html_text(f, s->shown);
		fputs("</h1>\n<p>", f);
		html_text(f, class_status_words(s->rec.status, 1));
		if (s->rec.status != CS_ERROR)
			fprintf(f, ": %g/%g", s->rec.score, s->rec.max);
		/* the report in its own language when the page's differs */
		if (text != NULL && lang != NULL &&
		    strcmp(lang, html_lang(page, sizeof page, i18n_lang())) !=
		        0)
			fprintf(f, "</p>\n<pre lang=\"%s\">", lang);
		else
			fputs("</p>\n<pre>", f);
		html_text(f,
		    text != NULL ? text : _("(no report: nothing was graded)"));
		fputs("</pre>\n</body>\n</html>\n", f);
		if (fclose(f) == 0)
			rc = class_write_file(fd, "report.html", buf, len);
	}
	free(buf);
	free(text);
	close(fd);
	return rc;
}

int
class_html_write(
    const struct class_book *b, int outfd, char *err, size_t errlen)
{
	size_t len, i;
	char *page = html_dashboard(b, &len);
	int studfd, rc = 0;

	if (page == NULL ||
	    class_write_file(outfd, "report.html", page, len) < 0)
		rc = -1;
	free(page);
	studfd = openat(
	    outfd, "students", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (i = 0; i < b->n && studfd >= 0; i++)
		if (html_student_page(b, studfd, &b->st[i]) < 0)
			rc = -1;
	if (studfd >= 0)
		close(studfd);
	if (rc < 0 || studfd < 0)
		snprintf(
		    err, errlen, _("%s: could not write report.html"), b->out);
	return rc < 0 || studfd < 0 ? -1 : 0;
}
