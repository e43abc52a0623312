/* cli/program.h: reading program inputs (bytes or text form) for the
 * hostrace command, and the decode/encode subcommands. */
#ifndef HOSTRACE_CLI_PROGRAM_H
#define HOSTRACE_CLI_PROGRAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "prog/prog.h"

/* The whole of stream f (name for messages), at most 16 MiB, with a NUL
 * after it (not counted in *len); malloc'd. NULL with a message in err
 * when it cannot be read or is larger. */
uint8_t *hr_read_stream(FILE *f, const char *name, size_t *len, char *err, size_t errlen);
/* The whole file at path, as hr_read_stream. */
uint8_t *hr_read_file(const char *path, size_t *len, char *err, size_t errlen);

/* mkdir -p: 0, or -1 with errno set. */
int hr_mkdirs(const char *path);
/* rm -rf: removes path and everything under it, not following symbolic
 * links; 0 (also when path does not exist), or -1. */
int hr_remove_tree(const char *path);
/* Copies a file: 0, or -1. */
int hr_copy_file(const char *from, const char *to);

/* Runs argv (argv[0] a path) with stderr to /dev/null and its stdout
 * into *out (malloc'd, NUL-terminated; NULL when nothing could be read).
 * Returns the exit code, 128+N for signal N, or -1 when it cannot run. */
int hr_capture(char *const argv[], char **out);

/* s as a POSIX shell word (single-quoted when it needs quoting), in out */
const char *hr_shell_quote(const char *s, char *out, size_t len);

/* hr_capture for commands that stop on SIGINT, SIGTERM and SIGHUP: the
 * running child gets SIGTERM (a `hostrace run` then lists what it found
 * and exits 130), and hr_interrupted() says which signal came, 0 before.
 * Children die with the command that started them (PR_SET_PDEATHSIG). */
void hr_capture_interruptible(void);

/* handler (or SIG_DFL) for SIGINT, SIGTERM and SIGHUP, the signals that
 * interrupt a command */
void hr_on_interrupt(void (*handler)(int));
/* In a child just forked from parent: it gets deathsig when parent dies
 * (PR_SET_PDEATHSIG), and takes signals as a fresh process does (no
 * blocked signal, default interrupt handlers). Returns -1 when parent is
 * already gone. */
int hr_child_of(pid_t parent, int deathsig);
int hr_interrupted(void);

/* A script's text without the repro.py trailer it may end with
 * (malloc'd), or NULL when it cannot be read. */
char *hr_script_code(const char *path);
/* Writes repro.py: the code, then the trailer `hostrace run` reads (its
 * source name, whether it is generated, host switches, frames, schedule
 * bytes) so that it runs as its finding ran. 0, or -1. */
int hr_write_repro(const char *path, const char *code, const char *source_name, int generated,
                   const char *host, int frames, const uint8_t *bytes, size_t nbytes);

/* A whole number from lo to hi for option --opt of hostrace cmd: 0, or -1
 * after a one-line message on stderr ("hostrace CMD: --OPT takes ..."). */
int hr_parse_range(const char *cmd, const char *opt, const char *arg, long lo, long hi,
                   long *out);

/* 1 when data is a program's text form rather than input bytes. */
int hr_program_is_text(const uint8_t *data, size_t len);
/* Reads path (text form or bytes) into p: 0, or -1 with a message. */
int hr_program_load(const char *path, prog_program *p, char *err, size_t errlen);
/* The program's Python source (malloc'd), or NULL when out of memory. */
char *hr_program_python(const prog_program *p);

int cli_decode(int argc, char **argv);
int cli_encode(int argc, char **argv);

#endif
