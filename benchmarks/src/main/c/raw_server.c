/*
 * The physical limit's server: plain blocking sockets, no RPC. raw_server [lifetime-seconds]
 * binds TCP and UDP on 127.0.0.1, ephemeral ports, prints "tcp=<port> udp=<port>" and serves
 * until killed or until its lifetime runs out.
 *
 * TCP, a thread per connection: the client first sends two big-endian words, the request and
 * reply sizes. Then it sends requests of that size and gets a reply of that size to each, each
 * written in one write; a reply size of 0 means a bulk transfer, read and dropped until EOF.
 * UDP, one thread: each datagram's first word is the size of the datagram sent back.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockets.h"

#define MAX_DATAGRAM 65536
#define BULK_BUFFER (1 << 20)

/* Reads exactly n bytes; 0 at a clean EOF before the first byte, -1 on error or short EOF. */
static int
read_fully(int fd, char *buf, size_t n)
{
  size_t got = 0;

  while (got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r <= 0) {
      return r == 0 && got == 0 ? 0 : -1;
    }
    got += (size_t) r;
  }
  return 1;
}

static int
write_fully(int fd, const char *buf, size_t n)
{
  size_t sent = 0;

  while (sent < n) {
    ssize_t w = write(fd, buf + sent, n - sent);
    if (w < 0) {
      return -1;
    }
    sent += (size_t) w;
  }
  return 0;
}

static void *
serve_tcp(void *arg)
{
  int fd = (int) (intptr_t) arg;
  uint32_t sizes[2];
  size_t request, reply;
  char *in, *out;

  if (read_fully(fd, (char *) sizes, sizeof sizes) != 1) {
    close(fd);
    return NULL;
  }
  request = ntohl(sizes[0]);
  reply = ntohl(sizes[1]);
  if (reply == 0) {
    in = malloc(BULK_BUFFER);
    while (read(fd, in, BULK_BUFFER) > 0) {
    }
    free(in);
    close(fd);
    return NULL;
  }
  in = malloc(request);
  out = calloc(1, reply);
  while (read_fully(fd, in, request) == 1 && write_fully(fd, out, reply) == 0) {
  }
  free(in);
  free(out);
  close(fd);
  return NULL;
}

static void *
accept_loop(void *arg)
{
  int listener = (int) (intptr_t) arg;

  for (;;) {
    int fd = accept(listener, NULL, NULL);
    int one = 1;
    pthread_t thread;

    if (fd < 0) {
      continue;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (pthread_create(&thread, NULL, serve_tcp, (void *) (intptr_t) fd) != 0) {
      close(fd);
      continue;
    }
    pthread_detach(thread);
  }
  return NULL;
}

int
main(int argc, char **argv)
{
  unsigned short tcp_port, udp_port;
  int tcp_fd = loopback_socket(SOCK_STREAM, &tcp_port);
  int udp_fd = loopback_socket(SOCK_DGRAM, &udp_port);
  static char buf[MAX_DATAGRAM];
  pthread_t acceptor;

  if (argc > 1) {
    alarm((unsigned) atoi(argv[1]));
  }
  if (listen(tcp_fd, SOMAXCONN) < 0
      || pthread_create(&acceptor, NULL, accept_loop, (void *) (intptr_t) tcp_fd) != 0) {
    perror("listen");
    return 1;
  }
  printf("tcp=%u udp=%u\n", tcp_port, udp_port);
  fflush(stdout);
  for (;;) {
    struct sockaddr_in from;
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(udp_fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &len);
    uint32_t reply;

    if (n < 4) {
      continue;
    }
    memcpy(&reply, buf, sizeof reply);
    reply = ntohl(reply);
    if (reply > sizeof buf) {
      continue;
    }
    sendto(udp_fd, buf, reply, 0, (struct sockaddr *) &from, len);
  }
}
