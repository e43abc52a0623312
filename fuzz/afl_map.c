/* fuzz/afl_map.c: the interleaving feedback's way into AFL++'s coverage
 * map. In its own file, kept out of AFL++'s instrumentation (afl-denylist):
 * the instrumentation pass defines __afl_area_ptr in every module it
 * instruments, and this module only refers to it. */
#include <stdint.h>

void hr_afl_bump(uint32_t h);

#ifdef __AFL_COMPILER
extern uint8_t *__afl_area_ptr;
extern uint32_t __afl_map_size;

void hr_afl_bump(uint32_t h)
{
    if (__afl_area_ptr && __afl_map_size) {
        uint8_t *c = &__afl_area_ptr[h % __afl_map_size];
        if (*c < 255)
            (*c)++;
    }
}
#else
void hr_afl_bump(uint32_t h) { (void)h; }
#endif
