/*
 * The charger's IO members on the module (src/hardware.h's port_hardware_*), over the board
 * functions a charger maker fills in (board.h, board.c). A poll task of its own reads the
 * inputs every POLL_MS and the meter every METER_MS — an ADC read and a Modbus round trip may
 * block, the OCPP task must not — keeps the last readings under a mutex, and wakes the OCPP
 * task's select loop with a loopback datagram when a connector's inputs changed; the loop
 * then tells the bundle (host_hardware_changed). The members read the kept readings, so they
 * return at once; the outputs go to the board directly, on the OCPP task.
 *
 * A meter that stops answering keeps its last reading (the register never reads as 0) and
 * raises PowerMeterFailure on the connector's inputs after METER_FAILURES misses in a row.
 *
 * Untested without hardware: the task, the datagram wake-up (as members.c's), the timing.
 */
#include "quectel.h"
#include "board.h"
#include "../../src/hardware.h"
#include "../../src/json_text.h"
#include "../../src/sockets_loop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ql_api_osi.h"
#include "ql_log.h"
#include "sockets.h"

#define POLL_MS 50
#define METER_MS 1000
#define METER_FAILURES 5
#define POLL_STACK (8 * 1024)

typedef struct {
    board_inputs inputs;
    board_meter meter;
    bool meter_read;   /* the meter answered at least once */
    int meter_misses;  /* in a row */
} reading;

static struct {
    int count; /* connectors; 0: no IO, the members are absent */
    board_connector connectors[BOARD_MAX_CONNECTORS];
    ql_mutex_t lock;
    reading now[BOARD_MAX_CONNECTORS];       /* under lock */
    bool changed[BOARD_MAX_CONNECTORS + 1];  /* under lock: inputs changed, not yet told */
    int wake_fd;
    struct sockaddr_in wake_addr;
} W = { .wake_fd = -1 };

bool port_hardware_present(void) { return W.count > 0; }

static bool same_inputs(const board_inputs *a, const board_inputs *b)
{
    return a->plugged == b->plugged && a->ev_requests_energy == b->ev_requests_energy && strcmp(a->error, b->error) == 0 &&
           strcmp(a->vendor_error_code, b->vendor_error_code) == 0 && strcmp(a->id_tag, b->id_tag) == 0;
}

static void poll_task(void *arg)
{
    uint32_t next_meter = 0;
    for (;;) {
        bool any = false, meter_due = ql_rtos_up_time_ms() >= next_meter;
        if (meter_due)
            next_meter = ql_rtos_up_time_ms() + METER_MS;
        for (int i = 0; i < W.count; i++) {
            board_inputs in;
            board_read_inputs(i + 1, &in);
            board_meter m;
            int meter = meter_due ? board_read_meter(i + 1, &m) : 1;
            ql_rtos_mutex_lock(W.lock, QL_WAIT_FOREVER);
            reading *r = &W.now[i];
            if (meter == 0) {
                r->meter = m;
                r->meter_read = true;
                r->meter_misses = 0;
            } else if (meter < 0) {
                r->meter_misses++;
            }
            if (r->meter_misses >= METER_FAILURES && strcmp(in.error, "NoError") == 0) {
                in.error = "PowerMeterFailure";
                snprintf(in.vendor_error_code, sizeof in.vendor_error_code, "METER");
            }
            if (!same_inputs(&in, &r->inputs)) {
                r->inputs = in;
                W.changed[i + 1] = true;
                any = true;
            }
            ql_rtos_mutex_unlock(W.lock);
        }
        if (any && W.wake_fd >= 0)
            sendto(W.wake_fd, "h", 1, 0, (struct sockaddr *)&W.wake_addr, sizeof W.wake_addr);
        ql_rtos_task_sleep_ms(POLL_MS);
    }
}

/* On the OCPP task, when the poll task's datagram arrived: tell the host what changed. */
static void woken(void)
{
    char buf[16];
    while (recv(W.wake_fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
    }
    bool changed[BOARD_MAX_CONNECTORS + 1];
    ql_rtos_mutex_lock(W.lock, QL_WAIT_FOREVER);
    memcpy(changed, W.changed, sizeof changed);
    memset(W.changed, 0, sizeof W.changed);
    ql_rtos_mutex_unlock(W.lock);
    for (int c = 1; c <= W.count; c++)
        if (changed[c])
            host_hardware_changed(c);
}

void quectel_hardware_start(void)
{
    W.count = board_start(W.connectors);
    if (W.count > BOARD_MAX_CONNECTORS)
        W.count = BOARD_MAX_CONNECTORS;
    if (W.count <= 0) {
        W.count = 0;
        QL_LOG_PRINTF(QL_LOG_LEVEL_INFO, "ocpp: the board has no connector IO");
        return;
    }
    ql_rtos_mutex_create(&W.lock);
    for (int i = 0; i < W.count; i++) {
        board_read_inputs(i + 1, &W.now[i].inputs); /* the first reading, before the first boot asks */
        W.now[i].meter_read = board_read_meter(i + 1, &W.now[i].meter) == 0;
    }
    W.wake_fd = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&W.wake_addr, 0, sizeof W.wake_addr);
    W.wake_addr.sin_family = AF_INET;
    W.wake_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof W.wake_addr;
    if (W.wake_fd < 0 || bind(W.wake_fd, (struct sockaddr *)&W.wake_addr, sizeof W.wake_addr) != 0 ||
        getsockname(W.wake_fd, (struct sockaddr *)&W.wake_addr, &size) != 0 || sockets_loop_watch(W.wake_fd, woken) != 0)
        QL_LOG_PRINTF(QL_LOG_LEVEL_ERROR, "ocpp: no wake-up socket for the hardware: input changes reach the bundle only when it reads them");
    ql_task_t task;
    if (ql_rtos_task_create(&task, POLL_STACK, APP_PRIORITY_ABOVE_NORMAL, "ocpp-io", poll_task, NULL, 1) != 0)
        QL_LOG_PRINTF(QL_LOG_LEVEL_ERROR, "ocpp: cannot start the hardware poll task");
}

/* ---- the members' texts ------------------------------------------------------------------ */

char *port_hardware_info(void)
{
    text_buffer b = { 0 };
    puts_(&b, "{\"connectors\":[");
    for (int i = 0; i < W.count; i++) {
        char one[96];
        snprintf(one, sizeof one, "%s{\"maxCurrentA\":%.10g,\"cableLock\":%s}", i ? "," : "", W.connectors[i].max_current_a,
                 W.connectors[i].cable_lock ? "true" : "false");
        puts_(&b, one);
    }
    puts_(&b, "]}");
    return finish(&b);
}

/* A copy of connector 1..n's kept reading; false for a connector the board does not have. */
static bool kept(int connector, reading *out)
{
    if (connector > W.count)
        return false;
    ql_rtos_mutex_lock(W.lock, QL_WAIT_FOREVER);
    *out = W.now[connector - 1];
    ql_rtos_mutex_unlock(W.lock);
    return true;
}

char *port_hardware_inputs(int connector)
{
    reading r;
    if (!kept(connector, &r))
        return NULL;
    const board_inputs in = r.inputs;
    text_buffer b = { 0 };
    puts_(&b, in.plugged ? "{\"plugged\":true" : "{\"plugged\":false");
    puts_(&b, in.ev_requests_energy ? ",\"evRequestsEnergy\":true,\"error\":" : ",\"evRequestsEnergy\":false,\"error\":");
    put_json_string(&b, in.error ? in.error : "NoError");
    puts_(&b, ",\"vendorErrorCode\":");
    put_json_string(&b, in.vendor_error_code);
    puts_(&b, ",\"idTag\":");
    put_json_string(&b, in.id_tag);
    puts_(&b, "}");
    return finish(&b);
}

char *port_hardware_meter(int connector)
{
    reading r;
    if (!kept(connector, &r) || !r.meter_read)
        return NULL; /* never answered: no reading (the bundle logs it) */
    const board_meter m = r.meter;
    char text[200];
    snprintf(text, sizeof text, "{\"energyWh\":%.10g,\"powerW\":%.10g,\"currentA\":%.10g,\"voltageV\":%.10g,\"phases\":%d,\"socPercent\":%d}",
             m.energy_wh, m.power_w, m.current_a, m.voltage_v, m.phases, m.soc_percent);
    return strdup(text);
}

int port_hardware_write(int connector, hardware_output output, double value, char *error, size_t error_size)
{
    if (connector > W.count) {
        snprintf(error, error_size, "no connector %d", connector);
        return -1;
    }
    if (output == HARDWARE_RELAY)
        return board_set_relay(connector, value != 0, error, error_size);
    if (output == HARDWARE_LOCK)
        return board_set_lock(connector, value != 0, error, error_size);
    return board_set_current_limit(connector, value, error, error_size);
}
