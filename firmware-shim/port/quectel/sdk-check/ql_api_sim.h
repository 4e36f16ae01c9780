/* Compile-check stand-in for the SDK's ql_api_sim.h. */
#ifndef SDK_CHECK_QL_API_SIM_H
#define SDK_CHECK_QL_API_SIM_H
#include "ql_type_stubs.h"
typedef enum { QL_SIM_SUCCESS = 0 } ql_sim_errcode_e;
ql_sim_errcode_e ql_sim_get_iccid(uint8_t nSim, char *iccid, size_t iccid_len);
#endif
