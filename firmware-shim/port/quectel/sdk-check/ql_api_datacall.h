/* Compile-check stand-in for the SDK's ql_api_datacall.h. */
#ifndef SDK_CHECK_QL_API_DATACALL_H
#define SDK_CHECK_QL_API_DATACALL_H
#include "ql_type_stubs.h"
#include "sockets.h"
#define QL_PDP_TYPE_IP 1
typedef struct {
    int profile_idx;
    int ip_version;
    struct { int state; struct { ip4_addr_t ip; ip4_addr_t pri_dns; ip4_addr_t sec_dns; } addr; } v4;
    struct { int state; struct { ip6_addr_t ip; ip6_addr_t pri_dns; ip6_addr_t sec_dns; } addr; } v6;
} ql_data_call_info_s;
int ql_network_register_wait(uint8_t nSim, unsigned int timeout_s);
int ql_set_data_call_asyn_mode(uint8_t nSim, int profile_idx, bool enable);
int ql_start_data_call(uint8_t nSim, int profile_idx, int ip_version, char *apn_name, char *username,
                       char *password, int auth_type);
int ql_get_data_call_info(uint8_t nSim, int profile_idx, ql_data_call_info_s *info);
#endif
