/*
 * The tools' locale: messages and character type from the environment,
 * numbers always C (a report's "1.000 s" and JSON's numbers must not
 * become "1,000" in pt_BR).  The catalogue is found next to the program
 * (build/locale, so build/labgrade speaks before 'make install'), else
 * in the installed SOCKLAB_LOCALEDIR.
 */
#define _GNU_SOURCE /* readlink of /proc/self/exe is Linux's */
#include "i18n.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SOCKLAB_LOCALEDIR
#define SOCKLAB_LOCALEDIR "/usr/local/share/locale"
#endif

/* i18n_once's translations, by the message's address (open addressing;
 * when full, gettext as _() does), and whether a catalogue is in use
 * (-1: not asked yet since the language was last set). */
#define I18N_KEPT 1024
static struct {
	const char *msgid, *text;
} i18n_kept[I18N_KEPT];
static int i18n_translating = -1;

static void
i18n_forget(void)
{
	memset(i18n_kept, 0, sizeof i18n_kept);
	i18n_translating = -1;
}

/* The build tree's catalogue folder beside the running program, if any. */
static int
i18n_build_dir(char *dir, size_t n)
{
	struct stat st;
	ssize_t len;
	char *slash;

	if (n < 8)
		return -1;
	len = readlink("/proc/self/exe", dir, n - 8);
	if (len <= 0)
		return -1;
	dir[len] = '\0';
	if ((slash = strrchr(dir, '/')) == NULL)
		return -1;
	strcpy(slash + 1, "locale");
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

void
i18n_init(void)
{
	char dir[PATH_MAX];

	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");
	bindtextdomain(I18N_DOMAIN,
	    i18n_build_dir(dir, sizeof dir) == 0 ? dir : SOCKLAB_LOCALEDIR);
	bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
	textdomain(I18N_DOMAIN);
	i18n_forget();
}

/*
 * One language for everything this process and its children write:
 * "en" (or "C") is the untranslated text; another is tried as
 * LANG.UTF-8, else through C.UTF-8 with LANGUAGE (glibc honours
 * LANGUAGE in any locale but "C").  0, or -1 if no locale would do.
 */
int
i18n_force(const char *lang)
{
	char name[64];

	i18n_forget();
	if (strcmp(lang, "en") == 0 || strcmp(lang, "C") == 0) {
		setenv("LC_ALL", "C", 1);
		unsetenv("LANGUAGE");
		setlocale(LC_ALL, "C");
		return 0;
	}
	if (strlen(lang) > 32 || strchr(lang, '/') != NULL)
		return -1;
	snprintf(name, sizeof name, "%s.UTF-8", lang);
	if (setlocale(LC_ALL, name) == NULL &&
	    setlocale(LC_ALL, strcpy(name, "C.UTF-8")) == NULL)
		return -1;
	setlocale(LC_NUMERIC, "C");
	setenv("LC_ALL", name, 1);
	setenv("LANGUAGE", lang, 1);
	return 0;
}

/*
 * The language the catalogue answers in: the translator's "Language:"
 * header of the catalogue in use, "en" when none is (C, a missing
 * locale or an untranslated language).
 */
const char *
i18n_lang(void)
{
	static char lang[32];
	const char *h = gettext(""), *l;
	size_t n;

	if (h == NULL || *h == '\0' || (l = strstr(h, "Language: ")) == NULL)
		return "en";
	l += strlen("Language: ");
	n = strcspn(l, "\n");
	if (n == 0 || n >= sizeof lang)
		return "en";
	memcpy(lang, l, n);
	lang[n] = '\0';
	return lang;
}

/*
 * gettext(MSGID) once per process for a message with static storage.
 * No catalogue in use (gettext("") has no header): every message is its
 * own translation, so none is looked up.
 */
const char *
i18n_once(const char *msgid)
{
	size_t i;
	const char *h;

	if (i18n_translating < 0) {
		h = gettext("");
		i18n_translating = h != NULL && *h != '\0';
	}
	if (!i18n_translating)
		return msgid;
	i = (size_t)(((uintptr_t)msgid >> 2) * 2654435761u) % I18N_KEPT;
	for (size_t n = 0; n < I18N_KEPT; n++, i = (i + 1) % I18N_KEPT) {
		if (i18n_kept[i].msgid == msgid)
			return i18n_kept[i].text;
		if (i18n_kept[i].msgid == NULL) {
			i18n_kept[i].msgid = msgid;
			return i18n_kept[i].text = gettext(msgid);
		}
	}
	return gettext(msgid);
}

/*
 * fmt escaped by esc into a string of its own, then printf'd with the
 * arguments: the escapers (SVG's, HTML's) leave '%' and the letters of a
 * conversion alone and only & < > (" ') are escaped, which are no part of
 * a conversion, so the conversions stay.  Nothing written if memory is out.
 */
void
i18n_say(FILE *f, void (*esc)(FILE *, const char *), const char *fmt, ...)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	va_list ap;

	if (m == NULL)
		return;
	esc(m, fmt);
	if (fclose(m) == 0) {
		va_start(ap, fmt);
		vfprintf(f, buf, ap);
		va_end(ap);
	}
	free(buf);
}
