/* Compile-check stand-in for the SDK's ql_log.h: QL_LOG_PRINTF is the SDK's printf-like
 * macro; here it calls a function of the same shape, so its arguments are checked. */
#ifndef SDK_CHECK_QL_LOG_H
#define SDK_CHECK_QL_LOG_H
typedef enum { QL_LOG_LEVEL_VERBOSE, QL_LOG_LEVEL_DEBUG, QL_LOG_LEVEL_INFO, QL_LOG_LEVEL_WARN, QL_LOG_LEVEL_ERROR } ql_log_level_e;
void ql_log_printf(int level, const char *format, ...) __attribute__((format(printf, 2, 3)));
#define QL_LOG_PRINTF(level, ...) ql_log_printf((level), __VA_ARGS__)
#endif
