/* fuzz/prog.h: the program codec.
 *
 * A fuzz input is a program followed by schedule bytes. Decoding is total:
 * every byte string, including the empty one, decodes to a valid program
 * (bytes that run out read as zero; values are reduced modulo their range;
 * nothing is rejected). The program is rendered to Python source that the
 * embedded interpreter runs unchanged, so every input has an exact,
 * readable Python equivalent. A line-oriented text form encodes back to
 * bytes, so seeds can be written and reviewed by hand:
 *
 *   decode(bytes) -> program -> text -> from_text -> program'  (program' == program)
 *   encode(program) -> bytes' -> decode -> program''           (program'' == program)
 *
 * The codec knows the bpy API of the Blender model (it writes bpy code) but
 * nothing of the scheduler: schedule bytes are carried, not interpreted.
 * Owns: prog_program and every encoding of it. */
#ifndef HOSTRACE_PROG_H
#define HOSTRACE_PROG_H

#include <stddef.h>
#include <stdint.h>

#include "host/host.h"

/* Bounds of a decoded program: inputs longer than what they can express
 * leave the rest of their bytes to the schedule. */
#define PROG_MAX_OPS 32        /* top-level operations */
#define PROG_MAX_BODY 6        /* operations in one thread/timer/pool body */
#define PROG_MAX_SCHED 65536   /* schedule bytes kept (the rest are ignored) */

typedef struct prog_program prog_program;

/* Allocation: a program is a few KiB; callers own it. */
prog_program *prog_new(void);
void prog_free(prog_program *p);

/* Total decoding: never fails. The schedule bytes are the input's bytes
 * after the program (possibly none). */
void prog_decode(const uint8_t *data, size_t len, prog_program *p);

/* Canonical bytes for p (program then schedule bytes). Returns the number
 * of bytes needed; writes at most cap. prog_decode of the result gives a
 * program equal to p. */
size_t prog_encode(const prog_program *p, uint8_t *out, size_t cap);

/* The Python source that runs p (snprintf semantics: returns the length
 * needed, writes at most cap including the NUL). */
size_t prog_to_python(const prog_program *p, char *out, size_t cap);

/* The text form (snprintf semantics). Starts with "hostrace-program 1". */
size_t prog_to_text(const prog_program *p, char *out, size_t cap);

/* Strict parser for the text form: 0, or -1 with "line N: what is wrong"
 * in err. Never crashes on any text. */
int prog_from_text(const char *text, prog_program *p, char *err, size_t errlen);

/* 1 when a and b are the same program and schedule bytes. */
int prog_equal(const prog_program *a, const prog_program *b);

/* The host switches the program asks for (on top of the defaults). */
void prog_host_switches(const prog_program *p, host_switches *sw);

/* The schedule bytes. */
const uint8_t *prog_schedule(const prog_program *p, size_t *len);

/* Number of top-level operations (for reports and minimization). */
int prog_op_count(const prog_program *p);

#endif
