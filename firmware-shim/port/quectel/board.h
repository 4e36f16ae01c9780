/*
 * The charger's IO on the module: the one file a charger maker fills in (board.c), below
 * the port's hardware members (hardware.c, which turns these into the host ABI's JSON, keeps
 * the readings, and wakes the OCPP task when an input changed).
 *
 * board.c as shipped is a reference wiring of a one-connector AC charger (IEC 61851 mode 3):
 * the control pilot read on an ADC, the contactor and the lock motor on GPIO outputs, the
 * lock's feedback switch and an RCD trip on GPIO inputs, the pilot's PWM (the current
 * offered) on the PWT output, a Modbus RTU energy meter on a UART. Change the pins, the
 * thresholds and the meter's registers to your board's; or replace the functions whole
 * (a CAN or SPI front-end, a meter of another make, an RFID reader). Nothing here is
 * tested without the hardware: the port compiles against the SDK's declarations in CI
 * (quectel-check.mjs), that is all.
 *
 * Threads: board_start runs once on the OCPP task before the first boot; board_read_inputs
 * and board_read_meter run on the hardware poll task (hardware.c) and may block briefly;
 * board_set_* run on the OCPP task, from inside the bundle's hardwareWrite, and must return
 * at once (no waiting for a motor: its feedback is the next input reading).
 */
#ifndef OCPP_BOARD_H
#define OCPP_BOARD_H

#include <stdbool.h>
#include <stddef.h>

#define BOARD_MAX_CONNECTORS 4

typedef struct {
    double max_current_a; /* the most the connector offers (its cable, the supply), A */
    bool cable_lock;      /* false: a fixed cable, or a socket without a lock */
} board_connector;

typedef struct {
    bool plugged;            /* an EV is connected (pilot state B, C or D) */
    bool ev_requests_energy; /* the EV asks for energy (pilot state C or D) */
    const char *error;       /* an OCPP ChargePointErrorCode ("NoError" when fine), a string literal */
    char vendor_error_code[51];
    char id_tag[21];         /* the card at this connector's reader now, "" when none */
} board_inputs;

typedef struct {
    double energy_wh; /* the meter's register: never goes down, kept by the meter itself */
    double power_w, current_a, voltage_v;
    int phases;
    int soc_percent; /* -1: unknown (an AC charger does not learn it) */
} board_meter;

/* Sets up the pins and buses; fills `connectors` and returns how many (0: no IO, the
 * members are then absent and the firmware runs the OCPP side only). */
int board_start(board_connector connectors[BOARD_MAX_CONNECTORS]);
/* The inputs of connector 1..n now. */
void board_read_inputs(int connector, board_inputs *out);
/* The meter of connector 1..n now: 0, or -1 when the meter did not answer. */
int board_read_meter(int connector, board_meter *out);
/* The outputs: 0, or -1 with why in `error`. */
int board_set_relay(int connector, bool closed, char *error, size_t error_size);
int board_set_lock(int connector, bool locked, char *error, size_t error_size);
int board_set_current_limit(int connector, double amps, char *error, size_t error_size);

#endif
