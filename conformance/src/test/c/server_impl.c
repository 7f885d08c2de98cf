/*
 * The C conformance server's procedures: each echoes its arguments. rpcgen -N passes arguments
 * by value; the results are static, as in rpcgen's own templates, and point into the arguments,
 * which the dispatcher frees only after the reply is sent.
 */

#include <string.h>

#include "conformance.h"

#define ECHO(type, fn) \
  type * \
  fn(type arg, struct svc_req *req) \
  { \
    static type result; \
    (void) req; \
    result = arg; \
    return &result; \
  }

ECHO(prims, echo_prims_1_svc)
ECHO(opaques, echo_opaques_1_svc)
ECHO(strings, echo_strings_1_svc)
ECHO(arrays, echo_arrays_1_svc)
ECHO(outer, echo_outer_1_svc)
ECHO(optionals, echo_optionals_1_svc)
ECHO(cf_list, echo_list_1_svc)
ECHO(cf_name, echo_name_1_svc)
ECHO(choice, echo_choice_2_svc)
ECHO(maybe, echo_maybe_2_svc)
ECHO(status, echo_status_2_svc)
ECHO(volume, echo_volume_2_svc)

/* "caf\xe9": ISO-8859-1, as a C file server may list a name; JavaClientCServerTest has it too. */
static char file_name[] = "caf\xe9";

cf_name *
file_name_1_svc(struct svc_req *req)
{
  static cf_name result;
  (void) req;
  result = file_name;
  return &result;
}

bool_t *
is_file_name_1_svc(cf_name name, struct svc_req *req)
{
  static bool_t result;
  (void) req;
  result = strcmp(name, file_name) == 0;
  return &result;
}

void *
ping_1_svc(struct svc_req *req)
{
  static char nothing;
  (void) req;
  return &nothing;
}

triple *
echo_triple_1_svc(int a, cf_name b, point c, struct svc_req *req)
{
  static triple result;
  (void) req;
  result.a = a;
  result.b = b;
  result.c = c;
  return &result;
}

quad_t *
add_2_svc(quad_t a, quad_t b, struct svc_req *req)
{
  static quad_t result;
  (void) req;
  /* Wraps around like Java's long addition, without C's signed-overflow undefined behaviour. */
  result = (quad_t) ((u_quad_t) a + (u_quad_t) b);
  return &result;
}
