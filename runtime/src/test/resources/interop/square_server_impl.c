/* The square procedure of the C server. */

#include "square.h"

square_out *
squareproc_1_svc(square_in *in, struct svc_req *req)
{
  static square_out out;

  (void) req;
  /*
   * Squared in unsigned arithmetic so that overflow wraps instead of being undefined; the
   * conversion back keeps the low bits, which are what xdr_long puts on the wire.
   */
  out.res1 = (long) ((unsigned long) in->arg1 * (unsigned long) in->arg1);
  return &out;
}
