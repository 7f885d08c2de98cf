/*
 * The C conformance client, without a portmapper: client host port tcp|udp case...
 * For each case it sends the case's value (values.c) and prints what came back, one
 * "<case> <path>=<value>" line per field, or "<case> error=<clnt_sperror text>".
 * Two extra cases send what the .x bounds forbid, with wider XDR routines than rpcgen's:
 * "over_name" a 13-byte cf_name, "over_array" an arrays whose some<3> has 4 points.
 * "file_name" lists a name (FILE_NAME) and looks it up (IS_FILE_NAME), as a file client would.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "values.h"

/* Shorter than rpcgen's 25 s, so that a broken peer fails a test soon. */
static struct timeval call_timeout = { 10, 0 };
/* libtirpc resends a UDP call after this. */
static struct timeval udp_retry = { 1, 0 };

static struct sockaddr_in server;
static int use_tcp;
static CLIENT *clients[3];

static bool_t
xdr_name_unbounded(XDR *xdrs, cf_name *name)
{
  return xdr_string(xdrs, name, ~0u);
}

/* xdr_arrays as rpcgen writes it, but with no bound on "some". */
static bool_t
xdr_arrays_unbounded(XDR *xdrs, arrays *a)
{
  return xdr_vector(xdrs, (char *) a->pair, 2, sizeof(point), (xdrproc_t) xdr_point)
      && xdr_array(xdrs, (char **) &a->some.some_val, &a->some.some_len, ~0u, sizeof(cf_point),
                   (xdrproc_t) xdr_cf_point)
      && xdr_array(xdrs, (char **) &a->ints.ints_val, &a->ints.ints_len, ~0u, sizeof(int),
                   (xdrproc_t) xdr_int)
      && xdr_array(xdrs, (char **) &a->hues.hues_val, &a->hues.hues_len, CF_MAXITEMS,
                   sizeof(color), (xdrproc_t) xdr_color)
      && xdr_vector(xdrs, (char *) a->wide, 3, sizeof(quad_t), (xdrproc_t) xdr_quad_t)
      && xdr_array(xdrs, (char **) &a->names.names_val, &a->names.names_len, CF_MAXITEMS,
                   sizeof(cf_name), (xdrproc_t) xdr_cf_name);
}

static CLIENT *
client_for(u_long version, const char *host)
{
  int sock = RPC_ANYSOCK;

  if (clients[version] == NULL) {
    /* A non-zero port: the create functions never ask a portmapper. */
    clients[version] = use_tcp
        ? clnttcp_create(&server, CONFORMANCE_PROG, version, &sock, 0, 0)
        : clntudp_create(&server, CONFORMANCE_PROG, version, udp_retry, &sock);
    if (clients[version] == NULL) {
      printf("%s\n", clnt_spcreateerror(host));
      exit(1);
    }
  }
  return clients[version];
}

/* Calls and prints the reply or the error; returns whether the call succeeded. */
static int
call(const char *name, const struct cf_case *c, xdrproc_t xdr_args, void *args, const char *host)
{
  CLIENT *clnt = client_for(c->version, host);
  void *result = calloc(1, c->result_size);
  char line[512];
  enum clnt_stat stat;

  stat = clnt_call(clnt, c->proc, xdr_args, args, c->xdr_result, result, call_timeout);
  if (stat != RPC_SUCCESS) {
    snprintf(line, sizeof line, "error=%s", clnt_sperror(clnt, host));
    cf_print_line(name, line);
  } else {
    cf_print(name, c, result);
    clnt_freeres(clnt, c->xdr_result, result);
  }
  free(result);
  return stat == RPC_SUCCESS;
}

/* Calls FILE_NAME, prints the name, sends it back with IS_FILE_NAME and prints the answer. */
static int
list_then_look_up(const char *name, const char *host)
{
  CLIENT *clnt = client_for(CONFORMANCE_V1, host);
  cf_name listed = NULL;
  bool_t found = FALSE;
  char line[512];
  enum clnt_stat stat;

  stat = clnt_call(clnt, FILE_NAME, (xdrproc_t) xdr_void, NULL, (xdrproc_t) xdr_cf_name,
                   (char *) &listed, call_timeout);
  if (stat == RPC_SUCCESS) {
    cf_print(name, cf_find("name_full"), &listed);
    stat = clnt_call(clnt, IS_FILE_NAME, (xdrproc_t) xdr_cf_name, (char *) &listed,
                     (xdrproc_t) xdr_bool, (char *) &found, call_timeout);
    clnt_freeres(clnt, (xdrproc_t) xdr_cf_name, (char *) &listed);
  }
  if (stat != RPC_SUCCESS) {
    snprintf(line, sizeof line, "error=%s", clnt_sperror(clnt, host));
  } else {
    snprintf(line, sizeof line, "found=%s", found ? "true" : "false");
  }
  cf_print_line(name, line);
  return stat == RPC_SUCCESS;
}

int
main(int argc, char **argv)
{
  int i, failed = 0;

  if (argc < 5 || (strcmp(argv[3], "tcp") != 0 && strcmp(argv[3], "udp") != 0)) {
    fprintf(stderr, "usage: %s host port tcp|udp case...\n", argv[0]);
    return 2;
  }
  memset(&server, 0, sizeof server);
  server.sin_family = AF_INET;
  server.sin_port = htons((unsigned short) atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
    fprintf(stderr, "not an IPv4 address: %s\n", argv[1]);
    return 2;
  }
  use_tcp = strcmp(argv[3], "tcp") == 0;

  for (i = 4; i < argc; i++) {
    const char *name = argv[i];
    const struct cf_case *c;
    void *args;

    if (strcmp(name, "over_name") == 0) {
      cf_name too_long = (char *) "abcdefghijklm";
      failed |= !call(name, cf_find("name_full"), (xdrproc_t) xdr_name_unbounded, &too_long,
                      argv[1]);
      continue;
    }
    if (strcmp(name, "over_array") == 0) {
      static point four[CF_MAXITEMS + 1];
      arrays too_many;
      memset(&too_many, 0, sizeof too_many);
      too_many.some.some_len = CF_MAXITEMS + 1;
      too_many.some.some_val = four;
      failed |= !call(name, cf_find("arrays_empty"), (xdrproc_t) xdr_arrays_unbounded,
                      &too_many, argv[1]);
      continue;
    }
    if (strcmp(name, "file_name") == 0) {
      failed |= !list_then_look_up(name, argv[1]);
      continue;
    }
    c = cf_find(name);
    if (c == NULL) {
      fprintf(stderr, "unknown case %s\n", name);
      return 2;
    }
    args = calloc(1, c->args_size);
    c->fill(args);
    failed |= !call(name, c, c->xdr_args, args, argv[1]);
    free(args);
  }
  for (i = 0; i < 3; i++) {
    if (clients[i] != NULL) {
      clnt_destroy(clients[i]);
    }
  }
  return failed ? 1 : 0;
}
