/* harness/py/main_thread.c: makes the calling thread the interpreter's C-level
 * main thread, the one `signal.signal()` and Python-level signal handlers
 * require. A schedule forked from the schedule server under TSan runs on a
 * fresh thread (harness/cli/run.c, run_once), not on the thread that started
 * the interpreter; bpy_runtime_adopt calls this so that a script behaves
 * there as on the thread that started Python (`blender --python`).
 *
 * The field is internal to CPython (_PyRuntime.main_thread, the thread
 * `_PyOS_IsMainThread()` compares with), so this one file is compiled as
 * core code against the interpreter's internal headers. The free-threaded
 * build does not take it (its internals are another version's): there a
 * script's signal.signal() still raises (docs/design-notes.md). */
#include <patchlevel.h>
#include <pyconfig.h>

int bpy_take_main_thread(void);

#if !defined(Py_GIL_DISABLED) && PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
#define Py_BUILD_CORE 1
#include <Python.h>
#include <internal/pycore_runtime.h>

int bpy_take_main_thread(void)
{
    _PyRuntime.main_thread = PyThread_get_thread_ident();
    return 0;
}
#else
int bpy_take_main_thread(void) { return -1; }
#endif
