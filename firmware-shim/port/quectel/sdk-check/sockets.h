/* Compile-check stand-in for lwIP's sockets.h as the SDK ships it: the BSD socket API from
 * the system's headers (lwIP declares the same), plus the lwIP address helpers the port uses. */
#ifndef SDK_CHECK_SOCKETS_H
#define SDK_CHECK_SOCKETS_H
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>
typedef struct { uint32_t addr; } ip4_addr_t;
typedef struct { uint32_t addr[4]; } ip6_addr_t;
char *ip4addr_ntoa(const ip4_addr_t *addr);
char *ip6addr_ntoa(const ip6_addr_t *addr);
int inet6_aton(const char *cp, struct in6_addr *addr);
#endif
