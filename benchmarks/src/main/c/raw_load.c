/*
 * The physical limit's client: plain blocking sockets against raw_server, the same byte counts
 * as the RPC workloads.
 *
 *   raw_load pingpong HOST PORT tcp|udp THREADS REQUEST REPLY WARMUP_MS MEASURE_MS
 *   raw_load bulk HOST PORT CHUNK WARMUP_MS MEASURE_MS
 *
 * pingpong: each thread on its own socket writes a request (one write) and reads the reply.
 * bulk: one connection written in chunks; a "call" is one chunk. Prints one line: see load.h.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "load.h"

#define MAX_THREADS 256

enum mode { PINGPONG, BULK };

struct config {
  int udp;
  struct sockaddr_in addr;
  size_t request, reply;
};

struct worker {
  struct stats stats; /* first, for run_workers */
  const struct config *config;
};

static int
connect_to(const struct config *c)
{
  int fd = socket(AF_INET, c->udp ? SOCK_DGRAM : SOCK_STREAM, 0);
  int one = 1;
  struct timeval timeout = { 1, 0 };

  if (fd < 0 || connect(fd, (const struct sockaddr *) &c->addr, sizeof c->addr) < 0) {
    perror("connect");
    exit(1);
  }
  if (c->udp) {
    /* A lost datagram counts as an error after 1 s. */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  } else {
    uint32_t sizes[2] = { htonl((uint32_t) c->request), htonl((uint32_t) c->reply) };

    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (write(fd, sizes, sizeof sizes) != (ssize_t) sizeof sizes) {
      perror("write");
      exit(1);
    }
  }
  return fd;
}

static int
exchange(int fd, const struct config *c, char *out, char *in)
{
  size_t sent = 0, got = 0;

  while (sent < c->request) {
    ssize_t w = write(fd, out + sent, c->request - sent);
    if (w < 0) {
      return 0;
    }
    sent += (size_t) w;
  }
  if (c->udp) {
    return recv(fd, in, c->reply, 0) == (ssize_t) c->reply;
  }
  while (got < c->reply) {
    ssize_t r = read(fd, in + got, c->reply - got);
    if (r <= 0) {
      return 0;
    }
    got += (size_t) r;
  }
  return 1;
}

static void *
pingpong_loop(void *arg)
{
  struct worker *w = arg;
  const struct config *c = w->config;
  int fd = connect_to(c);
  char *out = calloc(1, c->request), *in = malloc(c->reply);
  uint32_t reply = htonl((uint32_t) c->reply);

  if (c->udp) {
    memcpy(out, &reply, sizeof reply);
  }
  while (current_phase() != STOP) {
    uint64_t start = now_ns();
    int ok = exchange(fd, c, out, in);

    record(&w->stats, current_phase(), now_ns() - start, ok);
  }
  close(fd);
  free(out);
  free(in);
  return NULL;
}

static void *
bulk_loop(void *arg)
{
  struct worker *w = arg;
  const struct config *c = w->config;
  int fd = connect_to(c);
  char *out = calloc(1, c->request);

  while (current_phase() != STOP) {
    uint64_t start = now_ns();
    size_t sent = 0;

    while (sent < c->request) {
      ssize_t n = write(fd, out + sent, c->request - sent);
      if (n < 0) {
        break;
      }
      sent += (size_t) n;
    }
    record(&w->stats, current_phase(), now_ns() - start, sent == c->request);
  }
  close(fd);
  free(out);
  return NULL;
}

static void
usage(const char *name)
{
  fprintf(stderr,
          "usage: %s pingpong HOST PORT tcp|udp THREADS REQUEST REPLY WARMUP_MS MEASURE_MS\n"
          "       %s bulk HOST PORT CHUNK WARMUP_MS MEASURE_MS\n", name, name);
  exit(2);
}

int
main(int argc, char **argv)
{
  static struct worker workers[MAX_THREADS];
  struct config config;
  enum mode mode;
  int threads = 1, i;
  char **timing;

  if (argc == 10 && strcmp(argv[1], "pingpong") == 0) {
    mode = PINGPONG;
  } else if (argc == 7 && strcmp(argv[1], "bulk") == 0) {
    mode = BULK;
  } else {
    usage(argv[0]);
  }
  memset(&config, 0, sizeof config);
  config.addr.sin_family = AF_INET;
  config.addr.sin_port = htons((unsigned short) atoi(argv[3]));
  if (inet_pton(AF_INET, argv[2], &config.addr.sin_addr) != 1) {
    usage(argv[0]);
  }
  if (mode == PINGPONG) {
    config.udp = strcmp(argv[4], "udp") == 0;
    threads = atoi(argv[5]);
    config.request = strtoul(argv[6], NULL, 10);
    config.reply = strtoul(argv[7], NULL, 10);
    timing = argv + 8;
    if (config.request < 4 || config.reply < 1) {
      usage(argv[0]);
    }
  } else {
    config.request = strtoul(argv[4], NULL, 10);
    config.reply = 0;
    timing = argv + 5;
  }
  if (threads < 1 || threads > MAX_THREADS) {
    usage(argv[0]);
  }
  for (i = 0; i < threads; i++) {
    workers[i].config = &config;
  }
  run_workers(workers, sizeof workers[0], threads, mode == BULK ? bulk_loop : pingpong_loop,
              timing);
  return 0;
}
