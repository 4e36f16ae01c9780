/*
 * Clocks, identity, randomness and log on the module.
 * Untested without hardware: every function here.
 */
#include "quectel.h"
#include "../../src/port.h"

#include <stdint.h>
#include <string.h>

#include "ql_api_dev.h"
#include "ql_api_osi.h"
#include "ql_api_sim.h"
#include "ql_log.h"

static char imei[16];
static char iccid[24];
static uint64_t random_state;

double port_now_ms(void)
{
    ql_timeval_t tv; /* the module's RTC, set by the network (NITZ) or the bundle's setTime */
    ql_gettimeofday(&tv);
    return (double)tv.sec * 1000.0 + (double)(tv.usec / 1000);
}

double port_ticks_ms(void) { return (double)ql_rtos_up_time_ms(); }

void quectel_device_start(void)
{
    if (ql_dev_get_imei(imei, sizeof imei, OCPP_SIM) != QL_DEV_SUCCESS)
        imei[0] = '\0';
    if (ql_sim_get_iccid(OCPP_SIM, iccid, sizeof iccid) != QL_SIM_SUCCESS)
        iccid[0] = '\0'; /* no SIM (yet): the ABI's "" */
    /* Masks and websocket keys need unpredictable, not secret, bytes: seed a xorshift from
     * the chip id and the boot clock. */
    unsigned long long uid = 0;
    ql_dev_get_cpu_uid(&uid);
    random_state = uid ^ ((uint64_t)ql_rtos_up_time_ms() << 32) ^ 0x9E3779B97F4A7C15ull;
}

void port_imei(char out[16]) { memcpy(out, imei, sizeof imei); }
void port_iccid(char out[24]) { memcpy(out, iccid, sizeof iccid); }

void port_random(void *buf, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        random_state ^= random_state << 13;
        random_state ^= random_state >> 7;
        random_state ^= random_state << 17;
        random_state ^= (uint64_t)ql_rtos_up_time_ms(); /* a little jitter from the clock */
        p[i] = (uint8_t)(random_state >> 24);
    }
}

void port_log(int level, const char *source, const char *text)
{
    int ql_level = level >= 40 ? QL_LOG_LEVEL_ERROR : level >= 30 ? QL_LOG_LEVEL_WARN : QL_LOG_LEVEL_INFO;
    QL_LOG_PRINTF(ql_level, "ocpp %s: %s", source, text);
}
