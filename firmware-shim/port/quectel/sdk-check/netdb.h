/* Compile-check stand-in for lwIP's netdb.h as the SDK ships it: getaddrinfo from the
 * system's header, plus the SDK's resolver bound to a data call. */
#ifndef SDK_CHECK_NETDB_H
#define SDK_CHECK_NETDB_H
#include_next <netdb.h>
#include "ql_type_stubs.h"
int getaddrinfo_with_pcid(const char *nodename, const char *servname, const struct addrinfo *hints,
                          struct addrinfo **res, uint32 pcid);
#endif
