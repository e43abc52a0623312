/* harness/prog/prog.h: the program codec.
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

/* ---- editing, for `hostrace minimize` ----------------------------------
 * Every edit keeps p a program that prog_encode/prog_decode round-trip
 * (the invariants above hold for the result). Indices are 0-based; an
 * index out of range makes an edit return -1 and leaves p unchanged. */

/* Removes top-level operation i. Removing a spawn (thread, timer, pool)
 * also removes every join of it, so no join is left without its target;
 * later joins keep their targets. Returns the number of operations
 * removed (>= 1), or -1. */
int prog_remove_op(prog_program *p, int i);

/* Operations in the body of top-level operation i; -1 when its kind has
 * no body (or i is out of range). */
int prog_body_count(const prog_program *p, int i);

/* Removes operation j of the body of top-level operation i: 0, or -1. */
int prog_remove_body_op(prog_program *p, int i, int j);

/* 1 when top-level operation i spawns threads (thread, timer, pool). */
int prog_op_is_spawn(const prog_program *p, int i);

/* The value of integer parameter `key` ("loop", "workers", "runs", ...)
 * of top-level operation i, or -1 when its kind has no such parameter. */
int prog_op_param(const prog_program *p, int i, const char *key);

/* Sets it to value (within the parameter's range, a value it can take):
 * 0, or -1 (no such parameter, or a value outside its range). */
int prog_set_op_param(prog_program *p, int i, const char *key, int value);

/* Replaces the schedule bytes (at most PROG_MAX_SCHED are kept). */
void prog_set_schedule(prog_program *p, const uint8_t *bytes, size_t len);

#endif
