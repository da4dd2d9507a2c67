# po/: the tools' messages in other languages (GNU gettext, domain
# "socklab").  po/socklab.pot is extracted from the C sources by 'make
# pot'; po/LL.po is a translation; 'make' compiles each into
# $(B)/locale/LL/LC_MESSAGES/socklab.mo, where the programs beside it
# find it (capture/i18n.c), and 'make install' puts it under LOCALEDIR.
# A man page's translation sits beside it as NAME.LL.1 and is installed
# as MANROOT/LL/man1/NAME.1 ('man -L LL NAME').

LOCALEDIR ?= $(PREFIX)/share/locale
MANROOT   ?= $(PREFIX)/share/man
MSGFMT    ?= msgfmt
XGETTEXT  ?= xgettext
MSGMERGE  ?= msgmerge
MSGCMP    ?= msgcmp
MSGCAT    ?= msgcat

PO_LANGS := $(basename $(notdir $(wildcard po/*.po)))
MOS      := $(foreach l,$(PO_LANGS),$(B)/locale/$l/LC_MESSAGES/socklab.mo)

$(B)/locale/%/LC_MESSAGES/socklab.mo: po/%.po
	@mkdir -p $(dir $@)
	$(MSGFMT) --check -o $@ $<

# What xgettext reads as a message: _(), N_(), ngettext's and count_words'
# (capture/summary.c) singular and plural; -k drops the default keywords
# (i18n_lang's gettext("") reads the catalogue's header).
XGETTEXT_FLAGS := --from-code=UTF-8 --language=C -k --keyword=_ \
	--keyword=N_ --keyword=ngettext:1,2 --keyword=count_words:3,4 \
	--flag=count_words:3:no-c-format
# Every C file of the three tools and the libraries they print through.
POT_SRCS = $(sort $(wildcard capture/*.c grader/*/*.c grader/labs/*/*.c))
# make demo's scene headings: gettext "..." lines of the recipes, read as
# shell (only the gettext keyword: the rest of a Makefile is no message).
XGETTEXT_SH_FLAGS := --from-code=UTF-8 --language=Shell -k --keyword=gettext
POT_SH = Makefile $(sort $(wildcard grader/labs/*/demo.mk))
.PHONY: pot po-update
pot: po/socklab.pot
po/socklab.pot: $(POT_SRCS) $(POT_SH) po/module.mk
	$(XGETTEXT) $(XGETTEXT_FLAGS) --add-comments=TRANSLATORS: \
		--package-name=socklab --msgid-bugs-address= \
		--sort-by-file -o $@.c $(POT_SRCS)
	$(XGETTEXT) $(XGETTEXT_SH_FLAGS) -o $@.sh $(POT_SH)
	@sed -i 's/charset=CHARSET/charset=UTF-8/' $@.c $@.sh
	$(MSGCAT) --use-first --sort-by-file -o $@.tmp $@.c $@.sh
	@rm -f $@.c $@.sh
	@sed -i -e '/^"POT-Creation-Date:/d' \
		-e 's/charset=UTF-8/charset=CHARSET/' $@.tmp && mv $@.tmp $@
# po-update: merge the new template into every translation (then
# translate what msgfmt --statistics calls untranslated or fuzzy).
po-update: po/socklab.pot
	@for l in $(PO_LANGS); do \
		$(MSGMERGE) -q --update --backup=none po/$$l.po $< || exit 1; \
	done

build-all: $(MOS)
SAN_BINS += $(foreach l,$(PO_LANGS),build/san/locale/$l/LC_MESSAGES/socklab.mo)
TEST_DEPS += $(MOS)

# The installed programs find their catalogues under LOCALEDIR; the stamp
# holds it, so a new PREFIX rebuilds i18n.o.
$(B)/capture/i18n.o: CPPFLAGS += -DSOCKLAB_LOCALEDIR='"$(LOCALEDIR)"'
$(B)/capture/i18n.o: $(B)/localedir.stamp
$(B)/localedir.stamp: localedir-check
	@mkdir -p $(dir $@)
	@echo '$(LOCALEDIR)' | cmp -s - $@ || echo '$(LOCALEDIR)' > $@
.PHONY: localedir-check

PO_MANS := $(wildcard $(foreach l,$(PO_LANGS),$(MANS:%.1=%.$l.1)))

.PHONY: install-po uninstall-po
install: install-po
install-po: all
	@for l in $(PO_LANGS); do \
		install -D -m 644 $(B)/locale/$$l/LC_MESSAGES/socklab.mo \
		    $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/socklab.mo || exit 1; \
	done
	@for f in $(PO_MANS); do \
		b=$$(basename $$f .1); l=$${b##*.}; \
		install -D -m 644 $$f $(DESTDIR)$(MANROOT)/$$l/man1/$${b%.*}.1 || exit 1; \
	done
uninstall: uninstall-po
uninstall-po:
	@for l in $(PO_LANGS); do \
		rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/socklab.mo; \
	done
	@for f in $(PO_MANS); do \
		b=$$(basename $$f .1); l=$${b##*.}; \
		rm -f $(DESTDIR)$(MANROOT)/$$l/man1/$${b%.*}.1; \
	done

# po-check: every message of the sources (extracted afresh) is in each
# translation, translated and not fuzzy; the i18n suite runs it.
.PHONY: po-check
po-check:
	@mkdir -p $(B)/po
	@$(XGETTEXT) $(XGETTEXT_FLAGS) -o $(B)/po/check.c.pot $(POT_SRCS) 2>/dev/null
	@$(XGETTEXT) $(XGETTEXT_SH_FLAGS) -o $(B)/po/check.sh.pot $(POT_SH)
	@sed -i 's/charset=CHARSET/charset=UTF-8/' $(B)/po/check.*.pot
	@$(MSGCAT) --use-first -o $(B)/po/check.pot $(B)/po/check.c.pot \
		$(B)/po/check.sh.pot
	@for l in $(PO_LANGS); do \
		$(MSGCMP) po/$$l.po $(B)/po/check.pot || exit 1; \
		$(MSGFMT) --check --statistics -o /dev/null po/$$l.po || exit 1; \
	done

# The i18n suite (po/tests/check_i18n.c) joins the kit's runner.
TEST_SRCS += $(wildcard po/tests/check_*.c)
