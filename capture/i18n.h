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
 */
#ifndef SOCKLAB_I18N_H
#define SOCKLAB_I18N_H

#include <libintl.h>

#define I18N_DOMAIN "socklab"
#define _(s) gettext(s)
#define N_(s) s

void i18n_init(void);
int i18n_force(const char *lang);
const char *i18n_lang(void);

#endif
