/* What the C servers of the benchmarks share: a socket on a free loopback port. */

#ifndef BENCH_SOCKETS_H
#define BENCH_SOCKETS_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A socket of the given type bound to 127.0.0.1 on a free port; the port is stored in *port. */
static int
loopback_socket(int type, unsigned short *port)
{
  struct sockaddr_in addr;
  socklen_t len = sizeof addr;
  int fd = socket(AF_INET, type, 0);

  if (fd < 0) {
    perror("socket");
    exit(1);
  }
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *) &addr, sizeof addr) < 0
      || getsockname(fd, (struct sockaddr *) &addr, &len) < 0) {
    perror("bind");
    exit(1);
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

#endif
