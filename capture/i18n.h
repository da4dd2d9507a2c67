/*
 * The kit's tools speak the user's language through GNU gettext (domain
 * "socklab", catalogues in po/).  _() marks a human-facing string; N_()
 * marks one in a table, translated where it is printed.  Machine-read
 * output (JSON keys, test names, statuses, CSV headers) is never marked.
 *
 * Interface:
 *   i18n_init()       setlocale + bindtextdomain: call first in main()
 *   i18n_force(LANG)  one language whatever the environment ("en", "pt_BR")
 *   i18n_lang()       the language messages are written in ("en", "pt_BR")
 *   i18n_once(MSGID)  P_(): gettext of a string with static storage (a
 *                     literal, a static table's entry), looked up once per
 *                     process and kept by its address; no lookup at all when
 *                     no catalogue is in use (English).  For the words
 *                     printed per packet: gettext costs ~1 us a call
 *                     (getenv, the locale's names, a lock), more than the
 *                     rest of a packet's line.  Language changes through
 *                     i18n_init/i18n_force only (they forget the kept ones).
 *   i18n_say(F, ESC, FMT, ...)  a sentence for people in a markup (SVG,
 *                     HTML): FMT (a translation) escaped by ESC, the
 *                     markup's text writer, before printf reads it, so no
 *                     translation can add markup; the arguments are markup
 *                     already (escaped text, the caller's own tags).
 */
#ifndef SOCKLAB_I18N_H
#define SOCKLAB_I18N_H

#include <libintl.h>
#include <stdio.h>

#define I18N_DOMAIN "socklab"
#define _(s) gettext(s)
#define N_(s) s
#define P_(s) i18n_once(s)

void i18n_init(void);
int i18n_force(const char *lang);
const char *i18n_lang(void);
const char *i18n_once(const char *msgid);
void i18n_say(FILE *f, void (*esc)(FILE *, const char *), const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
