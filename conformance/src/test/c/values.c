/*
 * The conformance values as C, and the printers of what a peer received; see values.h. Every
 * value here has its twin in ConformanceValues.java: change both together.
 */

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bits.h"
#include "values.h"

#define PATH_MAX_LEN 256
#define LONG_LIST 10000

static const char *current_case;

/* ---- printers: "<case> <path>=<value>", the format Fields.java produces ---- */

static const char *
sub(char *buf, const char *path, const char *field)
{
  snprintf(buf, PATH_MAX_LEN, "%s.%s", path, field);
  return buf;
}

static const char *
idx(char *buf, const char *path, u_int i)
{
  snprintf(buf, PATH_MAX_LEN, "%s[%u]", path, i);
  return buf;
}

static void
pr_int(const char *path, int32_t v)
{
  printf("%s %s=%08" PRIx32 "\n", current_case, path, (uint32_t) v);
}

static void
pr_hyper(const char *path, int64_t v)
{
  printf("%s %s=%016" PRIx64 "\n", current_case, path, (uint64_t) v);
}

static void
pr_float(const char *path, float f)
{
  uint32_t bits;
  memcpy(&bits, &f, sizeof bits);
  pr_int(path, (int32_t) bits);
}

static void
pr_double(const char *path, double d)
{
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  pr_hyper(path, (int64_t) bits);
}

static void
pr_bool(const char *path, bool_t b)
{
  printf("%s %s=%s\n", current_case, path, b ? "true" : "false");
}

/* Quoted, each byte that is not printable ASCII (and '"', '\\') as \\xNN: any bytes print. */
static void
pr_string(const char *path, const char *s)
{
  const unsigned char *b;
  printf("%s %s=\"", current_case, path);
  for (b = (const unsigned char *) s; *b != '\0'; b++) {
    if (*b >= 0x20 && *b < 0x7f && *b != '"' && *b != '\\') {
      putchar(*b);
    } else {
      printf("\\x%02x", *b);
    }
  }
  printf("\"\n");
}

static void
pr_opaque(const char *path, const char *bytes, u_int len)
{
  u_int i;
  printf("%s %s=#", current_case, path);
  for (i = 0; i < len; i++) {
    printf("%02x", (unsigned char) bytes[i]);
  }
  printf("\n");
}

static void
pr_count(const char *path, u_int n)
{
  printf("%s %s#=%u\n", current_case, path, n);
}

static void
pr_null(const char *path)
{
  printf("%s %s=null\n", current_case, path);
}

static void
pr_point(const char *path, const point *p)
{
  char b[PATH_MAX_LEN];
  pr_int(sub(b, path, "x"), p->x);
  pr_int(sub(b, path, "y"), p->y);
}

static void
pr_prims(const char *path, const prims *p)
{
  char b[PATH_MAX_LEN];
  pr_int(sub(b, path, "i"), p->i);
  pr_int(sub(b, path, "u"), (int32_t) p->u);
  pr_hyper(sub(b, path, "h"), p->h);
  pr_hyper(sub(b, path, "uh"), (int64_t) p->uh);
  pr_float(sub(b, path, "f"), p->f);
  pr_double(sub(b, path, "d"), p->d);
  pr_bool(sub(b, path, "b"), p->b);
  pr_int(sub(b, path, "hue"), p->hue);
  pr_int(sub(b, path, "s"), p->s);
  pr_int(sub(b, path, "c"), p->c);
  /* xdr_long widens the wire's 32 bits into a 64-bit long: the low 32 bits are the value. */
  pr_int(sub(b, path, "l"), (int32_t) (uint32_t) p->l);
  pr_int(sub(b, path, "ul"), (int32_t) (uint32_t) p->ul);
  pr_int(sub(b, path, "count"), p->count);
}

static void
pr_opaques(const char *path, const opaques *o)
{
  char b[PATH_MAX_LEN];
  pr_opaque(sub(b, path, "one"), o->one, 1);
  pr_opaque(sub(b, path, "two"), o->two, 2);
  pr_opaque(sub(b, path, "three"), o->three, 3);
  pr_opaque(sub(b, path, "four"), o->four, 4);
  pr_opaque(sub(b, path, "five"), o->five, CF_FIXED);
  pr_opaque(sub(b, path, "var"), o->var.var_val, o->var.var_len);
  pr_opaque(sub(b, path, "data"), o->data.cf_data_val, o->data.cf_data_len);
  pr_opaque(sub(b, path, "any"), o->any.any_val, o->any.any_len);
}

static void
pr_strings(const char *path, const strings *s)
{
  char b[PATH_MAX_LEN];
  pr_string(sub(b, path, "name"), s->name);
  pr_string(sub(b, path, "label"), s->label);
  pr_string(sub(b, path, "text"), s->text);
}

static void
pr_arrays(const char *path, const arrays *a)
{
  char b[PATH_MAX_LEN], e[PATH_MAX_LEN];
  u_int i;
  pr_count(sub(b, path, "pair"), 2);
  for (i = 0; i < 2; i++) {
    pr_point(idx(e, sub(b, path, "pair"), i), &a->pair[i]);
  }
  pr_count(sub(b, path, "some"), a->some.some_len);
  for (i = 0; i < a->some.some_len; i++) {
    pr_point(idx(e, sub(b, path, "some"), i), &a->some.some_val[i]);
  }
  pr_count(sub(b, path, "ints"), a->ints.ints_len);
  for (i = 0; i < a->ints.ints_len; i++) {
    pr_int(idx(e, sub(b, path, "ints"), i), a->ints.ints_val[i]);
  }
  pr_count(sub(b, path, "hues"), a->hues.hues_len);
  for (i = 0; i < a->hues.hues_len; i++) {
    pr_int(idx(e, sub(b, path, "hues"), i), a->hues.hues_val[i]);
  }
  pr_count(sub(b, path, "wide"), 3);
  for (i = 0; i < 3; i++) {
    pr_hyper(idx(e, sub(b, path, "wide"), i), a->wide[i]);
  }
  pr_count(sub(b, path, "names"), a->names.names_len);
  for (i = 0; i < a->names.names_len; i++) {
    pr_string(idx(e, sub(b, path, "names"), i), a->names.names_val[i]);
  }
}

static void
pr_inner(const char *path, const inner *in)
{
  char b[PATH_MAX_LEN];
  pr_point(sub(b, path, "where"), &in->where);
  pr_int(sub(b, path, "hue"), in->hue);
  pr_string(sub(b, path, "tag"), in->tag);
}

static void
pr_outer(const char *path, const outer *o)
{
  char b[PATH_MAX_LEN], e[PATH_MAX_LEN];
  u_int i;
  pr_inner(sub(b, path, "first"), &o->first);
  pr_count(sub(b, path, "more"), o->more.more_len);
  for (i = 0; i < o->more.more_len; i++) {
    pr_inner(idx(e, sub(b, path, "more"), i), &o->more.more_val[i]);
  }
  pr_opaque(sub(b, path, "blob"), o->blob.cf_data_val, o->blob.cf_data_len);
  pr_inner(sub(b, path, "last"), &o->last);
}

static void
pr_maybe(const char *path, const maybe *m)
{
  char b[PATH_MAX_LEN];
  pr_bool(sub(b, path, "has"), m->has);
  if (m->has) {
    pr_hyper(sub(b, path, "value"), m->maybe_u.value);
  }
}

static void
pr_optionals(const char *path, const optionals *o)
{
  char b[PATH_MAX_LEN];
  if (o->where == NULL) {
    pr_null(sub(b, path, "where"));
  } else {
    pr_point(sub(b, path, "where"), o->where);
  }
  if (o->hue == NULL) {
    pr_null(sub(b, path, "hue"));
  } else {
    pr_int(sub(b, path, "hue"), *o->hue);
  }
  if (o->deep == NULL) {
    pr_null(sub(b, path, "deep"));
  } else {
    pr_maybe(sub(b, path, "deep"), o->deep);
  }
  pr_int(sub(b, path, "tail"), o->tail);
}

static void
pr_list(const char *path, const cf_list *list)
{
  char b[PATH_MAX_LEN], e[PATH_MAX_LEN];
  const entry *node;
  u_int n = 0, i = 0;

  if (*list == NULL) {
    pr_null(path);
    return;
  }
  /* A list prints as an array: its length, then each entry without its tail. */
  for (node = *list; node != NULL; node = node->next) {
    n++;
  }
  pr_count(path, n);
  for (node = *list; node != NULL; node = node->next, i++) {
    pr_int(sub(b, idx(e, path, i), "value"), node->value);
    pr_string(sub(b, idx(e, path, i), "name"), node->name);
  }
}

static void
pr_triple(const char *path, const triple *t)
{
  char b[PATH_MAX_LEN];
  pr_int(sub(b, path, "a"), t->a);
  pr_string(sub(b, path, "b"), t->b);
  pr_point(sub(b, path, "c"), &t->c);
}

static void
pr_choice(const char *path, const choice *c)
{
  char b[PATH_MAX_LEN];
  pr_int(sub(b, path, "hue"), c->hue);
  switch (c->hue) {
  case RED:
    pr_int(sub(b, path, "red"), c->choice_u.red);
    break;
  case GREEN:
    pr_string(sub(b, path, "green"), c->choice_u.green);
    break;
  case BLUE:
    break;
  default:
    pr_point(sub(b, path, "other"), &c->choice_u.other);
    break;
  }
}

static void
pr_status(const char *path, const status *s)
{
  char b[PATH_MAX_LEN];
  pr_int(sub(b, path, "code"), (int32_t) s->code);
  switch (s->code) {
  case 0:
    pr_opaques(sub(b, path, "ok"), &s->status_u.ok);
    break;
  case 1:
  case 2:
    pr_opaque(sub(b, path, "data"), s->status_u.data.cf_data_val, s->status_u.data.cf_data_len);
    break;
  case 0xffffffff:
    pr_string(sub(b, path, "why"), s->status_u.why);
    break;
  default:
    break;
  }
}

static void
pr_volume(const char *path, const volume *v)
{
  char b[PATH_MAX_LEN];
  pr_int(sub(b, path, "level"), v->level);
  switch (v->level) {
  case -1:
    break;
  case 0:
    pr_strings(sub(b, path, "quiet"), &v->volume_u.quiet);
    break;
  default:
    pr_double(sub(b, path, "loud"), v->volume_u.loud);
    break;
  }
}

/* Result printers with the signature of struct cf_case. */
#define PRINTER(name, type, fn) \
  static void name(const char *path, const void *v) { fn(path, (const type *) v); }
PRINTER(print_prims, prims, pr_prims)
PRINTER(print_opaques, opaques, pr_opaques)
PRINTER(print_strings, strings, pr_strings)
PRINTER(print_arrays, arrays, pr_arrays)
PRINTER(print_outer, outer, pr_outer)
PRINTER(print_optionals, optionals, pr_optionals)
PRINTER(print_list, cf_list, pr_list)
PRINTER(print_triple, triple, pr_triple)
PRINTER(print_choice, choice, pr_choice)
PRINTER(print_maybe, maybe, pr_maybe)
PRINTER(print_status, status, pr_status)
PRINTER(print_volume, volume, pr_volume)

static void
print_name(const char *path, const void *v)
{
  pr_string(path, *(const cf_name *) v);
}

static void
print_hyper(const char *path, const void *v)
{
  pr_hyper(path, *(const quad_t *) v);
}

static void
print_void(const char *path, const void *v)
{
  (void) path;
  (void) v;
}

void
cf_print(const char *case_name, const struct cf_case *c, const void *result)
{
  current_case = case_name;
  c->print("r", result);
  fflush(stdout);
}

void
cf_print_line(const char *case_name, const char *rest)
{
  printf("%s %s\n", case_name, rest);
  fflush(stdout);
}

/* ---- the values ---- */

static void
fill_prims_zero(void *v)
{
  prims *p = v;
  memset(p, 0, sizeof *p);
  p->hue = RED;
}

static void
fill_prims_min(void *v)
{
  prims *p = v;
  p->i = INT32_MIN;
  p->u = 0;
  p->h = INT64_MIN;
  p->uh = 0;
  p->f = f32(0xff800000);               /* -Inf */
  p->d = f64(0xfff0000000000000ULL);    /* -Inf */
  p->b = FALSE;
  p->hue = BLACK;
  p->s = SHRT_MIN;
  p->c = SCHAR_MIN;
  p->l = INT32_MIN;
  p->ul = 0;
  p->count = INT32_MIN;
}

static void
fill_prims_max(void *v)
{
  prims *p = v;
  p->i = INT32_MAX;
  p->u = 0xffffffffU;
  p->h = INT64_MAX;
  p->uh = 0xffffffffffffffffULL;
  p->f = f32(0x7f800000);               /* +Inf */
  p->d = f64(0x7ff0000000000000ULL);    /* +Inf */
  p->b = TRUE;
  p->hue = WHITE;
  p->s = SHRT_MAX;
  p->c = SCHAR_MAX;
  p->l = INT32_MAX;
  p->ul = 0xffffffffUL;
  p->count = INT32_MAX;
}

static void
fill_prims_nan(void *v)
{
  prims *p = v;
  p->i = -1;
  p->u = 0x80000000U;
  p->h = -1;
  p->uh = 0x8000000000000000ULL;
  p->f = f32(0x7fc00000);               /* NaN */
  p->d = f64(0x7ff8000000000000ULL);    /* NaN */
  p->b = TRUE;
  p->hue = GREEN;
  p->s = -1;
  p->c = -1;
  p->l = -1;
  p->ul = 0x80000000UL;
  p->count = -1;
}

static void
fill_prims_tiny(void *v)
{
  prims *p = v;
  p->i = 1;
  p->u = 1;
  p->h = 1;
  p->uh = 1;
  p->f = f32(0x00000001);               /* the smallest subnormal */
  p->d = f64(0x8000000000000000ULL);    /* -0.0 */
  p->b = FALSE;
  p->hue = BLUE;
  p->s = 1;
  p->c = 1;
  p->l = 1;
  p->ul = 1;
  p->count = 1;
}

static void
fill_opaques_a(void *v)
{
  opaques *o = v;
  memcpy(o->one, "\xff", 1);
  memcpy(o->two, "\x01\x02", 2);
  memcpy(o->three, "\xa1\xb2\xc3", 3);
  memcpy(o->four, "\xde\xad\xbe\xef", 4);
  memcpy(o->five, "\x01\x02\x03\x04\x05", 5);
  o->var.var_len = 0;
  o->var.var_val = NULL;
  o->data.cf_data_len = 1;
  o->data.cf_data_val = (char *) "\x7f";
  o->any.any_len = 2;
  o->any.any_val = (char *) "\x00\x01";
}

static void
fill_opaques_b(void *v)
{
  opaques *o = v;
  memcpy(o->one, "\x00", 1);
  memcpy(o->two, "\xff\xff", 2);
  memcpy(o->three, "\x00\x00\x00", 3);
  memcpy(o->four, "\x00\x00\x00\x00", 4);
  memcpy(o->five, "\xff\xff\xff\xff\xff", 5);
  o->var.var_len = 3;
  o->var.var_val = (char *) "\x0a\x0b\x0c";
  o->data.cf_data_len = CF_MAXDATA;     /* at the bound */
  o->data.cf_data_val = (char *) "\x01\x02\x03\x04\x05\x06\x07";
  o->any.any_len = 0;
  o->any.any_val = NULL;
}

static void
fill_strings_empty(void *v)
{
  strings *s = v;
  s->name = (char *) "";
  s->label = (char *) "";
  s->text = (char *) "";
}

static void
fill_strings_full(void *v)
{
  strings *s = v;
  s->name = (char *) "abcdefghijkl";  /* at the bound */
  /* Six two-byte characters: at the bound, which counts bytes. */
  s->label = (char *) "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
  s->text = (char *) "x";
}

static void
fill_strings_odd(void *v)
{
  strings *s = v;
  s->name = (char *) "ab";
  s->label = (char *) "abc";
  s->text = (char *) "The quick brown fox jumps over the lazy dog, twice: "
                     "the quick brown fox jumps over the lazy dog.";
}

/* Every byte from 0x01 to 0xff, then UTF-8 and what looks like it but is not. */
static char every_byte[255 + 32];

static void
fill_strings_bytes(void *v)
{
  strings *s = v;
  int i;
  for (i = 1; i < 256; i++) {
    every_byte[i - 1] = (char) i;
  }
  strcpy(every_byte + 255,
         "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"   /* U+00E9 U+20AC U+1F600 */
         "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80"   /* overlong '/', a surrogate, > U+10FFFF */
         "\xe2\x82");                              /* truncated */
  s->name = (char *) "caf\xe9";                   /* ISO-8859-1 */
  /* Twelve bytes that are not UTF-8: at the bound. */
  s->label = (char *) "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9";
  s->text = every_byte;
}

static point some_points[CF_MAXITEMS] = { { 10, -10 }, { 0, 0 }, { INT32_MAX, INT32_MIN } };
static int some_ints[] = { 0, -1, INT32_MAX, INT32_MIN };
static color some_hues[CF_MAXITEMS] = { RED, BLACK, WHITE };
static cf_name some_names[CF_MAXITEMS] = { (char *) "", (char *) "a", (char *) "abcdefghijkl" };

static void
fill_arrays_full(void *v)
{
  arrays *a = v;
  a->pair[0].x = 1;
  a->pair[0].y = 2;
  a->pair[1].x = -3;
  a->pair[1].y = INT32_MIN;
  a->some.some_len = CF_MAXITEMS;
  a->some.some_val = some_points;
  a->ints.ints_len = 4;
  a->ints.ints_val = some_ints;
  a->hues.hues_len = CF_MAXITEMS;
  a->hues.hues_val = some_hues;
  a->wide[0] = INT64_MIN;
  a->wide[1] = 0;
  a->wide[2] = INT64_MAX;
  a->names.names_len = CF_MAXITEMS;
  a->names.names_val = some_names;
}

static void
fill_arrays_empty(void *v)
{
  memset(v, 0, sizeof(arrays));
}

static inner more_inners[2] = {
  { { 3, 4 }, BLUE, (char *) "second" },
  { { -5, -6 }, BLACK, (char *) "third" },
};

static void
fill_outer(void *v)
{
  outer *o = v;
  o->first.where.x = 1;
  o->first.where.y = 2;
  o->first.hue = GREEN;
  o->first.tag = (char *) "first";
  o->more.more_len = 2;
  o->more.more_val = more_inners;
  o->blob.cf_data_len = 3;
  o->blob.cf_data_val = (char *) "\x00\xff\x00";
  o->last.where.x = INT32_MAX;
  o->last.where.y = INT32_MIN;
  o->last.hue = WHITE;
  o->last.tag = (char *) "";
}

static point some_where = { 5, 6 };
static color some_hue = BLUE;
static color white_hue = WHITE;
static maybe some_maybe = { TRUE, { INT64_MIN } };
static maybe no_maybe = { FALSE, { 0 } };

static void
fill_optionals_present(void *v)
{
  optionals *o = v;
  o->where = &some_where;
  o->hue = &some_hue;
  o->deep = &some_maybe;
  o->tail = 7;
}

static void
fill_optionals_absent(void *v)
{
  optionals *o = v;
  o->where = NULL;
  o->hue = NULL;
  o->deep = NULL;
  o->tail = -7;
}

static void
fill_optionals_mixed(void *v)
{
  optionals *o = v;
  o->where = NULL;
  o->hue = &white_hue;
  o->deep = &no_maybe;
  o->tail = 0;
}

/* A list of n entries: value i - n / 2, name "e<i>" (ConformanceValues.list). */
static void
fill_list(cf_list *list, u_int n)
{
  static entry nodes[LONG_LIST];
  static char names[LONG_LIST][8];
  u_int i;

  for (i = 0; i < n; i++) {
    snprintf(names[i], sizeof names[i], "e%u", i);
    nodes[i].value = (int) i - (int) (n / 2);
    nodes[i].name = names[i];
    nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
  }
  *list = n == 0 ? NULL : &nodes[0];
}

static void
fill_list_null(void *v)
{
  fill_list(v, 0);
}

static void
fill_list_one(void *v)
{
  fill_list(v, 1);
}

static void
fill_list_ten(void *v)
{
  fill_list(v, 10);
}

static void
fill_list_long(void *v)
{
  fill_list(v, LONG_LIST);
}

static void
fill_triple(void *v)
{
  echo_triple_1_argument *t = v;
  t->arg1 = INT32_MIN;
  t->arg2 = (char *) "h\xc3\xa9llo";
  t->arg3.x = INT32_MAX;
  t->arg3.y = -1;
}

static void
fill_name_full(void *v)
{
  *(cf_name *) v = (char *) "abcdefghijkl";
}

static void
fill_name_bytes(void *v)
{
  *(cf_name *) v = (char *) "\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9";
}

static void
fill_name_empty(void *v)
{
  *(cf_name *) v = (char *) "";
}

static void
fill_void(void *v)
{
  (void) v;
}

static void
fill_choice_red(void *v)
{
  choice *c = v;
  c->hue = RED;
  c->choice_u.red = INT32_MIN;
}

static void
fill_choice_green(void *v)
{
  choice *c = v;
  c->hue = GREEN;
  c->choice_u.green = (char *) "verde";
}

static void
fill_choice_blue(void *v)
{
  choice *c = v;
  c->hue = BLUE;
}

static void
fill_choice_black(void *v)
{
  choice *c = v;
  c->hue = BLACK;
  c->choice_u.other.x = -1;
  c->choice_u.other.y = 1;
}

static void
fill_choice_white(void *v)
{
  choice *c = v;
  c->hue = WHITE;
  c->choice_u.other.x = INT32_MAX;
  c->choice_u.other.y = INT32_MIN;
}

static void
fill_maybe_true(void *v)
{
  maybe *m = v;
  m->has = TRUE;
  m->maybe_u.value = INT64_MAX;
}

static void
fill_maybe_false(void *v)
{
  maybe *m = v;
  m->has = FALSE;
}

static void
fill_status_ok(void *v)
{
  status *s = v;
  s->code = 0;
  fill_opaques_a(&s->status_u.ok);
}

static void
fill_status_one(void *v)
{
  status *s = v;
  s->code = 1;
  s->status_u.data.cf_data_len = 1;
  s->status_u.data.cf_data_val = (char *) "\x01";
}

static void
fill_status_two(void *v)
{
  status *s = v;
  s->code = 2;
  s->status_u.data.cf_data_len = CF_MAXDATA;
  s->status_u.data.cf_data_val = (char *) "\xff\xfe\xfd\xfc\xfb\xfa\xf9";
}

static void
fill_status_top(void *v)
{
  status *s = v;
  s->code = 0xffffffffU;
  s->status_u.why = (char *) "why";
}

static void
fill_status_default(void *v)
{
  status *s = v;
  s->code = 7;
}

static void
fill_status_high(void *v)
{
  status *s = v;
  s->code = 0x80000000U;
}

static void
fill_volume_silent(void *v)
{
  volume *o = v;
  o->level = -1;
}

static void
fill_volume_quiet(void *v)
{
  volume *o = v;
  o->level = 0;
  fill_strings_odd(&o->volume_u.quiet);
}

static void
fill_volume_loud(void *v)
{
  volume *o = v;
  o->level = 5;
  o->volume_u.loud = 1.5;
}

static void
fill_volume_min(void *v)
{
  volume *o = v;
  o->level = INT32_MIN;
  o->volume_u.loud = f64(0xfff0000000000000ULL);   /* -Inf */
}

static void
fill_add_wrap(void *v)
{
  add_2_argument *a = v;
  a->arg1 = INT64_MAX;
  a->arg2 = 1;
}

static void
fill_add_small(void *v)
{
  add_2_argument *a = v;
  a->arg1 = -5;
  a->arg2 = 3;
}

/* A case of version 1 or 2: its procedure, argument and result types, result printer. */
#define V1(name, fill, proc, type, res, printer, udp) \
  { name, CONFORMANCE_V1, proc, (xdrproc_t) xdr_##type, sizeof(type), fill, \
    (xdrproc_t) xdr_##res, sizeof(res), printer, udp }
#define V2(name, fill, proc, type, res, printer) \
  { name, CONFORMANCE_V2, proc, (xdrproc_t) xdr_##type, sizeof(type), fill, \
    (xdrproc_t) xdr_##res, sizeof(res), printer, 1 }

const struct cf_case cf_cases[] = {
  V1("ping", fill_void, PING, void, void, print_void, 1),
  V1("prims_zero", fill_prims_zero, ECHO_PRIMS, prims, prims, print_prims, 1),
  V1("prims_min", fill_prims_min, ECHO_PRIMS, prims, prims, print_prims, 1),
  V1("prims_max", fill_prims_max, ECHO_PRIMS, prims, prims, print_prims, 1),
  V1("prims_nan", fill_prims_nan, ECHO_PRIMS, prims, prims, print_prims, 1),
  V1("prims_tiny", fill_prims_tiny, ECHO_PRIMS, prims, prims, print_prims, 1),
  V1("opaques_a", fill_opaques_a, ECHO_OPAQUES, opaques, opaques, print_opaques, 1),
  V1("opaques_b", fill_opaques_b, ECHO_OPAQUES, opaques, opaques, print_opaques, 1),
  V1("strings_empty", fill_strings_empty, ECHO_STRINGS, strings, strings, print_strings, 1),
  V1("strings_full", fill_strings_full, ECHO_STRINGS, strings, strings, print_strings, 1),
  V1("strings_odd", fill_strings_odd, ECHO_STRINGS, strings, strings, print_strings, 1),
  V1("strings_bytes", fill_strings_bytes, ECHO_STRINGS, strings, strings, print_strings, 1),
  V1("arrays_full", fill_arrays_full, ECHO_ARRAYS, arrays, arrays, print_arrays, 1),
  V1("arrays_empty", fill_arrays_empty, ECHO_ARRAYS, arrays, arrays, print_arrays, 1),
  V1("outer", fill_outer, ECHO_OUTER, outer, outer, print_outer, 1),
  V1("optionals_present", fill_optionals_present, ECHO_OPTIONALS, optionals, optionals,
     print_optionals, 1),
  V1("optionals_absent", fill_optionals_absent, ECHO_OPTIONALS, optionals, optionals,
     print_optionals, 1),
  V1("optionals_mixed", fill_optionals_mixed, ECHO_OPTIONALS, optionals, optionals,
     print_optionals, 1),
  V1("list_null", fill_list_null, ECHO_LIST, cf_list, cf_list, print_list, 1),
  V1("list_one", fill_list_one, ECHO_LIST, cf_list, cf_list, print_list, 1),
  V1("list_ten", fill_list_ten, ECHO_LIST, cf_list, cf_list, print_list, 1),
  /* About 160 KB: over TCP only. */
  V1("list_long", fill_list_long, ECHO_LIST, cf_list, cf_list, print_list, 0),
  V1("triple", fill_triple, ECHO_TRIPLE, echo_triple_1_argument, triple, print_triple, 1),
  V1("name_full", fill_name_full, ECHO_NAME, cf_name, cf_name, print_name, 1),
  V1("name_empty", fill_name_empty, ECHO_NAME, cf_name, cf_name, print_name, 1),
  V1("name_bytes", fill_name_bytes, ECHO_NAME, cf_name, cf_name, print_name, 1),
  V2("choice_red", fill_choice_red, ECHO_CHOICE, choice, choice, print_choice),
  V2("choice_green", fill_choice_green, ECHO_CHOICE, choice, choice, print_choice),
  V2("choice_blue", fill_choice_blue, ECHO_CHOICE, choice, choice, print_choice),
  V2("choice_black", fill_choice_black, ECHO_CHOICE, choice, choice, print_choice),
  V2("choice_white", fill_choice_white, ECHO_CHOICE, choice, choice, print_choice),
  V2("maybe_true", fill_maybe_true, ECHO_MAYBE, maybe, maybe, print_maybe),
  V2("maybe_false", fill_maybe_false, ECHO_MAYBE, maybe, maybe, print_maybe),
  V2("status_ok", fill_status_ok, ECHO_STATUS, status, status, print_status),
  V2("status_one", fill_status_one, ECHO_STATUS, status, status, print_status),
  V2("status_two", fill_status_two, ECHO_STATUS, status, status, print_status),
  V2("status_top", fill_status_top, ECHO_STATUS, status, status, print_status),
  V2("status_default", fill_status_default, ECHO_STATUS, status, status, print_status),
  V2("status_high", fill_status_high, ECHO_STATUS, status, status, print_status),
  V2("volume_silent", fill_volume_silent, ECHO_VOLUME, volume, volume, print_volume),
  V2("volume_quiet", fill_volume_quiet, ECHO_VOLUME, volume, volume, print_volume),
  V2("volume_loud", fill_volume_loud, ECHO_VOLUME, volume, volume, print_volume),
  V2("volume_min", fill_volume_min, ECHO_VOLUME, volume, volume, print_volume),
  V2("add_wrap", fill_add_wrap, ADD, add_2_argument, quad_t, print_hyper),
  V2("add_small", fill_add_small, ADD, add_2_argument, quad_t, print_hyper),
  { NULL, 0, 0, NULL, 0, NULL, NULL, 0, NULL, 0 },
};

const struct cf_case *
cf_find(const char *name)
{
  const struct cf_case *c;
  for (c = cf_cases; c->name != NULL; c++) {
    if (strcmp(c->name, name) == 0) {
      return c;
    }
  }
  return NULL;
}
