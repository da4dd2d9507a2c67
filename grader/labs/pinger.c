/*
 * The pinger labs' test template (pinger.h): the tests lab 1 and lab 2
 * share, as functions of the lab's struct pinger and of a table row.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lab.h"
#include "pinger.h"

const struct pinger *
pinger_of(struct grade *g)
{
	const struct grade_lab *lab = lab_find(grade_sub(g)->lab);

	if (lab == NULL || lab->data == NULL)
		grade_error(g, _("grader: lab %s has no pinger template"),
		    grade_sub(g)->lab);
	return lab->data;
}

/* lo..hi from the test's seed (splitmix64 of --seed and the test's name:
 * engine.c), so that --seed varies the fault and repeats it. */
int
pinger_seeded(struct grade *g, int lo, int hi)
{
	return lo + (int)(grade_seed(g) % (uint64_t)(hi - lo + 1));
}

static const struct pinger_server_case *
server_case(struct grade *g, const struct pinger *p)
{
	const char *name = grade_test_name(g);
	size_t i;

	for (i = 0; i < p->nserver_cases; i++)
		if (strcmp(p->server_cases[i].test, name) == 0)
			return &p->server_cases[i];
	grade_error(g, _("grader: no server case for %s"), name);
	return NULL; /* not reached */
}

static const struct pinger_client_case *
client_case(struct grade *g, const struct pinger *p)
{
	const char *name = grade_test_name(g);
	size_t i;

	for (i = 0; i < p->nclient_cases; i++)
		if (strcmp(p->client_cases[i].test, name) == 0)
			return &p->client_cases[i];
	grade_error(g, _("grader: no client case for %s"), name);
	return NULL; /* not reached */
}

static void
pinger_pre(struct grade *g, enum pinger_pre pre)
{
	if (pre == PINGER_IPV6)
		scen_need_ipv6(g);
	else if (pre == PINGER_BINDV6ONLY)
		scen_bindv6only(g);
}

/* Start the student's server on the cell's port, or fail the test. */
int
pinger_server(struct grade *g, const struct pinger *p, struct run *srv)
{
	int port = cell_port(grade_cell(g), p->type);

	scen_server(g, srv, p->type, port);
	return port;
}

/* labpeer's checking client HOST PORT extra...: now, or (verdict_later)
 * once the test has checked the wire. */
void
pinger_peer_check(struct grade *g, const struct pinger *p, const char *host,
    int port, const char *const extra[], int wall_ms,
    struct run **verdict_later)
{
	const char *args[SCEN_ARGS_MAX];
	char pbuf[SCEN_PORT_TEXT];

	scen_peer_args(
	    g, p->server, port, p->peer_client, host, extra, args, pbuf);
	if (verdict_later == NULL)
		scen_peer_check(g, args, wall_ms);
	else
		*verdict_later = scen_peer_run(g, args, wall_ms);
}

/*
 * A labpeer check of a fresh server, which must live on.  The capture
 * (where one is possible) is the report's trace, and the lab's server
 * wire check (a reply sent elsewhere, a reply ahead of its line) names
 * the fault before labpeer's verdict does.
 */
void
pinger_server_check(struct grade *g, const struct pinger *p, const char *host,
    const char *const extra[], int wall_ms)
{
	struct cell_capture cap = {0};
	struct run *srv = scen_run(), *peer;
	struct wire w;
	int port = pinger_server(g, p, srv);
	int have_w = scen_capture(g, &cap, port, 0) == 0;

	pinger_peer_check(g, p, host, port, extra, wall_ms, &peer);
	if (have_w) {
		scen_capture_end(g, &cap, &w);
		if (p->server_wire != NULL)
			p->server_wire(g, &w, port);
		wire_free(&w);
	}
	/* A server that ended explains labpeer's "no reply": first. */
	scen_alive(g, srv, "server");
	scen_peer_verdict(g, peer, wall_ms);
}

/*
 * One client run: labpeer's server with extra (none at all when extra
 * is NULL: nothing listens), then "./CLIENT HOST PORT COUNT" to its end,
 * the capture loaded into s->w and the lab's client wire check run.
 */
void
pinger_scenario(struct grade *g, const struct pinger *p, struct pinger_run *s,
    const char *const extra[], const char *host, int count, int wall_ms,
    int need_capture)
{
	const char *args[SCEN_ARGS_MAX] = {p->peer_server};
	struct cell_capture cap = {0};
	char pbuf[16], cbuf[16];
	const char *cargs[] = {host, pbuf, cbuf, NULL};
	int i;

	memset(s, 0, sizeof *s);
	s->peer = scen_run();
	s->cli = scen_run();
	s->port = cell_port(grade_cell(g), p->type);
	snprintf(pbuf, sizeof pbuf, "%d", s->port);
	snprintf(cbuf, sizeof cbuf, "%d", count);
	args[1] = pbuf;
	for (i = 0; extra != NULL && extra[i] != NULL && i + 3 < SCEN_ARGS_MAX;
	     i++)
		args[2 + i] = extra[i];
	args[2 + i] = NULL;
	scen_addr(strchr(host, ':') ? AF_INET6 : AF_INET, s->port, s->from,
	    sizeof s->from);
	if (extra != NULL) {
		scen_repro(g, NULL, args);
		scen_peer(g, s->peer, p->type, s->port, args);
	}
	s->have_w = scen_capture(g, &cap, s->port, need_capture) == 0;
	scen_repro_fg(g, "./%s %s %d %d", p->client, host, s->port, count);
	scen_client(g, s->cli, cargs, wall_ms);
	if (s->have_w) {
		scen_capture_end(g, &cap, &s->w);
		if (p->client_wire != NULL)
			p->client_wire(g, &s->w, s->port);
	}
}

void
pinger_t_server_starts(struct grade *g)
{
	const struct pinger *p = pinger_of(g);
	struct run *srv = scen_run();
	int port = pinger_server(g, p, srv);

	grade_repro(g, "./%s %d", p->server, port);
	run_wait(srv, SCEN_STARTS_MS); /* reaps it if it ends */
	scen_alive(g, srv, "server");
}

void
pinger_t_server_usage(struct grade *g)
{
	static const struct scen_args bad[] = {{{NULL}}, {{"abc", NULL}},
	    {{"0", NULL}}, {{"70000", NULL}}, {{"-5", NULL}},
	    {{"12000", "extra", NULL}}};

	scen_usage(g, grade_sub(g)->server, pinger_of(g)->server, bad,
	    sizeof bad / sizeof bad[0]);
}

void
pinger_t_client_usage(struct grade *g)
{
	static const struct scen_args bad[] = {{{NULL}}, {{"127.0.0.1", NULL}},
	    {{"127.0.0.1", "abc", NULL}}, {{"127.0.0.1", "0", NULL}},
	    {{"127.0.0.1", "70000", NULL}}, {{"127.0.0.1", "12000", "0", NULL}},
	    {{"127.0.0.1", "12000", "1001", NULL}},
	    {{"127.0.0.1", "12000", "x", NULL}},
	    {{"no-such-host.invalid", "12000", "1", NULL}}};

	scen_usage(g, grade_sub(g)->client, pinger_of(g)->client, bad,
	    sizeof bad / sizeof bad[0]);
}

void
pinger_t_server_port_busy(struct grade *g)
{
	const struct pinger *p = pinger_of(g);

	scen_port_busy(g, p->type, p->server);
}

void
pinger_t_server_check(struct grade *g)
{
	const struct pinger *p = pinger_of(g);
	const struct pinger_server_case *c = server_case(g, p);

	pinger_pre(g, c->pre);
	grade_explain(g, "%s", _(c->explain));
	pinger_server_check(g, p, c->host, c->args, c->wall_ms);
}

void
pinger_t_client_expect(struct grade *g)
{
	const struct pinger *p = pinger_of(g);
	const struct pinger_client_case *c = client_case(g, p);
	struct ping_expect e = c->e;
	const char *const *args = c->args;
	struct pinger_run s;
	char kbuf[16], seqs[CONTRACT_COUNT_MAX + 1];
	const char *drop[] = {"--drop", kbuf, NULL};
	int k;

	pinger_pre(g, c->pre);
	if (c->seed_drop && c->count >= 3 && c->count <= CONTRACT_COUNT_MAX) {
		k = pinger_seeded(g, 2, c->count - 1);
		snprintf(kbuf, sizeof kbuf, "%d", k);
		memset(seqs, 'r', (size_t)c->count);
		seqs[c->count] = '\0';
		seqs[k - 1] = 't';
		e.seqs = seqs;
		args = drop;
		grade_explain(g, _(c->explain), k, c->count);
	} else if (c->explain != NULL)
		grade_explain(g, "%s", _(c->explain));
	pinger_scenario(g, p, &s, args, c->host, c->count, c->wall_ms, 0);
	e.from = s.from;
	ping_expect(g, s.cli, &e, &s.po);
	if (c->no_stderr != NULL)
		grade_check(g, s.cli->err_len > 0,
		    /* TRANSLATORS: %s is a row's no_stderr, e.g. "client
		       stopped" */
		    _("nothing on stderr: say why the %s"), _(c->no_stderr));
}

void
pinger_t_client_localhost(struct grade *g)
{
	const struct pinger *p = pinger_of(g);
	const struct pinger_client_case *c = client_case(g, p);
	struct ping_expect e = c->e;
	struct pinger_run s;

	pinger_scenario(g, p, &s, c->args, c->host, c->count, c->wall_ms, 0);
	scen_localhost_from(
	    s.cli, s.have_w ? &s.w : NULL, s.port, s.from, sizeof s.from);
	e.from = s.from;
	ping_expect(g, s.cli, &e, &s.po);
	wire_free(&s.w);
}

void
pinger_t_client_rtt(struct grade *g)
{
	const struct pinger *p = pinger_of(g);
	char ms[16];
	const char *const x[] = {"--delay", ms, NULL};
	struct ping_expect e = {"rrr", NULL, 0, 0};
	struct wire_pings pk;
	struct pinger_run s;

	/* Any delay will do: it follows --seed. */
	snprintf(ms, sizeof ms, "%d", pinger_seeded(g, 50, 150));
	pinger_scenario(g, p, &s, x, "127.0.0.1", 3, p->wall_ms, 1);
	e.from = s.from;
	ping_expect(g, s.cli, &e, &s.po);
	p->client_pings(g, &s.w, s.port, 3, &pk);
	scen_rtts(g, &s.po, &pk, s.peer);
	wire_free(&s.w);
}
