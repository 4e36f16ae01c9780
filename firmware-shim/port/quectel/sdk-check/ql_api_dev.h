/* Compile-check stand-in for the SDK's ql_api_dev.h. */
#ifndef SDK_CHECK_QL_API_DEV_H
#define SDK_CHECK_QL_API_DEV_H
#include "ql_type_stubs.h"
typedef enum { QL_DEV_SUCCESS = 0 } ql_errcode_dev_e;
typedef struct {
    uint32 total_size;
    uint32 avail_size;
    uint32 max_block_size;
} ql_memory_pool_state_t;
ql_errcode_dev_e ql_dev_get_imei(char *p_imei, size_t imei_len, uint8_t nSim);
ql_errcode_dev_e ql_dev_get_cpu_uid(unsigned long long *puid);
ql_errcode_dev_e ql_dev_memory_size_query(ql_memory_pool_state_t *mem_state);
#endif
