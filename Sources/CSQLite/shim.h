#pragma once
#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call. Turns off SQLite's memory
 * statistics (a global mutex taken on every allocation); call before any connection. */
static inline int tocsin_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
