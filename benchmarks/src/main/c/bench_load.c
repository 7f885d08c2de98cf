/*
 * The libtirpc client of the benchmarks, with stubs from rpcgen -M:
 *
 *   bench_load square HOST PORT tcp|udp THREADS own|shared WARMUP_MS MEASURE_MS
 *   bench_load echo HOST PORT SIZE THREADS own|shared WARMUP_MS MEASURE_MS
 *
 * Each thread calls in a loop on its own CLIENT or on one shared by all (libtirpc's CLIENT is
 * MT-safe: it serializes the calls). Prints one line: see load.h.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "load.h"
#include "square.h"
#include "bench.h"

#define MAX_THREADS 256

struct config {
  int echo;
  int udp;
  struct sockaddr_in addr;
  unsigned size;
};

struct worker {
  struct stats stats; /* first, for run_workers */
  const struct config *config;
  CLIENT *clnt;
};

static CLIENT *
create_client(const struct config *c)
{
  struct sockaddr_in addr = c->addr;
  int sock = RPC_ANYSOCK;
  /* The UDP retry interval: a lost datagram costs 1 s instead of libtirpc's 15 s. */
  struct timeval retry = { 1, 0 };
  unsigned long prog = c->echo ? ECHO_PROG : SQUARE_PROG;
  unsigned long vers = c->echo ? ECHO_VERS : SQUARE_VERS;
  CLIENT *clnt = c->udp ? clntudp_create(&addr, prog, vers, retry, &sock)
                        : clnttcp_create(&addr, prog, vers, &sock, 0, 0);

  if (clnt == NULL) {
    fprintf(stderr, "%s\n", clnt_spcreateerror("127.0.0.1"));
    exit(1);
  }
  return clnt;
}

static void *
square_loop(void *arg)
{
  struct worker *w = arg;
  square_in in;
  square_out out;
  long n = 0;

  while (current_phase() != STOP) {
    uint64_t start = now_ns();
    enum clnt_stat stat;

    in.arg1 = n++ & 0xffff;
    stat = squareproc_1(&in, &out, w->clnt);
    record(&w->stats, current_phase(), now_ns() - start,
           stat == RPC_SUCCESS && out.res1 == in.arg1 * in.arg1);
  }
  return NULL;
}

static void *
echo_loop(void *arg)
{
  struct worker *w = arg;
  echo_data in, out;

  in.echo_data_len = w->config->size;
  in.echo_data_val = malloc(w->config->size > 0 ? w->config->size : 1);
  memset(in.echo_data_val, 0x5a, w->config->size);
  /* NULL: xdr_bytes allocates the reply buffer once, then decodes into it on every call. */
  memset(&out, 0, sizeof out);
  while (current_phase() != STOP) {
    uint64_t start = now_ns();
    enum clnt_stat stat = echoproc_1(&in, &out, w->clnt);

    record(&w->stats, current_phase(), now_ns() - start,
           stat == RPC_SUCCESS && out.echo_data_len == in.echo_data_len);
  }
  free(in.echo_data_val);
  return NULL;
}

static void
usage(const char *name)
{
  fprintf(stderr, "usage: %s square HOST PORT tcp|udp THREADS own|shared WARMUP_MS MEASURE_MS\n"
          "       %s echo HOST PORT SIZE THREADS own|shared WARMUP_MS MEASURE_MS\n", name, name);
  exit(2);
}

int
main(int argc, char **argv)
{
  static struct worker workers[MAX_THREADS];
  struct config config;
  CLIENT *shared_clnt = NULL;
  int threads, shared, i;

  if (argc != 9) {
    usage(argv[0]);
  }
  memset(&config, 0, sizeof config);
  config.echo = strcmp(argv[1], "echo") == 0;
  if (!config.echo && strcmp(argv[1], "square") != 0) {
    usage(argv[0]);
  }
  config.addr.sin_family = AF_INET;
  config.addr.sin_port = htons((unsigned short) atoi(argv[3]));
  if (inet_pton(AF_INET, argv[2], &config.addr.sin_addr) != 1) {
    usage(argv[0]);
  }
  if (config.echo) {
    config.size = (unsigned) strtoul(argv[4], NULL, 10);
  } else {
    config.udp = strcmp(argv[4], "udp") == 0;
  }
  threads = atoi(argv[5]);
  shared = strcmp(argv[6], "shared") == 0;
  if (threads < 1 || threads > MAX_THREADS) {
    usage(argv[0]);
  }
  if (shared) {
    shared_clnt = create_client(&config);
  }
  for (i = 0; i < threads; i++) {
    workers[i].config = &config;
    workers[i].clnt = shared ? shared_clnt : create_client(&config);
  }
  run_workers(workers, sizeof workers[0], threads, config.echo ? echo_loop : square_loop,
              argv + 7);
  for (i = 0; i < threads; i++) {
    if (!shared) {
      clnt_destroy(workers[i].clnt);
    }
  }
  if (shared) {
    clnt_destroy(shared_clnt);
  }
  return 0;
}
